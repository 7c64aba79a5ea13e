"""The tables. Tool ids are plain strings: storage does not know the knowledge base."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import JSON, Field, SQLModel

from storage.db import UTCDateTime, utc_now


def _created_at():
    return Field(default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False))


class Person(SQLModel, table=True):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "user_id", name="uq_people_platform_user"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    user_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    department: str | None = Field(default=None, max_length=120)
    department_source: str | None = Field(default=None, max_length=16)  # directory | asked | set
    reminders: bool = Field(default=False)
    days_off: str = Field(default="", max_length=40)  # "fri,sat": no reminders on these days
    pseudonym: str = Field(max_length=32, unique=True)
    created_at: datetime = _created_at()


class Win(SQLModel, table=True):
    __tablename__ = "wins"
    __table_args__ = (
        Index("ix_wins_occurred_on", "occurred_on"),
        Index("ix_wins_person_occurred", "person_id", "occurred_on"),
        {"sqlite_autoincrement": True},  # a deleted win's id is never given again (migration 0008)
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(max_length=200, unique=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE")
    minutes: int
    tool_id: str | None = Field(default=None, max_length=64)
    tool_name: str = Field(default="", max_length=200)
    tool_known: bool = Field(default=False)
    tool_status: str | None = Field(default=None, max_length=16)
    use_case: str | None = Field(default=None, max_length=64)
    task: str = Field(default="", max_length=2000)
    outcome: str | None = Field(default=None, max_length=2000)
    outcome_category: str | None = Field(default=None, max_length=32)
    share: bool = Field(default=False)
    department: str | None = Field(default=None, max_length=120)
    occurred_on: date
    created_at: datetime = _created_at()


class Question(SQLModel, table=True):
    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_asked_at", "asked_at"),
        Index("ix_questions_escalated_at", "escalated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(max_length=200, unique=True)
    person_id: int | None = Field(default=None, foreign_key="people.id", ondelete="SET NULL")
    platform: str = Field(max_length=16)
    verdict: str = Field(max_length=16)
    tool_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    unknown_tools: list[str] = Field(default_factory=list, sa_type=JSON)
    # The rules the answer rested on, and the tools it offered instead: what IT's red lines did. NULL
    # for answers stored before they were recorded (or by a replica still on an older version).
    rule_ids: list[str] | None = Field(default_factory=list, sa_type=JSON)
    alternative_ids: list[str] | None = Field(default_factory=list, sa_type=JSON)
    data_class: str | None = Field(default=None, max_length=64)
    use_case: str | None = Field(default=None, max_length=64)
    text: str | None = Field(default=None, max_length=4000)  # redacted, or None when not kept
    department: str | None = Field(default=None, max_length=120)
    asked_at: datetime = _created_at()
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Where the question was posted for IT ("slack:C123:1764170000.000100"), so IT's answer in its thread
    # finds it; and that answer, relayed to the asker once.
    escalation_ref: str | None = Field(default=None, max_length=200, index=True)
    it_answer: str | None = Field(default=None, max_length=2000)
    it_answered_by: str = Field(default="", max_length=200)
    it_answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    answer_told: bool = Field(default=False)
    # What the language model cost the answer, and why it went out without the model's part; NULL
    # when no model was configured (and for answers stored before these were recorded).
    model_tokens: int | None = Field(default=None)
    model_fallback: str | None = Field(default=None, max_length=32)


class QuestionVote(SQLModel, table=True):
    """Was this answer helpful? The latest vote per person counts."""

    __tablename__ = "question_votes"
    __table_args__ = (UniqueConstraint("question_id", "person_id", name="uq_question_votes_person"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="questions.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE")
    helpful: bool
    voted_at: datetime = _created_at()
    reason: str = Field(default="", max_length=500)  # what was wrong, when the voter said (redacted)


class StoredAddress(SQLModel, table=True):
    """Where a later, unprompted message can go (a Teams conversation reference, say), kept across restarts."""

    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("platform", "key", name="uq_addresses_platform_key"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=300)  # the platform's own id for the conversation
    kind: str = Field(default="", max_length=32)  # personal | channel | groupChat | ...
    name: str = Field(default="", max_length=200)
    reference: dict = Field(default_factory=dict, sa_type=JSON)  # opaque to everything but its platform
    updated_at: datetime = _created_at()


class DigestRun(SQLModel, table=True):
    """One digest for one target and period: claimed before sending, so it goes out once."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("target", "period", name="uq_digest_runs_target_period"),)

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(max_length=100)
    period: str = Field(max_length=40)  # the ISO week the digest covers, e.g. 2026-W47
    status: str = Field(default="claimed", max_length=16)  # claimed | sent | failed | unconfirmed
    claimed_by: str = Field(max_length=100)
    lease_expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = Field(default=1)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    message_ref: str | None = Field(default=None, max_length=200)
    error: str | None = Field(default=None, max_length=2000)


class ProcessedEvent(SQLModel, table=True):
    """Platform deliveries already handled, so a retried event is processed once."""

    __tablename__ = "processed_events"

    key: str = Field(primary_key=True, max_length=200)
    seen_at: datetime = _created_at()


# Statuses of a review request while it waits for IT: a new request for the same tool joins it.
ACTIVE_REQUEST = ("open", "in_review")


class ToolRequest(SQLModel, table=True):
    """A request for IT to review a tool; one active request per tool, however many ask.

    open -> in_review (IT asked the requesters for more) -> decided (approved, pilot or rejected) ->
    published (the knowledge base lists the tool); or withdrawn, when everyone who asked took it back.
    """

    __tablename__ = "tool_requests"
    __table_args__ = (
        Index(
            "uq_tool_requests_open_tool",
            "tool_key",
            unique=True,
            sqlite_where=text("status IN ('open', 'in_review')"),
            postgresql_where=text("status IN ('open', 'in_review')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # What buttons and commands name it by: never reused, unlike a deleted row's id in SQLite.
    ref: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], max_length=16, unique=True)
    tool_key: str = Field(max_length=200, index=True)  # normalised name, for de-duplication
    tool_name: str = Field(max_length=200)
    tool_id: str | None = Field(default=None, max_length=64)
    status: str = Field(default="open", max_length=16)  # open | in_review | decided | withdrawn | published
    created_at: datetime = _created_at()
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    decision: str | None = Field(default=None, max_length=16)  # approved | pilot | rejected
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    decided_by: str = Field(default="", max_length=200)  # the admin's name, as the platform gave it
    note: str = Field(default="", max_length=2000)  # why, or what IT wants to know (in review)
    ceiling: str | None = Field(default=None, max_length=64)  # the data class it is approved up to
    pilot_group: str | None = Field(default=None, max_length=200)
    alternative: str | None = Field(default=None, max_length=64)  # a tool id to use instead
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    it_message: str | None = Field(default=None, max_length=200)  # the card in the IT channel


class ToolRequester(SQLModel, table=True):
    __tablename__ = "tool_requesters"
    __table_args__ = (UniqueConstraint("tool_request_id", "person_id", name="uq_tool_requesters_person"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(max_length=200, unique=True)
    tool_request_id: int = Field(foreign_key="tool_requests.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE")
    reason: str = Field(default="", max_length=2000)
    created_at: datetime = _created_at()
    # The request's status this person was last told about: each change reaches them once.
    told: str | None = Field(default=None, max_length=16)


__all__ = [
    "DigestRun",
    "Person",
    "ProcessedEvent",
    "Question",
    "QuestionVote",
    "SQLModel",
    "StoredAddress",
    "ToolRequest",
    "ToolRequester",
    "Win",
    "date",
]


class PolicyVersion(SQLModel, table=True):
    """Each policy version once, in the order replicas first served them, with what it said (the
    knowledge.changes summary): the replica that first serves a new version announces what changed."""

    __tablename__ = "policy_versions"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=200, unique=True)
    summary: dict = Field(default_factory=dict, sa_type=JSON)
    first_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class PendingAnswer(SQLModel, table=True):
    """A request acknowledged to the platform and not yet answered, with what it takes to answer it: if
    the replica that holds it dies, another one answers it once the lease runs out."""

    __tablename__ = "pending_answers"

    key: str = Field(primary_key=True, max_length=200)
    surface: str = Field(max_length=16)
    payload: dict = Field(default_factory=dict, sa_type=JSON)
    owner: str = Field(max_length=100, index=True)
    lease_until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = Field(default=0)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
