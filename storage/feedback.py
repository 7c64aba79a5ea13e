"""Reactions to answers: helpful votes and "ask a human" escalations (the knowledge-base gaps)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import now
from storage.models import Person, Question, QuestionVote


def question_by_request(session: Session, *, request_id: str) -> Question | None:
    return session.exec(select(Question).where(Question.request_id == request_id)).first()


def record_vote(session: Session, *, question_id: int, person_id: int, helpful: bool) -> QuestionVote:
    """One vote per person and answer; voting again replaces the earlier vote."""
    query = select(QuestionVote).where(
        QuestionVote.question_id == question_id, QuestionVote.person_id == person_id
    )
    vote = session.exec(query).first()
    if vote is None:
        vote = QuestionVote(
            question_id=question_id, person_id=person_id, helpful=helpful, voted_at=now(session)
        )
        try:
            with session.begin_nested():
                session.add(vote)
                session.flush()
            return vote
        except IntegrityError:
            vote = session.exec(query).one()
    vote.helpful = helpful
    vote.voted_at = now(session)
    session.add(vote)
    session.flush()
    return vote


def unmark_escalated(session: Session, *, question_id: int) -> None:
    """The post to IT failed: the question was not passed on after all, and may be sent again."""
    question = session.get(Question, question_id)
    if question is not None and question.escalated_at is not None:
        question.escalated_at = None
        session.add(question)
        session.flush()


def mark_escalated(session: Session, *, question_id: int, when: datetime | None = None) -> bool:
    """True the first time; a second click does not escalate again."""
    question = session.get(Question, question_id)
    if question is None or question.escalated_at is not None:
        return False
    question.escalated_at = when or now(session)
    session.add(question)
    session.flush()
    return True


def record_reason(session: Session, *, question_id: int, person_id: int, reason: str) -> bool:
    """What was wrong with an answer this person voted 👎; False when there is no such vote."""
    vote = session.exec(
        select(QuestionVote).where(
            QuestionVote.question_id == question_id, QuestionVote.person_id == person_id
        )
    ).first()
    if vote is None or vote.helpful:
        return False
    vote.reason = reason[:500]
    session.add(vote)
    session.flush()
    return True


def escalation_posted(session: Session, *, question_id: int, ref: str) -> None:
    question = session.get(Question, question_id)
    if question is not None:
        question.escalation_ref = ref[:200]
        session.add(question)
        session.flush()


def question_by_escalation(session: Session, *, ref: str) -> Question | None:
    return session.exec(select(Question).where(Question.escalation_ref == ref)).first()


def record_answer(session: Session, question: Question, *, answer: str, by: str, when: datetime) -> None:
    """IT's answer, relayed to the asker by the notices (again if IT corrects it)."""
    question.it_answer = answer[:2000]
    question.it_answered_by = by[:200]
    question.it_answered_at = when
    question.answer_told = False
    session.add(question)
    session.flush()


def answers_due(
    session: Session,
    *,
    person_id: int | None = None,
    platforms: tuple[str, ...] | None = None,
    limit: int = 200,
) -> list[tuple[Question, Person]]:
    query = (
        select(Question, Person)
        .join(Person, col(Person.id) == col(Question.person_id))
        .where(col(Question.it_answer).is_not(None), col(Question.answer_told).is_(False))
    )
    if person_id is not None:
        query = query.where(Question.person_id == person_id)
    if platforms is not None:
        query = query.where(col(Person.platform).in_(platforms))
    return list(session.exec(query.order_by(col(Question.it_answered_at)).limit(limit)))


def mark_answer_told(session: Session, *, question_id: int, answered_at: datetime | None) -> None:
    """Told, unless IT wrote again since (then the newer answer is still due)."""
    question = session.get(Question, question_id)
    if question is not None and question.it_answered_at == answered_at:
        question.answer_told = True
        session.add(question)
        session.flush()


def answered_escalations(session: Session, *, since: datetime) -> list[Question]:
    query = (
        select(Question).where(col(Question.it_answered_at) >= since).order_by(col(Question.it_answered_at))
    )
    return list(session.exec(query))
