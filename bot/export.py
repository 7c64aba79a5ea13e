"""Writes export rows to CSV (the stored values, for pipelines) or XLSX (for the leaders who want a
spreadsheet: a summary sheet, then the rows with readable labels, real dates and numbers)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from handlers import outcomes
from knowledge import KnowledgeBase

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
HOURS = "0.0"


def _cell(value: object) -> object:
    # A cell starting with = + - @ is a formula to Excel: a pasted question must not run as one.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _text(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def write_csv(path: Path, columns: Sequence[str], rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(_text(v)) for k, v in row.items()})


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict], object]
    width: int = 14
    number_format: str | None = None


def _yes(flag: object) -> str:
    return "Yes" if flag else "No"


def _utc(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: every time is written in UTC, and the header says so.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment else None


STATUS = {"open": "Open", "in_review": "In review", "decided": "Decided", "withdrawn": "Withdrawn",
          "published": "Published"}  # fmt: skip
DECISION = {"approved": "Approved", "pilot": "Pilot", "rejected": "Rejected"}
VERDICT = {
    "allowed": "Allowed",
    "conditional": "Allowed with conditions",
    "not_allowed": "Not allowed",
    "unknown_tool": "Not on the approved list",
    "recommendation": "Suggested tools",
    "clarify": "Asked what the data was",
    "no_match": "Could not tell what was meant",
}


def _columns(kind: str, kb: KnowledgeBase) -> list[Column]:
    def use(row):
        return kb.use_case[row["use_case"]].name if row["use_case"] in kb.use_case else row["use_case"] or ""

    def tools(row):
        return ", ".join(kb.tool[t].name if t in kb.tool else t for t in row["tool_ids"])

    if kind == "wins":
        return [
            Column("Date", lambda r: r["date"], 12, DATE),
            Column("Person", lambda r: r["person"], 22),
            Column("Department", lambda r: r["department"], 16),
            Column("Minutes saved", lambda r: r["minutes"], 10, "0"),
            Column("Hours saved", lambda r: r["minutes"] / 60, 10, "0.00"),
            Column("Tool", lambda r: r["tool"], 24),
            Column("Tool on the list", lambda r: _yes(r["tool_known"]), 10),
            Column("Use case", use, 18),
            Column("Task", lambda r: r["task"], 48),
            Column("Time went to", lambda r: outcomes.label(r["outcome_category"] or None).capitalize(), 18),
            Column("Outcome", lambda r: r["outcome"], 40),
            Column("Shared by the person", lambda r: _yes(r["shared"]), 10),
        ]
    if kind == "questions":
        return [
            Column("Asked (UTC)", lambda r: _utc(r["asked_at"]), 17, DATETIME),
            Column("Person", lambda r: r["person"], 22),
            Column("Department", lambda r: r["department"], 16),
            Column("Platform", lambda r: r["platform"].capitalize(), 10),
            Column("Answer", lambda r: VERDICT.get(r["verdict"], r["verdict"]), 24),
            Column("Tools", tools, 28),
            Column("Tools not on the list", lambda r: ", ".join(r["unknown_tools"]), 22),
            Column(
                "Data",
                lambda r: kb.data_name(r["data_class"]) if r["data_class"] in kb.data_class else "",
                14,
            ),
            Column("Use case", use, 18),
            Column("Question", lambda r: r["text"], 60),
        ]
    return [
        Column("Tool", lambda r: r["tool"], 24),
        Column("Status", lambda r: STATUS.get(r["status"], r["status"]), 12),
        Column("Decision", lambda r: DECISION.get(r["decision"] or "", ""), 12),
        Column("Opened (UTC)", lambda r: _utc(r["opened_at"]), 17, DATETIME),
        Column("Decided (UTC)", lambda r: _utc(r["decided_at"]), 17, DATETIME),
        Column("Decided by", lambda r: r["decided_by"], 18),
        Column("Requesters", lambda r: r["requesters"], 11, "0"),
        Column("People", lambda r: r["people"], 30),
        Column("Reasons", lambda r: r["reasons"], 60),
    ]


def _summary(kind: str, rows: list[dict], kb: KnowledgeBase) -> list[tuple[str, list[tuple[str, object]]]]:
    """Blocks of (label, value): the totals first, then the breakdowns a reader would pivot for."""
    if kind == "wins":
        minutes = sum(r["minutes"] for r in rows)
        by = {"What the time went to": Counter(), "Use case": Counter(), "Tool": Counter()}
        for r in rows:
            by["What the time went to"][outcomes.label(r["outcome_category"] or None).capitalize()] += r[
                "minutes"
            ]
            name = kb.use_case[r["use_case"]].name if r["use_case"] in kb.use_case else "Not stated"
            by["Use case"][name] += r["minutes"]
            by["Tool"][r["tool"] or "Not named"] += r["minutes"]
        totals = [
            ("Wins", len(rows)),
            ("People", len({r["_person"] for r in rows})),
            ("Hours saved (self-reported)", minutes / 60),
        ]
        return [("Totals", totals)] + [
            (f"Hours by {title.lower()}", [(k, m / 60) for k, m in counts.most_common(12)])
            for title, counts in by.items()
        ]
    if kind == "questions":
        answers = Counter(VERDICT.get(r["verdict"], r["verdict"]) for r in rows)
        unlisted = Counter(name for r in rows for name in r["unknown_tools"])
        totals = [("Questions", len(rows)), ("People", len({r["person"] for r in rows if r["person"]}))]
        return [("Totals", totals), ("Questions by answer", answers.most_common()),
                ("Tools not on the list, by questions", unlisted.most_common(12))]  # fmt: skip
    statuses = Counter(STATUS.get(r["status"], r["status"]) for r in rows)
    totals = [("Requests", len(rows)), ("Requesters", sum(r["requesters"] for r in rows))]
    return [("Totals", totals), ("Requests by status", statuses.most_common())]


def write_xlsx(
    path: Path, kind: str, rows: list[dict], *, kb: KnowledgeBase, since: date, until: date
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet, value, number_format=None, font=None):
        if isinstance(value, str):
            # XLSX cannot hold most control characters; one in a pasted text would fail the whole file.
            # Stripped before the formula guard, so "\x07=HYPERLINK(...)" cannot become a formula.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        value = _cell(value)
        made = WriteOnlyCell(sheet, value=value)
        if number_format:
            made.number_format = number_format
        if font:
            made.font = font
        return made

    summary = book.create_sheet(title="Summary")
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 16
    summary.append([cell(summary, f"aiguide export: {kind}", font=bold)])
    summary.append(["From", cell(summary, since, DATE)])
    summary.append(["To", cell(summary, until, DATE)])
    summary.append(["Names", "only of people who shared a win; others by pseudonym"])
    for title, pairs in _summary(kind, rows, kb):
        summary.append([])
        summary.append([cell(summary, title, font=bold)])
        for label, value in pairs:
            summary.append(
                [cell(summary, label), cell(summary, value, HOURS if isinstance(value, float) else None)]
            )

    sheet = book.create_sheet(title=kind.capitalize()[:31])
    columns = _columns(kind, kb)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = column.width
    sheet.auto_filter.ref = f"A1:{_letter(len(columns) - 1)}{len(rows) + 1}"
    sheet.append([cell(sheet, c.header, font=bold) for c in columns])
    for row in rows:
        sheet.append([cell(sheet, c.value(row), c.number_format) for c in columns])
    book.save(path)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
