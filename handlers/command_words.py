"""What the registry needs to know about commands before any of them runs: usage lines, examples and
the test that tells a decision from a question. Kept apart from the handlers so that routing a
request loads no database layer (`aiguide ask` shows its answer before it loads one)."""

from __future__ import annotations

import re

WIN_USAGE = "win 45m WHAT YOU DID [with TOOL] -> WHAT IT LED TO"
REQUEST_EXAMPLE = "request DeepSeek because it reads scanned PDFs in Chinese"
DECISION_VERBS = {
    "approve": "approved", "approved": "approved",
    "pilot": "pilot", "trial": "pilot",
    "reject": "rejected", "rejected": "rejected", "deny": "rejected", "decline": "rejected",
    "info": "info",
}  # fmt: skip
DECIDE_USAGE = (
    "decide TOOL approve|pilot|reject|info [up to CLASS] [for GROUP] [use ALTERNATIVE] because NOTE"
)
DECIDE_EXAMPLE = "decide DeepSeek reject use chatgpt-enterprise because its data leaves the EU"
CARD_REF = re.compile(r"^[0-9a-f]{12}$")  # a review card's reference, as its buttons send it


def is_decision(text: str) -> bool:
    """Whether text after the word `decide` is a decision (or asks how to write one), not a question."""
    words = [w.lower().strip(",.:") for w in text.split()]
    return not words or bool(CARD_REF.match(words[0])) or any(w in DECISION_VERBS for w in words[1:])


WIN_FORM_TITLE = "Log an AI win"
QUESTION_FORM_TITLE = "Ask aiguide"
