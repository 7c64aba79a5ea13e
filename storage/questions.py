"""The questions log: what people asked, the verdict, and which tools (the shadow-AI signal)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from storage.models import Question


def forget_question_texts(session: Session, *, before: datetime) -> int:
    """Blank the text of questions asked before `before`; the counts and verdicts stay for trends."""
    result = session.exec(  # type: ignore[call-overload]
        update(Question).where(Question.asked_at < before, col(Question.text).is_not(None)).values(text=None)
    )
    return int(result.rowcount or 0)
