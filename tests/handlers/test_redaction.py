"""What the questions log must never keep."""

from __future__ import annotations

import pytest

from handlers.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail ana.lima@brightline.example now", "mail [email] now"),
        ("call +44 20 7946 0958 today", "call [phone] today"),
        ("call (415) 555-0100", "call [phone]"),
        ("card 4111 1111 1111 1111 ok", "card [card-number] ok"),
        ("card 4111-1111-1111-1111", "card [card-number]"),
        ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN [iban] please"),
        ("account 12345678", "account [account-number]"),
        ("ssn 123-45-6789", "ssn [national-id]"),
        ("NI number AB 12 34 56 C", "NI number [national-id]"),
        ("key sk-proj-abcdefghijklmnop1234 leaked", "key [token] leaked"),
        ("slack xoxb-123456789012-abcdefABCDEF", "slack [token]"),
        ("gh ghp_abcdefghijklmnopqrstuvwxyz0123456789", "gh [token]"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [token]"),
        ("password: hunter2 in prod", "[secret] in prod"),
        ("my password is hunter2", "my [secret]"),
        ("pw=Winter2024!", "[secret]"),
        ("passcode is 4711", "[secret]"),
        ("gl glpat-abcdefghijklmnopqrstu", "gl [token]"),
        ("iban de89370400440532013000", "iban [iban]"),
        ("db postgres://admin:s3cret@db.internal:5432/app", "db [url-with-credentials]"),
        ("hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "hash [secret]"),
        ("can I paste a client contract into ChatGPT?", "can I paste a client contract into ChatGPT?"),
        ("GPT-4 for 2026 Q3 numbers", "GPT-4 for 2026 Q3 numbers"),
        ("the 2024-2025 budget", "the 2024-2025 budget"),
        ("due 2025-11-20 please", "due 2025-11-20 please"),
        ("version 1.2.3", "version 1.2.3"),
        ("password: is that a rule?", "password: is that a rule?"),
        ("can I share a password with Copilot?", "can I share a password with Copilot?"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("hostile", ["a/" * 20000, "a." * 20000 + "@", "x" * 100000])
def test_long_input_is_cut_before_it_is_stored(hostile):
    assert len(redact(hostile)) <= 4000
