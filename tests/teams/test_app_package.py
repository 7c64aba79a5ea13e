"""The Teams app package: a manifest valid against the schema of the version it declares, and two icons."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import zipfile
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = Path(
    os.environ.get(
        "AIGUIDE_TEAMS_SCHEMAS", ROOT / ".cache/teams-app-manifest/package/build/json-schemas/teams"
    )
)
APP_ID = "7c1f9a2e-1111-4222-8333-944455556666"
runner = CliRunner()


def package(tmp_path) -> zipfile.ZipFile:
    out = tmp_path / "aiguide-teams.zip"
    result = runner.invoke(app, ["manifest", "teams", "--app-id", APP_ID, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(io.BytesIO(out.read_bytes()))


def test_manifest_validates_against_its_declared_schema(tmp_path):
    manifest = json.loads(package(tmp_path).read("manifest.json"))
    schema_file = SCHEMAS / f"v{manifest['manifestVersion']}" / "MicrosoftTeams.schema.json"
    if not schema_file.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{schema_file} missing: `make test` fetches it with npm")
        pytest.skip(f"Teams manifest schema not fetched ({schema_file}); `make test` fetches it with npm")
    validator = jsonschema.Draft4Validator(json.loads(schema_file.read_text()))
    assert [e.message for e in validator.iter_errors(manifest)] == []
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    # The registry's order: the commands people use most first, help last.
    assert [c["title"] for c in bot["commandLists"][0]["commands"]] == [
        "tools",
        "win",
        "me",
        "request",
        "help",
    ]
    broken = {**manifest, "accentColor": "blue"}
    assert list(validator.iter_errors(broken))


def test_icons_are_pngs_of_the_sizes_teams_requires(tmp_path):
    archive = package(tmp_path)
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    for name, size in (("color.png", 192), ("outline.png", 32)):
        data = archive.read(name)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (size, size)


def test_bad_app_id_is_explained(tmp_path):
    result = runner.invoke(app, ["manifest", "teams", "--app-id", "my-bot", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "is not an app id" in result.output


def test_a_personal_tab_shows_the_approved_tools_page_when_the_address_is_known(tmp_path):
    out = tmp_path / "tab.zip"
    result = runner.invoke(app, ["manifest", "teams", "--app-id", APP_ID, "--out", str(out),
                                 "--public-url", "https://aiguide.brightline.example/"])  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("manifest.json"))
    (tab,) = manifest["staticTabs"]
    assert tab["contentUrl"] == "https://aiguide.brightline.example/tools" and tab["scopes"] == ["personal"]
    assert manifest["validDomains"] == ["aiguide.brightline.example"]
    schema_file = SCHEMAS / f"v{manifest['manifestVersion']}" / "MicrosoftTeams.schema.json"
    if schema_file.exists():
        validator = jsonschema.Draft4Validator(json.loads(schema_file.read_text()))
        assert [e.message for e in validator.iter_errors(manifest)] == []
    plain = runner.invoke(app, ["manifest", "teams", "--app-id", APP_ID, "--out", str(out),
                                "--public-url", "http://aiguide.local"])  # fmt: skip
    assert plain.exit_code == 2 and "https://" in plain.output


def test_the_declared_manifest_version_is_the_newest_the_schema_package_has():
    if not SCHEMAS.exists():
        pytest.skip(f"Teams manifest schemas not fetched ({SCHEMAS}); `make test` fetches them with npm")
    versions = [p.name[1:] for p in SCHEMAS.iterdir() if re.fullmatch(r"v\d+\.\d+", p.name)]
    newest = max(versions, key=lambda v: tuple(map(int, v.split("."))))
    from bot.teams.package import MANIFEST_VERSION

    assert newest == MANIFEST_VERSION
