"""Workflow Builder steps: "Check AI tool policy" and "Log an AI win", as bolt functions.

Slack lets an app offer custom steps only when it is org-ready (installed at the organisation level of an
Enterprise Grid, on a paid plan), so they are declared in the manifest on request
(`aiguide manifest slack --workflow-steps`); the listeners are always there and cost nothing unused.
A step runs the same commands as a message would, so its verdict is the policy engine's.
"""

from __future__ import annotations

from handlers.model import Actor, Address, Platform, Reply, Request, Status

CHECK_POLICY = "check_ai_policy"
LOG_WIN = "log_ai_win"


def _parameter(kind: str, title: str, description: str, *, required: bool = False, hint: str = "") -> dict:
    parameter = {"type": kind, "title": title, "description": description, "is_required": required}
    if hint:
        parameter["hint"] = hint
    return parameter


def _step(title: str, description: str, inputs: dict, outputs: dict) -> dict:
    def parameters(declared: dict) -> dict:
        return {
            "properties": declared,
            "required": [name for name, p in declared.items() if p["is_required"]],
        }

    return {
        "title": title,
        "description": description,
        "input_parameters": parameters(inputs),
        "output_parameters": parameters(outputs),
    }


def functions() -> dict:
    """The manifest's `functions`: what Workflow Builder shows for each step."""
    asker = _parameter(
        "slack#/types/user_id", "Who is asking", "Rules that depend on the person's group apply to them"
    )
    return {
        CHECK_POLICY: _step(
            "Check AI tool policy",
            "May this AI tool be used for this, with this information? The answer is the policy's.",
            {
                "question": _parameter(
                    "string",
                    "Question",
                    "The tool, the task and the kind of information",
                    required=True,
                    hint="Can I paste a client contract into ChatGPT?",
                ),
                "user_id": asker,
            },
            {
                "verdict": _parameter(
                    "string",
                    "Verdict",
                    "allowed, conditional, not_allowed, unknown_tool, or info (a question back, an overview)",
                    required=True,
                ),
                "answer": _parameter(
                    "string", "Answer", "The answer in words, with the policy line", required=True
                ),
            },
        ),
        LOG_WIN: _step(
            "Log an AI win",
            "Log time AI saved someone, and what it led to, for the leadership digest.",
            {
                "user_id": _parameter("slack#/types/user_id", "Person", "Whose win it is", required=True),
                "minutes": _parameter("integer", "Minutes saved", "Time saved, in minutes", required=True),
                "task": _parameter("string", "What AI helped with", "In a few words", required=True),
                "tool": _parameter("string", "Tool", "The AI tool used, e.g. Copilot"),
                "outcome": _parameter("string", "What it led to", "e.g. sent the proposal two days early"),
            },
            {"summary": _parameter("string", "Summary", "What was logged", required=True)},
        ),
    }


def check_request(event: dict, actor: Actor) -> Request:
    inputs = event.get("inputs") or {}
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=Address(platform=Platform.SLACK, channel=actor.user_id),
        text=str(inputs.get("question") or ""),
        command="ask",
        request_id=f"slack:step:{event.get('function_execution_id', '')}",
        # Each run stands alone: two runs for one person are not a conversation.
        conversation=f"step:{event.get('function_execution_id', '')}",
    )


def win_request(event: dict, actor: Actor) -> Request:
    inputs = event.get("inputs") or {}
    tool = str(inputs.get("tool") or "").strip()
    form = {"minutes": str(inputs.get("minutes") or ""), "task": str(inputs.get("task") or ""),
            "outcome": str(inputs.get("outcome") or "")}  # fmt: skip
    if tool:
        form |= {"tool": "other", "tool_other": tool}
    return Request(
        platform=Platform.SLACK,
        actor=actor,
        address=Address(platform=Platform.SLACK, channel=actor.user_id),
        command="win",
        form=form,
        request_id=f"slack:step:{event.get('function_execution_id', '')}",
    )


def in_words(reply: Reply) -> str:
    """A reply as plain text for a workflow's later steps (a message, a form, a spreadsheet row)."""
    lines = [reply.headline]
    for section in reply.sections:
        lines += [line for line in (section.title, section.text) if line]
        lines += [f"• {bullet}" for bullet in section.bullets]
        lines += [f"{fact.label}: {fact.value}" for fact in section.facts]
    if reply.footer:
        lines.append(reply.footer)
    return "\n".join(lines)


def failed(reply: Reply) -> str | None:
    """Why a win step did not log, in the words the person would have seen (None: it logged)."""
    if reply.status == Status.ERROR:
        return in_words(reply)
    return None
