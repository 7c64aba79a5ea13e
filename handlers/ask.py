"""`ask`: turns the policy engine's assessment into an answer a person can act on."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from handlers import command_words, phrasing
from handlers.model import Action, Fact, Form, FormField, Reply, Request, Section, Status, Visibility
from handlers.redaction import redact
from handlers.services import Services
from handlers.tool_list import overview
from knowledge import Assessment, KnowledgeBase, Overall, ToolVerdict, Verdict, assess
from knowledge.model_reading import ModelReading, ModelUse
from knowledge.stricter import no_looser

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)
LOG_WAIT_S = 2.0  # how long an answer waits for its question to be logged

STATUS_OF = {
    Overall.ALLOWED: Status.ALLOWED,
    Overall.CONDITIONAL: Status.CONDITIONAL,
    Overall.NOT_ALLOWED: Status.NOT_ALLOWED,
    Overall.UNKNOWN_TOOL: Status.UNKNOWN_TOOL,
    Overall.RECOMMENDATION: Status.INFO,
    Overall.CLARIFY: Status.INFO,
    Overall.NO_MATCH: Status.INFO,
}
VERDICT_LABEL = {
    Verdict.ALLOWED: "Allowed",
    Verdict.CONDITIONAL: "Allowed with conditions",
    Verdict.NOT_ALLOWED: "Not allowed",
    Verdict.UNKNOWN_TOOL: "Not on the approved list",
}
PERMITTED = (Verdict.ALLOWED, Verdict.CONDITIONAL)
MAX_QUESTION = 2000
MAX_ALTERNATIVES = 2
MAX_RECOMMENDED = 4
EXAMPLE_QUESTIONS = (
    "can I paste a client contract into ChatGPT?",
    "what can I use to summarize meeting notes?",
    "is DeepSeek allowed?",
)


def assess_request(
    request: Request, services: Services, *, data_class: str | None = None, hints: ModelReading | None = None
) -> Assessment:
    """The assessment of the request's question, continuing its conversation when it is a follow-up."""
    context = services.conversations.get(request, services.clock())
    return assess(
        services.knowledge,
        request.text,
        services.asker(request.actor),
        context=context,
        data_class=data_class,
        hints=hints,
    )


async def read_request(
    request: Request, services: Services, *, data_class: str | None = None, use: ModelUse | None = None
) -> Assessment:
    """`assess_request`, with the language model's reading when one is configured: it is sent the question
    redacted as the questions log keeps it, and its answer is kept only when no more permissive. `use`
    collects what the model cost and whether the answer went out without it."""
    plain = assess_request(request, services, data_class=data_class)
    if services.reader is None or talk_kind(plain) is not None:
        return plain
    hints = await services.reader.read(redact(request.text), services.knowledge, use)
    if hints is None:
        return plain
    plain = replace(plain, language=hints.language)
    if hints.empty:
        return plain
    # The conversation goes on from the question as the engine read it: a model's guess is never carried
    # into the next turn, where nothing would show it and nothing would compare it.
    merged = replace(
        assess_request(request, services, data_class=data_class, hints=hints),
        language=hints.language,
        context=plain.context,
    )
    if not no_looser(plain, merged):
        log.warning("the language model's reading was set aside: it would have loosened the answer "
                    "(request %s)", request.request_id)  # fmt: skip
        services.reader.fell_back("loosened", use)
        return plain
    return merged


def remember(request: Request, services: Services, assessment: Assessment) -> None:
    if assessment.context is not None and assessment.verdict != Overall.NO_MATCH:
        services.conversations.put(request, assessment.context, services.clock())


async def handle(request: Request, services: Services) -> Reply:
    if request.form.get("question"):  # the question form's submission
        request = replace(request, text=request.form["question"], form={})
    return await answer(request, services)


async def question_form(request: Request, services: Services) -> Reply:
    """ "Ask about a tool" (the App Home's button): a form with one question field, answered privately."""
    return Reply(
        status=Status.INFO,
        headline=command_words.QUESTION_FORM_TITLE,
        form=Form(
            command="ask",
            title=command_words.QUESTION_FORM_TITLE,
            submit_label="Ask",
            fields=(
                FormField(
                    "question", "Your question", kind="long_text", required=True,
                    hint="The tool, what you want to do, and what kind of information: "
                    f"e.g. “{EXAMPLE_QUESTIONS[0]}”",
                ),
            ),
        ),
    )  # fmt: skip


async def clarified(request: Request, services: Services) -> Reply:
    """A clarify choice: `CLASS QUESTION`, the question asked again with its data class stated."""
    class_id, _, question = request.text.strip().partition(" ")
    kb = services.knowledge
    if class_id not in kb.data_class or not question.strip():
        names = ", ".join(c.id for c in kb.data_classes)
        return Reply(
            status=Status.ERROR,
            headline="That choice is no longer valid.",
            sections=(Section(text=f"Ask the question again, or say which data it is: one of {names}."),),
        )
    return await answer(replace(request, text=question, command="ask"), services, data_class=class_id)


async def answer(request: Request, services: Services, *, data_class: str | None = None) -> Reply:
    if not request.text.strip():
        return _how_to_ask(services.knowledge, "Ask me whether you may use an AI tool, and for what.")
    if len(request.text) > MAX_QUESTION:
        return Reply(
            status=Status.ERROR,
            headline=f"That is a long question ({len(request.text):,} characters).",
            sections=(
                Section(
                    text="Ask it in a sentence or two: the tool, what you want to do, and what kind of information "
                    "is involved. Don't paste the document itself.",
                    bullets=EXAMPLE_QUESTIONS[:1],
                ),
            ),
        )
    started = time.monotonic()
    use = ModelUse() if services.reader is not None else None
    assessment = await read_request(request, services, data_class=data_class, use=use)
    talk = talk_reply(assessment, services.knowledge)
    if talk is not None:
        return talk
    remember(request, services, assessment)
    reply = reply_for(assessment, services.knowledge)
    if getattr(services.reader, "phrasing", False):
        reply = await phrasing.worded(reply, assessment, services, started=started, use=use)
    # Logged once the wording is done, so the log holds what the model cost this answer.
    logging = services.database is not None or services.question_batch is not None
    logged = await _log_question(request, services, assessment, use) if logging else False
    if services.tools_url:
        reply = replace(reply, footer=f"{reply.footer} · Every approved tool: {services.tools_url}")
    if logged and assessment.verdict not in (Overall.NO_MATCH, Overall.CLARIFY):
        reply = replace(reply, actions=(*reply.actions, *feedback_actions(request.request_id)))
    return reply


def feedback_actions(question_ref: str) -> tuple[Action, ...]:
    return (
        Action("👍 Helpful", "feedback", f"up {question_ref}"),
        Action("👎 Not helpful", "feedback", f"down {question_ref}"),
        Action("Ask a human", "escalate", question_ref),
    )


async def _log_question(
    request: Request, services: Services, assessment: Assessment, use: ModelUse | None = None
) -> bool:
    """Whether the question is in the log, so its 👍 and "Ask a human" can find it. The answer matters
    more than the statistic: it goes out even when the log is down or slow (a locked SQLite file would
    otherwise hold it for a minute)."""
    try:
        asked = _asked(request, services, assessment, use)
        batch = services.question_batch
        if batch is not None:
            # The server's queue, written a few times a second; while the database is away the question
            # waits there, and the answer has no buttons that would fail now.
            batch.add(asked)
            return not batch.failing
        # The CLI, and tests without a server: written at once.
        from storage.question_batch import write

        await asyncio.wait_for(services.transaction(lambda session: write(session, [asked])), LOG_WAIT_S)
        return True
    except TimeoutError:
        log.warning("question not logged within %.0f s (request %s)", LOG_WAIT_S, request.request_id)
    except Exception:
        log.exception("could not log question (request %s)", request.request_id)
    return False


def _asked(request: Request, services: Services, assessment: Assessment, use: ModelUse | None = None):
    from storage.asked import Asked, AskedBy

    entry = services.directory.lookup(request.actor)
    return Asked(
        request_id=request.request_id,
        by=AskedBy(
            platform=str(request.platform),
            user_id=request.actor.user_id,
            display_name=request.actor.display_name,
            email=request.actor.email,
            directory_department=entry.department if entry else None,
        ),
        verdict=str(assessment.verdict),
        asked_at=services.clock(),
        tool_ids=[v.tool_id for v in assessment.tools if v.tool_id],
        unknown_tools=[v.name for v in assessment.tools if v.tool_id is None],
        rule_ids=list(assessment.rules),
        alternative_ids=[v.tool_id for v in assessment.alternatives if v.tool_id],
        data_class=assessment.understanding.data_class,
        use_case=assessment.understanding.use_case,
        text=redact(request.text)[:4000] if services.store_question_text else None,
        model_tokens=use.tokens if use is not None else None,
        model_fallback=use.fallback if use is not None else None,
    )


def talk_kind(assessment: Assessment) -> str | None:
    """ "greeting", "thanks" or "help" ("what can I use?") when that is all the message says."""
    reading = assessment.understanding
    if not reading.small_talk or reading.tools or reading.names_data or reading.use_cases or reading.mentions:
        return None
    for kind in ("help", "thanks", "greeting"):
        if kind in reading.small_talk:
            return kind
    return None


def talk_reply(assessment: Assessment, kb: KnowledgeBase) -> Reply | None:
    """The answer to a greeting, thanks or "what can I use?", or None when the message is a question."""
    kind = talk_kind(assessment)
    if kind == "help":
        return overview(kb)
    return small_talk(kind, kb) if kind is not None else None


def small_talk(kind: str, kb: KnowledgeBase) -> Reply:
    """Greetings and thanks get a useful answer, not "I could not tell"."""
    if kind == "thanks":
        return Reply(
            status=Status.INFO,
            headline="You're welcome.",
            sections=(Section(text="Ask me any time before you put something into an AI tool."),),
            footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
        )
    approved = [t.name for t in kb.tools if t.status == "approved"][:4]
    sections = [
        Section(
            text=f"I answer questions about using AI tools at {kb.policy.organization}: which tool, for what, "
            "with which information. For example:",
            bullets=EXAMPLE_QUESTIONS,
        )
    ]
    if approved:
        sections.append(Section(title="Approved tools include", text=_join(approved) + "."))
    sections.append(Section(text="Type `tools` for the whole list, or `help` for everything I can do."))
    return Reply(
        status=Status.INFO,
        headline="Hi! Ask me before you use an AI tool for work.",
        sections=tuple(sections),
        footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
    )


def reply_for(assessment: Assessment, kb: KnowledgeBase) -> Reply:
    reply = _reply_for(assessment, kb)
    if not assessment.assumed:
        return reply
    note = Section(
        title="How I read your question",
        text=f"I took it that {'; '.join(assessment.assumed)}. If that is not what you meant, ask again in "
        "other words.",
    )
    return replace(reply, sections=(*reply.sections, note))


def _reply_for(assessment: Assessment, kb: KnowledgeBase) -> Reply:
    if assessment.verdict == Overall.NO_MATCH:
        return _how_to_ask(kb, "I could not tell which AI tool or task you mean.")
    if assessment.verdict == Overall.CLARIFY:
        return _clarify(assessment, kb)
    if assessment.verdict == Overall.RECOMMENDATION or not assessment.tools:
        return _recommendation(assessment, kb)  # no tool named: what may be used, or that none may
    sections = [_tool_section(v, kb) for v in assessment.tools]
    refused = [v for v in assessment.tools if v.verdict not in PERMITTED]
    actions: list[Action] = []
    # With a mixed answer the usable edition is the alternative; a review request makes no sense.
    if refused and len(refused) == len(assessment.tools):
        sections.append(_alternatives_section(assessment, kb))
        for verdict in refused:
            # An approved tool refused by a red line needs no review: the rule is the answer.
            if verdict.tool_id is None or kb.tool[verdict.tool_id].status != "approved":
                actions.append(Action(f"Request a review of {verdict.name}", "request", verdict.name))
    return Reply(
        status=STATUS_OF[assessment.verdict],
        visibility=Visibility.PUBLIC,  # policy answers help everyone in a thread; wins and stats stay private
        headline=_headline(assessment, kb),
        sections=tuple(s for s in sections if s is not None),
        actions=tuple(actions),
        footer=_footer(assessment, kb),
    )


def _clarify(assessment: Assessment, kb: KnowledgeBase) -> Reply:
    clarify = assessment.clarify
    assert clarify is not None
    choices = []
    for option in clarify.options:
        choices.append(Fact(kb.data_name(option.data_class), _option_answer(option, kb)))
    sections = [
        Section(title="The answer for each kind of information", facts=tuple(choices)),
        *(_tool_section(v, kb) for v in assessment.tools),
    ]
    question = assessment.question[:1900]
    actions = tuple(
        Action(kb.data_name(option.data_class), "clarify", f"{option.data_class} {question}")
        for option in clarify.options
    )
    return Reply(
        status=Status.INFO,
        visibility=Visibility.PUBLIC,
        headline=f"It depends on what is in “{clarify.phrase}”: which kind of information is it?",
        sections=tuple(sections),
        actions=actions,
        footer=_footer(assessment, kb),
    )


def _option_answer(option, kb: KnowledgeBase) -> str:
    if option.verdict == Overall.RECOMMENDATION:
        return "use " + _join([v.name for v in option.tools], "or")
    if not option.tools:
        return "no approved tool may be used for it"
    return "; ".join(f"{v.name}: {VERDICT_LABEL[v.verdict].lower()}" for v in option.tools)


def _headline(assessment: Assessment, kb: KnowledgeBase) -> str:
    tools = assessment.tools
    names = _join([v.name for v in tools])
    usable = [v for v in tools if v.verdict in PERMITTED]
    refused = [v for v in tools if v.verdict not in PERMITTED]
    if usable and refused:
        return f"Only in {_join([v.name for v in usable])}, not in {_join([v.name for v in refused], 'or')}."
    match assessment.verdict:
        case Overall.ALLOWED if len(tools) == 1 and not assessment.understanding.data_classes:
            # Nothing sensitive was recognised: say what the yes covers, in case we missed something.
            tool = kb.tool[tools[0].tool_id or ""]
            return f"Yes, you can use {names} for {kb.ceiling(tool.max_data)}."
        case Overall.ALLOWED:
            return f"Yes, you can use {names} for this."
        case Overall.CONDITIONAL if len(usable) > 1 and any(v.verdict == Verdict.ALLOWED for v in usable):
            with_conditions = _join([v.name for v in usable if v.verdict == Verdict.CONDITIONAL])
            return f"Yes, you can use {names}, with conditions for {with_conditions}."
        case Overall.CONDITIONAL:
            return f"Yes, you can use {names}, with conditions."
        case Overall.UNKNOWN_TOOL:
            verb = "is" if len(tools) == 1 else "are"
            return f"{names} {verb} not on the approved list, so not for company work yet."
        case _:
            return f"No, don't use {_join([v.name for v in tools], 'or')} for this."


def _tool_section(verdict: ToolVerdict, kb: KnowledgeBase) -> Section:
    tool = kb.tool.get(verdict.tool_id) if verdict.tool_id else None
    bullets = [r.text for r in verdict.reasons] + [f"Condition: {c.text}" for c in verdict.conditions]
    facts: list[Fact] = []
    if tool is not None:
        if tool.edition:
            facts.append(Fact("Edition", tool.edition))
        if verdict.verdict in PERMITTED and tool.access:
            facts.append(Fact("How to get it", tool.access))
        if tool.notes:
            facts.append(Fact("Note", tool.notes))
    return Section(
        title=f"{verdict.name}: {VERDICT_LABEL[verdict.verdict]}", bullets=tuple(bullets), facts=tuple(facts)
    )


def _alternatives_section(assessment: Assessment, kb: KnowledgeBase) -> Section:
    options = assessment.alternatives[:MAX_ALTERNATIVES]
    if not options:
        return Section(
            title="Use instead",
            text=f"No approved tool may be used for this. If you think that should change, ask {kb.policy.contact}.",
        )
    return Section(title="Use instead", facts=tuple(_option_fact(v, kb) for v in options))


def _option_fact(verdict: ToolVerdict, kb: KnowledgeBase) -> Fact:
    tool = kb.tool[verdict.tool_id or ""]
    parts = [tool.access or "Ask IT how to get access."]
    parts += [f"Condition: {c.text}" for c in verdict.conditions]
    return Fact(tool.name, " ".join(parts))


def _recommendation(assessment: Assessment, kb: KnowledgeBase) -> Reply:
    task = _task_phrase(assessment, kb)
    options = assessment.recommended[:MAX_RECOMMENDED]
    sections: list[Section] = []
    if assessment.red_lines:
        sections.append(
            Section(title="Rules that apply", bullets=tuple(r.text for r in assessment.red_lines))
        )
    if not options:
        headline = f"No approved AI tool may be used for {task}."
        status = Status.NOT_ALLOWED
        sections.append(Section(text=f"If you think this should change, ask {kb.policy.contact}."))
    else:
        headline = f"For {task}, use {options[0].name}."
        status = Status.INFO
        sections.append(Section(title="Recommended", facts=tuple(_option_fact(v, kb) for v in options)))
    return Reply(
        status=status,
        headline=headline,
        sections=tuple(sections),
        footer=_footer(assessment, kb),
        visibility=Visibility.PUBLIC,
    )


def _task_phrase(assessment: Assessment, kb: KnowledgeBase) -> str:
    reading = assessment.understanding
    use = kb.use_case[reading.use_case].name.lower() if reading.use_case else "this"
    if reading.data_class:
        return f"{use} with {kb.data_name(reading.data_class).lower()} information"
    return use


def _how_to_ask(kb: KnowledgeBase, headline: str) -> Reply:
    return Reply(
        status=Status.INFO,
        headline=headline,
        sections=(
            Section(
                text="Name the tool and what you want to do with it, for example:",
                bullets=EXAMPLE_QUESTIONS,
            ),
            Section(text="Type `tools` to see the approved list, or `help` for everything I can do."),
        ),
        footer=f"Policy {kb.policy.version} · Questions: {kb.policy.contact}",
    )


def _footer(assessment: Assessment, kb: KnowledgeBase) -> str:
    reading = assessment.understanding
    read_as = []
    # Say what was read, so a misreading is visible: a typo taken for a tool, a "without" taken as no data.
    for mention in reading.tools:
        if mention.typo:
            names = [kb.tool[i].name for i in sorted(mention.tool_ids, key=kb.tool_order.__getitem__)]
            named = _join(names, "or") if names else mention.unknown_name
            read_as.append(f"“{mention.text}” as {named}")
    if reading.data_class and reading.data_class != assessment.stated_data:
        read_as.append(f"{kb.data_name(reading.data_class)} data")
    read_as += [f"no {kb.data_name(c)} data" for c in reading.negated_data]
    if reading.use_case:
        read_as.append(kb.use_case[reading.use_case].name)
    if reading.secrets:
        read_as.append(
            "data pasted into the question (" + ", ".join(n.replace("_", " ") for n in reading.secrets) + ")"
        )
    if assessment.stated_data:
        read_as.append(f"{kb.data_name(assessment.stated_data)} data as you said")
    if assessment.carried:
        read_as.append(f"{_join(list(assessment.carried))} from your previous question")
    understood = f"Read as: {', '.join(read_as)} · " if read_as else ""
    return f"{understood}Policy {assessment.policy_version} · Questions: {kb.policy.contact}"


def _join(names: list[str], word: str = "and") -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def answer_json(assessment: Assessment, text: str) -> dict[str, Any]:
    """The stable machine-readable shape of `aiguide ask --json`."""
    reading = assessment.understanding
    return {
        "verdict": str(assessment.verdict),
        "tools": [
            {
                "id": v.tool_id,
                "name": v.name,
                "verdict": str(v.verdict),
                "reasons": [r.text for r in v.reasons],
                "conditions": [c.text for c in v.conditions],
            }
            for v in assessment.tools
        ],
        "data_class": reading.data_class,
        "use_case": reading.use_case,
        "recommended": [v.tool_id for v in assessment.recommended],
        "rules": list(assessment.rules),
        "policy_version": assessment.policy_version,
        "text": text,
        **_clarify_json(assessment),
        "carried": list(assessment.carried),
        "assumed": list(assessment.assumed),
    }


def _clarify_json(assessment: Assessment) -> dict[str, Any]:
    clarify = assessment.clarify
    if clarify is None:
        return {}
    return {
        "clarify": {
            "about": clarify.about,
            "options": [o.data_class for o in clarify.options],
            "phrase": clarify.phrase,
            "answers": {o.data_class: str(o.verdict) for o in clarify.options},
        }
    }
