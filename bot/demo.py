"""`aiguide demo-data`: a realistic synthetic quarter, so a new user sees a full digest at once."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert
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
UNKNOWN = ["DeepSeek", "Perplexity Pro", "Otter.ai", "Gemini", "Fireflies.ai", "Claude"]


def fill(
    database: Database, kb: KnowledgeBase, *, today: date, weeks: int = 13, seed: int = 7
) -> dict[str, int]:
    rng = random.Random(seed)
    usable = [t for t in kb.tools if t.status in ("approved", "limited", "pilot")]
    start = today - timedelta(days=7 * weeks)
    people, wins, questions = [], [], []
    with database.session() as session:
        for department, size in DEPARTMENTS.items():
            for n in range(size):
                joined = start + timedelta(days=rng.randint(0, 7 * weeks - 1))
                people.append(
                    {
                        "platform": "slack",
                        "user_id": f"UDEMO{len(people):04d}",
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
            session.exec(select(Person.id).where(col(Person.user_id).like("UDEMO%")).order_by(col(Person.id)))
        )
        for person_id, person in zip(ids, people, strict=True):
            keen = rng.random()
            for day in range((today - person["created_at"].date()).days):
                when = person["created_at"].date() + timedelta(days=day)
                if when.weekday() >= 5 or rng.random() > keen * 0.35:
                    continue
                growth = 0.5 + day / (7 * weeks)  # adoption grows through the quarter
                if rng.random() < 0.6 * growth:
                    task, use_case = rng.choice(TASKS)
                    tool = rng.choice(usable) if rng.random() > 0.08 else None
                    category = rng.choice(list(OUTCOMES)) if rng.random() > 0.2 else None
                    wins.append(
                        {
                            "request_id": f"demo-win-{len(wins)}",
                            "person_id": person_id,
                            "minutes": rng.choice([15, 20, 30, 45, 60, 90, 120]),
                            "tool_id": tool.id if tool else None,
                            "tool_name": tool.name if tool else rng.choice(UNKNOWN),
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
                    unknown = rng.random() < 0.25
                    verdict = (
                        "unknown_tool"
                        if unknown
                        else rng.choice(["allowed", "conditional", "not_allowed", "recommendation"])
                    )
                    questions.append(
                        {
                            "request_id": f"demo-q-{len(questions)}",
                            "person_id": person_id,
                            "platform": "slack",
                            "verdict": verdict,
                            "tool_ids": [] if unknown else [rng.choice(kb.tools).id],
                            "unknown_tools": [rng.choice(UNKNOWN)] if unknown else [],
                            "data_class": rng.choice([None, *[c.id for c in kb.data_classes]]),
                            "use_case": rng.choice(TASKS)[1],
                            "text": None,
                            "department": person["department"],
                            "asked_at": datetime.combine(when, time(rng.randint(8, 18)), tzinfo=UTC),
                        }
                    )
        if wins:
            session.execute(insert(Win), wins)
        if questions:
            session.execute(insert(Question), questions)
        for name in UNKNOWN[:3]:
            key = name.lower().replace(".", "").replace(" ", "")
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
