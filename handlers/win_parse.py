"""Reading a one-line AI win: how long, with what, on what, and what the saved time led to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from handlers import outcomes
from knowledge import KnowledgeBase
from knowledge.base import STATUS_ORDER
from knowledge.understand import Understanding, understand

MAX_MINUTES = 40 * 60
MAX_TEXT = 2000
EXAMPLE = "win 45m drafted the RFP response with Copilot -> sent to the client two days early"


class WinProblem(ValueError):
    """Something a person can fix; the message says how, with an example."""

    def __init__(self, message: str, field: str = "text"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class WinDraft:
    minutes: int
    task: str
    tool_id: str | None
    tool_name: str
    tool_known: bool
    tool_status: str | None
    use_case: str | None
    outcome: str | None
    outcome_category: str | None
    share: bool
    occurred_on: date

    def fields(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


_UNIT_H = r"(?:h|hr|hrs|hour|hours)(?![a-z])"
_UNIT_M = r"(?:m|min|mins|minute|minutes)(?![a-z])"
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "forty five": 45,
    "fifty": 50, "sixty": 60, "ninety": 90,
}  # fmt: skip
_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_PHRASES: tuple[tuple[re.Pattern[str], int | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), minutes)
    for pattern, minutes in (
        (r"\b(?:an|one|1) hours? and a half\b|\b(?:one|1) and a half hours?\b", 90),
        (r"\b(?:an|one|1) hours? and (?:a )?quarter\b", 75),
        (r"\bhalf an hour\b|\ba half hour\b|\bhalf-hour\b", 30),
        (r"\b(?:a )?quarter (?:of an )?hour\b|\ba quarter-hour\b", 15),
        (r"\ba couple of hours\b", 120),
        (r"\b(?:an|one) hour(?: and (?P<plus>\d+) ?(?:m|min|mins|minutes)\b)?", 60),
        (rf"\b(?P<words>{_WORD_NUMBER}) {_UNIT_H}", None),
        (rf"\b(?P<wordm>{_WORD_NUMBER}) {_UNIT_M}", None),
    )
)
_HOURS_MINUTES = re.compile(
    rf"(?P<sign>-)?(?<![\w.])(?P<h>\d+(?:[.,]\d+)?)\s*{_UNIT_H}(?:\s*(?:and\s+)?(?P<m>\d+)\s*(?:{_UNIT_M})?)?",
    re.IGNORECASE,
)
_MINUTES = re.compile(rf"(?P<sign>-)?(?<![\w.])(?P<m>\d+(?:[.,]\d+)?)\s*{_UNIT_M}", re.IGNORECASE)
_SAVED = re.compile(
    r"^\s*(?:i\s+)?(?:saved|save|spent)\b\s*(?:(?:on|by|for|while|doing)\b\s*)?", re.IGNORECASE
)
# A date only where it dates the win: "on 2026-11-20", or "yesterday"/"today" not used as a possessive
# ("summarised yesterday's notes" happened today).
_DATE = re.compile(
    r"\bon\s+(?P<iso>\d{4}-\d{1,2}-\d{1,2})\b|\b(?P<rel>yesterday|today)\b(?!['’]s)", re.IGNORECASE
)
_OUTCOME = re.compile(
    r"\s*(?:->|=>|→|\boutcome:|\bso (?:that )?i could\b|\bwhich let me\b|\bwhich meant\b|\bso we could\b)\s*",
    re.IGNORECASE,
)
_TAG = re.compile(r"(?<!\w)#(?P<tag>[A-Za-z][\w-]*)")
# An unlisted product named after "with"/"using": only names that look like AI products ("FooBar AI",
# "ScribeGPT", "notes.ai", "DraftBot"), so "with Ann" or "in Q3" never reads as shadow AI.
_WRITTEN_TOOL = re.compile(
    r"\b(?:with|using|via|through)\s+(?P<name>[A-Z][\w.+-]*(?:\s(?:AI|GPT|Bot|LLM|Copilot)\b)?)"
)
_AI_LOOKING = re.compile(r"(?i:\bai\b|\.ai\b|gpt|bot\b|llm|copilot)|[a-z][A-Z]")


def parse_duration(text: str) -> tuple[int, tuple[int, int]] | None:
    """(minutes, span of the match), or None. Raises WinProblem for zero or negative durations."""
    found: list[tuple[int, int, float]] = []
    for pattern, fixed in _PHRASES:
        match = pattern.search(text)
        if match:
            if fixed is not None:
                value: float = fixed + int(match.groupdict().get("plus") or 0)
            elif match.groupdict().get("words"):
                value = _NUMBER_WORDS[match.group("words").lower()] * 60
            else:
                value = _NUMBER_WORDS[match.group("wordm").lower()]
            found.append((match.start(), match.end(), value))
    for pattern in (_HOURS_MINUTES, _MINUTES):
        for match in pattern.finditer(text):
            number = float(match.group("h" if pattern is _HOURS_MINUTES else "m").replace(",", "."))
            value = number * 60 if pattern is _HOURS_MINUTES else number
            if pattern is _HOURS_MINUTES and match.group("m"):
                value += int(match.group("m"))
            if match.group("sign"):
                value = -value
            found.append((match.start(), match.end(), value))
    if not found:
        return None
    start, end, value = min(found, key=lambda f: (f[0], -f[1]))
    minutes = round(value)
    if minutes <= 0:
        raise WinProblem(
            f"A win needs some time saved, more than zero minutes. For example: {EXAMPLE}", "minutes"
        )
    return minutes, (start, end)


def check_minutes(minutes: int) -> None:
    if minutes <= 0:
        raise WinProblem(
            f"A win needs some time saved, more than zero minutes. For example: {EXAMPLE}", "minutes"
        )
    if minutes > MAX_MINUTES:
        raise WinProblem(
            f"{minutes / 60:g} hours is more than one win can hold (40 hours at most). "
            "Log each task as its own win, e.g. `win 3h drafted the market scan with ChatGPT`.",
            "minutes",
        )


@dataclass(frozen=True)
class WinParts:
    """What a line says, each part None when it does not say it (so an edit changes only those)."""

    minutes: int | None
    task: str | None
    outcome: str | None
    outcome_category: str | None
    share: bool | None
    occurred_on: date | None


def read_parts(text: str, today: date) -> WinParts:
    if len(text) > MAX_TEXT:
        raise WinProblem(
            f"That is {len(text)} characters; a win holds up to {MAX_TEXT}. Keep it to a line or two."
        )
    share: bool | None = None
    category: str | None = None

    def take_tag(tag: re.Match[str]) -> str:
        nonlocal share, category
        word = tag.group("tag").lower()
        if word in ("share", "shared"):
            share = True
        elif word in ("private", "noshare", "no-share"):
            share = False
        elif outcomes.category_from_word(word.replace("-", " ")):
            category = outcomes.category_from_word(word.replace("-", " "))
        else:
            return tag.group()  # "#123" or "#launch" is part of what they wrote
        return ""

    text = _TAG.sub(take_tag, text)
    occurred_on, text = _take_date(text, today)
    parts = _OUTCOME.split(text, maxsplit=1)
    doing, outcome_text = parts[0], (parts[1] if len(parts) > 1 else None)
    minutes = None
    duration = parse_duration(doing)
    if duration is not None:
        minutes, (start, end) = duration
        check_minutes(minutes)
        doing = doing[:start] + " " + doing[end:]
    task = _tidy(_SAVED.sub("", _tidy(doing))) or None
    outcome, category = _outcome(outcome_text or "", category)
    return WinParts(minutes, task, outcome, category, share, occurred_on)


def parse_win(text: str, kb: KnowledgeBase, today: date) -> WinDraft:
    parts = read_parts(text, today)
    if parts.minutes is None:
        raise WinProblem(
            f"How much time did it save? Start with a duration, for example: {EXAMPLE}", "minutes"
        )
    if not parts.task:
        raise WinProblem(
            f"What did AI help you with? Add a few words after the time, for example: {EXAMPLE}", "task"
        )
    return draft(
        kb,
        minutes=parts.minutes,
        task=parts.task,
        outcome=parts.outcome,
        outcome_category=parts.outcome_category,
        share=bool(parts.share),
        occurred_on=parts.occurred_on or today,
    )


def draft(kb: KnowledgeBase, *, minutes: int, task: str, tool_hint: str | None = None, **rest) -> WinDraft:
    """A complete win from its parts; the tool and use case are read from the task (or the hint)."""
    reading = understand(task, kb.indexes)
    tool_id, tool_name, known, status = find_tool(tool_hint, kb) if tool_hint else _tool_of(reading, task, kb)
    if tool_hint and not tool_name:
        tool_name = tool_hint.strip()[:200]
    return WinDraft(
        minutes=minutes,
        task=task,
        tool_id=tool_id,
        tool_name=tool_name,
        tool_known=known,
        tool_status=status,
        use_case=rest.pop("use_case", None) or reading.use_case,
        outcome=rest.pop("outcome", None),
        outcome_category=rest.pop("outcome_category", None),
        share=rest.pop("share", False),
        occurred_on=rest.pop("occurred_on"),
    )


def _take_date(text: str, today: date) -> tuple[date | None, str]:
    match = _DATE.search(text)
    if match is None:
        return None, text
    if match.group("rel"):
        when = today - timedelta(days=1) if match.group("rel").lower() == "yesterday" else today
    else:
        try:
            when = date.fromisoformat(_zero_pad(match.group("iso")))
        except ValueError:
            raise WinProblem(
                f"{match.group('iso')} is not a date I can read. Use YYYY-MM-DD, e.g. `on 2026-11-20`.",
                "occurred_on",
            ) from None
    if when > today:
        raise WinProblem(
            f"{when.isoformat()} is in the future. Log a win once it has happened, or leave the date out for today.",
            "occurred_on",
        )
    return when, text[: match.start()] + " " + text[match.end() :]


def _zero_pad(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _outcome(text: str, category: str | None) -> tuple[str | None, str | None]:
    text = _tidy(text)
    head, colon, rest = text.partition(":")
    explicit = outcomes.category_from_word(head) if colon else None
    if explicit:
        category, text = explicit, _tidy(rest)
    if not text:
        return None, category
    return text, category or outcomes.guess_category(text)


def find_tool(text: str, kb: KnowledgeBase) -> tuple[str | None, str, bool, str | None]:
    """(tool id, name, known, status). An unknown name is kept as written so IT sees what people use."""
    return _tool_of(understand(text, kb.indexes), text, kb)


def _tool_of(
    reading: Understanding, text: str, kb: KnowledgeBase
) -> tuple[str | None, str, bool, str | None]:
    unknown: str | None = None
    for mention in reading.tools:
        if mention.tool_ids:
            # A shared alias ("chatgpt") most likely means the company edition people are given.
            tool = min(
                (kb.tool[i] for i in mention.tool_ids),
                key=lambda t: (STATUS_ORDER[t.status], kb.tool_order[t.id]),
            )
            return tool.id, tool.name, True, tool.status
        unknown = unknown or mention.unknown_name
    if unknown:
        return None, unknown, False, None
    written = _WRITTEN_TOOL.search(text)
    if written and _AI_LOOKING.search(written.group("name")):
        return None, written.group("name").strip()[:200], False, None
    return None, "", False, None


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" \t,;:-–—.").strip()
