"""`win`: log an AI win in one line or a form, and list, undo, delete or edit your own."""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from handlers import command_words, outcomes
from handlers.model import Action, Fact, Form, FormField, Reply, Request, Section, Status
from handlers.redaction import redact
from handlers.services import Services
from handlers.win_parse import (
    EXAMPLE,
    MAX_TEXT,
    WinDraft,
    WinProblem,
    check_minutes,
    draft,
    parse_duration,
    parse_win,
    read_parts,
)
from knowledge import KnowledgeBase
from knowledge.base import USABLE_STATUSES
from storage import wins
from storage.models import Person, Win
from storage.people import set_department

LIST_SIZE = 10
# A sub-command only when the whole line has its shape: "win remove 1 duplicate section in 20m" is a win.
_SUB = re.compile(
    r"^(?:(?P<bare>list|undo)|(?P<delete>delete|remove)\s+#?(?P<id>\d+)|(?P<sub>edit|outcome)\s+(?P<rest>#?\d+\b.*))\s*$",
    re.IGNORECASE | re.DOTALL,
)

log = logging.getLogger(__name__)


async def handle(request: Request, services: Services) -> Reply:
    if request.form:
        return await _from_form(request, services)
    text = request.text.strip()
    match = _SUB.match(text)
    if match is None:
        return await _log(request, services, text) if text else await _blank_form(request, services)
    if match.group("bare"):
        if match.group("bare").lower() == "list":
            return await _list(request, services)
        return await _delete(request, services, None)
    if match.group("delete"):
        return await _delete(request, services, int(match.group("id")))
    rest = match.group("rest").strip()
    if match.group("sub").lower() == "edit":
        return await _edit(request, services, rest)
    return await _set_outcome(request, services, rest)


def _problem(message: str, headline: str = "That win was not saved.") -> Reply:
    return Reply(status=Status.ERROR, headline=headline, sections=(Section(text=message),))


def _leading_id(text: str) -> int | None:
    match = re.match(r"#?(\d+)\b", text)
    return int(match.group(1)) if match else None


async def _log(request: Request, services: Services, text: str) -> Reply:
    kb = services.knowledge
    try:
        parsed = parse_win(text, kb, services.today())
    except WinProblem as problem:
        return _problem(str(problem))
    return await _store(request, services, parsed)


async def _store(
    request: Request, services: Services, parsed: WinDraft, department: str | None = None
) -> Reply:
    fields = _redacted(parsed.fields())

    def work(session: Session) -> tuple[Win, bool, Person]:
        person = services.person(session, request.actor, request.platform)
        if department and not person.department:
            set_department(session, person_id=person.id or 0, department=redact(department), source="asked")
        win, created = wins.add_win(
            session,
            request_id=request.request_id,
            person_id=person.id or 0,
            department=person.department,
            **fields,
        )
        return win, created, person

    try:
        win, created, person = await services.transaction(work)
    except SQLAlchemyError as error:
        log.error("win not stored (request %s): %s", request.request_id, error.__class__.__name__)
        return _problem(
            "I could not save it just now: the database is not answering. Please send it again in a few "
            "minutes; nothing was stored."
        )
    return _logged_reply(win, created, person, services.knowledge)


def _logged_reply(win: Win, created: bool, person: Person, kb: KnowledgeBase) -> Reply:
    tool = win.tool_name or "AI"
    headline = f"Logged win #{win.id}: {_duration(win.minutes)} saved with {tool}."
    if not created:
        headline = f"Already logged as win #{win.id}: {_duration(win.minutes)} saved with {tool}."
    sections = [Section(facts=_win_facts(win, kb))]
    if win.tool_name and not win.tool_known:
        sections.append(
            Section(
                text=f"“{win.tool_name}” is not on the approved-tools list. The win is kept as written so IT "
                f"can see what people use; ask me “is {win.tool_name} allowed?” before you use it again."
            )
        )
    elif win.tool_status and win.tool_status not in USABLE_STATUSES:
        sections.append(
            Section(text=f"{win.tool_name} is not approved for company work; ask me what to use instead.")
        )
    actions = [Action("Undo", "win", f"delete {win.id}", style="danger")]
    if win.outcome_category is None:
        sections.append(
            Section(
                title="What did the saved time go to?",
                text="That is the part leaders read. Pick one, or add it with `win edit "
                f"{win.id} -> what it led to`.",
            )
        )
        actions += [
            Action(o.label, "win", f"outcome {win.id} {o.id}") for o in outcomes.OUTCOMES if o.id != "other"
        ]
    if not person.department:
        sections.append(Section(text="Which department are you in? Tell me once with `me department NAME`."))
    footer = (
        "Shared by name in digests (#share)"
        if win.share
        else "Counts in totals only; add #share to be quoted"
    )
    return Reply(
        status=Status.SUCCESS,
        headline=headline,
        sections=tuple(sections),
        actions=tuple(actions),
        footer=footer,
        stored="win_logged" if created else "",
    )


def _win_facts(win: Win, kb: KnowledgeBase) -> tuple[Fact, ...]:
    facts = [Fact("Did", win.task), Fact("Time saved", _duration(win.minutes))]
    if win.tool_name:
        facts.append(Fact("Tool", win.tool_name))
    if win.use_case and win.use_case in kb.use_case:
        facts.append(Fact("Use case", kb.use_case[win.use_case].name))
    if win.outcome_category:
        led_to = outcomes.label(win.outcome_category)
        facts.append(Fact("Led to", f"{win.outcome} ({led_to})" if win.outcome else led_to))
    facts.append(Fact("Date", win.occurred_on.isoformat()))
    return tuple(facts)


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


async def _list(request: Request, services: Services) -> Reply:
    def work(session: Session) -> list[Win]:
        person = services.person(session, request.actor, request.platform)
        return wins.recent_wins(session, person_id=person.id or 0, limit=LIST_SIZE)

    rows = await services.transaction(work)
    if not rows:
        return Reply(
            status=Status.INFO,
            headline="No wins logged yet.",
            sections=(Section(text=f"Log one: `{EXAMPLE}`"),),
        )
    facts = tuple(Fact(f"#{w.id} · {w.occurred_on.isoformat()}", _one_line(w)) for w in rows)
    return Reply(
        status=Status.INFO,
        headline=f"Your last {len(rows)} win{'s' if len(rows) != 1 else ''}",
        sections=(Section(facts=facts),),
        footer="`win delete N` removes one · `win edit N ...` changes one",
    )


def _one_line(win: Win) -> str:
    line = f"{_duration(win.minutes)} · {win.task}"
    if win.tool_name:
        line += f" · {win.tool_name}"
    if win.outcome_category:
        line += f" → {win.outcome or outcomes.label(win.outcome_category)}"
    return line


async def _delete(request: Request, services: Services, win_id: int | None) -> Reply:
    def work(session: Session) -> Win | None:
        person = services.person(session, request.actor, request.platform)
        target = win_id
        if target is None:
            latest = wins.recent_wins(session, person_id=person.id or 0, limit=1)
            if not latest:
                return None
            target = latest[0].id or 0
        return wins.delete_win(session, win_id=target, person_id=person.id or 0)

    removed = await services.transaction(work)
    if removed is None:
        missing = (
            "You have no wins to undo." if win_id is None else f"I can't find win #{win_id} among yours."
        )
        return Reply(
            status=Status.ERROR, headline=missing, sections=(Section(text="`win list` shows your wins."),)
        )
    return Reply(status=Status.SUCCESS, headline=f"Removed win #{removed.id}: {_one_line(removed)}.")


async def _edit(request: Request, services: Services, rest: str) -> Reply:
    win_id = _leading_id(rest)
    if win_id is None:
        return _problem("Which win? For example: `win edit 12 -> the client signed`.", "Nothing was changed.")
    text = re.sub(r"^#?\d+\s*", "", rest)
    kb = services.knowledge
    try:
        parts = read_parts(text, services.today())
    except WinProblem as problem:
        return _problem(str(problem), "Nothing was changed.")
    changes: dict = {}
    if parts.minutes is not None:
        changes["minutes"] = parts.minutes
    if parts.task:
        fresh = draft(kb, minutes=1, task=parts.task, occurred_on=services.today())
        changes.update(task=fresh.task, use_case=fresh.use_case)
        if fresh.tool_name:
            changes.update(
                tool_id=fresh.tool_id,
                tool_name=fresh.tool_name,
                tool_known=fresh.tool_known,
                tool_status=fresh.tool_status,
            )
    if parts.outcome is not None or parts.outcome_category is not None:
        changes.update(outcome=parts.outcome, outcome_category=parts.outcome_category)
    if parts.share is not None:
        changes["share"] = parts.share
    if parts.occurred_on is not None:
        changes["occurred_on"] = parts.occurred_on
    if not changes:
        return _problem(
            "Say what to change, e.g. `win edit 12 30m`, `win edit 12 -> the client signed` or `win edit 12 #share`.",
            "Nothing was changed.",
        )
    return await _apply(request, services, win_id, changes)


def _redacted(fields: dict) -> dict:
    """Wins are free text like questions: keys, emails and numbers in them are stored redacted too."""
    return {
        k: redact(v) if k in ("task", "outcome") and isinstance(v, str) and v else v
        for k, v in fields.items()
    }


async def _apply(request: Request, services: Services, win_id: int, changes: dict) -> Reply:
    changes = _redacted(changes)

    def work(session: Session) -> Win | None:
        person = services.person(session, request.actor, request.platform)
        return wins.update_win(session, win_id=win_id, person_id=person.id or 0, **changes)

    win = await services.transaction(work)
    if win is None:
        return Reply(
            status=Status.ERROR,
            headline=f"I can't find win #{win_id} among yours.",
            sections=(Section(text="`win list` shows your wins."),),
        )
    return Reply(
        status=Status.SUCCESS,
        headline=f"Updated win #{win.id}.",
        sections=(Section(facts=_win_facts(win, services.knowledge)),),
    )


async def _set_outcome(request: Request, services: Services, rest: str) -> Reply:
    win_id = _leading_id(rest)
    words = re.sub(r"^#?\d+\s*", "", rest).strip()
    category, text = None, ""
    parts = words.split(" ")
    for size in (3, 2, 1):  # "client service replied the same day": the longest category name first
        category = outcomes.category_from_word(" ".join(parts[:size])) if len(parts) >= size else None
        if category:
            text = " ".join(parts[size:])
            break
    if win_id is None or category is None:
        choices = ", ".join(o.id for o in outcomes.OUTCOMES)
        return _problem(
            f"Use `win outcome N CATEGORY [what it led to]` with one of: {choices}.", "Nothing was changed."
        )
    changes = {"outcome_category": category}
    if text.strip():
        changes["outcome"] = text.strip()[:MAX_TEXT]
    return await _apply(request, services, win_id, changes)


# --- the form ---------------------------------------------------------------------------------

FORM_FIELDS = ("minutes", "tool", "use_case", "task", "outcome_category", "outcome", "share", "department")


async def _blank_form(request: Request, services: Services) -> Reply:
    def work(session: Session) -> Person:
        return services.person(session, request.actor, request.platform)

    person = await services.transaction(work)
    return Reply(
        status=Status.INFO,
        headline="Log an AI win",
        sections=(Section(text=f"Or in one line: `{EXAMPLE}`"),),
        form=win_form(services.knowledge, ask_department=not person.department),
    )


def win_form(
    kb: KnowledgeBase, *, ask_department: bool, values: dict | None = None, errors: dict | None = None
) -> Form:
    values, errors = values or {}, errors or {}
    tools = (
        *tuple((t.id, t.name) for t in kb.tools if t.status in USABLE_STATUSES),
        ("other", "Another tool"),
    )
    fields = [
        FormField("minutes", "Time saved", hint="e.g. 45m, 1h30, 1.5h", required=True),
        FormField("tool", "Tool", kind="choice", choices=tools),
        FormField("tool_other", "Other tool (if not listed)"),
        FormField("use_case", "Use case", kind="choice", choices=tuple((u.id, u.name) for u in kb.use_cases)),
        FormField("task", "What you did", kind="long_text", required=True),
        FormField(
            "outcome_category",
            "What the saved time led to",
            kind="choice",
            choices=tuple((o.id, o.label) for o in outcomes.OUTCOMES),
        ),
        FormField("outcome", "In your words", kind="long_text", hint="e.g. sent the proposal two days early"),
        FormField("share", "Quote me by name in the leadership digest", kind="checkbox"),
    ]
    if ask_department:
        fields.append(FormField("department", "Your department (asked once)"))
    return Form(
        command="win",
        title=command_words.WIN_FORM_TITLE,
        fields=tuple(
            FormField(
                **{**_as_dict(f), "value": str(values.get(f.name, "")), "error": errors.get(f.name, "")}
            )
            for f in fields
        ),
        submit_label="Log win",
    )


def _as_dict(field: FormField) -> dict:
    return {name: getattr(field, name) for name in FormField.__dataclass_fields__}


async def _from_form(request: Request, services: Services) -> Reply:
    kb = services.knowledge
    values = {k: (v or "").strip() for k, v in request.form.items()}
    errors: dict[str, str] = {}
    minutes = None
    try:
        duration = parse_duration(values.get("minutes", ""))
        if duration is None and values.get("minutes", "").isdigit():
            duration = (int(values["minutes"]), (0, 0))
        if duration is None:
            errors["minutes"] = "Write the time saved, e.g. 45m, 1h30 or 1.5h."
        else:
            minutes = duration[0]
            check_minutes(minutes)
    except WinProblem as problem:
        errors["minutes"] = str(problem)
    task = values.get("task", "")
    if not task:
        errors["task"] = "Say in a few words what AI helped you with."
    for name in ("task", "outcome"):
        if len(values.get(name, "")) > MAX_TEXT:
            errors[name] = f"Keep it under {MAX_TEXT} characters."
    tool_choice = values.get("tool", "")
    if tool_choice and tool_choice != "other" and tool_choice not in kb.tool:
        errors["tool"] = "Pick a tool from the list, or “Another tool”."
    if tool_choice == "other" and not values.get("tool_other"):
        errors["tool_other"] = "Name the tool you used."
    category = values.get("outcome_category") or None
    if category and category not in outcomes.BY_ID:
        errors["outcome_category"] = "Pick one of the listed outcomes."
    use_case = values.get("use_case") or None
    if use_case and use_case not in kb.use_case:
        errors["use_case"] = "Pick one of the listed use cases."
    if errors:
        labels = {f.name: f.label for f in win_form(kb, ask_department=True).fields}
        return Reply(
            status=Status.ERROR,
            headline="Please fix the highlighted fields; nothing was saved yet.",
            sections=(Section(bullets=tuple(f"{labels.get(k, k)}: {v}" for k, v in errors.items())),),
            form=win_form(kb, ask_department="department" in request.form, values=values, errors=errors),
        )
    hint = kb.tool[tool_choice].name if tool_choice in kb.tool else values.get("tool_other") or None
    outcome_text = values.get("outcome") or None
    parsed = draft(
        kb,
        minutes=minutes or 0,
        task=task,
        tool_hint=hint,
        use_case=use_case,
        outcome=outcome_text,
        outcome_category=category or (outcomes.guess_category(outcome_text) if outcome_text else None),
        share=values.get("share", "").lower() in ("1", "true", "on", "yes"),
        occurred_on=services.today(),
    )
    return await _store(request, services, parsed, department=values.get("department") or None)
