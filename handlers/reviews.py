"""Tool reviews after the request: IT's card, IT's decision (`decide`, or the card's buttons and form),
and what each requester is told. The notices themselves are sent by the server (bot.review_notices)
and by the console before its next prompt; this module says what they say."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session

from handlers.command_words import CARD_REF as _REF
from handlers.command_words import DECIDE_EXAMPLE as EXAMPLE
from handlers.command_words import DECIDE_USAGE as USAGE
from handlers.command_words import DECISION_VERBS as VERBS
from handlers.model import Action, Fact, Form, FormField, Reply, Request, Section, Status
from handlers.redaction import redact
from handlers.services import Services
from handlers.win_parse import find_tool
from knowledge import KnowledgeBase
from knowledge.assess import recommend
from knowledge.phrases import compact
from knowledge.policy import Situation
from storage import tool_requests
from storage.models import ToolRequest

USABLE = ("approved", "limited")  # what a requester may be sent to instead
_BECAUSE = re.compile(r"\s+(?:because|since)(?:\s+|$)|\s*:\s+|\s+[-–—]\s+", re.IGNORECASE)
_CLAUSE_WORD = re.compile(r"^(?:up|for|use|instead)$", re.IGNORECASE)
_CLAUSES = re.compile(
    r"\b(?P<key>up to|for|use|instead)\s+(?P<value>.+?)(?=\s+\b(?:up to|for|use|instead)\b\s+|$)",
    re.IGNORECASE,
)
WORDS = {"approved": "approved", "pilot": "approved for a pilot", "rejected": "not approved"}


# --- IT's card --------------------------------------------------------------------------------


def it_card(
    request: ToolRequest, asking: list[tuple[str, str]], questions: list[str], kb: KnowledgeBase
) -> Reply:
    """For the IT channel: who asked and how many, what for, the questions that led to it, and the
    decision buttons. `asking` is (name, reason) per requester."""
    count = len(asking)
    names = ", ".join(name for name, _ in asking[:5]) + (f" and {count - 5} more" if count > 5 else "")
    facts = [
        Fact(
            "Asked by", f"{count} {'person' if count == 1 else 'people'}: {names}" if count else "nobody yet"
        )
    ]
    reasons = [reason for _, reason in asking if reason]
    if reasons:
        facts.append(Fact("What for", "; ".join(f"“{r[:200]}”" for r in reasons[:3])))
    if questions:
        facts.append(Fact("Questions that led here", "; ".join(f"“{q[:200]}”" for q in questions[:3])))
    known = kb.tool.get(request.tool_id or "")
    if known is not None:
        facts.append(Fact("In the policy now", f"{known.name}: {known.status.replace('_', ' ')}"))
    ref = request.ref
    return Reply(
        status=Status.INFO,
        headline=f"Tool review requested: {request.tool_name}",
        sections=(Section(facts=tuple(facts)),),
        actions=(
            Action("Approve…", "decide", f"{ref} approve", style="primary"),
            Action("Pilot…", "decide", f"{ref} pilot"),
            Action("Reject…", "decide", f"{ref} reject"),
            Action("Need more info…", "decide", f"{ref} info"),
        ),
        footer=f"Or type `decide {request.tool_name} approve up to CLASS because …` · `requests` lists them all",
        review_card=ref,
    )


def joined_note(request: ToolRequest, name: str, reason: str, count: int) -> Reply:
    text = f"{name} asked too" + (f": “{reason[:300]}”" if reason else "") + f" ({count} people so far)."
    return Reply(
        status=Status.INFO,
        headline=f"Another request to review {request.tool_name}",
        sections=(Section(text=text),),
    )


# --- the decision -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    decision: str = ""  # approved | pilot | rejected | info
    ceiling: str = ""
    group: str = ""
    alternative: str = ""
    note: str = ""


async def decide(request: Request, services: Services) -> Reply:
    """`decide` typed, a decision button (opens the form), or the form submitted."""
    if request.form:
        return await _submitted(request, services)
    text = request.text.strip()
    head, _, verb = text.partition(" ")
    if _REF.match(head) and verb.strip().lower() in VERBS:
        found = await services.transaction(lambda s: tool_requests.by_ref(s, head))
        if found is None:
            return _gone()
        if found.status not in ("open", "in_review"):
            return Reply(status=Status.INFO, headline=_settled(found))
        return Reply(
            status=Status.INFO,
            headline=f"Decide on {found.tool_name}",
            form=_form(found, Draft(decision=VERBS[verb.strip().lower()]), services.knowledge, {}),
        )
    return await _typed(request, services, text)


async def _typed(request: Request, services: Services, text: str) -> Reply:
    kb = services.knowledge
    parsed = _parse(text, kb)
    if isinstance(parsed, str):
        return Reply(
            status=Status.ERROR,
            headline=parsed,
            sections=(Section(text=f"Write it as `{USAGE}`, e.g. `{EXAMPLE}`."),),
        )
    name, draft = parsed
    tool_id, tool_name, _known, _status = find_tool(name, kb)
    display = tool_name or name
    key = tool_id or compact(display)

    def work(session: Session) -> tuple[ToolRequest, int] | str:
        found = tool_requests.active(session, tool_key=key) or tool_requests.latest(session, tool_key=key)
        if found is None:
            # IT may decide before anyone asks: the decision is recorded (and drafted by `kb propose`).
            found, _ = tool_requests.open_request(session, tool_key=key, tool_name=display, tool_id=tool_id)
        return _record(session, found, draft, request, services)

    return await _decided(services, work, draft, request)


async def _submitted(request: Request, services: Services) -> Reply:
    kb = services.knowledge
    values = request.form
    draft = Draft(
        decision=values.get("decision", "").strip(),
        ceiling=values.get("ceiling", "").strip(),
        group=values.get("group", "").strip(),
        alternative=values.get("alternative", "").strip(),
        note=values.get("note", "").strip(),
    )
    ref = values.get("ref", "").strip()
    found = await services.transaction(lambda s: tool_requests.by_ref(s, ref))
    if found is None:
        return _gone()
    errors = _problems(draft, kb)
    if errors:
        return Reply(
            status=Status.ERROR,
            headline="Some fields need a look.",
            form=_form(found, draft, kb, errors),
        )

    def work(session: Session) -> tuple[ToolRequest, int] | str:
        current = tool_requests.by_ref(session, ref)
        if current is None:
            return "That request is gone."
        return _record(session, current, draft, request, services)

    return await _decided(services, work, draft, request)


async def _decided(services: Services, work, draft: Draft, request: Request) -> Reply:
    result = await services.transaction(work)
    if isinstance(result, str):
        return Reply(status=Status.ERROR, headline=result)
    changed(services)
    return _recorded(*result, draft, request, services.knowledge)


def _record(session: Session, found: ToolRequest, draft: Draft, request: Request, services: Services):
    by = request.actor.display_name or request.actor.user_id
    note = redact(draft.note)
    if draft.decision == "info":
        recorded = tool_requests.ask_for_more(session, found, by=by, note=note)
    else:
        recorded = tool_requests.decide(
            session, found, decision=draft.decision, by=by, note=note, when=services.clock(),
            ceiling=draft.ceiling or None, pilot_group=draft.group or None, alternative=draft.alternative or None,
        )  # fmt: skip
    if not recorded:  # decided, withdrawn or published already, perhaps by another admin a moment ago
        return _settled(found)
    return found, len(tool_requests.requesters(session, found.id or 0))


def _settled(found: ToolRequest) -> str:
    if found.status == "withdrawn":
        return f"The review of {found.tool_name} was withdrawn: everyone who asked took it back."
    when = found.decided_at.date().isoformat() if found.decided_at else "earlier"
    listed = " and is in the policy" if found.status == "published" else ""
    return (
        f"{found.tool_name} was already decided ({WORDS.get(found.decision or '', found.status)}, {when}, "
        f"by {found.decided_by or 'IT'}){listed}. A new request starts a new review."
    )


def _recorded(found: ToolRequest, count: int, draft: Draft, request: Request, kb: KnowledgeBase) -> Reply:
    people = f"{count} {'person' if count == 1 else 'people'}"
    by = request.actor.display_name or request.actor.user_id
    if draft.decision == "info":
        headline = f"Asked the requesters of {found.tool_name} for more: {people} will get your question."
        for_it = f"{by} asked the requesters of {found.tool_name}: “{found.note}”"
    else:
        headline = (
            f"Recorded: {found.tool_name} {WORDS[draft.decision]}. {people} will be told in a direct message."
        )
        for_it = (
            f"{by} decided: {found.tool_name} {WORDS[draft.decision]}"
            + _terms(found, kb)
            + f". “{found.note}”"
        )
    follow = "Run `aiguide kb propose` to draft the knowledge-base entry; once it is in the policy, requesters hear that too."
    card = None
    if found.it_message and draft.decision != "info":
        # IT's card loses its buttons: the review is decided, and says so where it was asked.
        card = (
            found.it_message,
            Reply(
                status=Status.INFO,
                headline=f"Tool review decided: {found.tool_name}",
                sections=(Section(text=for_it),),
                footer="`requests` lists the reviews still open",
            ),
        )
    return Reply(
        status=Status.SUCCESS,
        headline=headline,
        sections=(Section(text=follow),) if draft.decision != "info" else (),
        escalation=Reply(
            status=Status.INFO, headline=f"Review of {found.tool_name}", sections=(Section(text=for_it),)
        ),
        update=card,
    )


async def card_posted(services: Services, reply: Reply, where: str) -> None:
    """Where IT's card for a review went, so the decision can change it there."""
    ref = reply.review_card
    if ref:
        await services.transaction(lambda session: tool_requests.card_posted(session, ref=ref, where=where))


def _terms(found: ToolRequest, kb: KnowledgeBase) -> str:
    parts = []
    if found.ceiling:
        parts.append(f"up to {_class_name(found.ceiling, kb)}")
    if found.pilot_group:
        parts.append(f"for {found.pilot_group}")
    if found.alternative:
        parts.append(f"use {_tool_name(found.alternative, kb)} instead")
    return (" (" + ", ".join(parts) + ")") if parts else ""


def _parse(text: str, kb: KnowledgeBase) -> tuple[str, Draft] | str:
    """'DeepSeek reject use chatgpt-enterprise because …' → ('DeepSeek', Draft(...)), or what is wrong."""
    if not text:
        return "Which tool, and what did IT decide?"
    body, _, note = (part.strip() for part in _split_because(text))
    words = body.split()
    end = next((i for i, w in enumerate(words) if i > 0 and _CLAUSE_WORD.match(w.strip(",."))), len(words))
    # The decision is the last verb before the clauses: "Perplexity Pro Trial approve up to ..." is approved.
    at = next((i for i in range(end - 1, 0, -1) if words[i].lower().strip(",.") in VERBS), None)
    if at is None:
        return "Say what IT decided: approve, pilot, reject, or info (ask the requesters for more)."
    name = " ".join(words[:at]).strip("\"'“”")
    decision = VERBS[words[at].lower().strip(",.")]
    rest = " ".join(words[at + 1 :])
    clauses = {m.group("key").lower(): m.group("value").strip(" ,.;") for m in _CLAUSES.finditer(rest)}
    ceiling = _class_id(clauses.get("up to", ""), kb) if "up to" in clauses else ""
    if "up to" in clauses and not ceiling:
        return f"“{clauses['up to']}” is not a data class here; use one of {', '.join(c.id for c in kb.data_classes)}."
    alternative = clauses.get("use") or clauses.get("instead") or ""
    if alternative:
        found, _, known, _status = find_tool(alternative, kb)
        if not known or found is None or kb.tool[found].status not in USABLE:
            return f"“{alternative}” is not an approved tool in the policy; name one for `use`."
        alternative = found
    draft = Draft(
        decision=decision, ceiling=ceiling, group=clauses.get("for", ""), alternative=alternative, note=note
    )
    problems = _problems(draft, kb)
    if problems:
        return " ".join(problems.values())
    return name, draft


def _split_because(text: str) -> tuple[str, str, str]:
    parts = _BECAUSE.split(text, maxsplit=1)
    return (parts[0], "", parts[1]) if len(parts) > 1 else (text, "", "")


def _problems(draft: Draft, kb: KnowledgeBase) -> dict[str, str]:
    problems: dict[str, str] = {}
    if draft.decision not in ("approved", "pilot", "rejected", "info"):
        problems["decision"] = "Choose approve, pilot, reject or need more information."
    if draft.decision in ("approved", "pilot") and draft.ceiling not in kb.data_class:
        problems["ceiling"] = "Say the most sensitive data it may take (up to CLASS)."
    if draft.decision == "pilot" and not draft.group:
        problems["group"] = "Say who is in the pilot (for GROUP)."
    if draft.alternative and (
        draft.alternative not in kb.tool or kb.tool[draft.alternative].status not in USABLE
    ):
        problems["alternative"] = "Pick an approved tool from the policy."
    if not draft.note:
        problems["note"] = (
            "Add what you want to ask the requesters (because …)."
            if draft.decision == "info"
            else "Add a reason (because …): the requesters read it."
        )
    if len(draft.note) > 2000 or len(draft.group) > 200:
        problems["note"] = "Keep the note under 2,000 characters and the group under 200."
    return problems


def _form(found: ToolRequest, draft: Draft, kb: KnowledgeBase, errors: dict[str, str]) -> Form:
    usable = [t for t in kb.tools if t.status in USABLE]
    fields = [
        FormField("decision", "Decision", "choice", required=True, value=draft.decision, error=errors.get("decision", ""),
                  choices=(("approved", "Approve"), ("pilot", "Pilot with a group"), ("rejected", "Reject"),
                           ("info", "Need more information"))),
        FormField("ceiling", "Most sensitive data it may take (approve, pilot)", "choice", value=draft.ceiling,
                  error=errors.get("ceiling", ""), choices=tuple((c.id, c.name) for c in kb.data_classes)),
        FormField("group", "Pilot group", value=draft.group, error=errors.get("group", ""),
                  hint="e.g. engineering"),
        FormField("alternative", "Use instead meanwhile (reject, pilot)", "choice", value=draft.alternative,
                  error=errors.get("alternative", ""), choices=tuple((t.id, t.name) for t in usable[:100])),
        FormField("note", "Note to the requesters", "long_text", required=True, value=draft.note,
                  error=errors.get("note", ""), hint="Why, or what you need to know"),
    ]  # fmt: skip
    return Form(
        command="decide",
        title="Tool review",
        fields=tuple(fields),
        submit_label="Record",
        hidden=(("ref", found.ref),),
    )


def _gone() -> Reply:
    return Reply(
        status=Status.ERROR,
        headline="That review request is no longer there.",
        sections=(Section(text="`requests` lists the open ones."),),
    )


# --- what a requester is told -----------------------------------------------------------------


def notice(request: ToolRequest, status: str, kb: KnowledgeBase, reason: str = "") -> Reply:
    """The message a requester gets when their request changes: more questions, a decision, published."""
    name = request.tool_name
    note = Section(title=f"{request.decided_by or 'IT'} wrote", text=request.note) if request.note else None
    if status == "in_review":
        return Reply(
            status=Status.INFO,
            headline=f"IT is reviewing {name} and has a question for you",
            sections=tuple(s for s in (note, Section(text=f"Answer with `request {name} because …`.")) if s),
        )
    listed = kb.tool.get(request.tool_id or "") or listed_entry(request, kb)
    if status == "published" and listed is not None:
        facts = [
            Fact("Status", listed.status.replace("_", " ")),
            Fact("Data", f"up to {_class_name(listed.max_data, kb)}"),
        ]
        if listed.available_to != "everyone":
            facts.append(Fact("Who may use it", ", ".join(listed.available_to)))
        if listed.access:
            facts.append(Fact("How to get it", listed.access))
        return Reply(
            status=Status.ALLOWED
            if listed.status in ("approved", "limited", "pilot")
            else Status.NOT_ALLOWED,
            headline=f"{listed.name} is now in the AI-tools policy ({kb.policy.version})",
            sections=(
                Section(facts=tuple(facts)),
                Section(
                    text=f"Ask me before you use it with sensitive data: “can I use {listed.name} for …?”"
                ),
            ),
        )
    decision = request.decision or ""
    sections: list[Section] = []
    if note:
        sections.append(note)
    terms = []
    if request.ceiling:
        terms.append(Fact("Data", f"up to {_class_name(request.ceiling, kb)}"))
    if request.pilot_group:
        terms.append(Fact("Pilot group", request.pilot_group))
    if terms:
        sections.append(Section(facts=tuple(terms)))
    meanwhile = _meanwhile(request, kb, reason)
    if decision in ("approved", "pilot"):
        sections.append(
            Section(
                text="It is not in the approved-tools list yet: I will tell you when it is. Until then, don't use it for work."
            )
        )
    if meanwhile:
        sections.append(Section(title="Use meanwhile", facts=meanwhile))
    headline = {
        "approved": f"IT approved {name}",
        "pilot": f"IT will pilot {name}" + (f" with {request.pilot_group}" if request.pilot_group else ""),
        "rejected": f"IT decided not to approve {name}",
    }.get(decision, f"IT reviewed {name}")
    status_of = {"approved": Status.SUCCESS, "pilot": Status.INFO, "rejected": Status.NOT_ALLOWED}
    return Reply(
        status=status_of.get(decision, Status.INFO),
        headline=headline,
        sections=tuple(sections),
        footer=f"You asked for this review · Questions: {kb.policy.contact}",
    )


def _meanwhile(request: ToolRequest, kb: KnowledgeBase, reason: str) -> tuple[Fact, ...]:
    """IT's named alternative, else the approved tools the engine recommends for what the person said
    they wanted it for: recommended tools are never ones the policy forbids for that."""
    ids: list[str] = []
    if request.alternative in kb.tool and kb.tool[request.alternative or ""].status in USABLE:
        ids.append(request.alternative or "")
    if not ids:
        from knowledge.understand import understand

        reading = understand(reason, kb.indexes) if reason else None
        situation = Situation(
            data_classes=reading.data_classes if reading else (),
            use_cases=reading.use_cases if reading else (),
        )
        ids = [v.tool_id for v in recommend(kb, situation, limit=2) if v.tool_id]
    return tuple(Fact(kb.tool[i].name, kb.tool[i].access or f"Ask {kb.policy.contact}.") for i in ids[:2])


# --- the knowledge base catching up -----------------------------------------------------------

# What a knowledge-base status must be for a decision to count as published.
PUBLISHED_AS = {
    "approved": ("approved", "limited"),
    "pilot": ("pilot", "limited", "approved"),
    "rejected": ("not_approved",),
}


def listed_entry(request: ToolRequest, kb: KnowledgeBase):
    """The knowledge base's entry for the requested tool, by id, by the id `kb propose` drafts, or by name."""
    for candidate in (request.tool_id, slug(request.tool_name)):
        if candidate and candidate in kb.tool:
            return kb.tool[candidate]
    tool_id, _, known, _ = find_tool(request.tool_name, kb)
    return kb.tool[tool_id] if known and tool_id else None


def is_published(request: ToolRequest, kb: KnowledgeBase) -> bool:
    """Whether the knowledge base says what IT decided: the status, the data ceiling and, for a pilot,
    its group (or everyone). A tool listed before the review (Perplexity as `limited`) is published only
    once its entry changes to the decision."""
    listed = listed_entry(request, kb)
    if listed is None or listed.status not in PUBLISHED_AS.get(request.decision or "", ()):
        return False
    if request.decision in ("approved", "pilot") and request.ceiling and listed.max_data != request.ceiling:
        return False
    if request.decision == "pilot" and request.pilot_group and listed.available_to != "everyone":
        return request.pilot_group in listed.available_to
    return True


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "tool"


def _class_id(text: str, kb: KnowledgeBase) -> str:
    wanted = compact(text.strip().strip(".,"))
    for data_class in kb.data_classes:
        if wanted in (compact(data_class.id), compact(data_class.name)):
            return data_class.id
    return ""


def _class_name(class_id: str, kb: KnowledgeBase) -> str:
    found = kb.data_class.get(class_id)
    return found.name if found else class_id


def _tool_name(tool_id: str, kb: KnowledgeBase) -> str:
    found = kb.tool.get(tool_id)
    return found.name if found else tool_id


# --- run by the server's notices and by the console --------------------------------------------


async def publish_listed(services: Services) -> list[ToolRequest]:
    """Decided requests whose tool the knowledge base now lists as decided: marked published (their
    requesters then hear that it is in the policy)."""
    kb = services.knowledge
    when = services.clock()

    def work(session: Session) -> list[ToolRequest]:
        done = [r for r in tool_requests.decided_unpublished(session) if is_published(r, kb)]
        for found in done:
            tool_requests.mark_published(session, found, when=when)
        return done

    return await services.transaction(work)


async def due_for(services: Services, request: Request) -> list[Reply]:
    """The notices this person has not seen yet, marked as seen: the console shows them before its next
    prompt, where there is no direct message to send."""
    kb = services.knowledge

    def work(session: Session) -> list[Reply]:
        from handlers.feedback import answer_notice
        from storage import feedback

        person = services.person(session, request.actor, request.platform)
        replies = []
        for due in tool_requests.notices_due(session, person_id=person.id or 0):
            replies.append(notice(due.request, due.status, kb, due.reason))
            tool_requests.mark_told(session, requester_id=due.requester_id, status=due.status)
        for question, _ in feedback.answers_due(session, person_id=person.id or 0):
            replies.append(answer_notice(question, kb))
            feedback.mark_answer_told(
                session, question_id=question.id or 0, answered_at=question.it_answered_at
            )
        return replies

    await publish_listed(services)
    return await services.transaction(work)


def changed(services: Services) -> None:
    if services.reviews_changed is not None:
        services.reviews_changed()
