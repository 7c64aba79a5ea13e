"""The table of settings in docs/deploy.md, generated from the settings model (bot.settings.Settings) and
the values the image sets (the Dockerfile's ENV).

    .venv/bin/python deploy/settings_table.py          # rewrite the table in docs/deploy.md
    .venv/bin/python deploy/settings_table.py --check  # exit 1 when the table is out of date

The table sits between two marker comments, START and END below; the rest of the file is left alone.
"""

from __future__ import annotations

import re
import shlex
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bot/ from this checkout, also when run as a plain script

from pydantic import AliasChoices  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402

from bot.settings import Settings  # noqa: E402

DOC = ROOT / "docs" / "deploy.md"
DOCKERFILE = ROOT / "Dockerfile"
START = "<!-- settings-table:start -->"
END = "<!-- settings-table:end -->"
COMMAND = ".venv/bin/python deploy/settings_table.py"


def env_names(name: str, field: FieldInfo) -> list[str]:
    """The environment variables a field is read from, the preferred one first."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    if isinstance(alias, str):
        return [alias]
    prefix = Settings.model_config.get("env_prefix", "")
    return [f"{prefix}{name}".upper()]


def all_env_names() -> dict[str, str]:
    """Every environment variable the settings read, mapped to its field's name."""
    return {env: name for name, field in Settings.model_fields.items() for env in env_names(name, field)}


def image_env(dockerfile: Path = DOCKERFILE) -> dict[str, str]:
    """The variables the runtime image sets (ENV lines of the Dockerfile's last stage)."""
    text = dockerfile.read_text(encoding="utf-8").replace("\\\n", " ")
    last_stage = re.split(r"^FROM\s", text, flags=re.M)[-1]
    found: dict[str, str] = {}
    for line in re.findall(r"^ENV\s+(.+)$", last_stage, flags=re.M):
        for word in shlex.split(line):
            key, sep, value = word.partition("=")
            if sep:
                found[key] = value
    return found


def _show(value: object) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    if value == "":
        return "empty"
    return f"`{value}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _choices(field: FieldInfo) -> list[str]:
    if typing.get_origin(field.annotation) is typing.Literal:
        return [str(choice) for choice in typing.get_args(field.annotation)]
    return []


def rows() -> list[tuple[str, str, str]]:
    in_image = image_env()
    table = []
    for name, field in Settings.model_fields.items():
        names = env_names(name, field)
        variable = f"`{names[0]}`" + "".join(f" (or `{other}`)" for other in names[1:])
        default = _show(field.default)
        image_values = [in_image[env] for env in names if env in in_image]
        if image_values and f"`{image_values[0]}`" != default:
            default += f"; the image sets `{image_values[0]}`"
        description = field.description or ""
        choices = _choices(field)
        if choices:
            description += " One of " + ", ".join(f"`{c}`" for c in choices) + "."
        table.append((_cell(variable), _cell(default), _cell(description)))
    return table


def table() -> str:
    lines = [
        f"<!-- Generated from bot/settings.py and the Dockerfile by `{COMMAND}`; do not edit by hand. -->",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
        *(f"| {variable} | {default} | {description} |" for variable, default, description in rows()),
    ]
    return "\n".join(lines)


def with_table(document: str) -> str:
    """`document` with the text between the markers replaced by the current table."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), flags=re.S)
    if len(pattern.findall(document)) != 1:
        raise ValueError(f"expected one {START} ... {END} block")
    return pattern.sub(lambda _match: f"{START}\n{table()}\n{END}", document)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    current = DOC.read_text(encoding="utf-8")
    wanted = with_table(current)
    if current == wanted:
        return 0
    if check:
        print(f"{DOC.relative_to(ROOT)}: the settings table is out of date; run `{COMMAND}`", file=sys.stderr)
        return 1
    DOC.write_text(wanted, encoding="utf-8")
    print(f"{DOC.relative_to(ROOT)}: settings table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
