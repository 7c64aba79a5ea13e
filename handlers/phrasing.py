"""The answer worded by the language model, in the asker's language, from what the engine decided; and the
checks that throw a wording away. The verdict line, the buttons and the footer stay the engine's; a
wording that names a tool the engine did not, or says yes to a tool the engine refused, is replaced by
the engine's own text."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from handlers.model import Reply, Section
from handlers.services import Services
from knowledge import Assessment, KnowledgeBase, Overall, Verdict

log = logging.getLogger(__name__)

MAX_TEXT = 1500
PERMITTED = (Verdict.ALLOWED, Verdict.CONDITIONAL)
# Words that say a tool may be used, in the languages people ask in; a sentence naming a refused tool
# must not hold one unless it also holds a negation.
_YES = re.compile(
    r"\b(?:yes|you can|you may|is allowed|are allowed|is permitted|is fine|is ok|go ahead|"
    r"s[ií]|puedes|puede usar|pueden usar|est[aá] permitido|adelante|"
    r"oui|vous pouvez|tu peux|est autoris[ée]e?|"
    r"ja|du kannst|sie k[öo]nnen|ist erlaubt|darfst|d[üu]rfen)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"\b(?:no|not|don't|do not|never|cannot|can't|nicht|kein|keine|nie|niemals|pas|ne|jamais|nunca)\b|n't",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+")


def facts(assessment: Assessment, reply: Reply) -> dict:
    """What the model words: the engine's verdict, reasons, conditions, alternatives and how to get them."""
    return {
        "verdict_line": reply.headline,
        "overall": str(assessment.verdict),
        "tools": [
            {"name": v.name, "verdict": str(v.verdict), "reasons": [r.text for r in v.reasons],
             "conditions": [c.text for c in v.conditions]}
            for v in assessment.tools
        ],
        "instead": [{"name": v.name, "verdict": str(v.verdict)} for v in (*assessment.alternatives, *assessment.recommended)],
        "details": [s.text for s in reply.sections if s.text][:6],
    }  # fmt: skip


def _names(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Every way of writing a tool's name, lowered → the tools it may mean (aliases are shared)."""
    names: dict[str, set[str]] = {}
    for tool in kb.tools:
        for name in (tool.name, *tool.aliases):
            if len(str(name)) > 2:
                names.setdefault(str(name).lower(), set()).add(tool.id)
    return names


def acceptable(text: str, assessment: Assessment, kb: KnowledgeBase) -> bool:
    if not text.strip() or len(text) > MAX_TEXT:
        return False
    names = _names(kb)

    def mentions(part: str) -> list[set[str]]:
        """The tools each name written in `part` may mean."""
        return [ids for name, ids in names.items() if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", part)]

    lowered = text.lower()
    named = {v.tool_id for v in (*assessment.tools, *assessment.alternatives, *assessment.recommended)}
    if any(not ids & named for ids in mentions(lowered)):
        return False  # a tool the engine did not name
    refused = {v.tool_id for v in assessment.tools if v.verdict not in PERMITTED and v.tool_id}
    unlisted = [v.name.lower() for v in assessment.tools if v.tool_id is None]
    sentences = _SENTENCE.findall(lowered)
    for sentence in sentences:
        about_refused = any(ids & refused for ids in mentions(sentence)) or any(
            n in sentence for n in unlisted
        )
        if about_refused and _says_yes(sentence):
            return False  # a yes to a tool the engine refused
    # A refusal does not open with a yes, whatever it names.
    return not (assessment.verdict in (Overall.NOT_ALLOWED, Overall.UNKNOWN_TOOL) and sentences
                and _says_yes(sentences[0]))  # fmt: skip


def _says_yes(sentence: str) -> bool:
    """A yes-word with no negation right around it ("you can't", "no puedes", "du kannst nicht"): a "not"
    elsewhere in the sentence ("yes, but not with client data") does not make it a no."""
    for match in _YES.finditer(sentence):
        around = sentence[max(match.start() - 12, 0) : match.end() + 12]
        if not _NO.search(around):
            return True
    return False


async def worded(reply: Reply, assessment: Assessment, services: Services, *, started: float) -> Reply:
    """The reply with its body in the model's words, or unchanged: for a clarify or an unplaced
    question (their choices are the engine's), on any failure, and for a wording that fails the checks."""
    if assessment.verdict in (Overall.CLARIFY, Overall.NO_MATCH):
        return reply
    reader = services.reader
    budget = reader.timeout - (time.monotonic() - started)  # both calls together within the timeout
    language = assessment.language if assessment.language not in (None, "other") else "en"
    text = await reader.phrase(facts(assessment, reply), language, budget=budget)
    if text is None:
        return reply
    if not acceptable(text, assessment, services.knowledge):
        log.warning("the language model's wording was replaced by the engine's: it contradicted the answer")
        reader.rejected()
        return reply
    kept = tuple(s for s in reply.sections if s.title == "How I read your question")
    return replace(reply, sections=(Section(text=text.strip()), *kept))
