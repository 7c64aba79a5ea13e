"""Redacts personal data and secrets from question text before it is stored.

People paste the very thing they are asking about ("can I put sk-live-... into ChatGPT?");
the questions log must not become the leak it is meant to prevent.
"""

from __future__ import annotations

import re

# Order matters: the most specific patterns run first so a token inside a URL is not half-matched.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (placeholder, re.compile(pattern, flags))
    for placeholder, pattern, flags in (
        ("[url-with-credentials]", r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@\S+", re.IGNORECASE),
        (
            "[private-key]",
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
            re.DOTALL,
        ),
        ("[token]", r"\b(?:sk|pk|rk)-(?:live-|test-|proj-)?[A-Za-z0-9_-]{16,}", 0),
        ("[token]", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", 0),
        ("[token]", r"\bgh[pousr]_[A-Za-z0-9]{20,}", 0),
        ("[token]", r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", 0),
        ("[token]", r"\bAIza[0-9A-Za-z_-]{35}\b", 0),
        ("[token]", r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}", 0),
        (
            "[token]",
            r"\b(?:bearer|token|api[_ -]?key|secret|password|passwd|pwd)\s*[:=]\s*\S+",
            re.IGNORECASE,
        ),
        ("[email]", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b", 0),
        ("[iban]", r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b", 0),
        ("[card-number]", r"\b(?:\d[ -]?){12,18}\d\b", 0),
        ("[national-id]", r"\b\d{3}-\d{2}-\d{4}\b", 0),  # US SSN
        ("[national-id]", r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", 0),  # UK NI number
        ("[phone]", r"(?<![\w-])(?:\(\d|\+?\d)[\d ()./-]{7,}\d\b", 0),
        ("[account-number]", r"\b\d{8,}\b", 0),
        ("[secret]", r"\b(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{32,}={0,2}", 0),
    )
)


def redact(text: str) -> str:
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
