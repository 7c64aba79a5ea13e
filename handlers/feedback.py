"""Reactions to an answer: 👍/👎 (stored against the question) and "ask a human"."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlmodel import Session

from handlers.model import Action, Fact, Form, FormField, Reply, Request, Section, Status, Visibility
from handlers.redaction import redact
from handlers.registry import NotMine
from handlers.services import Services
from storage import feedback
from storage.models import Question

T = TypeVar("T")


async def _with_question(services: Services, work: Callable[[Session], T], found: Callable[[T], bool]) -> T:
    """`work` once the questions log is written; when its question is not there yet, once more a moment
    later: with several replicas, the one that answered may still have it queued."""
    await services.questions_written()
    result = await services.transaction(work)
    if not found(result) and services.question_batch is not None:
        await asyncio.sleep(2 * services.question_batch.interval)
        result = await services.transaction(work)
    return result


async def vote(request: Request, services: Services) -> Reply:
    if request.form:
        return await _reason(request, services)
    direction, _, ref = request.text.strip().partition(" ")
    if direction == "why" and ref.strip():
        return Reply(
            status=Status.INFO,
            headline="What was wrong with the answer?",
            form=_reason_form(ref.strip()),
        )
    if direction not in ("up", "down") or not ref.strip():
        return Reply(status=Status.ERROR, headline="Use the 👍 / 👎 buttons under an answer to rate it.")

    def work(session: Session) -> bool:
        question = feedback.question_by_request(session, request_id=ref.strip())
        if question is None:
            return False
        person = services.person(session, request.actor, request.platform)
        feedback.record_vote(
            session, question_id=question.id or 0, person_id=person.id or 0, helpful=direction == "up"
        )
        return True

    if not await _with_question(services, work, found=bool):
        return Reply(
            status=Status.ERROR, headline="I can't find that answer any more; ask your question again."
        )
    if direction == "up":
        return Reply(status=Status.SUCCESS, headline="Thanks, glad it helped.")
    return Reply(
        status=Status.SUCCESS,
        headline="Thanks for telling us. IT reviews unhelpful answers to improve the policy.",
        sections=(Section(text="Need an answer now? Use “Ask a human” under the answer."),),
        actions=(Action("Say what was wrong", "feedback", f"why {ref.strip()}"),),
    )


def _reason_form(ref: str, value: str = "", error: str = "") -> Form:
    return Form(
        command="feedback",
        title="What was wrong?",
        fields=(
            FormField(
                "reason",
                "What was wrong, or what you expected",
                "long_text",
                required=True,
                value=value,
                error=error,
                hint="e.g. it said no, but our contract with the client allows it",
            ),
        ),
        submit_label="Send",
        hidden=(("ref", ref),),
    )


async def _reason(request: Request, services: Services) -> Reply:
    ref = request.form.get("ref", "").strip()
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > 500:
        error = "Say in a sentence what was wrong." if not reason else "Keep it under 500 characters."
        return Reply(
            status=Status.ERROR, headline="Some fields need a look.", form=_reason_form(ref, reason, error)
        )

    def work(session: Session) -> bool:
        question = feedback.question_by_request(session, request_id=ref)
        if question is None:
            return False
        person = services.person(session, request.actor, request.platform)
        return feedback.record_reason(
            session, question_id=question.id or 0, person_id=person.id or 0, reason=redact(reason)
        )

    if not await services.transaction(work):
        return Reply(status=Status.ERROR, headline="I can't find your 👎 on that answer any more; ask again.")
    return Reply(
        status=Status.SUCCESS, headline="Thanks: IT reads this with the answer when they review the policy."
    )


async def escalate(request: Request, services: Services) -> Reply:
    kb = services.knowledge
    ref = request.text.strip()
    target = services.escalation_target

    def work(session: Session) -> tuple[Question | None, bool, bool]:
        question = feedback.question_by_request(session, request_id=ref)
        if question is None:
            return None, False, False
        mine = question.person_id == services.person(session, request.actor, request.platform).id
        if target is None or not mine:
            return question, False, mine
        return question, feedback.mark_escalated(session, question_id=question.id or 0), True

    question, first, mine = await _with_question(services, work, found=lambda r: r[0] is not None)
    if question is not None and not mine:
        # In a shared thread anyone sees the button; only the asker may send their question on.
        return Reply(
            status=Status.INFO,
            headline="Only the person who asked can pass this question to IT; ask your own.",
        )
    if question is None:
        return Reply(
            status=Status.ERROR,
            headline=f"I can't find that answer any more; please ask {kb.policy.contact}.",
        )
    if target is None:
        return Reply(
            status=Status.INFO, headline=f"Please ask {kb.policy.contact}; they can answer what I can't."
        )
    if not first:
        return Reply(
            status=Status.INFO, headline=f"Already passed to {target}; someone will answer you there soon."
        )
    who = request.actor.display_name or request.actor.user_id
    asked = question.text or "(the question text is not stored)"
    for_it = Reply(
        status=Status.INFO,
        headline=f"{who} would like a human answer",
        sections=(
            Section(
                facts=(
                    Fact("Question", asked),
                    Fact("aiguide said", question.verdict.replace("_", " ")),
                    Fact("Asked by", who),
                ),
            ),
        ),
        footer=f"Policy {kb.policy.version} · reply to {who} directly",
    )
    return Reply(
        status=Status.SUCCESS,
        headline=f"I've passed your question to {target}. Someone from IT will answer you directly.",
        escalation=for_it,
        escalated_question=question.id,
    )


async def escalation_failed(reply: Reply, services: Services) -> Reply:
    """The surface could not post `reply.escalation`: the question is not marked as passed on, and the
    person hears that it did not reach IT and whom to ask meanwhile. Anything else passed to IT (a review
    request, a decision) is stored already: the reply stands, and says the IT channel was not told."""
    if reply.escalated_question is None:
        missed = Section(
            text="I could not post this to IT's channel just now. It is saved, and shows in IT's weekly digest."
        )
        return replace(reply, escalation=None, sections=(*reply.sections, missed))
    if reply.escalated_question is not None:
        question_id = reply.escalated_question
        await services.transaction(
            lambda session: feedback.unmark_escalated(session, question_id=question_id)
        )
    return Reply(
        status=Status.ERROR,
        headline="I could not pass your question to IT just now.",
        sections=(
            Section(
                text=f"Please try “Ask a human” again in a few minutes, or ask {services.knowledge.policy.contact}."
            ),
        ),
    )


# --- IT's answer in the escalation's thread ------------------------------------------------------


async def relay(request: Request, services: Services) -> Reply:
    """IT's reply in the thread of a question passed to them (`form["thread"]` names the thread): stored
    and relayed to the asker by the notices. In a thread of anything else, the text is read as typed (a
    question, or a command such as `decide`)."""
    ref = request.form.get("thread", "")
    answer = request.text.strip()
    by = request.actor.display_name or request.actor.user_id

    def work(session: Session) -> Question | None:
        question = feedback.question_by_escalation(session, ref=ref) if ref else None
        if question is not None and answer:
            feedback.record_answer(session, question, answer=answer, by=by, when=services.clock())
        return question

    question = await services.transaction(work)
    if question is None:
        raise NotMine(ref)
    if not answer:
        return Reply(status=Status.INFO, headline="Write your answer after the mention; I'll pass it on.")
    from handlers import reviews

    reviews.changed(services)
    return Reply(
        status=Status.SUCCESS,
        headline="I'll send your answer to the person who asked.",
        visibility=Visibility.PUBLIC,  # the rest of IT sees in the thread that it is answered
        sections=(
            Section(
                text="If the policy should say this, add a rule or example: `aiguide kb propose` drafts one "
                "from this answer for you to check."
            ),
        ),
    )


def answer_notice(question: Question, kb) -> Reply:
    asked = question.text or "(your question; its text is not kept)"
    return Reply(
        status=Status.INFO,
        headline="IT answered your question",
        sections=(
            Section(facts=(Fact("You asked", asked),)),
            Section(title=f"{question.it_answered_by or 'IT'} wrote", text=question.it_answer or ""),
        ),
        footer=f"Questions: {kb.policy.contact}",
    )


async def escalation_posted(services: Services, reply: Reply, ref: str) -> None:
    """Where the surface posted the question for IT, so IT's answer in its thread finds it."""
    if reply.escalated_question is not None:
        question_id = reply.escalated_question
        await services.transaction(
            lambda session: feedback.escalation_posted(session, question_id=question_id, ref=ref)
        )
