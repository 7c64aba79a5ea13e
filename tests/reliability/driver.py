"""The far side of the replicas under test: the requests, a load balancer that sends and retries them the
way Slack and the Bot Framework do, and the ledger of what each request got back.

Every request has keys of its own (a Slack user, channel and response_url hook; a Teams conversation), so
each answer that reaches a stand-in is traced to exactly one request.
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector
from fakes.server_process import ServerProcess, free_port
from fakes.slack_client import payload
from slack_sdk.signature import SignatureVerifier

SLACK_ACK_S = 3.0  # Slack counts a request as failed when no 200 comes within 3 s
TEAMS_ACK_S = 15.0  # the Bot Framework's limit for a turn's HTTP request
RETRIES = 3  # Slack retries an event three times; the Bot Framework is treated alike
WAIT_FOR_A_REPLICA_S = 30.0  # how long the balancer waits while no replica is up
PROBE_S = 0.25  # how often the balancer asks each replica's /readyz

# The mix: (kind, share). Slash commands, DM events and Teams personal messages; questions and wins.
MIX = (
    ("slash", 0.30),
    ("slash_win", 0.15),
    ("dm", 0.25),
    ("dm_win", 0.05),
    ("teams", 0.15),
    ("teams_win", 0.10),
)
QUESTIONS = (
    "can I paste a client contract into ChatGPT?",
    "is Otter ok for meeting notes?",
    "can I use DeepSeek for client data?",
    "can I summarize internal meeting notes with Copilot?",
    "can I put our project plan into Claude?",
    "may I use Grammarly on a press release?",
    "can I translate a client email with DeepL?",
    "is it ok to use Midjourney for a slide deck?",
)
WINS = (
    "{minutes}m drafted the {marker} brief with Copilot -> shipped on time",
    "{minutes}m summarized the {marker} interview notes with ChatGPT Enterprise -> sent to the client early",
    "{minutes}m wrote the {marker} test plan with Copilot -> fewer bugs",
)
MARKER = re.compile(r"rlx\d{5}q")
SORRY = "Sorry, something went wrong"
NOT_SAVED = "That win was not saved."
LOGGED = re.compile(r"^(Logged win|Already logged as win) #\d+")
POLICY = re.compile(r"Policy ([0-9A-Za-z][0-9A-Za-z.\-]*)")


@dataclass
class Job:
    n: int
    kind: str
    text: str
    marker: str | None
    duplicate: bool  # sent a second time on purpose, as a retried delivery
    offset: float  # seconds after the start of the load when it is sent
    raw: str = ""  # a Slack body, signed as it is
    content_type: str = ""
    activity: dict | None = None  # a Teams activity
    acked_by: list[str] = field(default_factory=list)  # the replica starts ("A1", "B2") that acknowledged it
    attempts: list[tuple[str, str]] = field(default_factory=list)  # (replica start, what came back)
    answers: list[tuple[float, dict]] = field(default_factory=list)  # (time.monotonic(), what was posted)
    sent_at: float = 0.0
    fivexx: int = 0

    @property
    def surface(self) -> str:
        return "teams" if self.kind.startswith("teams") else "slack"

    @property
    def is_win(self) -> bool:
        return self.kind.endswith("_win")

    @property
    def user(self) -> str:
        return f"U0R{self.n:05d}"

    @property
    def channel(self) -> str:
        return f"D0R{self.n:05d}" if self.kind.startswith("dm") else f"C0R{self.n:05d}"

    @property
    def hook(self) -> str:
        return f"r{self.n:05d}"

    @property
    def conversation(self) -> str:
        return f"a:rel-{self.n:05d}"

    def destinations(self) -> list[tuple[str, str]]:
        """Where this request's answers arrive: (stand-in, key)."""
        if self.surface == "teams":
            return [("teams", self.conversation)]
        keys = [("channel", self.channel), ("channel", self.user)]
        return [*keys, ("hook", self.hook)] if self.kind.startswith("slash") else keys

    # --- what came back -------------------------------------------------------------------------

    def outcome_of(self, posted: dict) -> str:
        """One posted message: "answer", "told" (an apology or a win not saved), or "odd" (a win answered
        with something else)."""
        text = str(posted.get("summary") or posted.get("text") or "")
        if text.startswith(SORRY):
            return "told"
        if self.is_win:
            if text.startswith(NOT_SAVED):
                return "told"
            return "answer" if LOGGED.match(text) else "odd"
        return "answer"

    def verdict(self) -> str:
        """Its outcome: "answered", "told" or "none" (no answer of any kind reached the person)."""
        outcomes = {self.outcome_of(p) for _, p in self.answers}
        if outcomes & {"answer", "odd"}:
            return "answered"
        return "told" if "told" in outcomes else "none"

    def answer_count(self) -> int:
        """Answers proper (not apologies) that reached the person: more than one for a request answered
        twice."""
        return sum(self.outcome_of(p) in ("answer", "odd") for _, p in self.answers)

    def logged(self) -> bool:
        """A win the person was told is logged."""
        return self.is_win and any(self.outcome_of(p) == "answer" for _, p in self.answers)

    def policies(self) -> list[tuple[float, str]]:
        return [(at, v) for at, p in self.answers for v in POLICY.findall(json.dumps(p, ensure_ascii=False))]


def make_jobs(
    count: int, *, seed: int, seconds: float, duplicate_share: float, response_url, service_url: str
) -> list[Job]:
    """`count` requests of the mix, arriving at random (exponential gaps) over about `seconds`."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    jobs: list[Job] = []
    offset = 0.0
    for n in range(count):
        offset += rng.expovariate(count / seconds)
        kind = rng.choices(kinds, weights)[0]
        marker = f"rlx{n:05d}q" if kind.endswith("_win") else None
        if marker:
            text = rng.choice(WINS).format(minutes=rng.randint(10, 90), marker=marker)
        else:
            text = rng.choice(QUESTIONS)
        job = Job(n, kind, text, marker, rng.random() < duplicate_share, offset)
        _build(job, response_url, service_url)
        jobs.append(job)
    return jobs


def _build(job: Job, response_url, service_url: str) -> None:
    now = time.time()
    if job.kind.startswith("slash"):
        body = payload("slack_slash_command")
        body.update(
            text=job.text, command="/aiwin" if job.is_win else "/aiguide", user_id=job.user,
            user_name=f"person.{job.n}", channel_id=job.channel, channel_name=f"reliability-{job.n}",
            trigger_id=f"{job.n}.{job.n * 7}.rel{job.n:05d}", response_url=response_url(job.hook),
        )  # fmt: skip
        job.raw, job.content_type = urlencode(body), "application/x-www-form-urlencoded"
    elif job.kind.startswith("dm"):
        body = payload("slack_event_message_im")
        ts = f"{int(now)}.{job.n:06d}"
        text = f"win {job.text}" if job.is_win else job.text
        body["event"].update(
            text=text, user=job.user, channel=job.channel, ts=ts, event_ts=ts,
            client_msg_id=f"5a8b1f6c-0000-4000-8000-{job.n:012d}",
        )  # fmt: skip
        body["event_id"] = f"EvR{job.n:07d}"
        body["event_time"] = int(now)
        job.raw, job.content_type = json.dumps(body), "application/json"
    else:
        activity = copy.deepcopy(payload("teams_message_personal"))
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        activity.update(
            id=f"rel-{job.n:05d}", serviceUrl=service_url, timestamp=stamp,
            text=f"win {job.text}" if job.is_win else job.text,
        )  # fmt: skip
        activity["from"] = {
            "id": f"29:rel{job.n:05d}",
            "name": f"Person {job.n}",
            "aadObjectId": f"aad-rel-{job.n:05d}",
        }
        activity["conversation"] = {
            "conversationType": "personal",
            "tenantId": "tenant-brightline",
            "id": job.conversation,
        }
        job.activity = activity


# --- the replicas and the load balancer in front of them ----------------------------------------


class Replica:
    """One `aiguide serve` at a fixed address, started again (as a new process) after a stop or a kill."""

    def __init__(self, name: str, workdir, env: dict[str, str]):
        self.name = name
        self.workdir = workdir
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.starts = 0
        self.process: ServerProcess | None = None
        self.up = False  # what the balancer believes, from /readyz and refused connections

    @property
    def label(self) -> str:
        return f"{self.name}{self.starts}"

    async def start(self) -> None:
        self.starts += 1
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = ServerProcess(
            self.workdir, self.env, port=self.port, log_name=f"serve-{self.label}.log"
        )
        await self.process.start(timeout=90)

    async def stop(self, timeout: float = 60.0) -> int:
        assert self.process is not None
        return await self.process.stop(timeout=timeout)

    async def kill(self) -> int:
        assert self.process is not None
        return await self.process.kill()

    def logs(self) -> dict[str, str]:
        return {
            path.stem.removeprefix("serve-"): path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(self.workdir.glob("serve-*.log"))
        }


class Balancer:
    """Round-robin over the replicas that are up, as a load balancer in front of them; and Slack's (or the
    Bot Framework's) behaviour around it: a request with no acknowledgement in time, or whose connection
    failed, is sent again to another replica, with Slack's retry headers."""

    def __init__(self, replicas: list[Replica], secret: str):
        self.replicas = replicas
        self.verifier = SignatureVerifier(secret)
        self.session: ClientSession | None = None
        self._turn = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.statuses: Counter[str] = Counter()
        self._probing: asyncio.Task | None = None

    async def open(self) -> None:
        self.session = ClientSession(connector=TCPConnector(limit=0), cookie_jar=None)
        self._probing = asyncio.create_task(self._probe())

    async def close(self) -> None:
        if self._probing is not None:
            self._probing.cancel()
        if self.session is not None:
            await self.session.close()

    async def _probe(self) -> None:
        assert self.session is not None

        async def one(replica: Replica) -> None:
            try:
                async with self.session.get(f"{replica.url}/readyz", timeout=ClientTimeout(total=1)) as r:
                    replica.up = r.status == 200
            except (ClientError, OSError, TimeoutError):
                replica.up = False

        while True:
            await asyncio.gather(*(one(r) for r in self.replicas))
            await asyncio.sleep(PROBE_S)

    def _pick(self, avoid: Replica | None) -> Replica | None:
        up = [r for r in self.replicas if r.up]
        if avoid is not None and len(up) > 1:
            up = [r for r in up if r is not avoid]
        if not up:
            return None
        self._turn += 1
        return up[self._turn % len(up)]

    async def _replica(self, avoid: Replica | None) -> Replica | None:
        deadline = time.monotonic() + WAIT_FOR_A_REPLICA_S
        while (replica := self._pick(avoid)) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return replica

    async def _post(self, replica: Replica, job: Job, retry: int, reason: str) -> int:
        assert self.session is not None
        if job.surface == "slack":
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": job.content_type,
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": self.verifier.generate_signature(timestamp=stamp, body=job.raw),
            }
            if retry:
                headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": reason}
            url, data, limit = f"{replica.url}/slack/events", job.raw.encode(), SLACK_ACK_S
        else:
            headers = {"Content-Type": "application/json"}
            url, data, limit = f"{replica.url}/api/messages", json.dumps(job.activity).encode(), TEAMS_ACK_S
        async with self.session.post(
            url, data=data, headers=headers, timeout=ClientTimeout(total=limit)
        ) as r:
            await r.read()
            return r.status

    async def deliver(self, job: Job, *, retry: int = 0, avoid: Replica | None = None) -> Replica | None:
        """Sent until a replica acknowledges it (Slack: 200 within 3 s; Teams: 2xx within 15 s) or the
        retries run out; the replica that acknowledged it, else None."""
        reason = "http_timeout"
        for _ in range(RETRIES + 1):
            replica = await self._replica(avoid)
            if replica is None:
                job.attempts.append(("-", "no replica up"))
                return None
            label = replica.label
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                status = await self._post(replica, job, retry, reason)
            except TimeoutError:
                outcome, reason = "timeout", "http_timeout"
            except (ClientError, OSError) as error:
                outcome, reason = error.__class__.__name__, "connection_failed"
                replica.up = False  # until /readyz says otherwise
            else:
                outcome = str(status)
                if status == 200 or (job.surface == "teams" and status in (201, 202)):
                    job.attempts.append((label, outcome))
                    job.acked_by.append(label)
                    self.statuses[outcome] += 1
                    return replica
                if status < 500:  # refused (a signature, a body): sending it again would not help
                    job.attempts.append((label, outcome))
                    self.statuses[outcome] += 1
                    return None
                job.fivexx += 1
                reason = "http_error"
            finally:
                self.in_flight -= 1
            job.attempts.append((label, outcome))
            self.statuses[outcome] += 1
            avoid, retry = replica, retry + 1
        return None


class Ledger:
    """Traces every call the stand-ins received to the request it answers."""

    def __init__(self, jobs: list[Job], fake, connector):
        self.fake = fake
        self.connector = connector
        self.where: dict[tuple[str, str], Job] = {key: job for job in jobs for key in job.destinations()}
        self._calls = 0
        self._sent = 0
        self.untraced: list[str] = []

    def collect(self) -> None:
        calls = self.fake.calls
        for call in calls[self._calls :]:
            if call.method == "response_url":
                key = ("hook", call.hook or "")
            elif call.method in ("chat.postMessage", "chat.postEphemeral"):
                key = ("channel", str(call.params.get("channel", "")))
            else:
                continue
            job = self.where.get(key)
            if job is None:
                self.untraced.append(f"{call.method} {key[1]}")
            else:
                job.answers.append((call.at, call.params))
        self._calls = len(calls)
        sent = self.connector.sent
        for one in sent[self._sent :]:
            job = self.where.get(("teams", one.conversation))
            if job is None:
                self.untraced.append(f"teams {one.conversation}")
            else:
                job.answers.append((one.at, one.activity))
        self._sent = len(sent)
