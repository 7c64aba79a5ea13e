"""Reply → Block Kit (built with slack_sdk's models, so Slack's limits are checked as we build).

Every string in a Reply is plain text: it is escaped here, and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
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
FORM_CALLBACK = "aiguide_form"
ACTION_PREFIX = "aiguide_"


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


def message(reply: Reply, *, extra_actions: tuple[Action, ...] = ()) -> Message:
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=_clip(f"{ICON[reply.status]} *{escape(reply.headline)}*", MAX_SECTION)
            )
        )
    ]
    body = [section_mrkdwn(s) for s in reply.sections]
    room = (
        MAX_BLOCKS - 1 - (1 if reply.footer else 0) - _action_blocks(len(reply.actions) + len(extra_actions))
    )
    shown = body[: max(room - 1, 0)] if len(body) > room else body
    for text in shown:
        if text:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=_clip(text, MAX_SECTION))))
    if len(shown) < len(body):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {len(body) - len(shown)} more")]))
    actions = (*reply.actions, *extra_actions)
    for start in range(0, len(actions), MAX_BUTTONS):
        blocks.append(
            ActionsBlock(
                elements=[_button(a, start + i) for i, a in enumerate(actions[start : start + MAX_BUTTONS])]
            )
        )
    if reply.footer:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=_clip(escape(reply.footer), MAX_SECTION))])
        )
    return Message(text=_clip(escape(reply.headline), 3000), blocks=[b.to_dict() for b in blocks])


def _action_blocks(count: int) -> int:
    return (count + MAX_BUTTONS - 1) // MAX_BUTTONS


def _button(action: Action, index: int) -> ButtonElement:
    value = json.dumps({"c": action.command, "t": action.text}, ensure_ascii=False)
    return ButtonElement(
        text=_plain(action.label, 75),
        action_id=f"{ACTION_PREFIX}{index}",
        value=value[:2000],
        style=action.style if action.style in ("primary", "danger") else None,
    )


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
        private_metadata=json.dumps({"c": form.command, **(metadata or {})})[:3000],
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


def home_view(reply: Reply) -> dict:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{escape(reply.headline)}*"))]
    for section in reply.sections[: MAX_BLOCKS // 2 - 2]:
        blocks.append(DividerBlock())
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_clip(section_mrkdwn(section), MAX_SECTION))))
    if reply.footer:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=_clip(escape(reply.footer), MAX_SECTION))])
        )
    return View(type="home", blocks=blocks).to_dict()
