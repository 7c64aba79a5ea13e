"""Reply → Block Kit: forms and views with slack_sdk's models (so Slack's limits are checked as we build),
answers as plain dicts (see `message`).

Every string in a Reply is plain text: it is escaped here, and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.icons import STATUS_ICON
from bot.slack.text import escape
from handlers.model import Action, Form, FormField, Reply, Section

ICON = STATUS_ICON
MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_BUTTONS = 25
PRIMARY_BUTTONS = 3  # more buttons than this in a row are cut on a phone; the rest go in "More…"
MAX_OPTION_VALUE = 150  # Slack's limit on a select option's value
FORM_CALLBACK = "aiguide_form"
ACTION_PREFIX = "aiguide_"
FEEDBACK_ACTION = 99  # the feedback buttons' action id: numbered like the buttons, so one listener takes both


@dataclass(frozen=True)
class Message:
    text: str  # the notification / fallback text
    blocks: list[dict]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=_clip(text, limit), emoji=True)


def section_mrkdwn(section: Section) -> str:
    lines = []
    if section.title:
        lines.append(f"*{escape(section.title)}*")
    if section.text:
        lines.append(escape(section.text))
    lines += [f"• {escape(b)}" for b in section.bullets]
    lines += [f"*{escape(f.label)}*: {escape(f.value)}" for f in section.facts]
    return "\n".join(lines)


def message(
    reply: Reply, *, extra_actions: tuple[Action, ...] = (), native_feedback: bool = False
) -> Message:
    """An answer as Block Kit JSON.

    Every answer goes through here, so it is built as plain dicts: slack_sdk's models validate each
    object again on every to_dict(), which cost more CPU than deciding the answer. The limits the
    models check are applied here (clipping), and tests/slack/test_slack_blocks.py holds the output
    equal to the models' for generated replies.
    """
    actions = (*reply.actions, *extra_actions)
    feedback = _feedback_pair(actions) if native_feedback else None
    if feedback:
        actions = tuple(a for a in actions if a not in feedback)
    blocks: list[dict] = [_mrkdwn_section(f"{ICON[reply.status]} *{escape(reply.headline)}*")]
    body = [section_mrkdwn(s) for s in reply.sections]
    room = MAX_BLOCKS - 1 - (1 if reply.footer else 0) - _action_blocks(len(actions)) - (1 if feedback else 0)
    shown = body[: max(room - 1, 0)] if len(body) > room else body
    blocks += [_mrkdwn_section(text) for text in shown if text]
    if len(shown) < len(body):
        blocks.append(_context(f"…and {len(body) - len(shown)} more"))
    blocks += _action_rows(actions)
    if feedback:
        blocks.append(_feedback_block(*feedback))
    if reply.footer:
        blocks.append(_context(escape(reply.footer)))
    return Message(text=_clip(escape(reply.headline), 3000), blocks=blocks)


def _mrkdwn_section(text: str) -> dict:
    return {"text": {"text": _clip(text, MAX_SECTION), "type": "mrkdwn"}, "type": "section"}


def _context(text: str) -> dict:
    return {"elements": [{"text": _clip(text, MAX_SECTION), "type": "mrkdwn"}], "type": "context"}


def _action_blocks(count: int) -> int:
    return 1 if count else 0


def _action_rows(actions: tuple[Action, ...]) -> list[dict]:
    """At most three buttons, Undo and other "danger" actions never first; the rest in a "More…" menu
    beside them (a select: its options carry the same values the buttons would)."""
    if not actions:
        return []
    ordered = sorted(actions, key=lambda a: a.style == "danger")
    values = [_value(a) for a in ordered]
    buttons = [i for i in range(len(ordered)) if i < PRIMARY_BUTTONS or len(values[i]) > MAX_OPTION_VALUE]
    rest = [i for i in range(len(ordered)) if i not in buttons]
    elements = [_button(ordered[i], i) for i in buttons[: MAX_BUTTONS - (1 if rest else 0)]]
    if rest:
        options = [
            {
                "text": {"emoji": True, "text": _clip(ordered[i].label, 75), "type": "plain_text"},
                "value": values[i],
            }
            for i in rest[:100]
        ]
        elements.append(
            {
                "action_id": f"{ACTION_PREFIX}{len(ordered)}",
                "options": options,
                "placeholder": {"emoji": True, "text": "More…", "type": "plain_text"},
                "type": "static_select",
            }
        )
    return [{"elements": elements, "type": "actions"}]


def _feedback_pair(actions: tuple[Action, ...]) -> tuple[Action, Action] | None:
    up = next((a for a in actions if a.command == "feedback" and a.text.startswith("up ")), None)
    down = next((a for a in actions if a.command == "feedback" and a.text.startswith("down ")), None)
    return (up, down) if up and down else None


def _feedback_block(up: Action, down: Action) -> dict:
    """Slack's own thumbs (a context_actions block), which the AI-app view offers for rating an answer;
    a click sends the chosen button's value like any button's."""

    def button(action: Action, label: str) -> dict:
        return {
            "accessibility_label": label,
            "text": {"emoji": True, "text": _clip(action.label, 75), "type": "plain_text"},
            "value": _value(action),
        }

    return {
        "elements": [
            {
                "action_id": f"{ACTION_PREFIX}{FEEDBACK_ACTION}",
                "negative_button": button(down, "This answer did not help"),
                "positive_button": button(up, "This answer helped"),
                "type": "feedback_buttons",
            }
        ],
        "type": "context_actions",
    }


def _value(action: Action) -> str:
    return json.dumps({"c": action.command, "t": action.text}, ensure_ascii=False)[:2000]


def _button(action: Action, index: int) -> dict:
    value = _value(action)
    button = {
        "action_id": f"{ACTION_PREFIX}{index}",
        "text": {"emoji": True, "text": _clip(action.label, 75), "type": "plain_text"},
        "type": "button",
        "value": value,
    }
    if action.style in ("primary", "danger"):
        button["style"] = action.style
    return button


def decode_action(value: str) -> tuple[str, str]:
    data = json.loads(value)
    return str(data["c"]), str(data.get("t", ""))


def modal(form: Form, *, metadata: dict | None = None, intro: str = "") -> dict:
    blocks: list[Block] = []
    if intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_clip(escape(intro), MAX_SECTION))))
    blocks += [_input(field) for field in form.fields]
    view = View(
        type="modal",
        callback_id=FORM_CALLBACK,
        title=_plain(form.title, 24),
        submit=_plain(form.submit_label, 24),
        close=_plain("Cancel", 24),
        private_metadata=json.dumps(
            {"c": form.command, **({"h": dict(form.hidden)} if form.hidden else {}), **(metadata or {})}
        )[:3000],
        blocks=blocks,
    )
    return view.to_dict()


def waiting_modal(title: str) -> dict:
    """Opened at once while the real form is being prepared: a trigger id is good for 3 seconds only."""
    view = View(
        type="modal",
        title=_plain(title, 24),
        close=_plain("Cancel", 24),
        blocks=[SectionBlock(text=MarkdownTextObject(text="Getting the form ready…"))],
    )
    return view.to_dict()


def _input(field: FormField) -> InputBlock:
    element: object
    if field.kind == "choice":
        options = [Option(value=value[:150], text=_plain(label, 75)) for value, label in field.choices[:100]]
        initial = next((o for o in options if o.value == field.value), None)
        element = StaticSelectElement(
            action_id="value", options=options, initial_option=initial, placeholder=_plain("Choose…", 150)
        )
    elif field.kind == "checkbox":
        option = Option(value="true", text=_plain(field.label, 75))
        element = CheckboxesElement(
            action_id="value", options=[option], initial_options=[option] if field.value == "true" else None
        )
    else:
        element = PlainTextInputElement(
            action_id="value", multiline=field.kind == "long_text", initial_value=field.value[:3000] or None
        )
    return InputBlock(
        block_id=field.name,
        label=_plain(field.label, 2000),
        element=element,
        optional=not field.required,
        hint=_plain(field.hint, 2000) if field.hint else None,
    )


def form_errors(form: Form) -> dict[str, str]:
    return {f.name: _clip(f.error, 150) for f in form.fields if f.error}


def suggested_prompts(kb) -> list[dict[str, str]]:
    """The AI-app view's prompts, from the knowledge base in force: its first approved tool, its first
    use case, logging a win (Slack shows up to four)."""
    approved = next((t.name for t in kb.tools if t.status == "approved"), None)
    prompts = []
    if approved:
        prompts.append(
            {"title": f"{approved} with client data?", "message": f"Can I use {approved} with client data?"}
        )
    if kb.use_cases:
        use = kb.use_cases[0].name.lower()
        prompts.append({"title": f"What can I use for {use}?", "message": f"What can I use for {use}?"})
    prompts.append({"title": "What tools are approved?", "message": "tools"})
    prompts.append({"title": "Log an AI win", "message": "win"})
    return prompts[:4]


def home_view(reply: Reply) -> dict:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{escape(reply.headline)}*"))]
    for section in reply.sections[: MAX_BLOCKS // 2 - 2]:
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_clip(section_mrkdwn(section), MAX_SECTION))))
    view = View(type="home", blocks=blocks).to_dict()
    if reply.actions:
        # The start page's own buttons (log a win, ask), above everything else.
        buttons = [_button(a, i) for i, a in enumerate(reply.actions[:5])]
        view["blocks"].insert(1, {"type": "actions", "elements": buttons})
    if reply.footer:
        view["blocks"].append(
            ContextBlock(
                elements=[MarkdownTextObject(text=_clip(escape(reply.footer), MAX_SECTION))]
            ).to_dict()
        )
    return view
