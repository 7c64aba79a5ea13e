"""Questions written to slip past the reader: each must still be refused (found in review)."""

from __future__ import annotations

import pytest

from knowledge import Asker, assess

REFUSED = [
    "can I paste non-sensitive passwords into ChatGPT Enterprise?",
    "can I paste non sensitive payroll data into DeepL?",
    "can I use my ChatGPT not without client data?",
    "can I paste Project Zero client data into my chatgpt",
    "can I paste the pasword into ChatGPT Enterprise?",
    "can I paste the payrol into DeepL?",
    "can I use DeepL for ranking candidates",
    "can I use chatgpt enterprise for screening CVs",
    "can I paste раyroll into DeepL?",  # Cyrillic р and а
    "can I paste my pwd into ChatGPT Enterprise",
    "can I paste our github token into ChatGPT Enterprise",
    "my .env file with secrets in chatgpt enterprise?",
    "can I paste our code into DeepL to debug it",
    "can chatgpt enterprise rate employees",
    "use chatgpt enterprise to score interviews",
    "decide which candidate to hire with claude",
    "résumé screening with chatgpt enterprise",
    "can I use otter or deepl with client data",  # two products: the strictest verdict wins
    "CAN I PASTE CLIENT CONTRACTS INTO MY CHATGPT???",
]


@pytest.mark.parametrize("question", REFUSED)
def test_refused(kb, question):
    assert assess(kb, question, Asker()).verdict == "not_allowed"


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("how many tokens can ChatGPT Enterprise handle?", "allowed"),  # "tokens" here are not credentials
        ("Can I use GPT-4o?", "conditional"),  # a catalog name for the listed ChatGPT editions
        ("can I use fireflies ai for meeting notes?", "unknown_tool"),
        ("what is pi, and can I use Grammarly for it?", "allowed"),  # an everyday word is not a product
    ],
)
def test_not_over_refused(kb, question, verdict):
    assert assess(kb, question, Asker()).verdict == verdict


def test_a_huge_single_word_is_read_quickly_enough_to_answer(kb):
    result = assess(kb, "x" * 20000 + " chatgpt")
    assert [v.tool_id for v in result.tools] == ["chatgpt-enterprise", "chatgpt-personal"]
