"""Leadership's 90-day goals, judged the same way in the weekly digest and the alignment report: over
the calendar quarter so far, on track when progress keeps at least the even pace."""

from __future__ import annotations

from datetime import date

from handlers.digest_settings import Goals
from handlers.figures import hours
from handlers.model import Fact
from handlers.periods import Period
from storage.digests import Adoption


def elapsed(quarter: Period, until: date) -> tuple[int, int]:
    """Days of the quarter gone by `until` (exclusive), and its length."""
    return (min(until, quarter.end) - quarter.start).days, (quarter.end - quarter.start).days


def judged(
    goals: Goals, quarter: Period, until: date, *, minutes: int, people: int, active: Adoption
) -> tuple[Fact, ...]:
    """One fact per goal set: where it stands and whether it is on track."""
    gone, length = elapsed(quarter, until)
    pace = gone / length

    def verdict(progress: float) -> str:
        if progress >= 1:
            return "reached"
        return "on track" if progress >= pace else f"behind (about {pace:.0%} expected by now)"

    facts = []
    if goals.hours:
        progress = minutes / 60 / goals.hours
        facts.append(
            Fact(f"{goals.hours:g} hours saved", f"{hours(minutes)}, {progress:.0%}: {verdict(progress)}")
        )
    if goals.staff_share:
        staff = goals.staff or sum(active.department_sizes.values())
        share = people / staff if staff else 0
        progress = share / goals.staff_share
        facts.append(
            Fact(
                f"{goals.staff_share:.0%} of staff logged a win",
                f"{share:.0%} ({people} of {staff}): {verdict(progress)}",
            )
        )
    if goals.every_department:
        known = {d for d in active.department_sizes if d != "unknown"}
        quiet = known - set(active.active_by_department)
        facts.append(
            Fact(
                "Every department active",
                "reached" if known and not quiet else f"{len(known) - len(quiet)} of {len(known)}: not yet",
            )
        )
    return tuple(facts)
