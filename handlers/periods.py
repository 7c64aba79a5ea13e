"""Calendar periods the reports name: a quarter, a month, or the one so far."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    name: str  # "2026-Q4", "2026-11"
    label: str  # "Q4 2026 (1 Oct – 31 Dec)"


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    quarter = (first_month - 1) // 3 + 1
    return Period(start, end, f"{day.year}-Q{quarter}", f"Q{quarter} {day.year} ({span(start, end)})")


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return Period(start, end, f"{start:%Y-%m}", f"{start:%B %Y}")


def last_full_month(today: date) -> Period:
    return month_of(today.replace(day=1) - timedelta(days=1))


def parse_period(text: str | None, today: date) -> Period:
    """'2026-Q4', '2026-11', or nothing: the quarter so far, up to and including `today`."""
    if not text:
        quarter = quarter_of(today)
        end = min(quarter.end, today + timedelta(days=1))
        return Period(quarter.start, end, quarter.name, f"{quarter.name[-2:]} {today.year} to date "
                      f"({span(quarter.start, end)})")  # fmt: skip
    value = text.strip().upper()
    named = None
    if match := re.fullmatch(r"(\d{4})-?Q([1-4])", value):
        named = quarter_of(date(int(match.group(1)), 3 * int(match.group(2)), 1))
    elif (match := re.fullmatch(r"(\d{4})-(\d{1,2})", value)) and 1 <= int(match.group(2)) <= 12:
        named = month_of(date(int(match.group(1)), int(match.group(2)), 1))
    if named is None:
        raise ValueError(f"{text!r} is not a period; write a quarter like 2026-Q4 or a month like 2026-11")
    if named.start > today:
        raise ValueError(f"{named.name} has not started yet; name a period up to this one")
    if named.end > today + timedelta(days=1):  # the period so far: goals are judged on the days gone
        end = today + timedelta(days=1)
        return Period(
            named.start, end, named.name, f"{named.label.split(' (')[0]} to date ({span(named.start, end)})"
        )
    return named


def span(start: date, end: date) -> str:
    return f"{start:%-d %b} – {end - timedelta(days=1):%-d %b %Y}"
