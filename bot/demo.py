"""`aiguide demo-data`: a realistic synthetic quarter, so a new user sees a full digest at once."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, insert
from sqlmodel import col, select

from knowledge import KnowledgeBase
from storage.db import Database, now
from storage.models import Person, Question, QuestionVote, ToolRequest, ToolRequester, Win

DEPARTMENTS = {"Strategy": 28, "Finance": 16, "Legal": 9, "Engineering": 22, "Marketing": 12, "People": 4}
FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kemal",
    "Lena",
    "Mo",
    "Nia",
]
LAST = ["Lima", "Okafor", "Berg", "Patel", "Rossi", "Kim", "Novak", "Silva", "Haddad", "Walsh"]
TASKS = [
    ("drafted the steering committee minutes", "meeting-notes"), ("summarised the client interview notes", "summarizing"),
    ("built the pricing model formulas", "analysis"), ("drafted the RFP response", "writing"),
    ("wrote the data pipeline tests", "coding"), ("brainstormed names for the new offer", "brainstorming"),
    ("researched the competitor landscape", "research"), ("drafted the client update email", "client-communication"),
]  # fmt: skip
OUTCOMES = {
    "client_service": ["answered the client the same day", "sent the client a clearer summary"],
    "speed": ["shipped the release a day early", "delivered the report two days ahead of the deadline"],
    "revenue": ["won the renewal", "sent the proposal before the competitor"],
    "quality": ["caught three errors before review", "fewer review rounds"],
    "learning": ["learned the new reporting tool"],
    "wellbeing": ["went home on time on Friday"],
}
DEMO_USER = "UDEMO"  # every made-up person's user id starts so; `--remove` finds them by it


class RealData(RuntimeError):
    """The database holds people or questions that demo-data did not make."""


def unknown_tools(kb: KnowledgeBase, count: int = 6) -> list[str]:
    """Well-known products this knowledge base does not list: the tools people ask about unprompted."""
    from knowledge.catalog import load_catalog
    from knowledge.phrases import compact

    listed = {compact(name) for tool in kb.tools for name in (tool.name, *tool.aliases)}
    products = kb.catalog.products if kb.catalog else load_catalog().products
    names = [p.name for p in products if not {compact(n) for n in p.names} & listed]
    return names[:count] or ["An unlisted tool"]


def _tasks(kb: KnowledgeBase) -> list[tuple[str, str | None]]:
    """The made-up tasks, each with the use case this knowledge base reads in it (or none)."""
    from knowledge.understand import understand

    return [(task, understand(task, kb.indexes).use_case) for task, _ in TASKS]


def holds_real_data(database: Database) -> bool:
    with database.session() as session:
        person = session.exec(
            select(Person.id).where(~col(Person.user_id).startswith(DEMO_USER)).limit(1)
        ).first()
        question = session.exec(
            select(Question.id).where(~col(Question.request_id).startswith("demo-q-")).limit(1)
        ).first()
    return person is not None or question is not None


def remove(database: Database) -> dict[str, int]:
    """Takes back everything demo-data added: its people (their wins, votes and requests go with them),
    its questions, and review requests nobody real asked for."""
    with database.session() as session:
        demo_people = list(session.exec(select(Person.id).where(col(Person.user_id).startswith(DEMO_USER))))
        counts = {
            "people": len(demo_people),
            "wins": len(list(session.exec(select(Win.id).where(col(Win.person_id).in_(demo_people))))),
            "questions": len(
                list(session.exec(select(Question.id).where(col(Question.request_id).startswith("demo-q-"))))
            ),
        }
        for model, column in ((QuestionVote, QuestionVote.person_id), (ToolRequester, ToolRequester.person_id),
                              (Win, Win.person_id)):  # fmt: skip
            session.execute(delete(model).where(col(column).in_(demo_people)))
        demo_questions = select(Question.id).where(col(Question.request_id).startswith("demo-q-"))
        session.execute(delete(QuestionVote).where(col(QuestionVote.question_id).in_(demo_questions)))
        session.execute(delete(Question).where(col(Question.request_id).startswith("demo-q-")))
        asked = select(ToolRequester.tool_request_id)
        # An open request has at least one requester; one left with none was asked for by demo people only.
        session.execute(
            delete(ToolRequest).where(ToolRequest.status == "open", ~col(ToolRequest.id).in_(asked))
        )
        session.execute(delete(Person).where(col(Person.id).in_(demo_people)))
    return counts


def fill(
    database: Database, kb: KnowledgeBase, *, today: date, weeks: int = 13, seed: int = 7, force: bool = False
) -> dict[str, int]:
    """Adds a made-up quarter; refuses (RealData) a database that holds real people or questions unless
    `force`."""
    if not force and holds_real_data(database):
        raise RealData("this database holds real people or questions")
    rng = random.Random(seed)
    usable = [t for t in kb.tools if t.status in ("approved", "limited", "pilot")]
    unknown_names = unknown_tools(kb)
    tasks = _tasks(kb)
    asked = _asker(kb, unknown_names)
    start = today - timedelta(days=7 * weeks)
    people, wins, questions = [], [], []
    with database.session() as session:
        for department, size in DEPARTMENTS.items():
            for n in range(size):
                joined = start + timedelta(days=rng.randint(0, 7 * weeks - 1))
                people.append(
                    {
                        "platform": "slack",
                        "user_id": f"{DEMO_USER}{len(people):04d}",
                        "pseudonym": f"person-{secrets.token_hex(4)}",
                        "display_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        "department": department,
                        "department_source": "directory",
                        "reminders": n % 3 == 0,
                        "created_at": datetime.combine(joined, time(9), tzinfo=UTC),
                    }
                )
        session.execute(insert(Person), people)
        ids = list(
            session.exec(
                select(Person.id).where(col(Person.user_id).startswith(DEMO_USER)).order_by(col(Person.id))
            )
        )
        for person_id, person in zip(ids, people, strict=True):
            keen = rng.random()
            for day in range((today - person["created_at"].date()).days):
                when = person["created_at"].date() + timedelta(days=day)
                if when.weekday() >= 5 or rng.random() > keen * 0.35:
                    continue
                growth = 0.5 + day / (7 * weeks)  # adoption grows through the quarter
                if rng.random() < 0.6 * growth:
                    task, use_case = rng.choice(tasks)
                    tool = rng.choice(usable) if rng.random() > 0.08 else None
                    category = rng.choice(list(OUTCOMES)) if rng.random() > 0.2 else None
                    wins.append(
                        {
                            "request_id": f"demo-win-{len(wins)}",
                            "person_id": person_id,
                            "minutes": rng.choice([15, 20, 30, 45, 60, 90, 120]),
                            "tool_id": tool.id if tool else None,
                            "tool_name": tool.name if tool else rng.choice(unknown_names),
                            "tool_known": tool is not None,
                            "tool_status": tool.status if tool else None,
                            "use_case": use_case,
                            "task": task,
                            "outcome": rng.choice(OUTCOMES[category]) if category else None,
                            "outcome_category": category,
                            "share": rng.random() < 0.3,
                            "department": person["department"],
                            "occurred_on": when,
                            "created_at": datetime.combine(when, time(17), tzinfo=UTC),
                        }
                    )
                if rng.random() < 0.5:
                    questions.append(
                        {
                            "request_id": f"demo-q-{len(questions)}",
                            "person_id": person_id,
                            "platform": "slack",
                            **asked(rng),
                            "text": None,
                            "department": person["department"],
                            "asked_at": datetime.combine(when, time(rng.randint(8, 18)), tzinfo=UTC),
                        }
                    )
        if wins:
            session.execute(insert(Win), wins)
        if questions:
            session.execute(insert(Question), questions)
        for name in unknown_names[:3]:
            key = name.lower().replace(".", "").replace(" ", "")
            # Someone really asked for it already: the made-up people join that request.
            request = session.exec(
                select(ToolRequest).where(ToolRequest.tool_key == key, ToolRequest.status == "open")
            ).first()
            if request is None:
                request = ToolRequest(tool_key=key, tool_name=name, created_at=now(session))
                session.add(request)
                session.flush()
            for i, person_id in enumerate(rng.sample(ids, rng.randint(2, 9))):
                session.add(ToolRequester(request_id=f"demo-req-{request.id}-{i}", tool_request_id=request.id,
                                          person_id=person_id, reason="it would save me time on client work",
                                          created_at=now(session)))  # fmt: skip
        question_ids = list(
            session.exec(select(Question.id).where(col(Question.request_id).startswith("demo-q-")).limit(40))
        )
        for question_id in question_ids[:12]:
            session.add(
                QuestionVote(
                    question_id=question_id,
                    person_id=rng.choice(ids),
                    helpful=rng.random() < 0.6,
                    voted_at=now(session),
                )
            )
    return {"people": len(people), "wins": len(wins), "questions": len(questions)}


def _asker(kb: KnowledgeBase, unknown_names: list[str]):
    """Made-up questions answered by the real engine, so verdicts and the red lines they met agree with
    the knowledge base: a tool (a quarter of them not on the list), a task, and often the data."""
    from knowledge.assess import assess

    answered: dict[str, dict] = {}

    def one(rng: random.Random) -> dict:
        tool = rng.choice(unknown_names) if rng.random() < 0.25 else rng.choice(kb.tools).name
        use = rng.choice(kb.use_cases)
        data = rng.choice([None, None, *kb.data_classes])
        text = f"can I use {tool} for {use.name.lower()}" + (
            f" with {data.name.lower()} information?" if data else "?"
        )
        if text not in answered:
            a = assess(kb, text)
            answered[text] = {
                "verdict": str(a.verdict),
                "tool_ids": [v.tool_id for v in a.tools if v.tool_id],
                "unknown_tools": [v.name for v in a.tools if v.tool_id is None],
                "data_class": a.understanding.data_class,
                "use_case": a.understanding.use_case,
                "rule_ids": list(a.rules),
                "alternative_ids": [v.tool_id for v in a.alternatives if v.tool_id],
            }
        return answered[text]

    return one
