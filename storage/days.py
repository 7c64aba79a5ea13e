"""Dates as the stored timestamps read them: a day starts at midnight UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
