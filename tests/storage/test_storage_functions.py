"""Storage functions on SQLite and PostgreSQL: each a unit of work with the guarantees handlers rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage import questions, tool_requests, wins
from storage.models import Person, Question, ToolRequest, ToolRequester
from storage.people import set_department, upsert_person
from storage.question_batch import Asked, AskedBy, write

DAY = date(2026, 11, 23)


def add(session, person_id, request_id, minutes=30, day=DAY, category=None, department=None):
    return wins.add_win(
        session, request_id=request_id, person_id=person_id, minutes=minutes, task="t", occurred_on=day,
        outcome_category=category, department=department,
    )[0]  # fmt: skip


def test_people_are_unique_per_platform_and_keep_a_pseudonym(database):
    with database.session() as session:
        first = upsert_person(
            session, platform="slack", user_id="U1", display_name="Ana", email="Ana@X.example"
        )
        again = upsert_person(session, platform="slack", user_id="U1", display_name="Ana L.")
        other = upsert_person(session, platform="teams", user_id="U1")
        assert first.id == again.id != other.id
        assert (again.display_name, again.email) == ("Ana L.", "ana@x.example")
        assert first.pseudonym.startswith("person-") and first.pseudonym != other.pseudonym
        set_department(session, person_id=first.id, department="Legal", source="asked")
        upsert_person(session, platform="slack", user_id="U1", directory_department="Finance")
    with database.session() as session:
        person = session.exec(select(Person).where(Person.user_id == "U1", Person.platform == "slack")).one()
        assert (person.department, person.department_source) == ("Finance", "directory")


def test_a_deleted_wins_number_is_never_given_to_a_new_win(database):
    # An Undo button names its win by number: an old button must never reach someone's new win.
    with database.session() as session:
        person = upsert_person(session, platform="slack", user_id="U1")
        add(session, person.id, "r1")
        latest = add(session, person.id, "r2")
        assert wins.delete_win(session, win_id=latest.id, person_id=person.id) is not None
    with database.session() as session:
        fresh = add(session, person.id, "r3")
        assert fresh.id > latest.id


def test_request_id_is_unique_at_the_database(database):
    with database.session() as session:
        person = upsert_person(session, platform="slack", user_id="U1")
        add(session, person.id, "r1")
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(wins.Win(request_id="r1", person_id=person.id, minutes=5, occurred_on=DAY))
        session.flush()


def test_totals_and_period_summary(database):
    with database.session() as session:
        ana = upsert_person(session, platform="slack", user_id="A").id
        ben = upsert_person(session, platform="slack", user_id="B").id
        add(session, ana, "1", 30, DAY, "quality", "Legal")
        add(session, ana, "2", 60, DAY + timedelta(days=6), "speed", "Legal")
        add(session, ben, "3", 45, DAY + timedelta(days=2), "quality", None)
        add(session, ben, "4", 999, DAY + timedelta(days=7))  # next week
        add(session, ana, "5", 999, DAY - timedelta(days=1))  # last week
    with database.session() as session:
        week = (DAY, DAY + timedelta(days=7))
        assert wins.person_totals(session, person_id=ana, start=week[0], end=week[1]) == wins.Totals(2, 90)
        assert wins.top_outcomes(session, person_id=ana, start=week[0], end=week[1]) == [
            ("speed", 60),
            ("quality", 30),
        ]
        summary = wins.period_summary(session, start=week[0], end=week[1])
        assert summary.totals == wins.Totals(3, 135) and summary.people == 2
        assert summary.by_outcome == {"quality": 75, "speed": 60}
        assert summary.by_department == {"Legal": 90, "unknown": 45}


def test_one_open_request_per_tool_is_enforced_by_the_database(database):
    with database.session() as session:
        session.add(ToolRequest(tool_key="deepseek", tool_name="DeepSeek"))
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(ToolRequest(tool_key="deepseek", tool_name="DeepSeek"))
        session.flush()
    with database.session() as session:
        (request,) = session.exec(select(ToolRequest)).all()
        tool_requests.close_request(session, tool_request_id=request.id)
        session.add(ToolRequest(tool_key="deepseek", tool_name="DeepSeek"))  # a new round after closing


def test_requesters_join_the_open_request_and_closed_ones_are_purged(database):
    with database.session() as session:
        people = [upsert_person(session, platform="slack", user_id=f"U{i}").id for i in range(3)]
        outcomes = [
            tool_requests.request_review(
                session, request_id=f"r{i}", tool_key="deepseek", tool_name="DeepSeek", tool_id=None, person_id=p,
                reason="PDFs" if i == 0 else "",
            )
            for i, p in enumerate(people)
        ]  # fmt: skip
        assert [o.new_request for o in outcomes] == [True, False, False]
        assert [o.requesters for o in outcomes] == [1, 2, 3]
        (open_one,) = tool_requests.open_requests(session)
        assert (open_one.requesters, open_one.reasons) == (3, ("PDFs",))
        long_ago = datetime(2026, 1, 1, tzinfo=UTC)
        tool_requests.close_request(session, tool_request_id=open_one.request.id, when=long_ago)
    with database.session() as session:
        assert tool_requests.purge_closed_requests(session, before=datetime(2026, 6, 1, tzinfo=UTC)) == 1
    with database.session() as session:
        assert session.exec(select(ToolRequester)).all() == []  # removed with their request


def test_forgetting_old_question_texts_keeps_the_counts(database):
    old = datetime(2026, 1, 1, tzinfo=UTC)
    new = datetime(2026, 11, 1, tzinfo=UTC)
    with database.session() as session:
        write(
            session,
            [
                Asked(rid, AskedBy("slack", "U1"), "allowed", when, text="hi")
                for rid, when in (("a", old), ("b", new))
            ],
        )
    with database.session() as session:
        assert questions.forget_question_texts(session, before=datetime(2026, 6, 1, tzinfo=UTC)) == 1
    with database.session() as session:
        texts = {q.request_id: q.text for q in session.exec(select(Question))}
        assert texts == {"a": None, "b": "hi"}
