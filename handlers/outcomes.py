"""The fixed outcome categories leaders read, and a keyword guess of the category from free text."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    keywords: tuple[str, ...]


# The order is the tie-break when a text names several: the first is the more specific claim.
OUTCOMES: tuple[Outcome, ...] = (
    Outcome("revenue", "Revenue", ("revenue", "sale", "sales", "deal", "upsell", "renew", "renewed", "renewal",
                                   "won", "bid", "pipeline", "signed", "invoice", "invoiced", "billable")),
    Outcome("client_service", "Client service", ("client", "customer", "reply", "replied", "responded",
                                                 "response time", "ticket", "support")),
    Outcome("wellbeing", "Wellbeing", ("home", "family", "lunch", "break", "stress", "weekend", "gym", "walk",
                                       "kids", "evening", "holiday", "overtime")),
    Outcome("speed", "Speed to delivery", ("early", "earlier", "faster", "ahead of", "deadline", "on time",
                                           "sooner", "shipped", "delivered", "launched", "quicker", "same day")),
    Outcome("quality", "Quality", ("quality", "fewer errors", "fewer bugs", "better", "accuracy", "accurate",
                                   "polished", "bug", "consistent", "clearer", "thorough", "typo")),
    Outcome("cost", "Cost", ("cost", "costs", "budget", "cheaper", "contractor", "agency", "licence fee")),
    Outcome("risk", "Risk reduction", ("risk", "compliance", "compliant", "security", "audit", "gdpr",
                                       "legal review", "safer")),
    Outcome("learning", "Learning", ("learn", "learned", "learnt", "training", "upskill", "course", "studied",
                                     "read up", "understand", "understood")),
    Outcome("other", "Other", ()),
)  # fmt: skip
BY_ID = {o.id: o for o in OUTCOMES}
_ALIASES = {
    **{o.id: o.id for o in OUTCOMES},
    **{o.label.lower(): o.id for o in OUTCOMES},
    "client": "client_service",
    "service": "client_service",
    "speed": "speed",
    "delivery": "speed",
    "risk reduction": "risk",
    "well-being": "wellbeing",
}


def category_from_word(word: str) -> str | None:
    """An explicit category as people type it: 'quality', 'client service', 'Speed to delivery'."""
    return _ALIASES.get(word.strip().lower().replace("_", " ").rstrip(":")) or _ALIASES.get(
        word.strip().lower().rstrip(":")
    )


# Whole words, a plural allowed: "homepage" is not "home", "dealt" is not "deal". One pattern per
# outcome, tried in order, so the earlier outcome wins when a text names several.
_KEYWORDS = tuple(
    (o.id, re.compile(rf"\b(?:{'|'.join(re.escape(k) for k in o.keywords)})(?:s|es)?\b"))
    for o in OUTCOMES
    if o.keywords
)


def guess_category(text: str) -> str:
    lowered = text.lower()
    return next((category for category, pattern in _KEYWORDS if pattern.search(lowered)), "other")


def label(category: str | None) -> str:
    return BY_ID[category].label if category in BY_ID else "not stated"
