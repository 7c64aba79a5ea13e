"""One emoji per answer status, the same on every surface."""

from handlers.model import Status

STATUS_ICON = {
    Status.ALLOWED: "✅",
    Status.CONDITIONAL: "⚠️",
    Status.NOT_ALLOWED: "⛔",
    Status.UNKNOWN_TOOL: "❓",
    Status.INFO: "💡",
    Status.SUCCESS: "✅",
    Status.ERROR: "❗",
}
