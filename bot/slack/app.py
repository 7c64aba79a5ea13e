"""The bolt AsyncApp: each listener acknowledges at once, turns the payload into a Request,
runs it through the shared Router and renders the Reply back into Slack."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncAssistant
from slack_sdk.web.async_client import AsyncWebClient

from bot import metrics
from bot.in_flight import InFlight
from bot.slack import delivery, inbound, render, workflow_steps
from bot.slack.text import plain
from handlers import ask as ask_handler
from handlers import feedback, reviews
from handlers.model import Action, Actor, Reply, Request, Section, Status, Visibility
from handlers.router import Router
from handlers.services import Services
from storage.events import first_delivery

if TYPE_CHECKING:
    from bot.pending_answers import PendingAnswers

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side and I could not answer that. Please try again in a minute."
POST_OPTIONS = {"unfurl_links": False, "unfurl_media": False}  # never link_names: it would turn @channel live
PEOPLE_TTL = 3600.0
DEDUPE_WAIT = 2.0  # seconds the duplicate-delivery check may take before the answer goes ahead anyway
REMEMBERED_EVENTS = 10_000
FORM_WAIT = 2.0  # seconds a form submission may take before the form closes and the result follows


@dataclass(frozen=True)
class SlackConfig:
    signing_secret: str | None  # None: Socket Mode only, and the HTTP endpoint is not mounted
    bot_token: str | None = None
    api_url: str | None = None  # the Web API base URL; a local stand-in in tests
    it_channel: str | None = None  # channel id where "ask a human" questions are posted
    client_id: str | None = None  # with client_secret: the OAuth install flow for several workspaces
    client_secret: str | None = None
    app_token: str | None = None  # an app-level token: Socket Mode, no public URL needed


class _EventsOnlyAssistant(AsyncAssistant):
    """bolt's assistant middleware, passed over for what is not an event: it matches its four listeners
    against every request, and slash commands, clicks and forms never belong to an assistant thread."""

    async def async_process(self, *, req, resp, next):
        if not isinstance(req.body.get("event"), dict):
            return await next()
        return await super().async_process(req=req, resp=resp, next=next)


class SlackSurface:
    def __init__(self, config: SlackConfig, services: Services, router: Router):
        self.config = config
        self.services = services
        self.router = router
        self._slash = router.registry.slash_commands()
        self._people: dict[str, tuple[float, Actor]] = {}
        self._http: aiohttp.ClientSession | None = None
        self.in_flight = InFlight()
        self.app_token = config.app_token  # Socket Mode, when set
        self.socket_state = {"status": "off"}
        oauth = None
        if config.client_id and config.client_secret and services.database is not None:
            from bot.slack.oauth import oauth_settings

            oauth = oauth_settings(
                services.database, client_id=config.client_id, client_secret=config.client_secret
            )
        self.app = AsyncApp(
            # With no secret, verification still runs (and refuses everything) on HTTP; Socket Mode skips it.
            signing_secret=config.signing_secret or "",
            token=None if oauth else config.bot_token,
            oauth_settings=oauth,
            raise_error_for_unhandled_request=False,
        )
        if oauth is not None:
            self.app.enable_token_revocation_listeners()
        client = self.app.client
        if config.api_url:
            client.base_url = config.api_url
        # 429s wait for Retry-After, 5xx and broken connections are tried again, a bounded number of
        # times; by default the SDK only retries broken connections.
        client.retry_handlers = delivery.retry_handlers()
        self._seen: dict[str, None] = {}  # event keys, while the database cannot de-duplicate
        self.pending: PendingAnswers | None = None  # set by the server: acknowledged requests written down
        self.app.middleware(self._hold)
        self._titled: dict[tuple, None] = {}  # AI-app threads already titled, oldest first
        self._register()

    # --- the Surface the server and the scheduler use ------------------------------------------

    name = "slack"

    def mount(self, app, *, drain_seconds: float) -> None:
        from bot.slack.http import mount_slack

        mount_slack(app, self, drain_seconds=drain_seconds)

    def health(self) -> dict[str, str]:
        return {"slack_socket_mode": self.socket_state["status"]} if self.app_token else {}

    def ready(self) -> bool:
        # Over HTTP, Slack reaches us once the route is mounted; over Socket Mode only once connected.
        return (
            not self.app_token
            or self.socket_state["status"] == "connected"
            or bool(self.config.signing_secret)
        )

    def digest_sender(self):
        from bot.slack.digests import slack_sender

        return slack_sender(self)

    def posted_check(self):
        from bot.slack.digests import slack_posted_check

        return slack_posted_check(self)

    def nudger(self):
        from bot.slack.digests import slack_nudger

        return slack_nudger(self)

    def messenger(self):
        from bot.slack.digests import slack_messenger

        return slack_messenger(self)

    def it_target(self) -> str | None:
        return self.config.it_channel or None

    # --- connections ---------------------------------------------------------------------------

    async def open(self) -> None:
        """One HTTP session for every Web API call and response_url post, opened with the server.

        Without it slack_sdk opens (and closes) a session, and so a connection, per call: under load
        that set-up cost more CPU than the answer itself.
        """
        if self._http is None:
            # slack_sdk takes the session's settings over its own: keep its 30 s timeout, and keep
            # cookies from one workspace's calls out of another's.
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=30), cookie_jar=aiohttp.DummyCookieJar()
            )
            self.app.client.session = self._http  # bolt's per-request clients copy it from here

    async def close(self) -> None:
        http, self._http = self._http, None
        self.app.client.session = None
        if http is not None:
            await http.close()

    async def respond(self, response_url: str, request_id: str = "?", **message) -> str | None:
        """Post to a response_url over the shared session (bolt's respond() opens a new one each time);
        None when Slack took it, else why not."""
        return await delivery.to_response_url(
            self._http, self.app.client.retry_handlers, response_url, request_id, message
        )

    async def reply_privately(
        self, client, *, request_id: str, response_url: str | None, channel: str | None, user: str, **message
    ) -> delivery.Outcome:
        return await delivery.reply_privately(
            client, self._http, self.app.client.retry_handlers, request_id=request_id,
            response_url=response_url, channel=channel, user=user, message=message,
        )  # fmt: skip

    # --- people -----------------------------------------------------------------------------

    async def actor(self, client: AsyncWebClient, user_id: str, name: str = "") -> Actor:
        """Name and email from users.info, cached for an hour; without them the person is still served."""
        cached = self._people.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        actor = Actor(user_id=user_id, display_name=name)
        try:
            info = (await client.users_info(user=user_id)).get("user") or {}
            profile = info.get("profile") or {}
            actor = Actor(
                user_id=user_id,
                display_name=profile.get("display_name")
                or profile.get("real_name")
                or info.get("name")
                or name,
                email=profile.get("email"),
            )
        except Exception as error:  # a person is served without their profile rather than not at all
            log.warning("users.info failed for %s: %s", user_id, error)
        directory = self.services.directory.lookup(actor)
        if directory is not None:
            actor = replace(actor, department=directory.department)
        self._people[user_id] = (time.monotonic() + PEOPLE_TTL, actor)
        return actor

    # --- listeners ----------------------------------------------------------------------------

    def _register(self) -> None:
        app, track = self.app, self._tracked
        slash = "|".join(re.escape(command) for command in self._slash)
        app.command(re.compile(rf"^({slash})$"))(track(self.on_command))
        app.event("app_mention")(track(self.on_mention))
        app.event("message")(track(self.on_message))
        app.action(re.compile(rf"^{render.ACTION_PREFIX}\d+$"))(track(self.on_action))
        app.view(render.FORM_CALLBACK)(track(self.on_view_submission))
        app.event("app_home_opened")(track(self.on_home_opened))
        for spec in self.router.registry:
            for shortcut in spec.shortcuts:
                listener = self.on_message_shortcut if shortcut.kind == "message" else self.on_global_shortcut
                app.shortcut(shortcut.callback_id)(track(listener))
        app.function(workflow_steps.CHECK_POLICY)(track(self.on_check_policy_step))
        app.function(workflow_steps.LOG_WIN)(track(self.on_win_step))
        # Slack's AI-app surface (the split view): its own threads, with suggested prompts, a status while
        # answering and a title. bolt hands it every message in a DM thread; those are answered the same.
        assistant = _EventsOnlyAssistant()
        assistant.thread_started(track(self.on_assistant_thread_started))
        assistant.user_message(track(self.on_assistant_message))
        app.assistant(assistant)

    def _tracked(self, listener):
        # bolt runs a listener on after it acknowledged: counted, so that a stopping server finishes it,
        # and crossed off the pending answers once done (see `_hold`).
        # bolt reads the arguments to pass from the wrapped method's signature.
        @functools.wraps(listener)
        async def run(**arguments):
            with self.in_flight.one():
                try:
                    await listener(**arguments)
                finally:
                    key = _pending_key(arguments.get("body") or {})
                    if key and self.pending is not None:
                        await self.pending.release(key)

        return run

    async def _hold(self, body, context, next) -> None:
        """Middleware: a command or a message to answer is written down before bolt acknowledges it, so
        that another replica answers it if this one dies (bot.pending_answers)."""
        key = _pending_key(body)
        if key and self.pending is not None and _answerable(body) and not body.get("command"):
            # Commands are written down by `on_command`, only when their answer is slow.
            payload = {"body": body, "bot_user_id": context.get("bot_user_id")}
            await self.pending.hold(key, self.name, payload)
        await next()

    async def replay(self, payload: dict) -> None:
        """Answers a request another replica acknowledged and did not answer, from its payload."""
        if not self.config.bot_token:
            raise RuntimeError("taking over needs SLACK_BOT_TOKEN (one workspace)")
        body, client = payload["body"], self.app.client
        with self.in_flight.one():
            if "command" in body:
                await self._command(body, client)
            else:
                await self._converse(
                    body, client, {"bot_user_id": payload.get("bot_user_id")}, replaying=True
                )

    async def dispatch(self, request: Request) -> Reply:
        return await self.router.dispatch(request, self.services)

    async def on_command(self, ack, body, client) -> None:
        """Acknowledged once answered, when that takes under ANSWER_BEFORE_ACK: a replica that dies
        first leaves Slack to tell the person the command failed. A slower answer is written down and
        acknowledged at that point, so another replica answers it if this one dies (bot.pending_answers)."""
        acknowledged = asyncio.Event()

        async def acknowledge() -> None:
            if not acknowledged.is_set():
                acknowledged.set()
                await ack()

        async def when_slow() -> None:
            await asyncio.sleep(ANSWER_BEFORE_ACK)
            if not acknowledged.is_set() and self.pending is not None:
                await self.pending.hold(_pending_key(body), self.name, {"body": body})
            await acknowledge()

        timer = asyncio.ensure_future(when_slow())
        try:
            await self._command(body, client)
        finally:
            timer.cancel()
            await acknowledge()

    async def _command(self, body, client) -> None:
        started = time.monotonic()
        request = None
        try:

            async def work() -> tuple[Request, Reply]:
                actor = await self.actor(client, body["user_id"], body.get("user_name", ""))
                made = inbound.from_command(body, actor, self._slash)
                return made, await self.dispatch(made)

            spec = self.router.registry.get(self._slash.get(body.get("command", "")) or "")
            if spec is not None and spec.form_title and not body.get("text", "").strip():
                request, shown = await self._form_in_time(
                    client, body["trigger_id"], work(), channel=body.get("channel_id"), title=spec.form_title
                )
                if shown is None:
                    return
                reply = shown
            else:
                request, reply = await work()
            if reply.form is not None:
                await self._open_form(client, body["trigger_id"], reply, channel=body.get("channel_id"))
                return
            share = ()
            if request.command is None and reply.status not in (Status.ERROR, Status.INFO) and request.text:
                share = (Action("Share in channel", "share", request.text),)
            reply = await self._escalated(client, reply, request.request_id)
            message = render.message(reply, extra_actions=share)
            await self.reply_privately(
                client, request_id=request.request_id, response_url=body["response_url"],
                channel=body.get("channel_id"), user=body["user_id"], text=message.text, blocks=message.blocks,
                response_type="ephemeral", **POST_OPTIONS,
            )  # fmt: skip
            metrics.answered(
                "slack", self.router.resolve(request)[0].name, reply, started, request.request_id
            )
        except Exception:
            request_id = request.request_id if request else "?"
            log.exception("slash command failed (request %s)", request_id)
            await self.reply_privately(
                client, request_id=request_id, response_url=body.get("response_url"),
                channel=body.get("channel_id"), user=body["user_id"], text=SORRY, response_type="ephemeral",
            )  # fmt: skip

    async def on_mention(self, body, client, context) -> None:
        await self._converse(body, client, context)

    async def on_message(self, body, client, context) -> None:
        event = body.get("event", {})
        # Only people's own messages in a DM: edits, joins and bot posts (our own included) are not questions.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        await self._converse(body, client, context)

    async def on_assistant_thread_started(self, body, say, set_suggested_prompts) -> None:
        """A new thread in the AI-app view: a greeting and prompts drawn from the knowledge base."""
        kb = self.services.knowledge
        try:
            await say(f"Hi! Ask me whether you may use an AI tool at {kb.policy.organization}, for what, "
                      "and with which information, in your own words. I answer from IT's approved-tools list.")  # fmt: skip
            await set_suggested_prompts(prompts=render.suggested_prompts(kb), title="Try asking")
        except Exception:
            log.exception("assistant thread start failed (%s)", body.get("event_id"))

    async def on_assistant_message(self, body, client, context, set_status, set_title) -> None:
        """A question in an AI-app thread (or any DM thread): the status while the policy is checked, the
        thread titled after its first question, the answer in the thread (it clears the status)."""
        event = body.get("event") or {}
        thread = (event.get("channel"), event.get("thread_ts"))
        try:
            await set_status("is checking the policy…")
            if thread not in self._titled and (event.get("text") or "").strip():
                self._titled[thread] = None
                if len(self._titled) > 10_000:
                    self._titled.pop(next(iter(self._titled)))
                await set_title(_clip_title(plain(event.get("text", ""))))
        except Exception as error:  # a status or title that fails never holds up the answer
            log.warning("assistant status or title not set (%s): %s", body.get("event_id"), error)
        await self._converse(body, client, context, native_feedback=True)

    async def _converse(
        self, body, client, context, *, replaying: bool = False, native_feedback: bool = False
    ) -> None:
        event = body["event"]
        if not event.get("user") or event.get("bot_id") or event.get("user") == context.get("bot_user_id"):
            return  # other bots (two bots could answer each other forever), workflow posts, ourselves
        in_dm = event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")
        # A DM is answered in the DM (unless the person wrote in a thread); a mention in its thread.
        thread = event.get("thread_ts") if in_dm else (event.get("thread_ts") or event.get("ts"))
        if not replaying and not await self._first_delivery(
            f"slack:{body.get('event_id') or event.get('ts')}"
        ):
            log.info("ignoring a repeated delivery of %s", body.get("event_id"))
            return
        request_id = f"slack:{body.get('event_id') or event.get('ts')}"
        started = time.monotonic()
        try:
            actor = await self.actor(client, event["user"])
            request = inbound.from_message(body, actor, context.get("bot_user_id"))
            request_id = request.request_id
            it_thread = event.get("thread_ts")
            if self.config.it_channel and event.get("channel") == self.config.it_channel and it_thread:
                # A mention in a thread of IT's channel: perhaps IT answering a question passed to them.
                request = replace(
                    request, command="relay", form={"thread": f"slack:{event['channel']}:{it_thread}"}
                )
            reply = await self.dispatch(request)
            if reply.form is not None:
                # A modal needs a click (a trigger id); offer the button that opens it.
                reply = replace(reply, form=None, actions=(Action("Open the form", reply.form.command, ""),))
            reply = await self._escalated(client, reply, request_id)
            message = render.message(reply, native_feedback=native_feedback)
            if event.get("channel_type") != "im" and reply.visibility == Visibility.PRIVATE:
                # A mention in a channel: wins, stats and confirmations are for the person only.
                await self.reply_privately(
                    client, request_id=request_id, response_url=None, channel=event["channel"],
                    user=event["user"], thread_ts=thread, text=message.text, blocks=message.blocks,
                )  # fmt: skip
            else:
                await self._post_in_conversation(client, request_id, event["channel"], thread, message)
            metrics.answered(
                "slack", self.router.resolve(request)[0].name, reply, started, request.request_id
            )
        except Exception:
            log.exception("message failed (request %s)", request_id)
            await delivery.post(
                client, "chat_postMessage", request_id, channel=event["channel"], thread_ts=thread, text=SORRY
            )

    async def _first_delivery(self, key: str) -> bool:
        """Slack retries an event it thinks went unanswered; the database says whether it was seen. When
        the database is slow or down the answer still goes out, de-duplicated in memory meanwhile."""
        try:
            return await asyncio.wait_for(
                self.services.transaction(lambda session: first_delivery(session, key=key)), DEDUPE_WAIT
            )
        except Exception as error:
            log.warning("event de-duplication in memory: the database failed (%s)", error.__class__.__name__)
            metrics.DATABASE_ERRORS.labels("event de-duplication").inc()
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > REMEMBERED_EVENTS:
                self._seen.pop(next(iter(self._seen)))
            return True

    async def _post_in_conversation(self, client, request_id: str, channel: str, thread, message) -> None:
        failed = await delivery.post(
            client, "chat_postMessage", request_id, channel=channel, thread_ts=thread,
            text=message.text, blocks=message.blocks, **POST_OPTIONS,
        )  # fmt: skip
        if failed is not None and failed not in ("channel_not_found", "not_in_channel", "is_archived"):
            # Blocks Slack would not take (too long, say): the same answer as plain text.
            failed = await delivery.post(
                client, "chat_postMessage", request_id, channel=channel, thread_ts=thread,
                text=message.text[:3900], **POST_OPTIONS,
            )  # fmt: skip
        if failed is not None:
            log.error("slack delivery failed (request %s): chat.postMessage: %s", request_id, failed)
            metrics.failed("slack", failed)
        else:
            metrics.delivered("slack")

    async def on_action(self, ack, body, action, client) -> None:
        await ack()
        started = time.monotonic()
        try:
            # A button sends its value; the "More…" menu the value of the option chosen.
            value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
            command, text = render.decode_action(value)
            actor = await self.actor(client, body["user"]["id"], body["user"].get("name", ""))
            if command == "share":
                await self._share(body, actor, text, client)
                return
            request = inbound.from_action(body, action, actor, command, text)
            reply = await self.dispatch(request)
            if reply.form is not None:
                await self._open_form(
                    client, body["trigger_id"], reply, channel=request.address.channel or None
                )
                return
            reply = await self._escalated(client, reply, request.request_id)
            message = render.message(reply)
            blocks, replace_original = _pressed_update(body, action, command, text, reply, message.blocks)
            if replace_original and body.get("response_url"):
                failed = await self.respond(
                    body["response_url"], request.request_id, text=message.text, blocks=blocks,
                    replace_original=True, **POST_OPTIONS,
                )  # fmt: skip
                if failed is None:
                    metrics.delivered("slack")
                    metrics.answered(
                        "slack", self.router.resolve(request)[0].name, reply, started, request.request_id
                    )
                    return
            # A reply of its own, the result alone. A button on the App Home has no message to answer:
            # the answer goes to the person directly.
            await self.reply_privately(
                client, request_id=request.request_id, response_url=body.get("response_url"),
                channel=request.address.channel or None, user=actor.user_id, text=message.text,
                blocks=message.blocks, response_type="ephemeral", replace_original=False,
            )  # fmt: skip
            metrics.answered(
                "slack", self.router.resolve(request)[0].name, reply, started, request.request_id
            )
        except Exception:
            log.exception("button failed (%s)", action.get("action_id"))
            await delivery.post(client, "chat_postMessage", "?", channel=body["user"]["id"], text=SORRY)

    async def on_message_shortcut(self, ack, body, client) -> None:
        """ "Ask aiguide about this message": the message's text is the question, answered to whoever used
        the shortcut only, in that conversation (its response_url), else in a direct message."""
        await ack()
        started = time.monotonic()
        user = (body.get("user") or {}).get("id", "")
        request = None
        try:
            actor = await self.actor(client, user, (body.get("user") or {}).get("name", ""))
            spec, _ = self.router.registry.shortcut(body.get("callback_id", "")) or (None, None)
            request = inbound.from_message_shortcut(body, actor, spec.name if spec else "ask")
            if not request.text.strip():
                reply = Reply(
                    status=Status.INFO,
                    headline="That message has no text I can read.",
                    sections=(Section(text="Ask me in your own words: `/aiguide can I use …?`"),),
                )
            else:
                reply = await self.dispatch(request)
            reply = await self._escalated(client, reply, request.request_id)
            message = render.message(reply)
            await self.reply_privately(
                client, request_id=request.request_id, response_url=body.get("response_url"),
                channel=request.address.channel or None, user=user, text=message.text,
                blocks=message.blocks, response_type="ephemeral",
            )  # fmt: skip
            metrics.answered("slack", request.command or "ask", reply, started, request.request_id)
        except Exception:
            log.exception("message shortcut failed (request %s)", request.request_id if request else "?")
            await delivery.post(client, "chat_postMessage", "?", channel=user, text=SORRY)

    async def on_check_policy_step(self, event, client, complete, fail) -> None:
        """Workflow Builder's "Check AI tool policy" step: the answer a message would get, as outputs."""
        await self._run_step(event, client, complete, fail, workflow_steps.check_request)

    async def on_win_step(self, event, client, complete, fail) -> None:
        """Workflow Builder's "Log an AI win" step: stored like a submitted win form."""
        await self._run_step(event, client, complete, fail, workflow_steps.win_request)

    async def _run_step(self, event, client, complete, fail, make) -> None:
        execution = event.get("function_execution_id", "?")
        try:
            user = str((event.get("inputs") or {}).get("user_id") or "")
            actor = await self.actor(client, user) if user else Actor(user_id=f"workflow:{execution}")
            request = make(event, actor)
            if request.command == "ask" and not request.text.strip():
                await fail("The step has no question: fill in its “Question” input.")
                return
            reply = await self.dispatch(request)
            if request.command == "win":
                problem = workflow_steps.failed(reply)
                if problem:
                    await fail(problem)
                    return
                await complete(outputs={"summary": workflow_steps.in_words(reply)})
            else:
                await complete(
                    outputs={"verdict": str(reply.status), "answer": workflow_steps.in_words(reply)}
                )
            log.info("workflow step %s done (%s)", event.get("function", {}).get("callback_id"), execution)
        except Exception:
            log.exception("workflow step failed (%s)", execution)
            try:
                await fail("aiguide could not run this step; the workflow can try again.")
            except Exception as error:  # Slack then shows the step as timed out
                log.error("could not report the failed step %s to Slack: %s", execution, error)

    async def on_global_shortcut(self, ack, body, client) -> None:
        """A shortcut from anywhere (the shortcut menu, mobile included), "Log an AI win": its command's
        form at once; the confirmation goes to the person's direct messages (there is no conversation)."""
        await ack()
        user = (body.get("user") or {}).get("id", "")
        spec, shortcut = self.router.registry.shortcut(body.get("callback_id", "")) or (None, None)
        try:
            if spec is None or shortcut is None:
                raise LookupError(f"no command has the shortcut {body.get('callback_id')!r}")

            async def work() -> tuple[Request, Reply]:
                actor = await self.actor(client, user, (body.get("user") or {}).get("name", ""))
                request = inbound.from_global_shortcut(body, actor, spec.name)
                return request, await self.dispatch(request)

            request, reply = await self._form_in_time(
                client, body["trigger_id"], work(), channel=None, title=spec.form_title or shortcut.name
            )
            if reply is None:
                return  # the form is in the waiting modal
            if reply.form is not None:
                await self._open_form(client, body["trigger_id"], reply, channel=None)
                return
            message = render.message(reply)
            await self.reply_privately(
                client, request_id=request.request_id, response_url=None, channel=None, user=user,
                text=message.text, blocks=message.blocks,
            )  # fmt: skip
        except Exception:
            log.exception("shortcut %s failed (%s)", body.get("callback_id"), body.get("trigger_id"))
            await delivery.post(client, "chat_postMessage", "?", channel=user, text=SORRY)

    async def _share(self, body, actor: Actor, question: str, client) -> None:
        """The answer again, for the channel: through the button's response_url (no chat:write.public
        needed, works in any channel the button is in), read again but not logged as a second question."""
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        stamp = f"{self.services.clock().timestamp():.6f}"
        request = inbound.from_action(
            body, {"action_ts": stamp, "action_id": "share"}, actor, "ask", question
        )
        assessment = await ask_handler.read_request(request, self.services)  # read again, the model included
        reply = replace(ask_handler.reply_for(assessment, self.services.knowledge), actions=())
        asked = replace(
            reply, footer=f"{actor.display_name or 'Someone'} asked: “{question}” · {reply.footer}"
        )
        message = render.message(asked)
        content = {"text": message.text, "blocks": message.blocks, **POST_OPTIONS}
        failed = "no response_url"
        if body.get("response_url"):
            failed = await self.respond(
                body["response_url"], request.request_id, response_type="in_channel", replace_original=False,
                **content,
            )  # fmt: skip
        if failed is not None and channel:
            failed = await delivery.post(
                client, "chat_postMessage", request.request_id, channel=channel, **content
            )
        if failed is None:
            metrics.delivered("slack")
        else:
            log.error("slack delivery failed (request %s): share: %s", request.request_id, failed)
            metrics.failed("slack", failed)
            await self.reply_privately(
                client, request_id=request.request_id, response_url=None, channel=channel, user=actor.user_id,
                text="I could not post the answer in this channel. Invite me with /invite @aiguide, or copy it.",
            )  # fmt: skip

    async def on_view_submission(self, ack, body, client) -> None:
        """Slack wants the answer to a form within 3 s: mistakes in the form are shown in it when the
        work is done in time; when it is not (a slow users.info or database), the form closes at
        FORM_WAIT and the result follows as a message."""

        async def work() -> tuple[Request, dict, Reply]:
            actor = await self.actor(client, body["user"]["id"], body["user"].get("name", ""))
            request, metadata = inbound.from_view_submission(body, actor)
            return request, metadata, await self.dispatch(request)

        started = time.monotonic()
        task = asyncio.ensure_future(work())
        try:
            request, metadata, reply = await asyncio.wait_for(asyncio.shield(task), FORM_WAIT)
        except TimeoutError:
            await ack()
            try:
                request, metadata, reply = await task
            except Exception:
                log.exception("form failed after it closed (view %s)", (body.get("view") or {}).get("id"))
                user = body["user"]["id"]
                await delivery.post(
                    client, "chat_postMessage", f"slack:view:{user}", channel=user, text=SORRY
                )
                return
        except Exception:
            log.exception("form failed (view %s)", (body.get("view") or {}).get("id"))
            await ack(response_action="errors", errors={_first_block(body): SORRY[:150]})
            return
        else:
            if reply.form is not None and render.form_errors(reply.form):
                await ack(response_action="errors", errors=render.form_errors(reply.form))
                return
            await ack()
        reply = await self._escalated(client, reply, request.request_id)
        message = render.message(reply)
        await self.reply_privately(
            client, request_id=request.request_id, response_url=None, channel=metadata.get("ch"),
            user=request.actor.user_id, text=message.text, blocks=message.blocks,
        )  # fmt: skip
        metrics.answered("slack", self.router.resolve(request)[0].name, reply, started, request.request_id)

    async def on_home_opened(self, body, event, client) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = await self.actor(client, event["user"])
        request = Request(
            platform=inbound.Platform.SLACK,
            actor=actor,
            address=inbound.Address(platform=inbound.Platform.SLACK, channel=actor.user_id),
            command="home",
            request_id=f"slack:home:{body.get('event_id', '')}",
        )
        reply = await self.dispatch(request)
        await client.views_publish(user_id=actor.user_id, view=render.home_view(reply))

    def _form_view(self, reply: Reply, channel: str | None) -> dict:
        assert reply.form is not None
        intro = reply.sections[0].text if reply.sections else ""
        return render.modal(reply.form, metadata={"ch": channel} if channel else None, intro=intro)

    async def _open_form(self, client, trigger_id: str, reply: Reply, channel: str | None) -> None:
        await client.views_open(trigger_id=trigger_id, view=self._form_view(reply, channel))

    async def _form_in_time(self, client, trigger_id: str, work, *, channel: str | None, title: str):
        """For a click that opens the win form: the trigger id expires 3 s after it, a slow lookup or
        not. When the form is not ready within FORM_WAIT, a waiting modal opens at once and becomes the
        form when it is. Returns (request, reply), or (request, None) once the form is shown."""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=FORM_WAIT)
        waiting = None
        if not done:
            waiting = await client.views_open(trigger_id=trigger_id, view=render.waiting_modal(title))
        request, reply = await task
        if waiting is not None and reply.form is not None:
            view = self._form_view(reply, channel=channel)
            await client.views_update(
                view_id=waiting["view"]["id"], hash=waiting["view"].get("hash"), view=view
            )
            return request, None
        return request, reply

    async def _escalated(self, client, reply: Reply, request_id: str) -> Reply:
        """Posts the question to IT first, so that the person is told it reached IT only once it has."""
        if reply.escalation is None:
            return reply
        if not self.config.it_channel and reply.escalated_question is None:
            return replace(reply, escalation=None)  # news for IT (a review request) where IT has no channel
        failed = "no IT channel configured (AIGUIDE_SLACK_IT_CHANNEL)"
        posted: dict = {}
        if self.config.it_channel:
            message = render.message(reply.escalation)
            failed = await delivery.post(
                client, "chat_postMessage", request_id, channel=self.config.it_channel,
                text=message.text, blocks=message.blocks, into=posted, **POST_OPTIONS,
            )  # fmt: skip
        if failed is None:
            metrics.delivered("slack")
            if posted.get("ts"):
                where = f"slack:{posted.get('channel') or self.config.it_channel}:{posted['ts']}"
                await feedback.escalation_posted(self.services, reply, where)
                await reviews.card_posted(self.services, reply.escalation, where)
            await self._update_card(client, reply, request_id)
            return reply
        log.error("slack delivery failed (request %s): question to IT: %s", request_id, failed)
        metrics.failed("slack", failed if self.config.it_channel else "not_configured")
        return await feedback.escalation_failed(reply, self.services)

    async def _update_card(self, client, reply: Reply, request_id: str) -> None:
        """A message posted earlier, changed now (IT's card once its review is decided). A failure is
        logged: the decision itself went out as a message of its own."""
        if reply.update is None or not reply.update[0].startswith("slack:"):
            return
        _, channel, ts = reply.update[0].split(":", 2)
        message = render.message(reply.update[1])
        await delivery.post(
            client,
            "chat_update",
            request_id,
            channel=channel,
            ts=ts,
            text=message.text,
            blocks=message.blocks,
        )


ANSWER_BEFORE_ACK = 0.5  # seconds an answer may take before a command is acknowledged without it


def _pending_key(body: dict) -> str:
    """The key a request is written down under: the same for a retried delivery of it."""
    if body.get("command") and body.get("trigger_id"):
        return f"slack:command:{body.get('team_id', '')}:{body['trigger_id']}"
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"slack:event:{body['event_id']}"
    return ""


def _answerable(body: dict) -> bool:
    """A command, a DM or a mention from a person: what `on_command` and `_converse` answer (the middleware
    writes down DMs and mentions; `on_command` writes down a command only when its answer is slow)."""
    if body.get("command"):
        return True
    event = body.get("event") or {}
    if not event.get("user") or event.get("bot_id") or event.get("subtype"):
        return False
    return event.get("type") == "app_mention" or (
        event.get("type") == "message" and event.get("channel_type") == "im"
    )


def _first_block(body: dict) -> str:
    """The first input block of a submitted form: where a general error is shown."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return next(iter(values), "value")


def _clip_title(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def _pressed_update(
    body, action, command: str, text: str, reply: Reply, result: list[dict]
) -> tuple[list[dict], bool]:
    """(blocks, replace_original) for the answer to a pressed button: where the button's own message can
    be updated, it is, so that an old button cannot be pressed twice.

    - A message in a DM (an answer, a logged win): it stays, its buttons give way to the result.
    - An ephemeral win confirmation ("Logged win #3 [Undo]"): Slack sends none of its content, so the
      result ("Removed win #3") takes its place.
    - Otherwise (a shared message in a channel, where others may still press; an ephemeral answer whose
      content Slack does not send; an outcome chosen for a win, whose Undo must stay; a failure): the
      result comes as a reply of its own.
    """
    undo = command == "win" and text.startswith("delete")
    if reply.status == Status.ERROR or not (undo or command in ("feedback", "escalate")):
        return result, False
    container = body.get("container") or {}
    original = (body.get("message") or {}).get("blocks")
    in_dm = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "").startswith("D")
    if original and in_dm and not container.get("is_ephemeral"):
        kept = [
            b
            for b in original
            if not (
                b.get("type") in ("actions", "context_actions")
                and b.get("block_id") == action.get("block_id")
            )
        ]
        return [*kept, *result][: render.MAX_BLOCKS], True
    if container.get("is_ephemeral") and undo:
        return result, True
    return result, False
