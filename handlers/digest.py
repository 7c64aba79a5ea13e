"""The weekly digests: value for leadership, demand signals for IT. One builder for every surface."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import Session

from handlers import goals, outcomes, periods
from handlers.digest_settings import DigestSettings
from handlers.figures import hours, plural
from handlers.model import Chart, Fact, Reply, Request, Section, Status
from handlers.services import Services
from knowledge.base import USABLE_STATUSES
from storage import digest_runs, digests, nudges


def week_of(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=7)


def last_full_week(today: date) -> tuple[date, date]:
    """The week that has just ended (Monday to Sunday) on `today`'s calendar."""
    return week_of(today - timedelta(days=7))


def parse_week(text: str) -> tuple[date, date]:
    """'2026-W47' → that ISO week."""
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip(), re.IGNORECASE)
    if match is None:
        raise ValueError(f"{text!r} is not a week; write it like 2026-W47")
    start = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    return start, start + timedelta(days=7)


def _change(now: float, before: float) -> str:
    if before == 0:
        return "first week with wins" if now else "no change"
    return f"{(now - before) / before:+.0%} on the week before"


# What the figures are, said where leaders read them.
SELF_REPORTED = (
    "Self-reported: each win's minutes are the estimate of the person who logged it (time the task would "
    "have taken without AI, less the time it took), summed. Read them as the size of the effect, not a measurement."
)
ACTIVE = "Active: asked aiguide a question or logged a win this week."


def _reach(active, settings: DigestSettings) -> tuple[Fact, ...]:
    """The share of staff active, where leadership gave a head count (AIGUIDE_STAFF_COUNT)."""
    staff = settings.goals.staff
    if not staff:
        return ()
    total = sum(active.active_by_department.values())
    return (Fact("Reach", f"{total} of {staff} staff ({total / staff:.0%})"),)


def _spread(spread: digests.Spread | None) -> tuple[Fact, ...]:
    """The range to read the week's hours as: one generous estimate should not carry the figure."""
    if spread is None:
        return ()
    return (
        Fact(
            "Read it as",
            f"{hours(spread.without_largest)}–{hours(spread.total)} (without the largest tenth of wins, then "
            f"all); the middle half of wins saved {spread.typical_low}–{spread.typical_high} min each",
        ),
    )


def _fold(counts: dict[str, int], sizes: dict[str, int], minimum: int) -> dict[str, int]:
    """Departments with fewer than `minimum` people go into "other", so nobody is singled out."""
    folded: dict[str, int] = {}
    for name, count in counts.items():
        key = name if sizes.get(name, 0) >= minimum and name != "unknown" else "other"
        folded[key] = folded.get(key, 0) + count
    return dict(sorted(folded.items(), key=lambda kv: (kv[0] == "other", -kv[1], kv[0])))


async def leadership(services: Services, start: date, end: date, settings: DigestSettings) -> Reply:
    kb = services.knowledge
    before = start - timedelta(days=7)
    # The goals are judged on the calendar quarter so far, as in the alignment report.
    goal_quarter = periods.quarter_of(end - timedelta(days=1))
    quarter_start, goal_end = goal_quarter.start, min(goal_quarter.end, end)

    def work(session: Session):
        return (
            digests.win_figures(session, start=start, end=end, usable=tuple(USABLE_STATUSES)),
            digests.win_totals(session, start=before, end=start),
            digests.win_totals(session, start=quarter_start, end=goal_end),
            digests.adoption(session, start=start, end=end),
            digests.adoption(session, start=quarter_start, end=goal_end),
            digests.minutes_spread(session, start=start, end=end),
        )

    await services.questions_written()
    week, previous, quarter, active, quarter_active, spread = await services.transaction(work)
    trend = [sum(parts.values()) for _, parts in week.weekly_minutes]
    sections = [
        Section(
            title="Time saved",
            facts=(
                Fact("This week", f"{hours(week.minutes)} in {week.wins} wins by {week.people} people"),
                Fact("Last week", f"{hours(previous.minutes)} ({_change(week.minutes, previous.minutes)})"),
                Fact("8 weeks", f"{hours(sum(trend))} in all"),
                *_spread(spread),
            ),
            text=SELF_REPORTED,
        )
    ]
    went_to = tuple(
        Fact(outcomes.label(category) if category != "unstated" else "Not stated yet", hours(minutes))
        for category, minutes in sorted(week.by_outcome.items(), key=lambda kv: -kv[1])
    )
    quotes = tuple(
        f"“{w.outcome}”: {w.person}, {w.minutes} min with {w.tool or 'AI'} ({w.task})" for w in week.shared
    )
    sections.append(Section(title="What the time went to", facts=went_to))
    if quotes:
        sections.append(Section(title="In their words", bullets=quotes))
    departments = _fold(active.active_by_department, active.department_sizes, settings.min_group_size)
    sections.append(
        Section(
            title="Adoption",
            facts=(
                *(
                    Fact(name.capitalize() if name == "other" else name, f"{n} active")
                    for name, n in departments.items()
                ),
                Fact("New this week", str(active.new_people)),
                *_reach(active, settings),
            ),
            text=ACTIVE,
        )
    )
    top_uses = sorted(((kb.use_case[u].name if u in kb.use_case else u, m) for u, m in week.by_use_case.items() if u),
                      key=lambda kv: -kv[1])[:3]  # fmt: skip
    top_tools = sorted(((t, m) for t, m in week.by_tool.items() if t), key=lambda kv: -kv[1])[:3]
    share = week.unlisted_tool_wins / week.wins if week.wins else 0
    sections.append(
        Section(
            title="Where AI helped",
            facts=(
                Fact("Top use cases", ", ".join(f"{n} ({hours(m)})" for n, m in top_uses) or "none stated"),
                Fact("Top tools", ", ".join(f"{n} ({hours(m)})" for n, m in top_tools) or "none named"),
                Fact("Unapproved or unlisted tools", f"{share:.0%} of wins"),
            ),
        )
    )
    year, week_number, _ = start.isocalendar()
    nudged, answered = await services.transaction(
        lambda s: nudges.nudge_figures(s, period=f"{year}-W{week_number:02d}")
    )
    if nudged:
        reminded = Fact(
            "Reminded this week", f"{plural(nudged, 'person', 'people')}, {answered} logged a win after"
        )
        sections.append(Section(title="Reminders", facts=(reminded,)))
    judged = goals.judged(
        settings.goals,
        goal_quarter,
        goal_end,
        minutes=quarter.minutes,
        people=quarter.people,
        active=quarter_active,
    )
    if judged:
        gone, length = goals.elapsed(goal_quarter, goal_end)
        sections.append(
            Section(title="90-day goals", facts=judged, text=f"{goal_quarter.name}, day {gone} of {length}.")
        )
    categories = tuple(f"{d:%d %b}" for d, _ in week.weekly_minutes)
    names = sorted({c for _, parts in week.weekly_minutes for c in parts}, key=lambda c: (c == "unstated", c))
    chart = Chart(
        title="Hours saved per week, by what the time went to",
        categories=categories,
        series=tuple(
            (
                outcomes.label(c) if c != "unstated" else "Not stated",
                tuple(p.get(c, 0) / 60 for _, p in week.weekly_minutes),
            )
            for c in names
        ),
        unit="hours",
    )
    return Reply(
        status=Status.INFO,
        headline=f"AI at {kb.policy.organization}, week of {start:%d %b}: {hours(week.minutes)} saved",
        sections=tuple(sections),
        footer=f"{start:%a %d %b} – {end - timedelta(days=1):%a %d %b %Y} · names only with consent · "
        f"groups under {settings.min_group_size} people shown as other",
        chart=chart if trend and sum(trend) else None,  # eight empty weeks: the "8 weeks" line says it
    )


async def it_digest(services: Services, start: date, end: date) -> Reply:
    kb = services.knowledge
    await services.questions_written()
    figures = await services.transaction(
        lambda session: digests.question_figures(session, start=start, end=end)
    )
    total = sum(figures.by_verdict.values())
    unknown_count = figures.by_verdict.get("unknown_tool", 0)
    sections = [
        Section(
            title="Questions by answer",
            facts=tuple(
                Fact(verdict.replace("_", " ").capitalize(), str(n))
                for verdict, n in sorted(figures.by_verdict.items(), key=lambda kv: -kv[1])
            ),
        ),
        Section(
            title="Tools people ask about that are not on the list",
            facts=tuple(
                Fact(name, _people_questions(people, n)) for name, n, people in figures.unknown_tools
            ),
            text="" if figures.unknown_tools else "None this week.",
        ),
        Section(
            title="Listed tools people were told not to use",
            facts=tuple(
                Fact(kb.tool[t].name if t in kb.tool else t, _people_questions(people, n))
                for t, n, people in figures.refused_tools
            ),
            text="" if figures.refused_tools else "None this week.",
        ),
        Section(
            title="Open review requests",
            facts=tuple(
                Fact(name, f"{plural(n, 'person', 'people')} asked") for name, n in figures.open_requests
            ),
            text="" if figures.open_requests else "None open.",
        ),
        _reviews_section(figures),
    ]
    sections.append(_gaps_section(figures, kb))
    if figures.model is not None:
        sections.append(_model_section(figures.model, start, end))
    undelivered = await services.transaction(lambda session: digest_runs.not_delivered(session))
    if undelivered:
        sections.append(
            Section(
                title="Digests that may not have gone out",
                bullets=tuple(f"{r.target} for {r.period}: {r.error or r.status}" for r in undelivered),
            )
        )
    return Reply(
        status=Status.INFO,
        headline=f"IT digest, week of {start:%d %b}: {total} questions, {unknown_count} about unlisted tools",
        sections=tuple(sections),
        footer=f"Policy {kb.policy.version} in force · {start:%d %b} – {end - timedelta(days=1):%d %b %Y}",
    )


async def handle(request: Request, services: Services) -> Reply:
    """`digest [it] [2026-W47]`: a preview for admins (the scheduler sends the real ones)."""
    words = request.text.lower().split()
    try:
        week = next((parse_week(w) for w in words if "w" in w and w[0].isdigit()), None)
    except ValueError as error:
        return Reply(status=Status.ERROR, headline=str(error))
    start, end = week or last_full_week(services.today())
    if "it" in words:
        return await it_digest(services, start, end)
    return await leadership(services, start, end, services.digest)


def _people_questions(people: int, questions: int) -> str:
    return f"{plural(people, 'person', 'people')}, {plural(questions, 'question', 'questions')}"


FALLBACK_WORDS = {
    "timeout": "too slow",
    "error": "endpoint error",
    "refused": "model refused",
    "unreadable": "unreadable reply",
    "circuit_open": "paused after failures",
    "contradicted": "wording contradicted the answer",
    "loosened": "reading would have loosened the answer",
}


def _model_section(model, start: date, end: date) -> Section:
    """What the language model cost: tokens per day (what the endpoint bills), and how often people got
    the answer without the model's part, the sign that the endpoint is too slow or failing."""
    days = (end - start).days or 1
    per_day = " · ".join(f"{day:%a %d} {model.tokens_by_day.get(day, 0):,}" for day in
                         (start + timedelta(days=n) for n in range(days)))  # fmt: skip
    fell_back = sum(model.fallbacks.values())
    reasons = ", ".join(
        f"{FALLBACK_WORDS.get(reason, reason)} {n}"
        for reason, n in sorted(model.fallbacks.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return Section(
        title="Language model",
        facts=(
            Fact("Tokens", f"{model.tokens:,} ({model.tokens // days:,} a day)"),
            Fact("Tokens by day", per_day),
            Fact(
                "Answered without it",
                f"{fell_back} of {plural(model.answers, 'answer', 'answers')}"
                + (f" ({reasons})" if reasons else ""),
            ),
        ),
    )


def _reviews_section(figures) -> Section:
    """How fast IT decides: people stop asking, and go back to their own accounts, after about a week."""
    times = figures.reviews
    facts = []
    if times is not None and times.decided:
        facts.append(
            Fact(
                "Decided this week",
                f"{times.decided}, median {times.median_days:.1f} days from the first request",
            )
        )
    if times is not None and times.oldest_open_tool:
        facts.append(Fact("Oldest waiting", f"{times.oldest_open_tool}, {times.oldest_open_days:.0f} days"))
    words = {"approved": "approved", "pilot": "pilot", "rejected": "rejected"}
    bullets = tuple(f"{name}: {words.get(decision, decision)}" for name, decision in figures.decided)
    return Section(
        title="Tool reviews",
        facts=tuple(facts),
        bullets=bullets,
        text="" if facts or bullets else "No review decided or waiting.",
    )


def _gaps_section(figures, kb) -> Section:
    """👎 answers and questions passed to a human, grouped by what they were about (tool, data, task),
    the most frequent first: each group is a place where the knowledge base needs a line."""
    groups: dict[tuple[str, str, str], list] = {}
    for kind, gaps in (("👎", figures.unhelpful), ("human", figures.escalations)):
        for gap in gaps:
            tool = ", ".join(kb.tool[t].name if t in kb.tool else t for t in gap.tools[:2]) or "no tool named"
            data = kb.data_class[gap.data_class].name if gap.data_class in kb.data_class else "no data named"
            use = kb.use_case[gap.use_case].name if gap.use_case in kb.use_case else ""
            groups.setdefault((tool, data, use), []).append((kind, gap))
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    facts = []
    for (tool, data, use), items in ranked[:8]:
        votes = sum(1 for kind, _ in items if kind == "👎")
        humans = len(items) - votes
        counts = ", ".join(
            c
            for c in (
                f"{votes} 👎" if votes else "",
                plural(humans, "ask for a human", "asks for a human") if humans else "",
            )
            if c
        )
        quoted = list(
            dict.fromkeys(
                f"“{g.text[:120]}”" + (f" (said: {g.reason[:120]})" if g.reason else "")
                for _, g in items
                if g.text or g.reason
            )
        )[:2]
        label = " · ".join(p for p in (tool, data, use) if p)
        facts.append(Fact(label, counts + (": " + "; ".join(quoted) if quoted else "")))
    more = len(ranked) - len(facts)
    return Section(
        title="Where the knowledge base fell short",
        facts=tuple(facts),
        text=(f"And {more} more." if more > 0 else "") if facts else "Nothing this week.",
    )
