"""Redacts personal data and secrets from question text before it is stored.

People paste the very thing they are asking about ("can I put sk-live-... into ChatGPT?");
the questions log must not become the leak it is meant to prevent.
"""

from __future__ import annotations

import re

MAX_TEXT = 4000  # longer input is cut first: every pattern below then runs in bounded time

# Patterns that may span spaces run over the whole text; each is anchored on a fixed prefix or a
# short bounded run, so none rescans the text from every position.
_PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (placeholder, re.compile(pattern, flags))
    for placeholder, pattern, flags in (
        ("[private-key]", r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----.*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)", re.DOTALL),
        # "password: x", "my password is x", "pw=x", "PIN 4711"
        ("[secret]", r"\b(?:password|passwd|passcode|passphrase|pwd|pw|pin|api[_ -]?key|secret|token|bearer)"
                     r"(?:(?:\s+is\s+|\s*[:=]\s*)(?!is\b|that\b|a\b|the\b|rule\b)|\s+(?=\S*[\d!@#$%^&*_]))\S{3,}",
         re.IGNORECASE),
        ("[iban]", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b", re.IGNORECASE),
        ("[card-number]", r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])", 0),
        ("[national-id]", r"\b\d{3}-\d{2}-\d{4}\b", 0),  # US SSN
        ("[national-id]", r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", 0),  # UK NI number
        ("[phone]", r"(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])", 0),
    )
)  # fmt: skip

# Patterns for one whitespace-separated word at a time.
_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (placeholder, re.compile(pattern, re.IGNORECASE))
    for placeholder, pattern in (
        ("[url-with-credentials]", r"[a-z][a-z0-9+.-]{0,20}://[^\s/:@]+:[^\s/@]+@\S+"),
        ("[token]", r"(?:sk|pk|rk)-(?:live-|test-|proj-)?[a-z0-9_-]{16,}\S*"),
        ("[token]", r"xox[abposr]-[a-z0-9-]{10,}\S*"),
        ("[token]", r"(?:gh[pousr]_|github_pat_|glpat-)[a-z0-9_-]{20,}\S*"),
        ("[token]", r"(?:akia|asia)[a-z0-9]{16}"),
        ("[token]", r"aiza[0-9a-z_-]{35}"),
        ("[token]", r"eyj[a-z0-9_-]{10,}\.[a-z0-9_-]{10,}\.[a-z0-9_-]{10,}"),
        ("[email]", r"[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,255}\.[a-z]{2,}"),
        ("[account-number]", r"\d{8,}"),
    )
)
_WORD = re.compile(r"\S+")
_SECRET_RUN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")
# 2025-11-20 and 2024-2025 are dates, not phone numbers; a card number's groups are not years.
_DATES = re.compile(r"(?<![\d-])(?:(?:19|20)\d{2}-\d{2}-\d{2}|(?:19|20)\d{2}[-/](?:19|20)?\d{2})(?![\d-])")


def redact(text: str) -> str:
    text = _WORD.sub(_redact_word, text[:MAX_TEXT])
    dates: list[str] = []

    def keep_date(match: re.Match[str]) -> str:
        dates.append(match.group())
        return f"\x00{len(dates) - 1}\x00"

    text = _DATES.sub(keep_date, text)
    for placeholder, pattern in _PHRASES:
        text = pattern.sub(placeholder, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: dates[int(m.group(1))], text)


def _redact_word(match: re.Match[str]) -> str:
    word = match.group()
    core = word.strip(".,;:!?()[]{}\"'“”")
    if not core or core.startswith("["):
        return word
    if len(core) < 20 and core.isalpha():
        return word  # an ordinary word: every pattern below needs a digit, a sign or 20 characters
    for placeholder, pattern in _WORDS:
        if pattern.fullmatch(core):
            return word.replace(core, placeholder)
    if _SECRET_RUN.fullmatch(core) and any(c.isdigit() for c in core) and any(c.isalpha() for c in core):
        return word.replace(core, "[secret]")
    return word
