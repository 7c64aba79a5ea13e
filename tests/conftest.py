"""Shared fixtures: the bundled example knowledge base and the services handlers run on."""

from __future__ import annotations

import pytest

from handlers.services import Services
from knowledge import KnowledgeBase, load_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def services(kb: KnowledgeBase) -> Services:
    return Services(knowledge=kb, admins=frozenset({"U_ADMIN"}))
