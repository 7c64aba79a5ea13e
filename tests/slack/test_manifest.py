"""The generated Slack app manifest validates against Slack's published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from bot.cli import app

SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "schemas"
    / "slack-manifest"
    / "manifest.schema.1.0.0.json"
)
runner = CliRunner()


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.exists():
        pytest.skip(
            f"Slack's manifest schema is read from ../shared ({SCHEMA}), which this clone does not have"
        )
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


@pytest.mark.parametrize("args", [["--url", "https://aiguide.brightline.example"], ["--socket"]])
def test_manifest_validates(validator, args):
    result = runner.invoke(app, ["manifest", "slack", *args])
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert list(validator.iter_errors(manifest)) == []
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == ["/aiguide", "/aitools", "/aiwin", "/airequest"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert {"commands", "chat:write", "im:history", "app_mentions:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
    if args[0] == "--socket":
        assert manifest["settings"]["socket_mode_enabled"] is True
        assert "request_url" not in manifest["settings"]["event_subscriptions"]
    else:
        assert (
            manifest["settings"]["event_subscriptions"]["request_url"]
            == "https://aiguide.brightline.example/slack/events"
        )
        assert (
            manifest["settings"]["interactivity"]["request_url"]
            == "https://aiguide.brightline.example/slack/events"
        )


def test_the_schema_catches_a_broken_manifest(validator):
    manifest = json.loads(runner.invoke(app, ["manifest", "slack", "--socket"]).output)
    manifest["features"]["slash_commands"][0]["command"] = "aiguide"  # no leading slash
    assert list(validator.iter_errors(manifest))


def test_manifest_needs_a_url_or_socket_mode():
    result = runner.invoke(app, ["manifest", "slack"])
    assert result.exit_code == 2 and "Give --url https://YOUR-HOST" in result.output
    insecure = runner.invoke(app, ["manifest", "slack", "--url", "http://x.example"])
    assert insecure.exit_code == 2 and "https://" in insecure.output
