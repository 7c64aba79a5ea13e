"""How the digests and reports write their figures, the same everywhere."""

from __future__ import annotations


def hours(minutes: float) -> str:
    return f"{minutes / 60:,.1f} h"


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
