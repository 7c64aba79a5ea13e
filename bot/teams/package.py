"""The Teams app package: manifest.json and the two icons, zipped, ready to upload to Teams."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from urllib.parse import urlsplit

from handlers.commands import build_registry
from handlers.registry import Menu, Registry

MANIFEST_VERSION = "1.30"  # the newest in @microsoft/app-manifest 1.1.2 (the schemas the tests load)
ACCENT = "#1D3557"


def manifest(
    app_id: str,
    *,
    name: str = "aiguide",
    version: str = "1.0.0",
    website: str = "https://aiguide.example",
    tools_url: str | None = None,
    registry: Registry | None = None,
) -> dict:
    """With `tools_url` (https, aiguide serve's /tools page), a personal tab shows the approved tools.
    Its command list is the command registry's."""
    commands = [
        {"title": spec.name, "description": _described(spec.name, spec.menu)}
        for spec in registry or build_registry()
        if spec.menu is not None and spec.menu.teams
    ]
    tabs, domains = [], []
    if tools_url:
        tabs = [
            {
                "entityId": "approved-tools",
                "name": "Approved tools",
                "contentUrl": tools_url,
                "websiteUrl": tools_url,
                "scopes": ["personal"],
            }
        ]
        domains = [urlsplit(tools_url).netloc]
    built = {
        "$schema": f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": "IT",
            "websiteUrl": website,
            "privacyUrl": f"{website}/privacy",
            "termsOfUseUrl": f"{website}/terms",
        },
        "name": {"short": name[:30], "full": f"{name}: which AI tools may I use?"[:100]},
        "description": {
            "short": "Which AI tools may I use, for what, with which data?"[:80],
            "full": (
                "Ask in your own words whether you may use an AI tool, for what and with which data; the answer "
                "comes from the approved-tools list IT keeps, with the policy line it rests on and the approved "
                "alternative. Log the time AI saves you, and what it led to."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": ["personal", "team", "groupChat"], "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": domains,
    }
    if tabs:
        built["staticTabs"] = tabs
    return built


def _described(word: str, menu: Menu) -> str:
    """Teams shows no usage hint, so the description carries it (the command list allows 128 characters)."""
    text = f"{menu.description}: {word} {menu.hint}" if menu.hint else menu.description
    return text if len(text) <= 128 else menu.description[:128]


def _png(size: int, pixel) -> bytes:
    """A minimal RGBA PNG drawn by `pixel(x, y) -> (r, g, b, a)`; no imaging library needed for two icons."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _ring(size: int, colour: tuple[int, int, int], background: tuple[int, int, int, int]):
    centre, outer, inner = (size - 1) / 2, size * 0.42, size * 0.26

    def pixel(x: int, y: int):
        distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
        return (*colour, 255) if inner <= distance <= outer else background

    return pixel


def icons() -> dict[str, bytes]:
    return {
        "color.png": _png(192, _ring(192, (255, 255, 255), (0x1D, 0x35, 0x57, 255))),
        "outline.png": _png(
            32, _ring(32, (255, 255, 255), (0, 0, 0, 0))
        ),  # white on transparent, as Teams asks
    }


def app_package(app_id: str, **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest(app_id, **options), indent=2))
        for name, data in icons().items():
            archive.writestr(name, data)
    return buffer.getvalue()
