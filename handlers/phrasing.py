"""A short summary of the answer in the asker's language (Spanish, French or German), written by the
language model from what the engine decided, above the engine's own answer; and the checks that throw a
summary away. The verdict line, every section of the engine's answer, the buttons and the footer stay as
the engine wrote them: the summary only adds, and one that names a tool the engine did not, says yes to a
refused tool, or says yes at all in a refusal except about a tool offered instead, is dropped."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from handlers.model import Reply, Section
from handlers.services import Services
from knowledge import Assessment, KnowledgeBase, Overall, Verdict
from knowledge.model_reading import ModelUse

log = logging.getLogger(__name__)

MAX_TEXT = 600
LANGUAGES = ("es", "fr", "de")  # the languages the checks below read; English answers are the engine's
PERMITTED = (Verdict.ALLOWED, Verdict.CONDITIONAL)
REFUSALS = (Overall.NOT_ALLOWED, Overall.UNKNOWN_TOOL, Overall.RECOMMENDATION)
# "no problem", "sin problema": a yes though it holds a "no".
_IDIOMS = re.compile(
    r"\b(?:no problem|no worries|sin problema|ning[uú]n problema|no hay problema|sans probl[eè]me|"
    r"pas de probl[eè]me|kein problem|keine sorge)\b",
    re.IGNORECASE,
)
_YES = re.compile(
    r"\b(?:yes|yeah|sure|of course|you can|you may|allowed|permitted|fine|ok|okay|go ahead|go for it|"
    r"feel free|works|s[ií]|claro|vale|puedes|puede|pueden|permitid[oa]s?|adelante|sin problema|"
    r"oui|bien s[uû]r|d'accord|vous pouvez|tu peux|autoris[ée]e?s?|allez-y|"
    r"ja|klar|gerne|kannst|k[öo]nnen|erlaubt|darfst|d[üu]rfen|in ordnung|kein problem|YESIDIOM)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"\b(?:no|not|don't|do not|never|cannot|can't|nicht|kein|keine|nie|niemals|verboten|pas|ne|jamais|"
    r"interdit|nunca|prohibid[oa])\b|n't",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?;:\n]+")


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


def _name_pattern(kb: KnowledgeBase) -> tuple[re.Pattern[str], dict[str, set[str]]]:
    """One pattern for every way of writing a tool's name (longest first), and the tools each may mean
    (aliases are shared): built once per knowledge base."""
    memo = kb.memo.setdefault("phrasing", {})
    if "names" not in memo:
        names: dict[str, set[str]] = {}
        for tool in kb.tools:
            for name in (tool.name, *tool.aliases):
                if len(str(name)) > 2:
                    names.setdefault(str(name).lower(), set()).add(tool.id)
        ordered = sorted(names, key=len, reverse=True)
        alternation = "|".join(map(re.escape, ordered)) or r"(?!x)x"  # no names: a pattern that never matches
        memo["names"] = (re.compile(r"(?<!\w)(?:" + alternation + r")(?!\w)"), names)
    return memo["names"]


def _says_yes(sentence: str) -> bool:
    """A yes-word with no negation right around it ("you can't", "no puedes", "du kannst nicht"): a "not"
    elsewhere in the sentence ("yes, but not with client data") does not make it a no."""
    sentence = _IDIOMS.sub(" YESIDIOM ", sentence)
    for match in _YES.finditer(sentence):
        around = sentence[max(match.start() - 12, 0) : match.end() + 12]
        if not _NO.search(around):
            return True
    return False


def acceptable(text: str, assessment: Assessment, kb: KnowledgeBase) -> bool:
    if not text.strip() or len(text) > MAX_TEXT:
        return False
    pattern, names = _name_pattern(kb)

    def mentions(part: str) -> list[set[str]]:
        return [names[m.group().lower()] for m in pattern.finditer(part)]

    lowered = text.lower()
    usable = {v.tool_id for v in (*assessment.tools, *assessment.alternatives, *assessment.recommended)
              if v.verdict in PERMITTED}  # fmt: skip
    named = usable | {v.tool_id for v in assessment.tools}
    if any(not ids & named for ids in mentions(lowered)):
        return False  # a tool the engine did not name
    refused = {v.tool_id for v in assessment.tools if v.verdict not in PERMITTED and v.tool_id}
    unlisted = [v.name.lower() for v in assessment.tools if v.tool_id is None]
    sentences = [s for s in _SENTENCE.findall(lowered) if s.strip()]
    refusal = assessment.verdict in REFUSALS
    if refusal and sentences and not _NO.search(sentences[0]):
        return False  # a refusal opens with the no
    for sentence in sentences:
        if not _says_yes(sentence):
            continue
        here = mentions(sentence)
        if any(ids & refused for ids in here) or any(n in sentence for n in unlisted):
            return False  # a yes to a tool the engine refused
        if refusal and not (here and all(ids <= usable for ids in here)):
            return False  # in a refusal, a yes only about a tool offered instead
    return True


async def worded(
    reply: Reply, assessment: Assessment, services: Services, *, started: float, use: ModelUse | None = None
) -> Reply:
    """The reply with a summary in the asker's language above the engine's answer, or unchanged: in
    English, for a clarify or an unplaced question (their choices are the engine's), on any failure, and
    for a summary that fails the checks."""
    if assessment.language not in LANGUAGES or assessment.verdict in (Overall.CLARIFY, Overall.NO_MATCH):
        return reply
    reader = services.reader
    budget = reader.timeout - (time.monotonic() - started)  # both calls together within the timeout
    text = await reader.phrase(facts(assessment, reply), assessment.language, budget=budget, use=use)
    if text is None:
        return reply
    if not acceptable(text, assessment, services.knowledge):
        log.warning("the language model's summary was dropped: it did not match the engine's answer")
        reader.rejected(use)
        return reply
    return replace(reply, sections=(Section(text=text.strip()), *reply.sections))
