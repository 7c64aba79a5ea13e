"""Answers are rendered as plain dicts for speed; slack_sdk's Block Kit models stay the reference.

For generated replies (long texts, many sections and buttons, mrkdwn-looking input), the dicts must
equal what the models produce, and the models must accept them: their validators enforce Slack's limits.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.slack import render
from handlers.model import Action, Fact, Reply, Section, Status

words = st.lists(
    st.sampled_from([*"abc xyz<>&*_~`@!#\n", "é", "😀", "<!channel>", "<@U1>"]), max_size=20
).map("".join)
long_words = st.one_of(words, st.integers(1490, 1550).map(lambda n: "a&" * n))  # & escapes to 5 characters
label = words.filter(str.strip)
sections = st.builds(
    Section,
    title=words,
    text=long_words,
    bullets=st.lists(words, max_size=3).map(tuple),
    facts=st.lists(st.builds(Fact, label=words, value=words), max_size=2).map(tuple),
)
actions = st.builds(
    Action,
    label=st.one_of(label, st.integers(70, 90).map(lambda n: "é" * n)),
    command=st.sampled_from(["feedback", "escalate", "share", "undo"]),
    text=st.one_of(words, st.integers(1980, 2100).map(lambda n: "t" * n)),
    style=st.sampled_from(["default", "primary", "danger", "odd"]),
)
replies = st.builds(
    Reply,
    status=st.sampled_from(list(Status)),
    headline=long_words,
    sections=st.lists(sections, max_size=60).map(tuple),
    actions=st.lists(actions, max_size=30).map(tuple),
    footer=words,
)


def by_models(reply: Reply, extra: tuple[Action, ...] = ()) -> list[dict]:
    """The same answer built with slack_sdk's models: what render.message must equal."""
    clip = render._clip
    blocks = [
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(f"{render.ICON[reply.status]} *{render.escape(reply.headline)}*", 3000)
            )
        )
    ]
    body = [render.section_mrkdwn(s) for s in reply.sections]
    actions = (*reply.actions, *extra)
    room = 50 - 1 - (1 if reply.footer else 0) - (1 if actions else 0)
    shown = body[: max(room - 1, 0)] if len(body) > room else body
    blocks += [SectionBlock(text=MarkdownTextObject(text=clip(t, 3000))) for t in shown if t]
    if len(shown) < len(body):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {len(body) - len(shown)} more")]))
    # At most three buttons (and any whose value is too long for a menu option), danger ones last; the
    # rest in a "More…" select.
    ordered = sorted(actions, key=lambda a: a.style == "danger")
    values = [json.dumps({"c": a.command, "t": a.text}, ensure_ascii=False)[:2000] for a in ordered]
    as_buttons = [i for i in range(len(ordered)) if i < 3 or len(values[i]) > 150]
    in_menu = [i for i in range(len(ordered)) if i not in as_buttons]
    elements = [
        ButtonElement(
            text=PlainTextObject(text=clip(ordered[i].label, 75), emoji=True),
            action_id=f"aiguide_{i}",
            value=values[i],
            style=ordered[i].style if ordered[i].style in ("primary", "danger") else None,
        )
        for i in as_buttons[: 25 - (1 if in_menu else 0)]
    ]
    if in_menu:
        elements.append(
            StaticSelectElement(
                placeholder=PlainTextObject(text="More…", emoji=True),
                action_id=f"aiguide_{len(ordered)}",
                options=[Option(text=PlainTextObject(text=clip(ordered[i].label, 75), emoji=True), value=values[i])
                         for i in in_menu[:100]],
            )
        )  # fmt: skip
    if elements:
        blocks.append(ActionsBlock(elements=elements))
    if reply.footer:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=clip(render.escape(reply.footer), 3000))])
        )
    return [b.to_dict() for b in blocks]  # raises SlackObjectFormationError past a limit


@settings(max_examples=150, deadline=None)
@given(replies, st.lists(actions, max_size=2).map(tuple))
def test_answers_equal_what_the_block_kit_models_build(reply, extra):
    message = render.message(reply, extra_actions=extra)
    assert message.blocks == by_models(reply, extra)
    assert len(message.blocks) <= 50
    assert len(message.text) <= 3000


def test_a_typical_answer_with_buttons():
    reply = Reply(
        status=Status.CONDITIONAL,
        headline="Only in ChatGPT Enterprise <b>",
        sections=(Section(title="Why", text="Client data *stays* in approved tools."),),
        actions=(
            Action("👍 Helpful", "feedback", "up slack:1"),
            Action("Ask a human", "escalate", "slack:1", "primary"),
        ),
        footer="Policy 2026.1",
    )
    blocks = render.message(reply).blocks
    assert blocks == by_models(reply)
    assert blocks[0]["text"]["text"].endswith("*Only in ChatGPT Enterprise &lt;b&gt;*")
    assert [b["type"] for b in blocks] == ["section", "section", "actions", "context"]
    assert blocks[2]["elements"][1]["style"] == "primary" and "style" not in blocks[2]["elements"][0]
