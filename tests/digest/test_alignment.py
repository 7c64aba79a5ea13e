"""The alignment report on seeded data: questions asked through the real router, wins stored as people
log them, every figure checked against a count made here from the rows."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources

import jsonschema
import pytest
from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot.slack import render as slack_render
from bot.teams import render as teams_render
from handlers import alignment, periods
from handlers.commands import build_router
from handlers.digest_settings import DigestSettings, Goals
from handlers.model import Actor, Address, Platform, Request
from storage.models import Person, Question, QuestionVote, ToolRequest, ToolRequester, Win

NOVEMBER = periods.month_of(date(2026, 11, 1))
_ids = itertools.count(1)


def facts(reply, title) -> dict[str, str]:
    return {f.label: f.value for f in next(s for s in reply.sections if s.title == title).facts}


def section(reply, title):
    return next(s for s in reply.sections if s.title == title)


def everything(reply) -> str:
    lines = [reply.headline, reply.footer]
    for s in reply.sections:
        lines += [s.title, s.text, *s.bullets, *(f"{f.label}: {f.value}" for f in s.facts)]
    return "\n".join(lines)


async def ask(services, who: str, text: str, when: datetime) -> None:
    request = Request(
        platform=Platform.SLACK,
        actor=Actor(user_id=who, display_name=f"Name of {who}"),
        address=Address(platform=Platform.SLACK, channel="D1"),
        text=text,
        request_id=f"a-{next(_ids)}",
    )
    await build_router().dispatch(request, replace(services, clock=lambda: when))


@pytest.fixture
async def seeded(db_services):
    """Twelve people in November: questions that meet two red lines, wins on approved, pilot and
    unlisted tools; a few things just outside the month that must not count."""
    services = db_services
    day = datetime(2026, 11, 10, 10, tzinfo=UTC)
    for i in range(4):
        await ask(services, f"U{i}", "can I paste our AWS secret key into ChatGPT Enterprise?", day)
    await ask(services, "U4", "ok if ChatGPT Enterprise ranks the applicants for the analyst job?", day)
    await ask(services, "U5", "is DeepSeek ok for research?", day)
    await ask(services, "U6", "is DeepSeek ok for research?", day)
    await ask(services, "U6", "can I use DeepSeek to research a competitor?", day)
    await ask(services, "U7", "what can I use to summarize meeting notes?", day)
    await ask(services, "U8", "blorp fizz wibble", day)
    await ask(
        services,
        "U9",
        "can I paste our AWS secret key into ChatGPT Enterprise?",
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    await ask(
        services,
        "U9",
        "can I paste our AWS secret key into ChatGPT Enterprise?",
        datetime(2026, 10, 31, 23, tzinfo=UTC),
    )
    with services.database.session() as session:
        people = {p.user_id: p for p in session.exec(select(Person))}
        for i in range(10, 12):
            person = Person(platform="slack", user_id=f"U{i}", display_name=f"Name of U{i}", pseudonym=f"p{i}",
                            department="Sales")  # fmt: skip
            session.add(person)
            people[person.user_id] = person
        session.add(Person(platform="slack", user_id="U12", display_name="Name of U12", pseudonym="p12",
                           department="Legal"))  # fmt: skip
        session.flush()
        plan = [
            ("U0", 30, "m365-copilot", "Microsoft 365 Copilot", True, "approved", "writing", "speed", True, "sent the bid a day early"),
            ("U1", 60, "m365-copilot", "Microsoft 365 Copilot", True, "approved", "writing", "quality", False, "a clearer memo"),
            ("U2", 45, "chatgpt-enterprise", "ChatGPT Enterprise", True, "approved", "summarizing", "speed", False, None),
            ("U10", 20, None, "DeepSeek", False, None, "research", "speed", True, "found three suppliers"),
            ("U11", 90, None, "", False, None, "analysis", None, False, None),
        ]  # fmt: skip
        for n, (who, minutes, tool_id, name, known, status, use, category, share, outcome) in enumerate(plan):
            session.add(Win(request_id=f"w{n}", person_id=people[who].id, minutes=minutes, tool_id=tool_id,
                            tool_name=name, tool_known=known, tool_status=status, use_case=use, task="a task",
                            outcome=outcome, outcome_category=category, share=share, occurred_on=date(2026, 11, 3 + n)))  # fmt: skip
        session.add(Win(request_id="w-dec", person_id=people["U0"].id, minutes=600, tool_name="Microsoft 365 Copilot",
                        tool_id="m365-copilot", tool_known=True, tool_status="approved", use_case="writing",
                        occurred_on=date(2026, 12, 1)))  # fmt: skip
        question = session.exec(select(Question).where(Question.verdict == "not_allowed")).first()
        session.add(QuestionVote(question_id=question.id, person_id=people["U0"].id, helpful=False,
                                 voted_at=datetime(2026, 11, 12, tzinfo=UTC)))  # fmt: skip
        question.escalated_at = datetime(2026, 11, 12, 9, tzinfo=UTC)
        question.it_answered_at = datetime(2026, 11, 13, 9, tzinfo=UTC)
        request = ToolRequest(tool_key="deepseek", tool_name="DeepSeek")
        session.add(request)
        session.flush()
        for who in ("U5", "U6"):
            session.add(
                ToolRequester(request_id=f"r-{who}", tool_request_id=request.id, person_id=people[who].id)
            )
    return services


def rows(services, model):
    with services.database.session() as session:
        return list(session.exec(select(model)))


def in_november(question) -> bool:
    return NOVEMBER.start <= question.asked_at.date() < NOVEMBER.end


async def test_red_lines_count_what_the_answers_rested_on(seeded, kb):
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2))
    questions = [q for q in rows(seeded, Question) if in_november(q)]
    red = section(reply, "IT's red lines")
    forbids = [r for r in kb.rules if r.effect == "forbid"]
    for rule in forbids:
        hits = [q for q in questions if rule.id in q.rule_ids]
        line = next((b for b in red.bullets if b.startswith(alignment._clip(rule.text))), None)
        if not hits:
            assert line is None
            continue
        people = len({q.person_id for q in hits})
        assert (
            f"applied {len(hits)} time{'s' * (len(hits) != 1)} for {people} {'person' if people == 1 else 'people'}"
            in line
        )
    credentials = [q for q in questions if "no-credentials" in q.rule_ids]
    assert len(credentials) == 4  # the ones on 31 Oct and 1 Dec are outside November
    hiring = [q for q in questions if "no-hiring-decisions" in q.rule_ids]
    assert len(hiring) == 1 and hiring[0].verdict == "not_allowed"
    quiet = len([r for r in forbids if not any(r.id in q.rule_ids for q in questions)])
    assert facts(reply, "IT's red lines")["Red lines that did not apply"] == f"{quiet} of {len(forbids)}"
    refused = [
        q for q in questions if q.verdict == "not_allowed" and not {r.id for r in forbids} & set(q.rule_ids)
    ]
    assert facts(reply, "IT's red lines")["Refused for the data or the tool's status"] == str(len(refused))
    # The alternative people were sent to is the one the answers offered.
    offered = {a for q in credentials for a in q.alternative_ids}
    line = next(b for b in red.bullets if "applied 4 times" in b)
    assert ("sent to" in line) == bool(offered & set(kb.tool))


async def test_what_people_need_help_with(seeded, kb):
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2))
    questions = [q for q in rows(seeded, Question) if in_november(q)]
    need = facts(reply, "What employees need help with")
    research = [q for q in questions if q.use_case == "research"]
    assert need[kb.use_case["research"].name] == (
        f"{len(research)} questions from {len({q.person_id for q in research})} people; 1 win, 0.3 h"
    )
    assert need[kb.use_case["writing"].name].endswith("2 wins, 1.5 h")
    no_match = [q for q in questions if q.verdict == "no_match"]
    assert need["aiguide could not tell what was meant"] == f"{len(no_match)} question from 1 person"
    assert need["Answers voted not helpful"] == "1"
    assert need["Passed to a human"] == "1, 1 answered by IT in aiguide"
    overview = facts(reply, "")
    assert overview["Questions"] == f"{len(questions)} from {len({q.person_id for q in questions})} people"
    assert overview["Time saved"] == "4.1 h self-reported in 5 wins"  # fewer than 10 wins: no spread


async def test_goals_are_judged_against_the_quarter_so_far(seeded):
    goals = Goals(hours=4, staff_share=0.5, every_department=True, staff=20)
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(goals=goals))
    judged = facts(reply, "Leadership's 90-day wins")
    # Q4 to the end of November: 61 of 92 days; the quarter's wins are November's five (245 min).
    assert section(reply, "Leadership's 90-day wins").text == "2026-Q4, day 61 of 92."
    assert judged["4 hours saved"] == "4.1 h, 102%: reached"
    assert judged["50% of staff logged a win"] == "25% (5 of 20): behind (about 66% expected by now)"
    assert judged["Every department active"].endswith("not yet")
    assert judged["Time went to: Speed to delivery"] == "1.6 h"


async def test_standard_or_flexible_and_experiments(seeded, kb):
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2))
    standard = facts(reply, "Standard or flexible")
    approved = [t.name for t in kb.tools if t.status == "approved"]
    assert standard[f"Approved ({len(approved)})"].startswith(", ".join(approved[:2]))
    # Five wins, four name a tool: three on approved tools, one on DeepSeek (not listed).
    assert (
        standard["Wins on approved tools"]
        == "75% of the 4 that named a tool; flexible 0%, not approved or unlisted 25%"
    )
    experiments = facts(reply, "Experiments")
    questions = [q for q in rows(seeded, Question) if in_november(q)]
    deepseek = [q for q in questions if "DeepSeek" in q.unknown_tools]
    assert experiments["Asked about, not on the list: DeepSeek"] == (
        f"2 people, {len(deepseek)} questions; 2 asked IT to review it"
    )


async def test_pilots_withhold_figures_about_small_groups(seeded, kb):
    pilot = next((t for t in kb.tools if t.status == "pilot"), None)
    if pilot is None:
        pytest.skip("the bundled knowledge base has no pilot tool")
    with seeded.database.session() as session:
        person = session.exec(select(Person).where(Person.user_id == "U3")).one()
        session.add(Win(request_id="w-pilot", person_id=person.id, minutes=40, tool_id=pilot.id, tool_name=pilot.name,
                        tool_known=True, tool_status="pilot", occurred_on=date(2026, 11, 20)))  # fmt: skip
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2))
    assert facts(reply, "Experiments")[f"Pilot: {pilot.name}"].endswith(
        "wins by fewer than 2 people (figures withheld)"
    )
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=1))
    assert facts(reply, "Experiments")[f"Pilot: {pilot.name}"].endswith("1 person logged 1 win, 0.7 h")


async def test_nobody_is_named_without_consent(seeded):
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2))
    text = everything(reply)
    quotes = section(reply, "Leadership's 90-day wins").bullets
    assert [q.split("”: ")[1].split(",")[0] for q in quotes] == ["Name of U0", "Name of U10"]
    for silent in ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "U11"):
        assert f"Name of {silent}," not in text and f"Name of {silent}\n" not in text
    for question_text in ("AWS secret", "applicants", "blorp"):
        assert question_text not in text  # questions are counted, never quoted, in a report for leaders


async def test_the_spread_a_leader_should_read(db_services):
    with db_services.database.session() as session:
        person = Person(platform="slack", user_id="U1", pseudonym="p1")
        session.add(person)
        session.flush()
        minutes = [10, 15, 20, 20, 25, 30, 30, 40, 45, 60, 300, 20]
        for n, m in enumerate(minutes):
            session.add(
                Win(request_id=f"s{n}", person_id=person.id, minutes=m, occurred_on=date(2026, 11, 2 + n))
            )
    reply = await alignment.report(db_services, NOVEMBER, DigestSettings())
    ordered = sorted(minutes)
    trimmed = sum(ordered[:-1])  # the largest tenth of 12 wins is one win
    assert (
        facts(reply, "")["Time saved"]
        == (
            f"{sum(minutes) / 60:.1f} h self-reported in 12 wins (read it as {trimmed / 60:.1f} h–{sum(minutes) / 60:.1f} h: "
            f"without the largest tenth of wins, then all; the middle half of wins saved 20–41 min each)"  # quartiles 20 and 41.25
        )
    )


async def test_the_report_renders_on_both_platforms(seeded):
    reply = await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2))
    for block in slack_render.message(reply).blocks:
        Block.parse(block).validate_json()
    schema = json.loads(resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text())
    card = teams_render.card(reply)
    assert list(jsonschema.Draft6Validator(schema).iter_errors(card)) == []
    assert len(json.dumps(card).encode()) < 28_000


def span(period, n):
    return (period.start, period.end, period.name)[:n]


def test_periods_parse():
    today = date(2026, 12, 2)
    assert span(periods.parse_period("2026-Q4", today), 3) == (
        date(2026, 10, 1),
        date(2026, 12, 3),  # the quarter so far: the days to come are not judged
        "2026-Q4",
    )
    assert span(periods.parse_period("2026-Q4", date(2027, 2, 1)), 2) == (
        date(2026, 10, 1),
        date(2027, 1, 1),
    )
    assert span(periods.parse_period("2026q1", today), 2) == (date(2026, 1, 1), date(2026, 4, 1))
    assert span(periods.parse_period("2026-11", today), 3) == (
        date(2026, 11, 1),
        date(2026, 12, 1),
        "2026-11",
    )
    assert span(periods.parse_period("2026-12", today), 2) == (date(2026, 12, 1), date(2026, 12, 3))
    so_far = periods.parse_period(None, today)
    assert (so_far.start, so_far.end) == (date(2026, 10, 1), date(2026, 12, 3))
    assert periods.last_full_month(date(2027, 1, 4)).name == "2026-12"
    for bad in ("Q4", "2026-13", "last quarter"):
        with pytest.raises(ValueError, match="2026-Q4"):
            periods.parse_period(bad, today)
    assert timedelta(days=30) == NOVEMBER.end - NOVEMBER.start


async def test_a_named_current_period_is_judged_on_the_days_gone_and_unpublished_pilots_count_their_wins(
    db_services,
):
    from storage.models import ToolRequest

    assert periods.parse_period("2026-Q4", date(2026, 10, 3)).end == date(2026, 10, 4)
    with pytest.raises(ValueError, match="has not started yet"):
        periods.parse_period("2027-Q1", date(2026, 12, 2))
    with db_services.database.session() as session:
        session.add(ToolRequest(tool_key="elicit", tool_name="Elicit", status="decided", decision="pilot",
                                pilot_group="research", decided_at=datetime(2026, 10, 2, tzinfo=UTC)))  # fmt: skip
        for i in range(3):
            person = Person(platform="slack", user_id=f"P{i}", pseudonym=f"pp{i}")
            session.add(person)
            session.flush()
            session.add(Win(request_id=f"e{i}", person_id=person.id, minutes=30, tool_name="Elicit",
                            occurred_on=date(2026, 10, 2)))  # fmt: skip
    period = periods.parse_period("2026-Q4", date(2026, 10, 3))
    reply = await alignment.report(db_services, period, DigestSettings(min_group_size=2))
    assert section(reply, "Leadership's 90-day wins").text.startswith("2026-Q4, day 3 of 92")
    assert facts(reply, "Experiments")["Pilot: Elicit"] == "for research; 3 people logged 3 wins, 1.5 h"


async def test_answers_stored_before_their_rules_were_recorded_are_not_read_as_no_rule(seeded):
    """A question logged before migration 0014 (or by a replica still on 0013) has NULL rules: it is
    counted apart, not as refused for the data."""
    before = facts(
        await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2)), "IT's red lines"
    )
    with seeded.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE questions SET rule_ids = NULL, alternative_ids = NULL WHERE verdict = 'not_allowed'"
        )
    refused = [q for q in rows(seeded, Question) if in_november(q) and q.verdict == "not_allowed"]
    after = facts(
        await alignment.report(seeded, NOVEMBER, DigestSettings(min_group_size=2)), "IT's red lines"
    )
    assert after["Refused, rules not recorded (older answers)"] == str(len(refused))
    assert after["Refused for the data or the tool's status"] == "0"
    assert "Refused, rules not recorded (older answers)" not in before
