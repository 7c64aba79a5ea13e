"""Logging wins as a person would: one line, the form, list, undo, edit, and my totals."""

from __future__ import annotations

import itertools

from sqlmodel import select

from handlers.commands import build_router
from handlers.model import Actor, Address, Platform, Request, Status
from storage.models import Person, Win

ANA = Actor(user_id="U_ANA", display_name="Ana Lima", email="ana.lima@brightline.example")
BEN = Actor(user_id="U_BEN", display_name="Ben Okafor", email="ben@brightline.example")
_ids = itertools.count(1)


async def say(
    services, text: str = "", actor: Actor = ANA, form: dict | None = None, request_id: str | None = None
):
    request = Request(
        platform=Platform.SLACK,
        actor=actor,
        address=Address(platform=Platform.SLACK, channel="D1"),
        text=text,
        command="win" if form is not None else None,
        form=form or {},
        request_id=request_id or f"req-{next(_ids)}",
    )
    return await build_router().dispatch(request, services)


def rows(services, model):
    with services.database.session() as session:
        return list(session.exec(select(model)))


def facts(reply) -> dict[str, str]:
    return {f.label: f.value for s in reply.sections for f in s.facts}


async def test_log_list_undo_and_totals(db_services):
    logged = await say(
        db_services, "win 45m drafted the RFP response with Copilot -> sent to the client two days early"
    )
    assert logged.status == Status.SUCCESS
    assert logged.headline == "Logged win #1: 45 min saved with Microsoft 365 Copilot."
    assert facts(logged)["Led to"] == "sent to the client two days early (Client service)"
    assert [(a.label, a.command, a.text) for a in logged.actions] == [("Undo", "win", "delete 1")]

    await say(db_services, "win 1h30 summarized the board pack with ChatGPT #quality")
    listed = await say(db_services, "win list")
    assert listed.headline == "Your last 2 wins"
    assert list(facts(listed)) == ["#2 · 2026-11-26", "#1 · 2026-11-26"]
    assert facts(listed)["#2 · 2026-11-26"].startswith("1 h 30 min · summarized the board pack with ChatGPT")

    me = await say(db_services, "me")
    assert facts(me)["This week"] == "2 wins, 2.2 h saved"
    assert facts(me)["Top outcomes"] == "Quality (1.5 h), Client service (0.8 h)"

    undone = await say(db_services, "win undo")
    assert undone.headline.startswith("Removed win #2: 1 h 30 min · summarized the board pack")
    me = await say(db_services, "me")
    assert facts(me)["This week"] == "1 win, 0.8 h saved"
    assert [w.id for w in rows(db_services, Win)] == [1]


async def test_win_without_outcome_asks_once_with_one_click_categories(db_services):
    reply = await say(db_services, "win 20m proofread the newsletter with Grammarly")
    titles = [s.title for s in reply.sections]
    assert "What did the saved time go to?" in titles
    buttons = [(a.label, a.text) for a in reply.actions if a.text.startswith("outcome")]
    assert ("Client service", "outcome 1 client_service") in buttons and len(buttons) == 8
    clicked = await say(db_services, "win outcome 1 quality")
    assert clicked.headline == "Updated win #1."
    assert rows(db_services, Win)[0].outcome_category == "quality"


async def test_edit_changes_only_what_is_said(db_services):
    await say(db_services, "win 45m drafted the RFP response with Copilot")
    edited = await say(db_services, "win edit 1 -> the client signed the renewal")
    assert edited.headline == "Updated win #1."
    (win,) = rows(db_services, Win)
    assert (win.minutes, win.task, win.outcome, win.outcome_category) == (
        45, "drafted the RFP response with Copilot", "the client signed the renewal", "revenue",
    )  # fmt: skip
    await say(db_services, "win edit 1 30m #share")
    (win,) = rows(db_services, Win)
    assert (win.minutes, win.share, win.outcome) == (30, True, "the client signed the renewal")


async def test_only_the_author_may_change_a_win(db_services):
    await say(db_services, "win 45m drafted the memo with ChatGPT")
    for text in ("win delete 1", "win edit 1 10m", "win outcome 1 cost"):
        reply = await say(db_services, text, actor=BEN)
        assert reply.status == Status.ERROR and reply.headline == "I can't find win #1 among yours."
    (win,) = rows(db_services, Win)
    assert (win.minutes, win.outcome_category) == (45, None)
    nothing = await say(db_services, "win undo", actor=BEN)
    assert nothing.headline == "You have no wins to undo."


async def test_rejections_save_nothing_and_show_an_example(db_services):
    for text in ("win drafted a memo", "win 0m memo", "win 41h memo", "win 30m memo on 2030-01-01"):
        reply = await say(db_services, text)
        assert reply.status == Status.ERROR and reply.headline == "That win was not saved."
    assert (
        "win 45m drafted the RFP response" in (await say(db_services, "win drafted a memo")).sections[0].text
    )
    assert rows(db_services, Win) == []


async def test_retried_request_stores_one_row(db_services):
    first = await say(db_services, "win 45m drafted the memo with ChatGPT", request_id="evt-1")
    again = await say(db_services, "win 45m drafted the memo with ChatGPT", request_id="evt-1")
    assert first.headline.startswith("Logged win #1")
    assert again.headline.startswith("Already logged as win #1")
    assert len(rows(db_services, Win)) == 1


async def test_unknown_tool_is_flagged_to_the_user(db_services):
    reply = await say(db_services, "win 20m summarized a report with FooBar AI")
    assert any("“FooBar AI” is not on the approved-tools list" in s.text for s in reply.sections)
    (win,) = rows(db_services, Win)
    assert (win.tool_name, win.tool_known) == ("FooBar AI", False)


async def test_form_round_trip_and_department_asked_once(db_services):
    blank = await say(db_services, "win")
    assert blank.form is not None and blank.form.command == "win"
    names = [f.name for f in blank.form.fields]
    assert names[:5] == ["minutes", "tool", "tool_other", "use_case", "task"] and names[-1] == "department"

    bad = await say(
        db_services, form={"minutes": "ages", "tool": "nonsense", "task": "", "department": "Legal"}
    )
    assert bad.status == Status.ERROR and bad.form is not None
    errors = {f.name: f.error for f in bad.form.fields if f.error}
    assert set(errors) == {"minutes", "tool", "task"}
    assert errors["minutes"] == "Write the time saved, e.g. 45m, 1h30 or 1.5h."
    assert next(f for f in bad.form.fields if f.name == "minutes").value == "ages"  # kept for correction
    assert rows(db_services, Win) == []

    good = await say(
        db_services,
        form={
            "minutes": "1h30", "tool": "m365-copilot", "use_case": "meeting-notes", "task": "minutes of the steering call",
            "outcome_category": "speed", "outcome": "sent the same day", "share": "true", "department": "Legal",
        },
    )  # fmt: skip
    assert good.headline == "Logged win #1: 1 h 30 min saved with Microsoft 365 Copilot."
    (win,) = rows(db_services, Win)
    assert (win.minutes, win.tool_id, win.use_case, win.share, win.department) == (
        90, "m365-copilot", "meeting-notes", True, "Legal",
    )  # fmt: skip
    again = await say(db_services, "win")
    assert "department" not in [f.name for f in again.form.fields]


async def test_form_rejects_too_many_hours(db_services):
    reply = await say(db_services, form={"minutes": "41h", "task": "migrated the wiki"})
    assert "40 hours at most" in next(f.error for f in reply.form.fields if f.name == "minutes")


async def test_department_from_me_and_from_the_directory(db_services):
    assert (await say(db_services, "me department Finance")).headline == "Got it: you are in Finance."
    await say(db_services, "win 30m drafted the memo with ChatGPT")
    assert rows(db_services, Win)[0].department == "Finance"
    assert [p.department for p in rows(db_services, Person)] == ["Finance"]

    from handlers.services import Directory, DirectoryEntry

    db_services.directory = Directory(
        {"ben@brightline.example": DirectoryEntry("Engineering", frozenset({"engineering"}))}
    )
    refused = await say(db_services, "me department Sales", actor=BEN)
    assert refused.headline == "The people directory lists you in Engineering."
    await say(db_services, "win 1h wrote code with GitHub Copilot", actor=BEN)
    assert sorted(w.department for w in rows(db_services, Win)) == ["Engineering", "Finance"]


async def test_reminder_preference(db_services):
    assert (await say(db_services, "me reminders on")).status == Status.SUCCESS
    assert facts(await say(db_services, "me"))["Weekly reminder"] == "on"
    assert (await say(db_services, "me reminders sometimes")).status == Status.ERROR


async def test_lines_that_start_like_subcommands_are_wins(db_services):
    await say(db_services, "win 45m drafted the memo with ChatGPT")
    reply = await say(db_services, "win remove 1 duplicate section from the proposal in 20m")
    assert reply.headline == "Logged win #2: 20 min saved with AI."
    listed = await say(db_services, "win list of suppliers compiled in 45m")
    assert listed.headline.startswith("Logged win #3")
    assert [w.id for w in rows(db_services, Win)] == [1, 2, 3]


async def test_two_word_outcome_category_from_the_button_text(db_services):
    await say(db_services, "win 20m proofread the newsletter with Grammarly")
    await say(db_services, "win outcome 1 client service replied the same day")
    (win,) = rows(db_services, Win)
    assert (win.outcome_category, win.outcome) == ("client_service", "replied the same day")
