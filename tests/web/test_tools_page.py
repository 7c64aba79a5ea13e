"""The approved-tools page of the running `aiguide serve`, loaded in a real headless browser (Debian's
chromium, installed by .ci/run): every tool and class, table semantics, the search as a person uses
it, a screenshot, and no knowledge-base string ever run as HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from aiohttp import ClientSession
from fakes.server_process import ServerProcess

from handlers.tools_matrix import matrix
from knowledge import EXAMPLE_DIR, load_knowledge

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="no headless browser here: install Debian's chromium (.ci/run does)"
)
HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


def browse(url: str, *extra: str) -> str:
    """The page's DOM after its script ran, as chromium serialises it."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000", *extra,
         "--dump-dom", url],
        capture_output=True, text=True, timeout=90, check=True,
    )  # fmt: skip
    return done.stdout


def hostile_kb(tmp_path: Path) -> Path:
    """The example policy, with a tool name, an edition and the policy link an attacker would write."""
    kb_dir = tmp_path / "kb"
    shutil.copytree(EXAMPLE_DIR, kb_dir)
    tools = yaml.safe_load((kb_dir / "tools.yaml").read_text())
    tools["tools"][0]["name"] = f"Chat {HOSTILE}"
    tools["tools"][0]["edition"] = "<b>bold</b> & co"
    (kb_dir / "tools.yaml").write_text(yaml.safe_dump(tools, allow_unicode=True))
    policy = yaml.safe_load((kb_dir / "policy.yaml").read_text())
    policy["policy"]["url"] = "javascript:document.title='pwned'"
    (kb_dir / "policy.yaml").write_text(yaml.safe_dump(policy, allow_unicode=True))
    return kb_dir


@pytest.fixture
async def server(tmp_path):
    process = ServerProcess(tmp_path, {"AIGUIDE_KNOWLEDGE_DIR": str(hostile_kb(tmp_path))})
    await process.start()
    yield process
    assert await process.stop() == 0


@needs_browser
async def test_every_tool_and_class_in_a_table_a_screen_reader_can_walk(server, tmp_path):
    kb = load_knowledge(tmp_path / "kb")
    dom = browse(f"{server.url}/tools")
    assert "<caption>" in dom
    assert dom.count('<th scope="row">') == len(kb.tools)
    assert dom.count('<th scope="col"') == len(kb.data_classes) + 4
    for data_class in kb.data_classes:
        assert f">{data_class.name}</th>" in dom
    for tool in kb.tools[1:]:
        assert f'<span class="name">{tool.name}</span>' in dom
    # Each cell says what the bot would answer for that tool and class, in words, not colour alone.
    expected = matrix(kb)
    cells = re.findall(r'<td class="cell (\w+)">', dom)
    assert cells == [c.verdict for t in expected.tools for c in t.cells]
    assert f"{len(kb.tools)} of {len(kb.tools)} tools" in dom  # the script ran
    shot = tmp_path / "tools.png"
    browse(f"{server.url}/tools", f"--screenshot={shot}", "--window-size=1400,1000")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@needs_browser
async def test_no_knowledge_base_string_runs_as_html(server):
    dom = browse(f"{server.url}/tools")
    assert "<title>Approved AI tools at" in dom and "pwned" not in dom.split("</title>")[0]
    assert "<img" not in dom and dom.count("<script") == 1  # only the page's own script
    assert "Chat &lt;img src=x onerror=" in dom and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in dom
    assert "javascript:" not in dom  # a link that is not a web address is left out


@needs_browser
async def test_searching_for_a_tool_and_for_what_it_may_take(server, tmp_path):
    kb = load_knowledge(tmp_path / "kb")
    copilots = [t for t in kb.tools if "copilot" in f"{t.name} {t.vendor}".lower()]
    dom = browse(f"{server.url}/tools?q=copilot")
    assert f"{len(copilots)} of {len(kb.tools)} tools" in dom
    shown = re.findall(r'<tr id="tool-([\w-]+)" data-name', dom)  # rows without `hidden`
    assert sorted(shown) == sorted(t.id for t in copilots)
    restricted = browse(f"{server.url}/tools?data={kb.data_classes[-1].id}")
    takes = [t for t in matrix(kb).tools if kb.data_classes[-1].id in t.allowed_classes]
    assert f"{len(takes)} of {len(kb.tools)} tools" in restricted


async def test_the_page_is_served_with_a_strict_policy_and_can_be_switched_off(server, tmp_path):
    async with ClientSession() as session, session.get(f"{server.url}/tools") as response:
        assert response.status == 200
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy
    off = ServerProcess(tmp_path / "off", {"AIGUIDE_TOOLS_PAGE": "false"})
    (tmp_path / "off").mkdir()
    await off.start()
    try:
        async with ClientSession() as session, session.get(f"{off.url}/tools") as response:
            assert response.status == 404
    finally:
        assert await off.stop() == 0


async def test_answers_and_the_home_page_link_to_the_page_once_its_address_is_known(kb):
    from dataclasses import replace

    from handlers.commands import build_router
    from handlers.model import Actor, Address, Platform, Request
    from handlers.services import Services

    def asking(text: str) -> Request:
        return Request(platform=Platform.CONSOLE, actor=Actor(user_id="U1"),
                       address=Address(platform=Platform.CONSOLE, channel="t"), text=text, request_id="r1")  # fmt: skip

    services = Services(knowledge=kb)
    plain = await build_router().dispatch(asking("is Otter ok?"), services)
    assert "/tools" not in plain.footer
    linked = replace(services, tools_url="https://aiguide.example.com/tools")
    answer = await build_router().dispatch(asking("is Otter ok?"), linked)
    assert answer.footer.endswith("Every approved tool: https://aiguide.example.com/tools")
    home = await build_router().dispatch(asking("home"), linked)
    assert any(
        s.title == "Every approved tool" and "https://aiguide.example.com/tools" in s.text
        for s in home.sections
    )


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_text_colour_of_the_page_meets_wcag_aa_in_light_and_dark_themes():
    css = (Path(__file__).resolve().parents[2] / "bot/web/templates/tools.css").read_text()
    light = dict(
        re.findall(r"--([\w-]+): (#[0-9a-f]{6})", css.split("@media (prefers-color-scheme: dark)")[0])
    )
    dark = {
        **light,
        **dict(
            re.findall(
                r"--([\w-]+): (#[0-9a-f]{6})",
                css.split("@media (prefers-color-scheme: dark)")[1].split("}")[0],
            )
        ),
    }
    pairs = [
        ("fg", "bg"),
        ("muted", "bg"),
        ("focus", "bg"),
        ("ok-fg", "ok-bg"),
        ("cond-fg", "cond-bg"),
        ("no-fg", "no-bg"),
    ]
    for theme, colours in (("light", light), ("dark", dark)):
        for fg, bg in pairs:
            ratio = contrast(colours[fg], colours[bg])
            assert ratio >= 4.5, f"{theme}: {fg} on {bg} is {ratio:.2f}:1"
    assert contrast("#777777", "#ffffff") < 4.5  # the check can fail
