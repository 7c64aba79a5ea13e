"""Reply → Adaptive Card 1.5 (the version Teams desktop renders), with a plain-text fallback.

Text people typed or the knowledge base holds goes into RichTextBlock TextRuns, which Teams shows
verbatim: TextBlock and FactSet text is markdown, where a crafted [link](...) would become live.
"""

from __future__ import annotations

import json

from bot.console.render import to_plain
from bot.icons import STATUS_ICON
from handlers.model import Action, Chart, Form, FormField, Reply, Section, Status

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_CARD_BYTES = 27_000  # Teams refuses messages over about 28 KB
ICON = STATUS_ICON
# The verdict is shown by the headline's container style (a tint each Teams theme draws with readable
# text on it), its icon and its words; coloured text ("Good" green, "Warning" yellow) on a white card
# falls far below 4.5:1, so no answer text is coloured.
STYLE = {Status.ALLOWED: "good", Status.SUCCESS: "good", Status.CONDITIONAL: "warning", Status.NOT_ALLOWED: "attention",
         Status.ERROR: "attention", Status.UNKNOWN_TOOL: "accent", Status.INFO: "emphasis"}  # fmt: skip
# Teams shows about six buttons in a row and cuts their labels long before that: the first three are
# buttons, the rest go in the card's "…" menu (Adaptive Cards 1.5 `mode: secondary`).
PRIMARY_ACTIONS = 3
SUBMIT_KEY = "aiguide"


def text(value: str, *, weight: str | None = None, size: str | None = None, colour: str | None = None,
         subtle: bool = False, spacing: str | None = None) -> dict:  # fmt: skip
    run: dict = {"type": "TextRun", "text": value}
    if weight:
        run["weight"] = weight
    if size:
        run["size"] = size
    if colour:
        run["color"] = colour
    if subtle:
        run["isSubtle"] = True
    block: dict = {"type": "RichTextBlock", "inlines": [run]}
    if spacing:
        block["spacing"] = spacing
    return block


def _section(section: Section) -> list[dict]:
    body: list[dict] = []
    if section.title:
        body.append(text(section.title, weight="Bolder", spacing="Medium"))
    if section.text:
        body.append(text(section.text))
    body += [text(f"• {b}") for b in section.bullets]
    for fact in section.facts:
        body.append(
            {
                "type": "ColumnSet",
                "columns": [
                    {"type": "Column", "width": "auto", "items": [text(fact.label, weight="Bolder")]},
                    {"type": "Column", "width": "stretch", "items": [text(fact.value)]},
                ],
            }
        )
    return body


def _submit(action: Action, *, secondary: bool = False) -> dict:
    submit = {
        "type": "Action.Submit",
        "title": action.label[:80],
        "data": {SUBMIT_KEY: {"c": action.command, "t": action.text}},
    }
    if secondary:
        submit["mode"] = "secondary"
    return submit


def _actions(actions: list[Action]) -> list[dict]:
    """Undo and other "danger" actions are never first; past three, the rest are in the "…" menu."""
    ordered = sorted(actions, key=lambda a: a.style == "danger")
    return [_submit(a, secondary=i >= PRIMARY_ACTIONS) for i, a in enumerate(ordered)]


def chart(data: Chart) -> dict:
    """Teams' own stacked bar chart, labelled; clients that cannot draw it show every bar as a line.
    Chart elements are outside the Adaptive Cards schema: tests check the fields against the Teams
    card models instead."""
    rows = [
        {
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "width": "auto", "items": [text(label, weight="Bolder")]},
                {"type": "Column", "width": "stretch", "items": [text(f"{total:,.1f} {data.unit}".strip())]},
            ],
        }
        for label, total in zip(data.categories, data.totals(), strict=True)
    ]
    return {
        "type": "Chart.VerticalBar.Grouped",
        "title": data.title,
        "stacked": True,
        "showLegend": True,
        "xAxisTitle": "Week",
        "yAxisTitle": data.unit.capitalize(),
        "colorSet": "categorical",
        "data": [
            {
                "legend": name,
                "values": [{"x": x, "y": round(y, 2)} for x, y in zip(data.categories, values, strict=True)],
            }
            for name, values in data.series
        ],
        "fallback": {"type": "Container", "items": [text(data.title, weight="Bolder"), *rows]},
    }


def card(reply: Reply) -> dict:
    """The card, trimmed (whole sections, then buttons) until it fits Teams' size limit."""
    sections = list(reply.sections)
    actions = list(reply.actions)
    dropped = 0
    while True:
        built = _card(reply, sections, actions, dropped)
        if len(json.dumps(built, ensure_ascii=False).encode()) <= MAX_CARD_BYTES or not (sections or actions):
            return built
        if sections:
            sections.pop()
            dropped += 1
        else:
            actions.pop()


def _card(reply: Reply, sections: list[Section], actions: list[Action], dropped: int) -> dict:
    body = [
        {
            "type": "Container",
            "style": STYLE[reply.status],
            "bleed": True,
            "items": [text(f"{ICON[reply.status]} {reply.headline}", weight="Bolder", size="Medium")],
        }
    ]
    for index, section in enumerate(sections):
        body += _section(section)
        if index == 0 and reply.chart is not None:
            body.append(chart(reply.chart))
    if dropped:
        body.append(text(f"…and {dropped} more", subtle=True))
    if reply.footer:
        body.append(text(reply.footer, size="Small", subtle=True, spacing="Medium"))
    result = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "fallbackText": to_plain(reply)[:2000],
        "body": body,
    }
    if actions:
        result["actions"] = _actions(actions)
    return result


def form_card(form: Form, *, intro: str = "", headline: str = "") -> dict:
    body: list[dict] = []
    if headline:
        body.append(text(headline, weight="Bolder", size="Medium"))
    if intro:
        body.append(text(intro, subtle=True))
    for field in form.fields:
        body.append(_input(field))
        if field.error:
            body.append(text(field.error, colour="Attention", size="Small"))
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "fallbackText": f"{form.title}: your Teams client cannot show this form; type `win 45m what you did` instead.",
        "body": body,
        "actions": [
            {
                "type": "Action.Submit",
                "title": form.submit_label,
                "data": {SUBMIT_KEY: {"c": form.command, "form": True, "h": dict(form.hidden)}},
            }
        ],
    }


def _input(field: FormField) -> dict:
    label = field.label
    if field.kind == "choice":
        element: dict = {
            "type": "Input.ChoiceSet",
            "style": "compact",
            "choices": [{"title": title, "value": value} for value, title in field.choices],
        }
        if field.value:
            element["value"] = field.value
    elif field.kind == "checkbox":
        element = {"type": "Input.Toggle", "title": label, "valueOn": "true", "valueOff": "false",
                   "value": "true" if field.value == "true" else "false"}  # fmt: skip
    else:
        element = {"type": "Input.Text", "isMultiline": field.kind == "long_text", "maxLength": 2000}
        if field.value:
            element["value"] = field.value
        if field.hint:
            element["placeholder"] = field.hint
    element.update(id=field.name, label=label, isRequired=field.required)
    if field.required:
        element["errorMessage"] = f"{field.label} is required"
    return element


def submitted(value: dict | None) -> tuple[str, str, dict[str, str]] | None:
    """(command, text, form values) from a card submission, or None when it is not one of ours."""
    if not isinstance(value, dict) or not isinstance(value.get(SUBMIT_KEY), dict):
        return None
    meta = value[SUBMIT_KEY]
    form = (
        {k: str(v) for k, v in value.items() if k != SUBMIT_KEY and not isinstance(v, dict | list)}
        if meta.get("form")
        else {}
    )
    if meta.get("form") and isinstance(meta.get("h"), dict):
        form = {**{str(k): str(v) for k, v in meta["h"].items()}, **form}
    return str(meta.get("c", "")), str(meta.get("t", "")), form
