"""GET /tools: the approved-tools page, rendered on the server from the knowledge base in force (a
policy reload shows at the next page load). Every string is escaped by Jinja2's autoescape; the page
runs no inline script, and its Content-Security-Policy allows only its own stylesheet and script."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from importlib import resources

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from handlers.services import Services
from handlers.tools_matrix import ToolRow, matrix

MARKS = {"allowed": "✓", "conditional": "!", "not_allowed": "✗"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self' "
    "https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.office.com",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

_environment = Environment(
    loader=PackageLoader("bot.web", "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True
)


def _asset(name: str) -> bytes:
    return (resources.files("bot.web") / "templates" / name).read_bytes()


def _safe_url(url: str | None) -> str | None:
    """Only a web address becomes a link: a `javascript:` URL in the knowledge base stays off the page."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _matches(tool: ToolRow, query: str, data: str) -> bool:
    """The same test the page's script applies as you type."""
    named = not query or query.lower() in f"{tool.name} {tool.vendor}".lower()
    return named and (not data or data in tool.allowed_classes)


def mount(app: web.Application, services: Services, *, prefix: str = "") -> None:
    template = _environment.get_template("tools.html")
    assets = {
        "tools.css": ("text/css", _asset("tools.css")),
        "tools.js": ("text/javascript", _asset("tools.js")),
    }

    async def page(request: web.Request) -> web.Response:
        policy = matrix(services.knowledge)
        policy = replace(policy, policy_url=_safe_url(policy.policy_url))
        query = request.query.get("q", "").strip()[:100]
        data = request.query.get("data", "")
        visible = {t.id for t in policy.tools if _matches(t, query, data)}
        html = template.render(
            m=policy, marks=MARKS, base=prefix, shown=f"{services.clock():%d %B %Y}", q=query, data=data,
            visible=visible, shown_count=len(visible),
        )  # fmt: skip
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=SECURITY_HEADERS)

    def asset(name: str) -> Callable:
        content_type, body = assets[name]

        async def serve(_request: web.Request) -> web.Response:
            return web.Response(body=body, content_type=content_type, headers=SECURITY_HEADERS)

        return serve

    app.router.add_get(f"{prefix}/tools", page)
    for name in assets:
        app.router.add_get(f"{prefix}/{name}", asset(name))
