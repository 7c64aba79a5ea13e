"""Follow-up questions: "what about with public data?", "and claude?", "what if I remove the names?".

A follow-up inherits what it does not restate from the question before it in the same conversation;
what it does restate replaces the earlier reading. Deterministic, like the rest of the reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from knowledge.indexes import Indexes
from knowledge.phrases import tokenize
from knowledge.understand import Understanding, narrow, understand

SHORT = 6  # words; a message this short that leaves out the tool or the data reads as a follow-up


@dataclass(frozen=True)
class Context:
    """What a conversation has established so far."""

    reading: Understanding
    data_text: str  # the words the data was read from, for "what if I remove ..."


@dataclass(frozen=True)
class Continued:
    reading: Understanding
    context: Context
    carried: tuple[str, ...]  # what was inherited: "tool", "data", "use case"


def is_followup(current: Understanding) -> bool:
    if current.small_talk and not (current.tools or current.names_data or current.use_cases):
        return False
    if current.followup or (current.removal and not current.tools):
        return True
    leaves_out = not current.tools or not (current.names_data or current.use_cases or current.mentions)
    return leaves_out and current.size <= SHORT


def answers_clarify(context: Context, current: Understanding) -> bool:
    """After a question whose data could not be placed ("the export"), a message that names data and
    no tool says what that data was ("it's a csv of customer emails"), however long it is."""
    previous = context.reading
    return bool(previous.vague or previous.handed) and not current.tools and current.names_data


def start(question: str, reading: Understanding) -> Context:
    return Context(reading=reading, data_text=question)


def continue_from(context: Context, question: str, current: Understanding, indexes: Indexes) -> Continued:
    previous = context.reading
    carried: list[str] = []
    tools = current.tools
    if not tools and previous.tools and not _instead(question):
        tools, edition = previous.tools, previous.edition
        if current.edition:
            # "and on my personal account?": the same tools as named, this time in that edition.
            edition = current.edition
            tools = tuple(narrow(m, edition, indexes) for m in previous.named_tools or previous.tools)
        carried.append("tool")
    else:
        edition = current.edition
    data_text = context.data_text
    # "and without the password, just the press release?": what it says "without" leaves the earlier
    # question too, also when it names new data ("numbers that aren't public" takes nothing out).
    taken_out = current.removal or (
        current.negated_words if not current.data_classes else _said_without(question, current.negated_words)
    )
    if taken_out:
        # "what if I remove the names?", "what about without salaries?": the earlier words less those,
        # plus whatever else this message names.
        words = tuple(w for phrase in taken_out for w in phrase.split())
        data_text = f"{_without(context.data_text, words)} . {_without(question, words)}"
        data = understand(data_text, indexes)
        carried.append("data")
    elif (current.names_data or current.mentions) and _adds(question):
        # "and the meeting notes?": more data for the same question, read together with the earlier.
        data_text = f"{context.data_text} . {question}"
        data = understand(data_text, indexes)
        carried.append("data")
    elif current.names_data or current.mentions:
        data = current
        data_text = question
    else:
        data = previous
        if previous.names_data or previous.mentions:
            carried.append("data")
    uses = current.use_cases
    if not uses and previous.use_cases:
        uses = previous.use_cases
        carried.append("use case")
    reading = replace(
        current,
        tools=tools,
        named_tools=previous.named_tools if "tool" in carried else current.named_tools,
        edition=edition,
        data_classes=data.data_classes,
        negated_data=data.negated_data,
        vague=data.vague,
        handed=data.handed,
        secrets=data.secrets,
        mentions=data.mentions | current.mentions,
        use_cases=uses,
    )
    return Continued(reading, Context(reading, data_text), tuple(carried))


_INSTEAD = re.compile(
    r"\b(?:instead|stattdessen|alternativ\w*|en su lugar|en lugar de eso|[àa] la place|autre outil|otra herramienta"
    r"|anderes tool|something else)\b"
)


def _instead(question: str) -> bool:
    """ "what should I use instead?": the same task and data, and a tool other than the one named."""
    return bool(_INSTEAD.search(question.lower()))


_ADDING = frozenset({"and", "also", "plus", "y", "tambien", "et", "aussi", "und", "auch"})


def _adds(question: str) -> bool:
    """Opens with "and", "y", "et", "und": adds to the question rather than replacing its data."""
    words = question.lower().replace("¿", " ").replace("¡", " ").split()
    return bool(words) and words[0].strip(",.!?") in _ADDING


_WITHOUT = frozenset({"without", "no", "minus", "except", "excluding", "sin", "sans", "ohne", "kein", "keine",
                      "keinen", "ni", "aucun", "aucune", "sauf", "ausser"})  # fmt: skip


def _said_without(question: str, phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The negated phrases that follow a word such as "without" or "no" (within two words)."""
    tokens = tokenize(question)
    found = []
    for phrase in phrases:
        words = [t.stem for t in tokenize(phrase)]
        for start in range(len(tokens) - len(words) + 1):
            if [t.stem for t in tokens[start : start + len(words)]] == words:
                if any(t.text in _WITHOUT for t in tokens[max(0, start - 3) : start]):
                    found.append(phrase)
                break
    return tuple(found)


def _without(text: str, removed: tuple[str, ...]) -> str:
    """The earlier words with the removed ones taken out: "customer names and addresses" less "names".

    Words are compared as the reader reads them (case, accents and plurals folded): "nóminas" is "nomina".
    """
    gone = {t.stem for word in removed for t in tokenize(word)}
    kept = [w for w in text.split() if not (tokens := tokenize(w)) or any(t.stem not in gone for t in tokens)]
    return " ".join(kept)
