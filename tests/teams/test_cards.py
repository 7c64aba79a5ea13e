"""Every card validates against the official Adaptive Cards 1.5 schema, fits Teams' size limit, and
shows what people typed as text, never as markdown links or mentions."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from bot.teams import render
from handlers.model import Action, Fact, Form, FormField, Reply, Section, Status

from .test_teams_http import card_of, runs

HOSTILE = "[click](https://evil.example) <at>Everyone</at> **bold** <!channel> <@U123> &amp; ![x](https://evil.example/p.png)"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text())
    return jsonschema.Draft6Validator(schema)


def markdown_fields(card) -> list[str]:
    """Strings Teams would read as markdown: TextBlock text and FactSet titles and values."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node.get("text", ""))
            if node.get("type") == "FactSet":
                found.extend(f["title"] + f["value"] for f in node.get("facts", []))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


REPLIES = [
    Reply(status=status, headline=f"{status} {HOSTILE}",
          sections=(Section(title=HOSTILE, text=HOSTILE, bullets=(HOSTILE,), facts=(Fact(HOSTILE, HOSTILE),)),),
          actions=(Action(HOSTILE, "request", HOSTILE),), footer=HOSTILE)
    for status in Status
]  # fmt: skip


@pytest.mark.parametrize("reply", REPLIES)
def test_cards_validate_and_keep_text_inert(validator, reply):
    card = render.card(reply)
    assert list(validator.iter_errors(card)) == []
    assert markdown_fields(card) == []
    assert HOSTILE in runs(card)


def test_huge_replies_are_trimmed_under_the_size_limit(validator):
    reply = Reply(status=Status.INFO, headline="h",
                  sections=tuple(Section(title=f"s{i}", text="x" * 900) for i in range(100)), footer="f")  # fmt: skip
    card = render.card(reply)
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= 28 * 1024
    assert list(validator.iter_errors(card)) == []
    assert runs(card)[-2].startswith("…and ") and runs(card)[-2].endswith(" more")


def test_form_card_validates(validator):
    form = Form(command="win", title="Log an AI win", fields=(
        FormField("minutes", "Time saved", required=True, value="ages", error="Write the time saved"),
        FormField("tool", "Tool", kind="choice", choices=(("a", "A"), ("b", "B")), value="b"),
        FormField("share", "Share", kind="checkbox", value="true"),
        FormField("task", HOSTILE, kind="long_text", hint="e.g."),
    ))  # fmt: skip
    card = render.form_card(form, intro=HOSTILE, headline="Log an AI win")
    assert list(validator.iter_errors(card)) == []
    assert "Write the time saved" in runs(card)
    assert render.submitted({**card["actions"][0]["data"], "minutes": "45m", "share": "true"}) == (
        "win", "", {"minutes": "45m", "share": "true"},
    )  # fmt: skip


async def test_hostile_text_through_questions_wins_and_tools(teams, validator):
    for text in (f"can I paste {HOSTILE} into ChatGPT?", f"win 30m summarized {HOSTILE} with Copilot -> {HOSTILE}",
                 f"win 20m drafted notes with {HOSTILE}", f"request {HOSTILE} because {HOSTILE}", "win list",
                 "requests", f"tools {HOSTILE}"):  # fmt: skip
        await teams.say(text)
    for sent in await teams.connector.wait(7):
        card = card_of(sent)
        assert list(validator.iter_errors(card)) == []
        assert markdown_fields(card) == []


def _coloured_runs(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "TextRun" and node.get("color") not in (None, "Default"):
            found.append(f"{node['color']}: {node['text']}")
        for value in node.values():
            found += _coloured_runs(value)
    elif isinstance(node, list):
        for value in node:
            found += _coloured_runs(value)
    return found


@pytest.mark.parametrize("status", list(Status))
def test_the_verdict_is_a_tinted_container_with_default_text_never_pale_coloured_text(validator, status):
    """Teams' "Good" and "Warning" text colours on a white card are 2.07:1 and 1.47:1; the theme draws a
    container's style with a readable text colour on it, in light, dark and high contrast."""
    card = render.card(Reply(status=status, headline="Yes, you can use ChatGPT Enterprise for this."))
    validator.validate(card)
    head = card["body"][0]
    assert head["type"] == "Container" and head["style"] == render.STYLE[status]
    assert _coloured_runs(card) == []


def test_a_win_confirmation_shows_three_buttons_and_the_rest_in_the_menu_with_undo_never_first(validator):
    actions = (
        Action("Undo", "win", "delete 3", style="danger"),
        *(Action(label, "win", f"outcome 3 {label}") for label in
          ("Revenue", "Client service", "Wellbeing", "Speed to delivery", "Quality", "Cost", "Risk reduction", "Learning")),
    )  # fmt: skip
    card = render.card(Reply(status=Status.SUCCESS, headline="Logged win #3", actions=actions))
    validator.validate(card)
    shown = [a["title"] for a in card["actions"] if a.get("mode") != "secondary"]
    menu = [a["title"] for a in card["actions"] if a.get("mode") == "secondary"]
    assert shown == ["Revenue", "Client service", "Wellbeing"]
    assert len(menu) == 6 and menu[-1] == "Undo"
