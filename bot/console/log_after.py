"""`aiguide ask` shows its answer before it loads the database layer (a third of its run), and logs the
question right after: the person reads the answer while the log is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings
    from storage.asked import Asked


class QuestionsToLog:
    """Stands in for the server's question batch (`Services.question_batch`): keeps what is asked."""

    failing = False

    def __init__(self) -> None:
        self.asked: list[Asked] = []

    def add(self, asked: Asked) -> None:
        self.asked.append(asked)

    async def flush(self) -> None:
        """Nothing is read back before the answer is shown."""

    def write(self, settings: Settings) -> None:
        if not self.asked:
            return
        from bot.wiring import open_database
        from storage.question_batch import write

        database = open_database(settings)
        with database.session() as session:
            write(session, self.asked)
        self.asked = []
