"""`aiguide serve` as an operator starts it: a real process, configured only by environment variables."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from aiohttp import ClientError, ClientSession

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """Started with `await start()`, stopped with `await stop()` (SIGTERM, as a deploy stops a replica) or
    `await kill()` (SIGKILL: a crash, an out-of-memory kill).

    `port` keeps a replica's address across restarts (a new ServerProcess on the same port), and `log_name`
    gives each start its own log file in `workdir`."""

    def __init__(
        self,
        workdir: Path,
        env: dict[str, str],
        command: list[str] | None = None,
        *,
        port: int | None = None,
        log_name: str = "serve.log",
    ):
        self.command = command or [sys.executable, "-m", "bot", "serve"]
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log_path = workdir / log_name
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("AIGUIDE_", "SLACK_", "MICROSOFT_"))}
        self.env = {
            **keep,
            "AIGUIDE_HOST": "127.0.0.1",
            "AIGUIDE_PORT": str(self.port),
            "AIGUIDE_DATA_DIR": str(workdir),
            "AIGUIDE_CACHE_DIR": str(workdir / "cache"),
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.returncode: int | None = None

    async def start(self, timeout: float = 30.0) -> ServerProcess:
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command, cwd=self.workdir, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        async with ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"aiguide serve exited with {self.process.returncode}:\n{self.log()}")
                try:
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status < 500:
                            return self
                except ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"aiguide serve did not answer /healthz in {timeout} s:\n{self.log()}")

    async def stop(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self._log.close()
        self.returncode = self.process.returncode
        return self.returncode

    async def kill(self) -> int:
        """SIGKILL: no drain, no cleanup, as a crash or an out-of-memory kill."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.kill()
            while self.process.poll() is None:
                await asyncio.sleep(0.02)
        self._log.close()
        self.returncode = self.process.returncode
        return self.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
