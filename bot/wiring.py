"""Builds the Services handlers run on from Settings: the one place objects are assembled."""

from __future__ import annotations

from bot.settings import Settings
from handlers.services import Services
from knowledge import load_knowledge


def build_services(settings: Settings) -> Services:
    return Services(knowledge=load_knowledge(settings.knowledge_dir), admins=settings.admin_ids)
