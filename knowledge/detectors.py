"""Detectors for real data pasted into a question: a key, a card number or a person's name in the text
is itself what decides the answer, whatever words surround it."""

from __future__ import annotations

import re

# Formats documented by the issuers (AWS, GitHub, Slack, Google, OpenAI, Stripe) and generic shapes
# (PEM blocks, JWTs, URLs with a password, `password = ...`). Each is specific enough that ordinary
# prose never matches it.
DETECTORS: dict[str, re.Pattern[str]] = {
    "aws_access_key": re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b"),
    "github_token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})\b"),
    "slack_token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "private_key_block": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    "jwt": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "google_api_key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "openai_key": re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}"),
    "stripe_key": re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    "password_assignment": re.compile(
        r"\b(?:password|passwd|pwd|secret|api[_-]?key|token)\s*[:=]\s*\S{4,}", re.IGNORECASE
    ),
    # "my password is Winter2026!": said in words; the value has a digit or a symbol, as passwords must
    # ("the password is required" is not one).
    "password_stated": re.compile(
        r"\b(?:password|passwort|kennwort|contraseña|clave|mot de passe|mdp)\s+(?:is|was|es|est|ist|lautet)"
        r"\s+(?=\S*[\d!@#$%^&*])\S{4,}",
        re.IGNORECASE,
    ),
    # "the login for the portal is ops.venlo / Winter2026!": a user name and a password side by side.
    "login_pair": re.compile(
        r"\b(?:login|log-in|credentials|username|user name|benutzer(?:name)?|usuario|identifiants?)\b"
        r"[^/\n]{0,40}?(?:\bis|\bare|:|=|\bes|\best|\bist|\bson|\bsont|\blautet)\s*\S{2,}\s*/\s*"
        r"(?=\S*[\d!@#$%^&*])\S{4,}",
        re.IGNORECASE,
    ),
    "connection_string": re.compile(r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]+:[^\s@/]+@[^\s/]+", re.IGNORECASE),
    "generic_bearer": re.compile(r"\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*"),
    # Personal and financial data in its own shapes. A title before a capitalised name is a named person.
    # With a dot in any case ("mr. jones"); without one only capitalised, and never "MS" ("MS Teams").
    "named_person": re.compile(
        r"\b(?:[Mm]r|[Mm]rs|[Mm]s|[Mm]x|[Ss]ra?|[Ss]rta|[Mm]me|[Mm]lle)\.\s*[^\W\d_]{2,}"
        r"|\b(?:Mr|Mrs|Miss|Herr|Frau)\s+[A-ZÀ-Ý][^\W\d_]+"
    ),
    "email_address": re.compile(
        r"(?<![:/])\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
    ),
    "us_ssn": re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
}
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")


def _luhn(digits: str) -> bool:
    total = 0
    for i, digit in enumerate(int(d) for d in reversed(digits)):
        total += digit if i % 2 == 0 else (digit * 2 - 9 if digit > 4 else digit * 2)
    return total % 10 == 0


def _card_number(text: str) -> bool:
    """A payment card number: 13 to 19 digits that pass the Luhn check (so an order number rarely does)."""
    for match in _CARD.finditer(text):
        digits = "".join(c for c in match.group() if c.isdigit())
        if 13 <= len(digits) <= 19 and _luhn(digits) and len(set(digits)) > 1:
            return True
    return False


CHECKS = {"card_number": _card_number}
NAMES = (*DETECTORS, *CHECKS)
# The data-signal category each detector's finding belongs to (a catalog may name more under `detectors:`).
CATEGORY = {
    **dict.fromkeys(
        ("aws_access_key", "github_token", "slack_token", "private_key_block", "jwt", "google_api_key",
         "openai_key", "stripe_key", "password_assignment", "password_stated", "login_pair", "connection_string",
         "generic_bearer"),
        "credentials",
    ),
    "named_person": "personal",
    "email_address": "personal",
    "us_ssn": "personal",
    "card_number": "financial",
    "iban": "financial",
}  # fmt: skip
# The catalog concept each pasted format is: where a knowledge base reads that concept, it reads the
# pasted data (a name pasted is personal data, not the card data its category may also stand for).
CONCEPT = {
    "named_person": "names-with-details",
    "email_address": "contact-details",
    "us_ssn": "national-id",
    "card_number": "card-number",
    "iban": "bank-account",
}


def detect(text: str, names: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Names of the detectors that fire on `text` (all of them, or only `names`)."""
    chosen = NAMES if names is None else names
    return tuple(
        name
        for name in chosen
        if (name in DETECTORS and DETECTORS[name].search(text)) or (name in CHECKS and CHECKS[name](text))
    )
