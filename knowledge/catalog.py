"""The bundled catalog of well-known AI products the knowledge base may not list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOG_FILE = Path(__file__).parent / "catalog.yaml"


@dataclass(frozen=True)
class Product:
    name: str
    aliases: tuple[str, ...]
    name_is_alias: bool = True  # False for names that are everyday words ("Bolt", "Pi", "Runway")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases) if self.name_is_alias else self.aliases


@dataclass(frozen=True)
class Catalog:
    products: tuple[Product, ...]
    ordinary_words: tuple[str, ...]


@cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    # libyaml when present: the pure-Python parser alone costs a tenth of a second at every start
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    products = tuple(
        Product(
            name=str(item["name"]),
            aliases=tuple(str(a) for a in item.get("aliases", ())),
            name_is_alias=bool(item.get("name_is_alias", True)),
        )
        for item in raw["products"]
    )
    return Catalog(products=products, ordinary_words=tuple(str(w) for w in raw.get("ordinary_words", ())))
