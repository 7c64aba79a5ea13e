"""German compounds read as the words they are made of: "Passagierliste" as "Passagier Liste",
"Reisepassdaten" as "Reisepass Daten".

German writes a kind of data as one word, so no phrase list can hold them all. A word the catalogs do
not know is split when it ends in a general word for data (Liste, Daten, Akte...) and what comes
before it (less a linking "s", "n", "en", "e" or "es") is a word they do know: a person whose data it
is, or a kind of data. The parts are then read like any two words.
"""

from __future__ import annotations

from collections.abc import Callable

from knowledge.phrases import Token, stem

# General words for what holds data, as the last part of a compound; the longest is tried first.
DATA_ENDINGS = tuple(
    sorted(
        {"liste", "listen", "daten", "akte", "akten", "datei", "dateien", "namen", "adressen", "nummer",
         "nummern", "unterlagen", "angaben", "informationen", "infos", "dokumente", "dokumentation",
         "bericht", "berichte", "tabelle", "tabellen", "verzeichnis", "kartei", "dossier", "dossiers",
         "protokoll", "protokolle", "notizen", "formular", "formulare", "export", "auszug", "historie",
         "verlauf", "fotos", "bilder", "kopie", "kopien", "scan", "scans", "verfahren", "vorgaben",
         "kontakte", "mails", "profil", "profile"},
        key=len,
        reverse=True,
    )
)  # fmt: skip
_LINKS = ("es", "en", "s", "n", "e", "")
MIN_PART = 4  # shorter first parts ("Ab-", "Ver-") are prefixes, not words


def split_compounds(tokens: list[Token], heads: frozenset[str], known: Callable[[str], bool]) -> list[Token]:
    """`heads`: first parts worth splitting off (folded words); `known(word)`: the catalogs or the
    knowledge base read the whole word already, so it stays whole."""
    result: list[Token] = []
    for token in tokens:
        parts = _parts(token.text, heads) if len(token.text) >= MIN_PART + 4 else None
        if parts is None or known(token.text):
            result.append(token)
            continue
        first, last = parts
        result.append(Token(first, stem(first), token.clause))
        result.append(Token(last, stem(last), token.clause))
    return result


def _parts(word: str, heads: frozenset[str]) -> tuple[str, str] | None:
    for ending in DATA_ENDINGS:
        if not word.endswith(ending) or len(word) - len(ending) < MIN_PART:
            continue
        front = word[: -len(ending)]
        for link in _LINKS:
            if link and not front.endswith(link):
                continue
            first = front[: len(front) - len(link)] if link else front
            if len(first) >= MIN_PART and (first in heads or front in heads):
                return (front if front in heads else first), ending
    return None
