"""The Teams bot: every turn saves where it came from, runs the shared Router and answers with a card."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import replace

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot import metrics
from bot.teams import inbound, render
from bot.teams.delivery import DeliveryFailed, with_retries
from bot.teams.transport import TeamsTransport, reference_of
from handlers import feedback, reviews
from handlers.model import Platform, Reply, Section, Status
from handlers.router import Router
from handlers.services import Services
from storage import addresses

log = logging.getLogger(__name__)
EMAIL_TTL = 3600.0
EMAIL_WAIT = 3.0  # seconds a member lookup may take before the person is served without it
TYPING_WAIT = 1.5  # seconds the typing indicator may take before the answer goes ahead anyway
REMEMBER_WAIT = 2.0  # seconds storing the conversation's address may take before the answer goes ahead
WELCOME = Reply(
    status=Status.INFO,
    headline="Hi, I'm aiguide: ask me which AI tools you may use, for what, and with which data.",
    sections=(
        Section(
            text="Ask in your own words, or log time AI saved you:",
            bullets=(
                "can I paste a client contract into ChatGPT?",
                "what can I use to summarize meeting notes?",
                "win 45m drafted the RFP response with Copilot -> sent to the client early",
            ),
        ),
    ),
    footer="Type help for everything I can do.",
)


class AiguideTeamsBot(TeamsActivityHandler):
    def __init__(self, transport: TeamsTransport, services: Services, router: Router):
        self.transport = transport
        self.services = services
        self.router = router
        self._emails: dict[str, tuple[float, str | None]] = {}

    # --- the Surface the server and the scheduler use ------------------------------------------

    name = "teams"

    def mount(self, app, *, drain_seconds: float) -> None:
        # A Teams turn is answered inside its HTTP request: aiohttp's own shutdown waits for those.
        async def messages(request):
            return await self.transport.process(request, self)

        app.router.add_post("/api/messages", messages)

    def ready(self) -> bool:
        return True  # Teams reaches /api/messages as soon as it is mounted

    def health(self) -> dict[str, str]:
        if self.transport.config.dev_mode:
            return {"teams": "DEV MODE: unauthenticated, for the Bot Framework Emulator only"}
        return {}

    def digest_sender(self):
        from bot.teams.digests import teams_sender

        return teams_sender(self)

    def posted_check(self):
        return None  # Teams offers no look at what was posted: digests go out at most once

    def nudger(self):
        from bot.teams.digests import teams_nudger

        return teams_nudger(self)

    def messenger(self):
        from bot.teams.digests import teams_messenger

        return teams_messenger(self)

    def it_target(self) -> str | None:
        return self.transport.config.it_conversation or None

    # --- turns -------------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        started = time.monotonic()
        activity = turn_context.activity.serialize()
        answered_key = f"teams:answered:{activity.get('id') or ''}"
        if activity.get("id") and await self._answered_before(answered_key):
            # The Bot Framework sends a turn again when it did not see our HTTP answer (a timeout, a 5xx,
            # a replica that died after replying): it was answered, so it is not answered twice.
            log.info("ignoring a repeated delivery of Teams activity %s", activity.get("id"))
            return
        try:
            await self._answer_message(turn_context, activity, started)
        finally:
            if activity.get("id"):
                await self._mark_answered(answered_key)

    async def _answered_before(self, key: str) -> bool:
        from storage.events import seen

        try:
            return await asyncio.wait_for(
                self.services.transaction(lambda s: seen(s, key=key)), REMEMBER_WAIT
            )
        except Exception as error:  # answered again rather than not at all
            log.warning("teams repeated-delivery check skipped: %r", error)
            metrics.DATABASE_ERRORS.labels("event de-duplication").inc()
            return False

    async def _mark_answered(self, key: str) -> None:
        from storage.events import first_delivery

        try:
            await asyncio.wait_for(
                self.services.transaction(lambda s: first_delivery(s, key=key)), REMEMBER_WAIT
            )
        except Exception as error:
            log.warning("teams activity not recorded as answered: %r", error)
            metrics.DATABASE_ERRORS.labels("event de-duplication").inc()

    async def _answer_message(self, turn_context: TurnContext, activity: dict, started: float) -> None:
        await self._typing(turn_context)
        try:
            # The address is for digests and reminders later; the answer needs only the knowledge base.
            await asyncio.wait_for(self._remember(turn_context), REMEMBER_WAIT)
        except Exception as error:
            log.warning("teams conversation not stored (the answer goes ahead): %r", error)
            metrics.DATABASE_ERRORS.labels("teams conversation").inc()
        actor = inbound.actor_of(activity, await self._email(turn_context))
        request = inbound.to_request(activity, actor)
        thread = (activity.get("conversation") or {}).get("id", "")
        it = self.transport.config.it_conversation
        root = thread.split(";messageid=", 1)[1] if ";messageid=" in thread else ""
        # A channel's new post carries its own id as the thread's: only a reply in a thread is relayed,
        # so commands IT types in its channel (decide, requests) still work.
        if it and root and root != activity.get("id") and thread.startswith(f"{it};") and not request.command:
            # A mention in a thread of IT's channel: perhaps IT answering a question passed to them.
            request = replace(request, command="relay", form={"thread": f"teams:{thread}"})
        if not request.text and not request.command:
            await self._send(turn_context, self._activity(WELCOME), "welcome")
            return
        reply = await self.router.dispatch(request, self.services)
        reply = await self._escalated(reply, request.request_id)
        what = f"answer to request {request.request_id}"
        pressed = activity.get("replyToId") if activity.get("value") else None
        if pressed and not request.form and _replaces_its_card(request, reply, activity):
            # "Logged win #3 [Undo]" becomes "Removed win #3": an old card's button cannot act twice.
            update = self._activity(reply)
            update.id = pressed
            try:
                await with_retries(
                    lambda: turn_context.update_activity(update), f"update of the card, {what}"
                )
                metrics.answered(
                    "teams", self.router.resolve(request)[0].name, reply, started, request.request_id
                )
                return
            except DeliveryFailed:
                pass  # logged; the result is sent as a message of its own instead
        await self._send(turn_context, self._activity(reply), what)
        metrics.answered("teams", self.router.resolve(request)[0].name, reply, started, request.request_id)

    async def _typing(self, turn_context: TurnContext) -> None:
        """ "aiguide is typing…" at once, so the person sees the question was received."""
        try:
            await asyncio.wait_for(
                turn_context.send_activity(Activity(type=ActivityTypes.typing)), TYPING_WAIT
            )
        except Exception as error:  # only a courtesy: the answer still follows
            log.info("teams typing indicator not sent: %r", error)

    async def _send(self, turn_context: TurnContext, activity: Activity, what: str) -> bool:
        try:
            await with_retries(lambda: turn_context.send_activity(activity), what)
            return True
        except DeliveryFailed:
            return False  # logged with the reason; a second failing post would not reach the person either

    async def _escalated(self, reply: Reply, request_id: str) -> Reply:
        """Posts the question to IT first, so that the person is told it reached IT only once it has."""
        if reply.escalation is None:
            return reply
        target = self.transport.config.it_conversation
        if not target and reply.escalated_question is None:
            return replace(
                reply, escalation=None
            )  # news for IT (a review request) where IT has no conversation
        try:
            posted = await self.send_to(target, reply.escalation) if target else None
            if posted:
                if ";messageid=" in posted:  # a channel thread: IT's answer in it reaches the asker
                    await feedback.escalation_posted(self.services, reply, f"teams:{posted}")
                    await reviews.card_posted(self.services, reply.escalation, f"teams:{posted}")
                await self._update_card(target, reply)
                return reply
            reason = "no IT conversation configured or known (AIGUIDE_TEAMS_IT_CONVERSATION)"
            metrics.failed("teams", "not_configured")
        except Exception as error:
            reason = str(error)  # counted where it failed
        log.error("teams delivery failed (request %s): question to IT: %s", request_id, reason)
        return await feedback.escalation_failed(reply, self.services)

    async def _update_card(self, conversation: str, reply: Reply) -> None:
        """A channel post made earlier, changed now (IT's card once its review is decided); a failure
        is logged, as the decision went out as a message of its own."""
        if reply.update is None or not reply.update[0].startswith("teams:"):
            return
        thread = reply.update[0].removeprefix("teams:")
        stored = await self.services.transaction(
            lambda session: addresses.find_address(session, platform=Platform.TEAMS, key=conversation)
        )
        if stored is None or ";messageid=" not in thread:
            return
        reference = {**stored.reference, "conversation": {**stored.reference["conversation"], "id": thread}}
        activity = self._activity(reply.update[1])
        activity.id = thread.split(";messageid=", 1)[1]

        async def change(context: TurnContext) -> None:
            with contextlib.suppress(DeliveryFailed):  # logged with the reason
                await with_retries(lambda: context.update_activity(activity), f"update of {thread}")

        await self.transport.continue_conversation(reference, change)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        # Teams sends both this and a members-added event for one install: one welcome.
        if await self._remember(turn_context):
            await self._send(turn_context, self._activity(WELCOME), "welcome")

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._forget(turn_context)

    async def on_teams_members_added(
        self, members_added: list[ChannelAccount], team_info, turn_context: TurnContext
    ):
        if any(m.id == turn_context.activity.recipient.id for m in members_added) and await self._remember(
            turn_context
        ):
            await self._send(turn_context, self._activity(WELCOME), "welcome")

    async def on_teams_members_removed(self, members_removed: list[ChannelAccount], team_info, turn_context):
        if any(m.id == turn_context.activity.recipient.id for m in members_removed):
            await self._forget(turn_context)

    # --- sending -----------------------------------------------------------------------------

    def _activity(self, reply: Reply) -> Activity:
        if reply.form is not None:
            intro = reply.sections[0].text if reply.sections else ""
            content = render.form_card(reply.form, intro=intro, headline=reply.headline)
        else:
            content = render.card(reply)
        message = MessageFactory.attachment(CardFactory.adaptive_card(content))
        message.summary = reply.headline[:250]  # what notifications and the activity feed show
        return message

    async def send_to(self, key: str, reply: Reply) -> str | None:
        """A new message (not a reply) in a stored conversation: where it went (a channel post's own
        thread), or None when the conversation is not known. Raises DeliveryFailed when the connector
        would not take it (retried first)."""
        stored = await self.services.transaction(
            lambda session: addresses.find_address(session, platform=Platform.TEAMS, key=key)
        )
        if stored is None:
            log.warning("no stored Teams conversation %s", key)
            return None
        activity = self._activity(reply)
        channel = stored.kind == "channel"
        failures: list[DeliveryFailed] = []
        posted = [key]

        async def deliver(context: TurnContext) -> None:
            # A failure is kept, not raised: raised inside the turn, botbuilder's error handler would
            # swallow it (the caller would think it was sent).
            try:
                if channel:
                    # A channel post made as a reply would land in an old thread; start a new one.
                    posted[0] = await with_retries(
                        lambda: self.transport.new_channel_thread(context, activity, key), f"post to {key}"
                    )
                else:
                    await with_retries(lambda: context.send_activity(activity), f"post to {key}")
            except DeliveryFailed as error:
                failures.append(error)

        await self.transport.continue_conversation(stored.reference, deliver)
        if failures:
            raise failures[0]
        return posted[0]

    # --- memory ------------------------------------------------------------------------------

    async def _remember(self, turn_context: TurnContext) -> bool:
        """Stores where the conversation is; True when it was not known (a new install)."""
        activity = turn_context.activity
        reference = reference_of(turn_context)
        key = inbound.conversation_key(activity.serialize())
        reference["conversation"]["id"] = key
        reference.pop("activityId", None)
        conversation = activity.conversation
        kind = getattr(conversation, "conversation_type", None) or "personal"
        name = getattr(conversation, "name", None) or ""
        if kind == "personal":
            # A 1:1 chat is found again by the person's id, for their weekly reminder.
            sender = activity.from_property
            name = getattr(sender, "aad_object_id", None) or sender.id

        def work(session) -> bool:
            new = addresses.find_address(session, platform=Platform.TEAMS, key=key) is None
            addresses.save_address(
                session, platform=Platform.TEAMS, key=key, reference=reference, kind=kind, name=name
            )
            return new

        return await self.services.transaction(work)

    async def _forget(self, turn_context: TurnContext) -> None:
        key = inbound.conversation_key(turn_context.activity.serialize())
        await self.services.transaction(
            lambda session: addresses.forget_address(session, platform=Platform.TEAMS, key=key)
        )

    async def _email(self, turn_context: TurnContext) -> str | None:
        """The sender's email (for the people directory), looked up once an hour; None when unavailable."""
        sender = turn_context.activity.from_property
        cached = self._emails.get(sender.id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        email = None
        try:
            # Bounded: the answer must be out inside Teams' 15 s, a slow connector or not.
            member = await asyncio.wait_for(TeamsInfo.get_member(turn_context, sender.id), EMAIL_WAIT)
            email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
        except Exception as error:  # the person is still served without it
            log.info("no Teams member details for %s: %s", sender.id, error)
        self._emails[sender.id] = (time.monotonic() + EMAIL_TTL, email)
        return email


def _replaces_its_card(request, reply: Reply, activity: dict) -> bool:
    """A win's card in a personal chat is replaced by what its button did (a submitted form is answered
    with a message of its own, so a mistake in it can be corrected). An answer's card keeps its
    answer (Teams sends none of the card's content back), and a card in a channel is shared: there the
    result is a message of its own, as is a failure."""
    personal = (activity.get("conversation") or {}).get("conversationType") == "personal"
    undo = request.command == "win" and request.text.startswith("delete")
    return undo and personal and reply.status != Status.ERROR and reply.form is None
