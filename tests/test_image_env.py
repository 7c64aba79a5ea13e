"""The environment the Dockerfile builds, built here the same way (no container engine on this machine):
its `aiguide serve` starts against PostgreSQL and answers /healthz, /readyz and /metrics."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import ClientSession
from fakes.server_process import ServerProcess
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
SOURCES = ("pyproject.toml", "README.md", "constraints.txt", "bot", "handlers", "knowledge", "storage")


def _install_command() -> list[str]:
    (line,) = [
        m.group(1) for m in re.finditer(r"^RUN python -m venv /opt/aiguide && (.+)$", DOCKERFILE, re.M)
    ]
    return line.split()


def test_the_image_is_slim_non_root_and_serves_with_a_health_check():
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert len(stages) == 2 and all(s.endswith("-slim") for s in stages)
    assert re.search(r"^USER 10001$", DOCKERFILE, re.M)
    assert 'ENTRYPOINT ["aiguide"]' in DOCKERFILE and 'CMD ["serve"]' in DOCKERFILE
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE and "ca-certificates" in DOCKERFILE
    assert _install_command() == [
        "/opt/aiguide/bin/pip",
        "install",
        "--no-cache-dir",
        "-c",
        "constraints.txt",
        ".",
    ]
    for path in SOURCES[:3]:
        assert re.search(rf"^COPY .*\b{re.escape(path)}\b", DOCKERFILE, re.M), path


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        for file in (
            sorted(p for p in (ROOT / name).rglob("*") if p.is_file())
            if (ROOT / name).is_dir()
            else [ROOT / name]
        ):
            if "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def image_env() -> Path:
    """/opt/aiguide of the image: the build stage's sources, a venv, the Dockerfile's own pip command.
    Built once per content (the suite's runs at other dates reuse it)."""
    home = ROOT / ".cache" / "image-env" / _fingerprint()
    if (home / "ok").exists():
        return home / "venv"
    shutil.rmtree(home, ignore_errors=True)
    src = home / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, src / name)
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    command = [str(venv / "bin" / "pip"), *_install_command()[1:]]
    built = subprocess.run(command, cwd=src, capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (home / "ok").write_text("built\n")
    for older in home.parent.iterdir():  # one environment is kept: the latest sources'
        if older != home:
            shutil.rmtree(older, ignore_errors=True)
    return venv


async def test_the_image_environment_serves_on_postgresql(image_env, postgres, tmp_path):
    import uuid

    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    server = ServerProcess(
        tmp_path, {"AIGUIDE_DATABASE_URL": postgres.url(name), "AIGUIDE_TEAMS_DEV_MODE": "true"},
        command=[str(image_env / "bin" / "aiguide"), "serve"],
    )  # fmt: skip
    try:
        await server.start(timeout=60)
        async with ClientSession() as session:
            async with session.get(f"{server.url}/healthz") as health:
                alive = await health.json()
            async with session.get(f"{server.url}/readyz") as readiness:
                ready = await readiness.json()
            async with session.get(f"{server.url}/metrics") as response:
                families = {f.name for f in text_string_to_metric_families(await response.text())}
            async with (
                session.get(f"{server.url}/tools") as page,
                session.get(f"{server.url}/tools.css") as css,
            ):
                tools_page = (page.status, css.status, await page.text())  # its templates are in the package
    finally:
        assert await server.stop() == 0, server.log()[-2000:]
    assert health.status == 200 and alive["status"] == "ok" and alive["database"] == "ok"
    assert readiness.status == 200 and ready["status"] == "ready" and ready["policy_version"]
    assert {"aiguide_requests", "aiguide_deliveries", "aiguide_answer_seconds"} <= families
    assert tools_page[:2] == (200, 200) and "<caption>" in tools_page[2]
    # The installed package is the image's, not this checkout's.
    assert (
        str(image_env)
        in subprocess.run(
            [str(image_env / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        ).stdout
    )
