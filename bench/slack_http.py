"""Benchmark: signed slash commands over loopback, aiguide against a bare slack-bolt app that answers every
command with a fixed Block Kit message through response_url.

What a person sees is the time until the answer arrives: each command's time to answer is measured from
the moment it is sent to the moment its answer reaches the response_url stand-in. The time to the HTTP
acknowledgement (Slack shows an error after 3 s) is kept as a secondary figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector, web
from slack_sdk.signature import SignatureVerifier

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-bench-token"
QUESTION = "can I paste a client contract into ChatGPT?"
PAYLOAD = Path(__file__).resolve().parents[1] / "tests" / "payloads" / "slack_slash_command.json"
COMMANDS = re.compile(r"^/ai(guide|win|tools|request)$")  # the same matcher aiguide registers
SORRY_PREFIX = "Sorry, something went wrong"

TARGET_LEVEL = 50
ANSWERS_TARGET = 0.70  # answers per second, as a share of the bare app's
ANSWER_P99_TARGET_MS = 1000.0
ACK_LIMIT_MS = 3000.0  # Slack's own limit

STARTUP_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.02


def pin(cpus: set[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)


def cpu_split() -> tuple[set[int] | None, set[int] | None]:
    """The servers under test get one core; the load generator and the Slack stand-in get the other.

    On a 2-core machine a load generator in the server's process (or unpinned next to it) takes CPU
    from the very event loop being measured, and the scheduler moves processes between cores from run
    to run. A Python server is one event loop on one core anyway (the GIL), so giving it one core,
    the same one for both apps (only one of them is busy at a time), keeps the comparison fair.
    """
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return {cpus[0]}, set(cpus[1:])


# --- the Slack stand-in: Web API and response_url hooks, in its own process --------------------


def run_standin(cpus: set[int] | None, ready, stop) -> None:
    pin(cpus)
    asyncio.run(_standin(ready, stop))


async def _standin(ready, stop) -> None:
    stats = {"answers": 0, "sorry": 0, "last_at": 0.0, "api": {}, "by_app": {}, "arrivals": {}}
    hooks: set[str] = set()

    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        await request.read()
        stats["api"][method] = stats["api"].get(method, 0) + 1
        if method == "auth.test":
            return web.json_response(
                {"ok": True, "team_id": "T111", "user_id": "UBOT0001", "bot_id": "B111", "user": "aiguide",
                 "team": "Brightline", "url": "https://brightline.slack.com/", "is_enterprise_install": False}
            )  # fmt: skip
        if method == "users.info":
            profile = {"real_name": "Ana Lima", "display_name": "Ana Lima", "email": "ana.lima@example.test"}
            return web.json_response(
                {"ok": True, "user": {"id": "U0ANA", "name": "ana.lima", "profile": profile}}
            )
        return web.json_response({"ok": True})

    async def response_url(request: web.Request) -> web.Response:
        answer = await request.json()
        hook = request.match_info["hook"]
        app = hook.split("-", 1)[0]
        stats["answers"] += 1
        stats["by_app"][app] = stats["by_app"].get(app, 0) + 1
        stats["sorry"] += str(answer.get("text", "")).startswith(SORRY_PREFIX)
        stats["last_at"] = time.time()
        stats["arrivals"].setdefault(hook, time.time())
        hooks.add(hook)
        return web.Response(text="ok")

    async def report(request: web.Request) -> web.Response:
        arrivals = stats["arrivals"] if request.query.get("arrivals") else {}
        return web.json_response({**stats, "arrivals": arrivals, "hooks": len(hooks)})

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    app.router.add_post("/response/{hook}", response_url)
    app.router.add_get("/stats", report)
    await _serve_until_stopped(app, ready, stop, aiguide=False)


# --- the servers under test, each in its own process -------------------------------------------


def run_server(
    kind: str, api_url: str, workdir: str, cpus: set[int] | None, profile: str | None, ready, stop
):
    pin(cpus)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        asyncio.run(_server(kind, api_url, workdir, ready, stop))
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)


async def _server(kind: str, api_url: str, workdir: str, ready, stop) -> None:
    try:
        app = await _aiguide_app(api_url, workdir) if kind == "aiguide" else _bare_app(api_url)
    except Exception as error:  # the parent is waiting on the pipe; tell it rather than hang it
        ready.send(("error", f"{kind}: {error!r}"))
        raise
    await _serve_until_stopped(app, ready, stop, aiguide=kind == "aiguide")


async def _aiguide_app(api_url: str, workdir: str) -> web.Application:
    """The server `aiguide serve` runs, built by its own app factory from the settings an operator gives
    (SQLite in `workdir`), logging JSON lines to a file as it would to its standard error."""
    from bot import logs
    from bot.app_factory import create_app
    from bot.settings import Settings

    sys.stderr = open(Path(workdir) / "serve.log", "w", buffering=1)  # noqa: SIM115 (lives as long as the server)
    settings = Settings(
        slack_signing_secret=SECRET, slack_bot_token=TOKEN, slack_api_url=api_url, data_dir=Path(workdir),
        cache_dir=str(Path(workdir) / "cache"), log_format="json",
    )  # fmt: skip
    logs.configure(settings.log_format, settings.log_level)
    app = await create_app(settings, say=lambda _line: None, warn=lambda _line: None)
    services = app[_services_key()]
    _ = services.knowledge.indexes  # built lazily on the first question; that is start-up, not load
    return app


def _services_key():
    from bot.app_factory import SERVICES

    return SERVICES


ANSWER_BLOCKS = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Only in ChatGPT Enterprise, not in ChatGPT (personal account).*"}},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "Policy 2026.1"}]},
]  # fmt: skip


def _bare_app(api_url: str) -> web.Application:
    """The limit: the same bolt pipeline (signature check, auth.test once, matching), an ack, and a fixed
    Block Kit answer through response_url: the delivery aiguide does, without deciding anything."""
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp

    bolt = AsyncApp(signing_secret=SECRET, token=TOKEN, raise_error_for_unhandled_request=False)
    bolt.client.base_url = api_url  # auth.test runs once per process; keep it off the internet

    @bolt.command(COMMANDS)
    async def fixed_answer(ack, respond) -> None:
        await ack()
        await respond(text="Only in ChatGPT Enterprise.", blocks=ANSWER_BLOCKS, response_type="ephemeral")

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    return app


async def _serve_until_stopped(app: web.Application, ready, stop, *, aiguide: bool) -> None:
    from bot import logs

    # The access log `aiguide serve` runs with; the bare app logs nothing.
    runner = web.AppRunner(app, access_log_class=logs.RefusedRequests) if aiguide else web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ready.send(("port", runner.addresses[0][1]))
        # A thread blocks on the event so the loop stays free.
        await asyncio.get_running_loop().run_in_executor(None, _wait_for_stop, stop, os.getppid())
    finally:
        await runner.cleanup()


def _wait_for_stop(stop, parent: int) -> None:
    # A parent killed without its finally block leaves no one to set the event: notice it is gone.
    while not stop.wait(1.0) and os.getppid() == parent:
        pass


class Child:
    """A process that serves HTTP on a free loopback port until told to stop."""

    def __init__(self, context, target, *args):
        self.stop = context.Event()
        receive, self._send = context.Pipe(duplex=False)
        self.process = context.Process(target=target, args=(*args, self._send, self.stop), daemon=True)
        self.process.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not receive.poll(0.1):
            if not self.process.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"{target.__name__} did not start; see its error above")
        kind, value = receive.recv()
        if kind != "port":
            self.close()
            raise RuntimeError(value)
        self.url = f"http://127.0.0.1:{value}"

    def close(self) -> None:
        self.stop.set()
        self.process.join(STOP_TIMEOUT_S)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_TIMEOUT_S)


# --- the load generator ------------------------------------------------------------------------


def signed_commands(
    count: int, first: int, response_url: str, app: str
) -> list[tuple[str, bytes, dict[str, str]]]:
    """Built and signed before the clock starts, so the generator's own work is not timed."""
    template = json.loads(PAYLOAD.read_text())
    verifier = SignatureVerifier(SECRET)
    timestamp = str(int(time.time()))  # good for Slack's five minutes; a level takes seconds
    requests = []
    for n in range(first, first + count):
        trigger = f"1334.{n}.bench"
        hook = f"{app}-{trigger}"
        body = urlencode(
            {**template, "command": "/aiguide", "text": QUESTION, "trigger_id": trigger,
             "response_url": f"{response_url}/{hook}"}
        )  # fmt: skip
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": verifier.generate_signature(timestamp=timestamp, body=body),
        }
        requests.append((hook, body.encode(), headers))
    return requests


async def fire(
    session: ClientSession, url: str, requests, concurrency: int, sent_at: dict[str, float]
) -> tuple[float, list[float], int]:
    """Closed loop: `concurrency` clients, each sending its next request as soon as the last is acked.
    `sent_at` gets each command's wall-clock send time, for its time to answer."""
    pending = iter(requests)
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        for hook, body, headers in pending:
            sent_at[hook] = time.time()
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except (TimeoutError, ClientError):
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, errors


async def standin_stats(session: ClientSession, standin: str, *, arrivals: bool = False) -> dict:
    async with session.get(f"{standin}/stats", params={"arrivals": "1"} if arrivals else {}) as response:
        return await response.json()


async def drain(session: ClientSession, standin: str, app: str, expected: int, timeout: float) -> dict:
    """Wait for an app's answers, so one round's backlog does not slow the next."""
    deadline = time.monotonic() + timeout
    while True:
        stats = await standin_stats(session, standin)
        if stats["by_app"].get(app, 0) >= expected or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(POLL_S)


def cpu_seconds(pid: int) -> float:
    """User plus system time of a process, all its threads: other load on the machine hardly moves it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile_ms(ordered: list[float], share: float) -> float:
    """Nearest rank, in milliseconds."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] * 1000


@dataclass
class Tally:
    """One app's results at one level, summed over the rounds."""

    sent: int = 0  # commands sent to this app so far, warm-ups included: the next trigger id
    elapsed: float = 0.0
    cpu: float = 0.0  # the server's CPU seconds in the rounds (aiguide: until its answers are out)
    generator_cpu: float = 0.0  # the load generator's CPU seconds while sending
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    answering: float = 0.0  # from each round's first request to its last answer
    lag: float = 0.0  # the longest wait, after a round's last ack, for its last answer
    stats: dict = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)  # measured commands: hook -> when sent
    answer_times: list[float] = field(default_factory=list)  # seconds from sending to the answer
    unanswered: int = 0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    @property
    def generator_busy(self) -> float:
        return self.generator_cpu / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / max(len(self.latencies) + self.errors, 1)

    def p(self, share: float) -> float:
        return percentile_ms(sorted(self.latencies), share)

    def answer_p(self, share: float) -> float:
        return percentile_ms(sorted(self.answer_times), share)

    @property
    def answers_per_s(self) -> float:
        return len(self.answer_times) / self.answering if self.answering else 0.0


async def run_level(
    urls: dict[str, str], pids: dict[str, int], standin: str, level: int, sent: dict[str, int], args
) -> dict:
    hooks = f"{standin}/response"
    tallies = {name: Tally(sent=sent[name]) for name in urls}
    timeout = ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with contextlib.AsyncExitStack() as stack:
        track = await stack.enter_async_context(ClientSession(timeout=timeout))
        sessions = {
            name: await stack.enter_async_context(
                ClientSession(connector=TCPConnector(limit=level), timeout=timeout)
            )
            for name in urls
        }

        async def send(name: str, count: int, sent_at: dict) -> tuple[float, float, list[float], int]:
            batch = signed_commands(count, tallies[name].sent, hooks, name)
            tallies[name].sent += count
            wall, generator_before = time.time(), time.process_time()
            elapsed, latencies, errors = await fire(sessions[name], urls[name], batch, level, sent_at)
            tallies[name].generator_cpu += time.process_time() - generator_before
            return wall, elapsed, latencies, errors

        for name in urls:  # warm-up: connections open, caches and auth.test filled
            await send(name, args.warmup, {})
            tallies[name].generator_cpu = 0.0
            await drain(track, standin, name, tallies[name].sent, args.drain_timeout)
        # Short rounds that alternate between the apps: on a shared machine the background load
        # changes by the second, and alternating lets it weigh on both apps alike.
        rounds = min(args.rounds, args.requests)
        for index in range(rounds):
            count = args.requests // rounds + (index < args.requests % rounds)
            for name in urls:
                cpu_before = cpu_seconds(pids[name])
                tally = tallies[name]
                wall, elapsed, latencies, errors = await send(name, count, tally.sent_at)
                tally.elapsed += elapsed
                tally.latencies += latencies
                tally.errors += errors
                # Drained before the other app's round, so one app's backlog never runs during the other's.
                tally.stats = await drain(track, standin, name, tally.sent, args.drain_timeout)
                tally.answering += tally.stats["last_at"] - wall
                # bolt returns an ack on a 10 ms poll, so an answer can arrive before its own ack.
                tally.lag = max(tally.lag, tally.stats["last_at"] - (wall + elapsed), 0.0)
                tally.cpu += cpu_seconds(pids[name]) - cpu_before
        arrivals = (await standin_stats(track, standin, arrivals=True))["arrivals"]
        for tally in tallies.values():
            for hook, sent in tally.sent_at.items():
                if hook in arrivals:
                    tally.answer_times.append(max(arrivals[hook] - sent, 0.0))
                else:
                    tally.unanswered += 1
    return tallies


async def run_levels(
    urls: dict[str, str], pids: dict[str, int], standin: str, args
) -> list[tuple[int, dict]]:
    rows = []
    sent = dict.fromkeys(urls, 0)
    for level in args.levels:
        tallies = await run_level(urls, pids, standin, level, sent, args)
        sent = {name: tally.sent for name, tally in tallies.items()}
        rows.append((level, tallies))
        print(f"# level {level} done", file=sys.stderr, flush=True)
    return rows


# --- report ------------------------------------------------------------------------------------


def ratio(ours: Tally, limit: Tally) -> float:
    return ours.rps / limit.rps if limit.rps else 0.0


def report(rows: list[tuple[int, dict]], args) -> bool:
    print(
        f"{args.requests} signed /aiguide commands per level and app, in {args.rounds} alternating rounds, "
        f"after {args.warmup} warm-up. Time to answer: command sent -> its answer received at response_url; "
        "ack: HTTP response received by the client"
    )
    print()
    print(
        f"{'level':>5}  {'answer p50/p99 ms (aiguide)':>27}  {'(bare)':>15}  {'answers/s':>15}  {'share':>5}  "
        f"{'ack p99/max ms':>15}  {'ack req/s':>13}  {'errors':>6}  {'server CPU ms/cmd':>17}  {'load gen busy':>13}"
    )
    for level, tallies in rows:
        ours, limit = tallies["aiguide"], tallies["bare"]
        share = ours.answers_per_s / limit.answers_per_s if limit.answers_per_s else 0.0
        print(
            f"{level:>5}  {ours.answer_p(0.5):>12.0f} / {ours.answer_p(0.99):<12.0f}  "
            f"{limit.answer_p(0.5):>6.0f} / {limit.answer_p(0.99):<6.0f}  "
            f"{ours.answers_per_s:>6.0f} / {limit.answers_per_s:<6.0f}  {share:>5.0%}  "
            f"{ours.p(0.99):>6.1f} / {max(ours.latencies or [0]) * 1000:<6.0f}  "
            f"{ours.rps:>5.0f} / {limit.rps:<5.0f}  {ours.errors + limit.errors + ours.unanswered:>6}  "
            f"{ours.cpu_ms:>7.2f} / {limit.cpu_ms:<7.2f}  {ours.generator_busy:>5.0%} / {limit.generator_busy:<5.0%}"
        )
    final = rows[-1][1]["aiguide"]
    print()
    print(
        f"apologies in aiguide's answers: {final.stats['sorry']}; Web API calls (both apps): "
        + ", ".join(f"{method} {count}" for method, count in sorted(final.stats["api"].items()))
    )
    print("answers/s (aiguide / bare): commands answered per second, first request to last answer")
    print("server CPU ms/cmd: the server process's CPU time per command, answers included")
    print(
        "load gen busy: the load generator's share of its CPU while sending; near 100% means it set the pace"
    )
    at_target = [tallies for level, tallies in rows if level == TARGET_LEVEL]
    if not at_target:
        print(f"targets are judged at {TARGET_LEVEL} concurrent requests; add it to --levels")
        return True
    ours, limit = at_target[0]["aiguide"], at_target[0]["bare"]
    share = ours.answers_per_s / limit.answers_per_s if limit.answers_per_s else 0.0
    all_answered = ours.unanswered == 0 and ours.errors == 0 and final.stats["sorry"] == 0
    answer_ok = ours.answer_p(0.99) < ANSWER_P99_TARGET_MS and all_answered
    share_ok = share >= ANSWERS_TARGET
    slowest_ack = max(ours.latencies or [math.inf]) * 1000
    ack_ok = slowest_ack < ACK_LIMIT_MS
    print()
    print(
        f"time to answer at {TARGET_LEVEL}: p50 {ours.answer_p(0.5):.0f} ms, p99 {ours.answer_p(0.99):.0f} ms   "
        f"{'PASS' if answer_ok else 'MISS'} (target p99 < {ANSWER_P99_TARGET_MS:g} ms, every command answered)"
    )
    print(
        f"answers at {TARGET_LEVEL}: {share:.0%} of bare   {'PASS' if share_ok else 'MISS'} "
        f"(target >= {ANSWERS_TARGET:.0%})"
    )
    print(
        f"slowest ack at {TARGET_LEVEL}: {slowest_ack:.0f} ms   {'PASS' if ack_ok else 'MISS'} "
        f"(Slack's limit {ACK_LIMIT_MS:g} ms)"
    )
    print(
        f"secondary, ack throughput at {TARGET_LEVEL}: {ratio(ours, limit):.0%} of bare, p99 ack {ours.p(0.99):.1f} ms"
    )
    return answer_ok and share_ok and ack_ok


def print_profile(path: str, top: int) -> None:
    import pstats

    print()
    print(f"aiguide server profile, main thread only (cProfile slows it: the figures above are low): {path}")
    pstats.Stats(path).sort_stats("tottime").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--levels", type=lambda s: [int(n) for n in s.split(",")], default=[1, 10, 25, 50],
        help="comma-separated concurrency levels (default 1,10,25,50)",
    )  # fmt: skip
    parser.add_argument("--requests", type=int, default=500, help="measured requests per level and app")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds the requests are split in")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests per level and app")
    parser.add_argument(
        "--drain-timeout", type=float, default=60.0, help="seconds to wait for aiguide's background answers"
    )
    parser.add_argument("--no-pin", action="store_true", help="let the OS place the processes on CPUs")
    parser.add_argument(
        "--profile", metavar="FILE", help="run the aiguide server under cProfile, stats to FILE"
    )
    parser.add_argument("--top", type=int, default=30, help="profile lines to print with --profile")
    args = parser.parse_args()
    if min(args.levels) < 1 or args.requests < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("levels, --requests and --rounds must be positive, --warmup not negative")

    # spawn, not fork: each child starts with a clean interpreter and no copy of the parent's state.
    context = multiprocessing.get_context("spawn")
    server_cpus, client_cpus = (None, None) if args.no_pin else cpu_split()
    pin(client_cpus)
    children: list[Child] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="aiguide-slack-bench-") as workdir:
        try:
            standin = Child(context, run_standin, client_cpus)
            children.append(standin)
            api_url = f"{standin.url}/api/"
            aiguide = Child(context, run_server, "aiguide", api_url, workdir, server_cpus, args.profile)
            children.append(aiguide)
            bare = Child(context, run_server, "bare", api_url, workdir, server_cpus, None)
            children.append(bare)
            # The pid is for attaching a sampling profiler (py-spy) to the server while it is loaded.
            print(f"# aiguide server pid {aiguide.process.pid}", file=sys.stderr, flush=True)
            urls = {"aiguide": f"{aiguide.url}/slack/events", "bare": f"{bare.url}/slack/events"}
            pids = {"aiguide": aiguide.process.pid, "bare": bare.process.pid}
            rows = asyncio.run(run_levels(urls, pids, standin.url, args))
        finally:
            for child in reversed(children):
                with contextlib.suppress(Exception):
                    child.close()
    placement = (
        f"servers pinned to CPU {sorted(server_cpus)}, load generator and Slack stand-in to CPU "
        f"{sorted(client_cpus)}"
        if server_cpus
        else "no CPU pinning"
    )
    print(f"{placement}; load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    report(rows, args)
    if args.profile:
        print_profile(args.profile, args.top)
    return 0  # a benchmark reports; the PASS/MISS lines say whether targets were met


if __name__ == "__main__":
    sys.exit(main())
