"""A throw-away PostgreSQL server for the tests, started from the binaries on the machine.

PostgreSQL refuses to run as root, so under root the server runs as `nobody` in a private
temporary directory; it listens only on a Unix socket there, and also on 127.0.0.1 when given a port.
`pause()` stops it and keeps its data, `resume()` starts it again: an outage of the database.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


class PostgresServer:
    def __init__(self, bindir: Path, port: int | None = None):
        self.bindir = bindir
        self.port = port  # also listen on 127.0.0.1:port (None: the Unix socket only)
        self._as_user: list[str] = []
        group = (
            _nogroup() if os.geteuid() == 0 else None
        )  # decided first: a failure leaves no directory behind
        self.root = Path(tempfile.mkdtemp(prefix="aiguide-pg-"))
        self.data = self.root / "data"
        if group is not None:
            shutil.chown(self.root, user="nobody", group=group)
            self._as_user = ["runuser", "-u", "nobody", "--"]
        os.chmod(self.root, 0o700)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, text=True)

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        self.resume()

    def resume(self) -> None:
        """Start the server on its existing data directory (after `start()` made it, or after `pause()`)."""
        listen = f"-c listen_addresses='127.0.0.1' -p {self.port}" if self.port else "-c listen_addresses=''"
        options = f"-k {self.root} {listen} -c fsync=off -c full_page_writes=off -c max_connections=200"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def pause(self, mode: str = "fast") -> None:
        """Stop the server and keep its data (`fast`: clients are disconnected, as a restart does;
        `immediate`: as a crash does); `resume()` starts it again."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", *, tcp: bool = False) -> str:
        """The SQLAlchemy URL over the Unix socket, or over TCP (`tcp=True`, with a port)."""
        if tcp:
            assert self.port, "this server was not given a TCP port"
            return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}"


def _nogroup() -> str:
    import grp

    for name in ("nogroup", "nobody"):
        try:
            grp.getgrnam(name)
            return name
        except KeyError:
            continue
    return "root"
