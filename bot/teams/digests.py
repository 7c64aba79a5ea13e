"""The weekly digest and reminder, delivered in Teams (the scheduler decides when; this posts)."""

from __future__ import annotations

from bot.scheduler import NUDGE, DigestTarget
from bot.surface import Messenger, PersonSender, Sender, UnknownConversation
from handlers.model import Reply
from storage import addresses
from storage.models import Person


def teams_sender(teams) -> Sender:
    async def send(target: DigestTarget, reply: Reply, key: str) -> str:
        if not await teams.send_to(target.channel, reply):
            raise UnknownConversation(f"aiguide was never added to Teams conversation {target.channel}")
        return f"teams:{target.channel}"

    return send


def teams_messenger(teams) -> Messenger:
    """A message in the person's 1:1 chat with the bot; raises when there is none yet."""

    async def send(person: Person, reply: Reply) -> str:
        key = await teams.services.transaction(
            lambda s: addresses.personal_conversation(s, platform="teams", user_id=person.user_id)
        )
        if key is None or not await teams.send_to(key, reply):
            raise UnknownConversation("no 1:1 chat with this person yet")
        return f"teams:{key}"

    return send


def teams_nudger(teams) -> PersonSender:
    message = teams_messenger(teams)

    async def send(person: Person) -> str:
        return await message(person, NUDGE)

    return send
