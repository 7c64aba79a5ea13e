"""Reading one-line wins: every duration form, outcomes, tools, dates, and each rejection."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.win_parse import EXAMPLE, WinProblem, parse_duration, parse_win

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45m", 45),
        ("45 m", 45),
        ("45min", 45),
        ("45 min", 45),
        ("45 mins", 45),
        ("90 minutes", 90),
        ("1.5h", 90),
        ("1,5h", 90),
        ("1.5 hours", 90),
        ("2h", 120),
        ("2 hrs", 120),
        ("1h30", 90),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1 hour 30 minutes", 90),
        ("1 hour and 15 minutes", 75),
        ("an hour", 60),
        ("one hour", 60),
        ("half an hour", 30),
        ("a half hour", 30),
        ("an hour and a half", 90),
        ("a quarter of an hour", 15),
        ("two hours", 120),
        ("forty five minutes", 45),
        ("a couple of hours", 120),
        ("an hour and 15 minutes", 75),
        ("1 hour and a half", 90),
        ("one and a half hours", 90),
        ("quarter of an hour", 15),
    ],
)
def test_duration_forms(text, minutes):
    found = parse_duration(f"saved {text} on the board pack")
    assert found is not None and found[0] == minutes


def test_no_duration_in_plain_words():
    assert parse_duration("drafted the memo with ChatGPT") is None
    assert parse_duration("reviewed 3 contracts for M365 rollout") is None


def test_full_line(kb):
    win = parse_win(
        "45m drafted the RFP response with Copilot -> sent to the client two days early", kb, TODAY
    )
    assert (win.minutes, win.task) == (45, "drafted the RFP response with Copilot")
    assert (win.tool_id, win.tool_name, win.tool_known) == ("m365-copilot", "Microsoft 365 Copilot", True)
    assert win.use_case == "writing"
    assert win.outcome == "sent to the client two days early"
    assert win.outcome_category == "client_service"
    assert (win.share, win.occurred_on) == (False, TODAY)


@pytest.mark.parametrize(
    ("text", "outcome", "category"),
    [
        ("30m wrote code -> shipped the fix a day early", "shipped the fix a day early", "speed"),
        ("30m wrote code => fewer bugs in review", "fewer bugs in review", "quality"),
        ("30m wrote code outcome: the client renewed", "the client renewed", "revenue"),
        (
            "1h market scan so I could prepare the board pack properly",
            "prepare the board pack properly",
            "other",
        ),
        ("1h meeting notes which let me leave on time for my kids", "leave on time for my kids", "wellbeing"),
        ("1h meeting notes -> wellbeing: went home on time", "went home on time", "wellbeing"),
        ("20m proofreading #quality", None, "quality"),
        ("20m proofreading", None, None),
    ],
)
def test_outcomes(kb, text, outcome, category):
    win = parse_win(text, kb, TODAY)
    assert (win.outcome, win.outcome_category) == (outcome, category)


def test_unknown_tool_is_kept_as_written_and_flagged(kb):
    win = parse_win("20m summarized a report with FooBar AI", kb, TODAY)
    assert (win.tool_id, win.tool_name, win.tool_known) == (None, "FooBar AI", False)
    catalog = parse_win("2h market scan with DeepSeek", kb, TODAY)
    assert (catalog.tool_id, catalog.tool_name, catalog.tool_known) == (None, "DeepSeek", False)


def test_shared_alias_means_the_company_edition(kb):
    win = parse_win("30m drafted an email with ChatGPT", kb, TODAY)
    assert win.tool_id == "chatgpt-enterprise"


def test_dates_and_share(kb):
    assert parse_win("yesterday 30m summarised a memo", kb, TODAY).occurred_on == date(2026, 11, 25)
    assert parse_win("30m summarised a memo on 2026-11-20", kb, TODAY).occurred_on == date(2026, 11, 20)
    assert parse_win("30m summarised a memo #share", kb, TODAY).share is True


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("drafted the memo with ChatGPT", "minutes", f"How much time did it save? Start with a duration, for example: {EXAMPLE}"),
        ("0m drafted the memo", "minutes", f"A win needs some time saved, more than zero minutes. For example: {EXAMPLE}"),
        ("-30m drafted the memo", "minutes", f"A win needs some time saved, more than zero minutes. For example: {EXAMPLE}"),
        ("41h drafted the memo", "minutes", "41 hours is more than one win can hold (40 hours at most). Log each task as its own win, e.g. `win 3h drafted the market scan with ChatGPT`."),
        ("45m", "task", f"What did AI help you with? Add a few words after the time, for example: {EXAMPLE}"),
        ("30m drafted the memo on 2026-11-27", "occurred_on", "2026-11-27 is in the future. Log a win once it has happened, or leave the date out for today."),
        ("30m drafted the memo on 2026-13-40", "occurred_on", "2026-13-40 is not a date I can read. Use YYYY-MM-DD, e.g. `on 2026-11-20`."),
        ("30m " + "x" * 2000, "text", "That is 2004 characters; a win holds up to 2000. Keep it to a line or two."),
    ],
)  # fmt: skip
def test_rejections(kb, text, field, message):
    with pytest.raises(WinProblem) as problem:
        parse_win(text, kb, TODAY)
    assert (problem.value.field, str(problem.value)) == (field, message)


def test_forty_hours_is_the_limit(kb):
    assert parse_win("40h migration of the wiki with Brightline Assistant", kb, TODAY).minutes == 2400


@pytest.mark.parametrize(
    ("text", "task"),
    [
        ("an hour and 15 minutes drafted the memo", "drafted the memo"),
        ("quarter of an hour proofread the memo", "proofread the memo"),
        ("30m summarised yesterday's meeting notes", "summarised yesterday's meeting notes"),
        ("30m drafted the 2026-12-01 launch plan", "drafted the 2026-12-01 launch plan"),
        ("30m fixed bug #123 #quality", "fixed bug #123"),
    ],
)
def test_what_is_left_is_the_task(kb, text, task):
    win = parse_win(text, kb, TODAY)
    assert win.task == task and win.occurred_on == TODAY


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("30m drafted the note with Ann", ""),
        ("30m drafted in Q3 in Word", ""),
        ("20m notes with ScribeGPT", "ScribeGPT"),
        ("20m drafted with NotionAI", "Notion AI"),
    ],
)
def test_only_ai_looking_names_become_unlisted_tools(kb, text, tool):
    assert parse_win(text, kb, TODAY).tool_name == tool
