"""The alignment report: one section per question employees, IT and leadership answer together.

Monthly to leadership channels and on demand (`aiguide report alignment --period 2026-Q4`). The
digests' privacy rules hold: figures about fewer people than the minimum group size are withheld, and a
person is named only beside an outcome they chose to share.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import Session

from handlers import goals, outcomes
from handlers.digest_settings import DigestSettings
from handlers.figures import hours, plural
from handlers.model import Fact, Reply, Section, Status
from handlers.periods import Period, quarter_of
from handlers.services import Services
from knowledge.base import KnowledgeBase
from knowledge.phrases import compact
from storage import alignment, digests

STATUS_WORDS = {
    "approved": "Approved",
    "limited": "Approved with limits",
    "pilot": "In pilot",
    "under_review": "Under review",
    "not_approved": "Not approved",
}
TOP = 5


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


async def report(services: Services, period: Period, settings: DigestSettings | None = None) -> Reply:
    settings = settings or services.digest
    kb = services.knowledge
    red_lines = frozenset(r.id for r in kb.rules if r.effect == "forbid")
    quarter = quarter_of(period.end - timedelta(days=1))
    goal_end = min(quarter.end, period.end)

    def work(session: Session):
        return (
            alignment.question_counts(session, start=period.start, end=period.end, red_lines=red_lines),
            alignment.win_counts(session, start=period.start, end=period.end),
            digests.minutes_spread(session, start=period.start, end=period.end),
            alignment.win_counts(session, start=quarter.start, end=goal_end),
            digests.adoption(session, start=quarter.start, end=goal_end),
            alignment.shared_outcomes(session, start=period.start, end=period.end),
            alignment.pilot_decisions(session, end=period.end),
            alignment.requesters_by_tool(session),
        )

    await services.questions_written()
    (
        questions,
        wins,
        spread,
        quarter_wins,
        quarter_active,
        quotes,
        pilots,
        requested,
    ) = await services.transaction(work)
    minimum = settings.min_group_size
    sections = (
        _help_needed(kb, questions, wins),
        _red_lines(kb, questions),
        _goals(settings, quarter, goal_end, quarter_wins, quarter_active, quotes),
        _standard_or_flexible(kb, questions, wins),
        _experiments(kb, wins, pilots, questions, requested, minimum),
    )
    time_saved = f"{hours(wins.total.minutes)} self-reported in {plural(wins.total.wins, 'win', 'wins')}"
    if spread is not None:
        time_saved += (
            f" (read it as {hours(spread.without_largest)}–{hours(spread.total)}: without the largest tenth of "
            f"wins, then all; the middle half of wins saved {spread.typical_low}–{spread.typical_high} min each)"
        )
    overview = Section(
        facts=(
            Fact("Questions", f"{questions.total} from {plural(len(questions.people), 'person', 'people')}"),
            Fact("Time saved", time_saved),
        )
    )
    return Reply(
        status=Status.INFO,
        headline=f"Where {kb.policy.organization} stands with AI: {period.label}",
        sections=(overview, *sections),
        footer=f"Policy {kb.policy.version} · hours are the estimates of the people who logged them · "
        f"pilot figures about fewer than {minimum} people withheld · names only beside outcomes their authors shared",
    )


def _help_needed(
    kb: KnowledgeBase, questions: alignment.QuestionCounts, wins: alignment.WinCounts
) -> Section:
    """Use cases people asked about and logged wins for, and where aiguide had no answer."""
    uses = set(questions.by_use_case) | {u for u in wins.by_use_case if u}
    ranked = sorted(
        uses,
        key=lambda u: (
            -(questions.by_use_case.get(u, alignment.Tally()).times + wins.by_use_case.get(u, _NO_WINS).wins),
            u,
        ),
    )
    facts = []
    for use in ranked[:TOP]:
        asked = questions.by_use_case.get(use, alignment.Tally())
        won = wins.by_use_case.get(use, _NO_WINS)
        parts = []
        if asked.times:
            parts.append(
                f"{plural(asked.times, 'question', 'questions')} from {plural(asked.persons, 'person', 'people')}"
            )
        if won.wins:
            parts.append(f"{plural(won.wins, 'win', 'wins')}, {hours(won.minutes)}")
        facts.append(Fact(kb.use_case[use].name if use in kb.use_case else use, "; ".join(parts)))
    unanswered = (
        Fact(
            "aiguide could not tell what was meant",
            f"{plural(questions.not_understood.times, 'question', 'questions')} "
            f"from {plural(questions.not_understood.persons, 'person', 'people')}",
        ),
        Fact("Answers voted not helpful", str(questions.unhelpful.times)),
        Fact(
            "Passed to a human",
            f"{questions.escalated.times}, {questions.it_answered} answered by IT in aiguide",
        ),
    )
    return Section(
        title="What employees need help with",
        facts=(*facts, *unanswered),
        text="" if facts else "No question or win named a use case in this period.",
    )


_NO_WINS = alignment.WinGroup(0, 0, 0)


def _red_lines(kb: KnowledgeBase, questions: alignment.QuestionCounts) -> Section:
    """Every forbid rule, how often it stopped someone, and where they were sent instead."""
    bullets = []
    quiet = []
    forbids = [r for r in kb.rules if r.effect == "forbid"]
    ranked = sorted(forbids, key=lambda r: -questions.by_rule.get(r.id, alignment.Tally()).times)
    for rule in ranked:
        tally = questions.by_rule.get(rule.id)
        if tally is None:
            quiet.append(rule.id)
            continue
        alternatives = questions.rule_alternatives.get(rule.id)
        sent = ", ".join(
            f"{kb.tool[t].name} ({n})" for t, n in (alternatives or Counter()).most_common(2) if t in kb.tool
        )
        bullets.append(
            f"{_clip(rule.text)}: applied {plural(tally.times, 'time', 'times')} for "
            f"{plural(tally.persons, 'person', 'people')}; "
            + (f"sent to {sent}" if sent else "no alternative offered")
        )
    facts = [Fact("Refused for the data or the tool's status", str(questions.refused_otherwise))]
    if questions.refused_unrecorded:
        facts.append(Fact("Refused, rules not recorded (older answers)", str(questions.refused_unrecorded)))
    if quiet:
        facts.append(Fact("Red lines that did not apply", f"{len(quiet)} of {len(forbids)}"))
    return Section(
        title="IT's red lines",
        bullets=tuple(bullets),
        facts=tuple(facts),
        text="" if forbids else "The knowledge base has no forbid rules.",
    )


def _clip(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _goals(settings, quarter, goal_end, wins, active, quotes) -> Section:
    """Each 90-day goal against the quarter so far."""
    facts = goals.judged(
        settings.goals, quarter, goal_end, minutes=wins.total.minutes, people=wins.total.people, active=active
    )
    elapsed, length = goals.elapsed(quarter, goal_end)
    outcomes_facts = tuple(
        Fact(f"Time went to: {outcomes.label(category) if category else 'not stated'}", hours(group.minutes))
        for category, group in sorted(wins.by_outcome.items(), key=lambda kv: -kv[1].minutes)[:3]
    )
    said = tuple(f"“{q.outcome[:200]}”: {q.person}, {q.minutes} min with {q.tool or 'AI'}" for q in quotes)
    where = f"{quarter.name}, day {elapsed} of {length}"
    return Section(
        title="Leadership's 90-day wins",
        facts=(*facts, *outcomes_facts),
        bullets=said,
        text=f"{where}."
        if facts
        else f"{where}. No goals set: leadership sets them in AIGUIDE_DIGEST_GOALS.",
    )


def _standard_or_flexible(
    kb: KnowledgeBase, questions: alignment.QuestionCounts, wins: alignment.WinCounts
) -> Section:
    """What is standard (approved for everyone), what is flexible, and how much work runs on each."""
    by_status: dict[str, list[str]] = {}
    for tool in kb.tools:
        by_status.setdefault(tool.status, []).append(tool.name)
    listed = tuple(
        Fact(f"{STATUS_WORDS[s]} ({len(by_status[s])})", _names(by_status[s]))
        for s in STATUS_WORDS
        if s in by_status
    )
    groups = {"approved": "approved tools", "limited": "flexible tools", "pilot": "flexible tools"}
    win_share: dict[str, int] = {}
    for status, group in wins.by_status.items():
        key = groups.get(status, "none" if status == "none" else "other")
        win_share[key] = win_share.get(key, 0) + group.wins
    asked: dict[str, int] = {}
    for tool_id, tally in questions.by_tool.items():
        status = kb.tool[tool_id].status if tool_id in kb.tool else "not_approved"
        asked[groups.get(status, "other")] = asked.get(groups.get(status, "other"), 0) + tally.times
    asked["other"] = asked.get("other", 0) + sum(t.times for t in questions.by_unknown_tool.values())
    named_wins = wins.total.wins - win_share.get("none", 0)
    named_questions = sum(asked.values())
    shares = (
        Fact(
            "Wins on approved tools",
            f"{_share(win_share.get('approved tools', 0), named_wins)} of the {named_wins} that named a tool; "
            f"flexible {_share(win_share.get('flexible tools', 0), named_wins)}, "
            f"not approved or unlisted {_share(win_share.get('other', 0), named_wins)}",
        ),
        Fact(
            "Questions about approved tools",
            f"{_share(asked.get('approved tools', 0), named_questions)} of {named_questions} tool mentions; "
            f"flexible {_share(asked.get('flexible tools', 0), named_questions)}, "
            f"not approved or unlisted {_share(asked.get('other', 0), named_questions)}",
        ),
    )
    return Section(title="Standard or flexible", facts=(*listed, *shares))


def _names(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _by_name(groups: dict[str, alignment.WinGroup]) -> dict[str, alignment.WinGroup]:
    """Wins by typed tool name, merged under the key review requests use (the compact name). People
    under two spellings of one name may be counted twice: an upper bound."""
    merged: dict[str, alignment.WinGroup] = {}
    for name, group in groups.items():
        key = compact(name) if name else ""
        was = merged.get(key, _NO_WINS)
        merged[key] = alignment.WinGroup(
            was.wins + group.wins, was.minutes + group.minutes, was.people + group.people
        )
    return merged


def _experiments(kb, wins, pilots, questions, requested, minimum) -> Section:
    """Pilots and what came of them; the tools people want that are not on the list."""
    facts = []
    seen = set()
    by_name = _by_name(wins.by_tool_name)
    in_pilot = [(t.id, t.name, ", ".join(t.available_to) if t.available_to != "everyone" else "everyone")
                for t in kb.tools if t.status == "pilot"]  # fmt: skip
    decided = [
        (p.tool_id or compact(p.tool_name), p.tool_name, p.group or "a group IT named") for p in pilots
    ]
    for key, name, group in [*in_pilot, *decided]:
        if key in seen:
            continue
        seen.add(key)
        # A pilot not yet in the knowledge base has no tool id on its wins: they are found by name.
        result = wins.by_tool.get(key) or by_name.get(key, _NO_WINS)
        if result.people >= minimum:
            figures = f"{plural(result.people, 'person', 'people')} logged {plural(result.wins, 'win', 'wins')}, {hours(result.minutes)}"
        elif result.people:
            figures = f"wins by fewer than {minimum} people (figures withheld)"
        else:
            figures = "no wins logged yet"
        facts.append(Fact(f"Pilot: {name}", f"for {group}; {figures}"))
    wanted = sorted(questions.by_unknown_tool.items(), key=lambda kv: (-kv[1].persons, -kv[1].times, kv[0]))
    for name, tally in wanted[:TOP]:
        asked_review = requested.get(compact(name), 0)
        facts.append(
            Fact(
                f"Asked about, not on the list: {name}",
                f"{plural(tally.persons, 'person', 'people')}, {plural(tally.times, 'question', 'questions')}"
                + (f"; {asked_review} asked IT to review it" if asked_review else ""),
            )
        )
    return Section(
        title="Experiments",
        facts=tuple(facts),
        text="" if facts else "No pilots, and nobody asked about a tool that is not on the list.",
    )
