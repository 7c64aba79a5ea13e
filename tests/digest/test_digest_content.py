"""Digest content on seeded data: every number checked against a direct computation."""

from __future__ import annotations

import copy
import json
import struct
from datetime import UTC, date, datetime, time, timedelta

import pytest
from card_schema import teams_card_problems
from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot.chart import png
from bot.slack import render as slack_render
from bot.teams import render as teams_render
from handlers import digest
from handlers.digest_settings import DigestSettings, Goals
from handlers.services import Services
from storage.models import Person, Question, QuestionVote, ToolRequest, ToolRequester, Win

WEEK = (date(2026, 11, 16), date(2026, 11, 23))  # Monday 16 to Sunday 22 November


def texts(reply) -> str:
    lines = [reply.headline, reply.footer]
    for s in reply.sections:
        lines += [s.title, s.text, *s.bullets, *(f"{f.label}: {f.value}" for f in s.facts)]
    return "\n".join(lines)


def facts(reply, title) -> dict[str, str]:
    section = next(s for s in reply.sections if s.title == title)
    return {f.label: f.value for f in section.facts}


@pytest.fixture
def seeded(kb, database):
    """Finance has 6 people, Legal 2 (under the privacy threshold of 5); two wins are shared."""
    with database.session() as session:
        people = []
        for i in range(6):
            people.append(Person(platform="slack", user_id=f"F{i}", display_name=f"Fin {i}", department="Finance",
                                 pseudonym=f"person-f{i}", created_at=datetime(2026, 9, 1, tzinfo=UTC)))  # fmt: skip
        for i in range(2):
            people.append(Person(platform="slack", user_id=f"L{i}", display_name=f"Lex {i}", department="Legal",
                                 pseudonym=f"person-l{i}", created_at=datetime(2026, 11, 17, tzinfo=UTC)))  # fmt: skip
        session.add_all(people)
        session.flush()
        fin, lex = people[:6], people[6:]

        def win(
            person,
            day,
            minutes,
            category=None,
            share=False,
            tool=("m365-copilot", "Microsoft 365 Copilot", True, "approved"),
            outcome=None,
            use="writing",
        ):
            tool_id, name, known, status = tool
            session.add(Win(request_id=f"w{len(session.new)}-{person.user_id}-{day}-{minutes}", person_id=person.id,
                            minutes=minutes, tool_id=tool_id, tool_name=name, tool_known=known, tool_status=status,
                            use_case=use, task="drafted the memo", outcome=outcome, outcome_category=category, share=share,
                            department=person.department, occurred_on=day))  # fmt: skip

        win(fin[0], date(2026, 11, 16), 60, "revenue", True, outcome="won the renewal")
        win(fin[1], date(2026, 11, 18), 90, "quality", False, outcome="fewer errors")
        win(fin[1], date(2026, 11, 22), 30, None)
        win(lex[0], date(2026, 11, 20), 45, "speed", True, outcome="sent the brief early")
        win(
            lex[1],
            date(2026, 11, 21),
            15,
            "speed",
            False,
            tool=(None, "DeepSeek", False, None),
            outcome="quicker",
        )
        win(fin[2], date(2026, 11, 12), 120, "quality")  # the week before
        win(fin[3], date(2026, 11, 23), 600, "cost")  # the week after: not counted
        for n, (person, verdict, tools, unknown) in enumerate([
            (fin[4], "unknown_tool", [], ["DeepSeek"]), (fin[5], "unknown_tool", [], ["DeepSeek"]),
            (fin[4], "unknown_tool", [], ["DeepSeek"]), (lex[0], "not_allowed", ["otter"], []),
            (fin[0], "allowed", ["chatgpt-enterprise"], []),
        ]):  # fmt: skip
            session.add(Question(request_id=f"q{n}", person_id=person.id, platform="slack", verdict=verdict,
                                 tool_ids=tools, unknown_tools=unknown, text=f"question {n}",
                                 asked_at=datetime.combine(date(2026, 11, 17), time(10 + n), tzinfo=UTC)))  # fmt: skip
        session.flush()
        first_q = session.exec(select(Question).where(Question.request_id == "q3")).one()
        session.add(QuestionVote(question_id=first_q.id, person_id=fin[0].id, helpful=False,
                                 voted_at=datetime(2026, 11, 18, tzinfo=UTC)))  # fmt: skip
        first_q.escalated_at = datetime(2026, 11, 18, 9, tzinfo=UTC)
        request = ToolRequest(tool_key="deepseek", tool_name="DeepSeek")
        session.add(request)
        session.flush()
        for i, person in enumerate(fin[4:]):
            session.add(ToolRequester(request_id=f"r{i}", tool_request_id=request.id, person_id=person.id))
    return Services(knowledge=kb, database=database)


async def test_leadership_numbers(seeded):
    reply = await digest.leadership(
        seeded, *WEEK, DigestSettings(goals=Goals(hours=10, staff_share=0.5, every_department=True))
    )
    week_minutes = 60 + 90 + 30 + 45 + 15
    assert reply.headline == f"AI at Brightline Partners, week of 16 Nov: {week_minutes / 60:.1f} h saved"
    saved = facts(reply, "Time saved")
    assert saved["This week"] == "4.0 h in 5 wins by 4 people"
    assert saved["Last week"] == "2.0 h (+100% on the week before)"
    assert saved["8 weeks"].endswith("6.0 h in all")
    went = facts(reply, "What the time went to")
    assert went == {
        "Speed to delivery": "1.0 h",
        "Quality": "1.5 h",
        "Revenue": "1.0 h",
        "Not stated yet": "0.5 h",
    }
    adoption = facts(reply, "Adoption")
    assert adoption == {
        "Finance": "4 active",
        "Other": "2 active",
        "New this week": "2",
    }  # Legal (2 people) folded
    helped = facts(reply, "Where AI helped")
    assert helped["Unapproved or unlisted tools"] == "20% of wins"
    # Judged on the calendar quarter so far, as the alignment report does: 1 Oct to 22 Nov is 53 of 92 days.
    goals = facts(reply, "90-day goals")
    assert next(s for s in reply.sections if s.title == "90-day goals").text == "2026-Q4, day 53 of 92."
    quarter_minutes = week_minutes + 120
    assert (
        goals["10 hours saved"] == f"{quarter_minutes / 60:.1f} h, {quarter_minutes / 60 / 10:.0%}: on track"
    )
    behind = await digest.leadership(seeded, *WEEK, DigestSettings(goals=Goals(hours=20)))
    assert facts(behind, "90-day goals")["20 hours saved"] == "6.0 h, 30%: behind (about 58% expected by now)"
    assert goals["50% of staff logged a win"] == "62% (5 of 8): reached"
    assert goals["Every department active"] == "reached"


async def test_only_consenting_people_are_named(seeded):
    reply = await digest.leadership(seeded, *WEEK, DigestSettings())
    quoted = next(s for s in reply.sections if s.title == "In their words").bullets
    assert [q.split(":")[1].split(",")[0].strip() for q in quoted] == ["Fin 0", "Lex 0"]
    everything = texts(reply)
    for silent in ("Fin 1", "Lex 1", "Fin 2", "Fin 3", "Fin 4", "Fin 5"):
        assert silent not in everything


async def test_small_departments_are_folded_at_the_configured_size(seeded):
    reply = await digest.leadership(seeded, *WEEK, DigestSettings(min_group_size=2))
    assert facts(reply, "Adoption") == {"Finance": "4 active", "Legal": "2 active", "New this week": "2"}


async def test_it_digest_numbers(seeded):
    reply = await digest.it_digest(seeded, *WEEK)
    assert reply.headline == "IT digest, week of 16 Nov: 5 questions, 3 about unlisted tools"
    assert facts(reply, "Questions by answer") == {"Unknown tool": "3", "Not allowed": "1", "Allowed": "1"}
    assert facts(reply, "Tools people ask about that are not on the list") == {
        "DeepSeek": "2 people, 3 questions"
    }
    assert facts(reply, "Listed tools people were told not to use") == {"Otter.ai": "1 person, 1 question"}
    assert facts(reply, "Open review requests") == {"DeepSeek": "2 people asked"}
    # Grouped by what the question was about: one 👎 and one ask for a human on Otter.ai.
    assert facts(reply, "Where the knowledge base fell short") == {
        "Otter.ai · no data named": "1 👎, 1 ask for a human: “question 3”"
    }
    assert "Policy 2026.11 in force" in reply.footer


async def test_the_chart_and_both_platforms_render_the_digest(seeded):
    reply = await digest.leadership(seeded, *WEEK, DigestSettings())
    assert reply.chart is not None and len(reply.chart.categories) == 8
    image = png(reply.chart)
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image[16:24])
    assert (width, height) == (880, 440) and len(image) > 10_000
    for block in slack_render.message(reply).blocks:
        Block.parse(block).validate_json()
    card = teams_render.card(reply)
    assert teams_card_problems(card) == []
    it = await digest.it_digest(seeded, *WEEK)
    assert teams_card_problems(teams_render.card(it)) == []


async def test_the_teams_digest_draws_a_labelled_chart_with_a_fallback(seeded):
    reply = await digest.leadership(seeded, *WEEK, DigestSettings())
    card = teams_render.card(reply)
    (chart,) = [e for e in card["body"] if e["type"].startswith("Chart.")]
    assert chart["type"] == "Chart.VerticalBar.Grouped" and chart["stacked"] is True
    assert (chart["xAxisTitle"], chart["yAxisTitle"]) == ("Week", "Hours")
    weeks = [v["x"] for v in chart["data"][0]["values"]]
    assert weeks == list(reply.chart.categories) and len(weeks) == 8 and weeks[-1] == "16 Nov"
    # Each bar's stacked height is the week's hours: 4.0 h this week, 2.0 h the week before.
    height = {x: sum(v["y"] for s in chart["data"] for v in s["values"] if v["x"] == x) for x in weeks}
    assert height["16 Nov"] == pytest.approx(4.0) and height["09 Nov"] == pytest.approx(2.0)
    assert {s["legend"] for s in chart["data"]} >= {"Quality", "Revenue", "Not stated"}
    fallback = json.dumps(chart["fallback"])
    assert "16 Nov" in fallback and "4.0 hours" in fallback  # an old client still reads every bar
    assert "16 Nov 4.0 h" in card["fallbackText"]
    # A misspelt field is caught: the check is not a formality.
    broken = copy.deepcopy(card)
    next(e for e in broken["body"] if e["type"].startswith("Chart."))["xAxisTitel"] = "Week"
    assert any("xAxisTitel" in problem for problem in teams_card_problems(broken))


async def test_eight_weeks_without_wins_draw_no_empty_chart(seeded):
    quiet = (date(2027, 6, 7), date(2027, 6, 14))
    reply = await digest.leadership(seeded, *quiet, DigestSettings())
    assert reply.chart is None
    card = teams_render.card(reply)
    assert not [e for e in card["body"] if e["type"].startswith("Chart.")] and not teams_card_problems(card)
    assert facts(reply, "Time saved")["8 weeks"] == "0.0 h in all"


def test_weeks_and_goals_parse():
    assert digest.parse_week("2026-W47") == (date(2026, 11, 16), date(2026, 11, 23))
    assert digest.last_full_week(date(2026, 11, 26)) == (date(2026, 11, 16), date(2026, 11, 23))
    assert digest.last_full_week(date(2026, 11, 23)) == (date(2026, 11, 16), date(2026, 11, 23))
    with pytest.raises(ValueError, match="write it like 2026-W47"):
        digest.parse_week("last week")
    assert Goals.parse("hours=200, staff=60%, departments=all") == Goals(
        hours=200, staff_share=0.6, every_department=True
    )
    with pytest.raises(ValueError, match="unknown goal"):
        Goals.parse("happiness=100")
    assert timedelta(days=7) == WEEK[1] - WEEK[0]


async def test_leaders_read_what_the_figures_are(seeded):
    from handlers.digest_settings import Goals

    reply = await digest.leadership(seeded, *WEEK, DigestSettings(min_group_size=2, goals=Goals(staff=24)))
    sections = {s.title: s for s in reply.sections}
    assert sections["Time saved"].text.startswith("Self-reported: each win's minutes are the estimate")
    assert sections["Adoption"].text == "Active: asked aiguide a question or logged a win this week."
    assert facts(reply, "Adoption")["Reach"] == "6 of 24 staff (25%)"


async def test_a_busy_week_says_the_range_to_read_its_hours_as(kb, database):
    minutes = [15, 20, 20, 30, 30, 30, 45, 60, 60, 90, 240, 480]
    with database.session() as session:
        person = Person(platform="slack", user_id="U1", pseudonym="p1")
        session.add(person)
        session.flush()
        for n, m in enumerate(minutes):
            session.add(
                Win(
                    request_id=f"s{n}",
                    person_id=person.id,
                    minutes=m,
                    occurred_on=WEEK[0] + timedelta(days=n % 7),
                )
            )
    reply = await digest.leadership(Services(knowledge=kb, database=database), *WEEK, DigestSettings())
    ordered = sorted(minutes)
    assert facts(reply, "Time saved")["Read it as"] == (
        f"{sum(ordered[:-1]) / 60:.1f} h–{sum(ordered) / 60:.1f} h (without the largest tenth of wins, then all); "
        "the middle half of wins saved 28–68 min each"  # quartiles 27.5 and 67.5, rounded
    )
    quiet = await digest.leadership(
        Services(knowledge=kb, database=database), WEEK[1], WEEK[1] + timedelta(days=7), DigestSettings()
    )
    assert "Read it as" not in facts(quiet, "Time saved")  # under ten wins a spread means nothing
