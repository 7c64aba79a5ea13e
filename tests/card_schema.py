"""Checks a Teams card as Teams reads it: the Adaptive Cards 1.5 schema for everything in it, and the
Teams card models (microsoft-teams-cards) for chart elements, which the schema does not know."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources

import jsonschema

MAX_BYTES = 28_000


@cache
def _validator() -> jsonschema.Draft6Validator:
    schema = json.loads(resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text())
    return jsonschema.Draft6Validator(schema)


@cache
def _chart_models() -> dict[str, type]:
    from microsoft_teams import cards

    models = {}
    for name in dir(cards):
        model = getattr(cards, name)
        field = getattr(model, "model_fields", {}).get("type")
        if field is not None and isinstance(field.default, str) and field.default.startswith("Chart."):
            models[field.default] = model
    return models


def _aliases(model) -> dict[str, object]:
    """The wire name of each field, with the model of what it holds where that is a model (or a list of)."""
    return {field.serialization_alias or field.alias or name: field.annotation
            for name, field in model.model_fields.items()}  # fmt: skip


def _nested(annotation, depth: int = 0) -> type | None:
    """The model inside Optional[...], List[...] or a union of them; None for plain values."""
    from typing import get_args

    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    if depth > 3:
        return None
    for arg in get_args(annotation):
        found = _nested(arg, depth + 1)
        if found is not None:
            return found
    return None


def _check_fields(value: dict, model, where: str, problems: list[str]) -> None:
    known = _aliases(model)
    for key, item in value.items():
        if key not in known:
            problems.append(f"{where}: {model.__name__} has no field {key!r}")
            continue
        inner = _nested(known[key])
        if key == "fallback" or inner is None:
            continue
        for n, child in enumerate(item if isinstance(item, list) else [item]):
            if isinstance(child, dict):
                _check_fields(child, inner, f"{where}.{key}[{n}]", problems)


def teams_card_problems(card: dict) -> list[str]:
    """Empty when Teams would take the card: charts named as its models name them, the rest (with each
    chart replaced by its fallback, as a client without charts shows it) valid under the schema, and
    under Teams' size limit."""
    problems: list[str] = []
    models = _chart_models()
    plain = copy.deepcopy(card)

    def walk(node, where: str):
        if isinstance(node, list):
            return [walk(item, f"{where}[{n}]") for n, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        kind = node.get("type", "")
        if isinstance(kind, str) and kind.startswith("Chart."):
            model = models.get(kind)
            if model is None:
                problems.append(f"{where}: Teams has no element {kind!r}")
            else:
                model.model_validate(node)
                _check_fields(node, model, where, problems)
            if not isinstance(node.get("fallback"), dict):
                problems.append(f"{where}: a chart needs a fallback element for clients that cannot draw it")
                return {"type": "TextBlock", "text": ""}
            return walk(node["fallback"], f"{where}.fallback")
        return {key: walk(value, f"{where}.{key}") for key, value in node.items()}

    plain = walk(plain, "card")
    problems += [error.message[:300] for error in _validator().iter_errors(plain)]
    size = len(json.dumps(card, ensure_ascii=False).encode())
    if size > MAX_BYTES:
        problems.append(f"the card is {size} bytes; Teams takes about {MAX_BYTES}")
    return problems
