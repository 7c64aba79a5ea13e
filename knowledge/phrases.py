"""Finding known phrases in free text despite case, spacing, punctuation, plurals and small typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ß": "ss"})  # "außer" reads as "ausser"
# Cyrillic and Greek letters that look Latin: "раyroll" typed with a Cyrillic р and а is still payroll.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁӏԛԝкмнтвгαβεικνορτυχοΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
    "aeopcyxijsdlqwkmhtbraβeiknoptuxoabehikmnoptxyz",
)
_ENGLISH = snowballstemmer.stemmer("english")
_NOT = re.compile(r"n't\b")
_POSSESSIVE = re.compile(r"'s\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:\+\+|#)?|[.,;:!?()\[\]\n]")
_DASH = re.compile(r"(?:^|\s)[-–—]+(?=\s|$)|[–—]")
_BOUNDARY = set(".,;:!?()[]\n")
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "approx", "dept", "inc", "ltd", "nr",
     "ref", "sr", "jr", "eg", "ie", "sra", "srta", "mme", "mlle", "bzw", "usw"}
)  # fmt: skip


class Token(NamedTuple):  # a tuple: texts are read by the thousand when the catalogs load
    text: str  # as typed, lower-cased
    stem: str  # plural-folded, used for matching
    clause: int  # tokens in different clauses never negate each other


def stem(word: str) -> str:
    """Fold plurals so 'contracts' finds 'contract' and 'ChatGPTs' finds 'ChatGPT'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) >= 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """The word's root, so that 'ranking', 'ranked' and 'rank' meet; for data and use-case phrases,
    not tool names (where 'Bing' must stay 'bing')."""
    return _ENGLISH.stemWord(stem(word))


def tokenize(text: str) -> list[Token]:
    return list(_tokens(text))


def tokens_cache_clear() -> None:
    _tokens.cache_clear()


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[Token, ...]:
    # Catalog phrases are read again and again (index, overlap, typo lists): read each once.
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES).translate(_LOOKALIKES)
    if not text.isascii():  # "résumé" is read as "resume", not "r sum"
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", _NOT.sub(" not", text))
    text = _DASH.sub(" ; ", text)  # "no client names - just the filing": a dash between words ends a clause
    tokens: list[Token] = []
    clause = 0
    previous = ""
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word in _BOUNDARY:
            # "Dr. Martínez", "J. Smith", "e.g. the roster": an abbreviation's dot ends no clause.
            if not (word == "." and (previous in _ABBREVIATIONS or len(previous) == 1)):
                clause += 1
            previous = word
            continue
        previous = word
        if word in ("but", "however", "although"):
            clause += 1
        tokens.append(Token(word, stem(word), clause))
    return tuple(tokens)


def as_written(text: str, folded: str) -> str:
    """The words of `text` that `folded` (words as the reader folds them: "die ubergabeliste") was read
    from, as the person typed them ("die Übergabeliste"); `folded` itself when they are not there."""
    target = folded.split()
    if not target:
        return folded
    words = text.split()
    flat: list[tuple[str, int]] = []  # (folded token, index of the typed word it comes from)
    for index, word in enumerate(words):
        flat += [(t.text, index) for t in _tokens(word)]
    for start in range(len(flat) - len(target) + 1):
        if [t for t, _ in flat[start : start + len(target)]] == target:
            first, last = flat[start][1], flat[start + len(target) - 1][1]
            typed = " ".join(w.strip(_QUOTES) for w in words[first : last + 1])
            return "".join(c for c in typed if c.isprintable()).strip(".,;:!?¿¡()[] ") or folded
    return folded


_QUOTES = "\"'“”‘’«»„"


# Articles and possessives in the languages the catalogs speak. In data and use-case phrases they are
# passed over on both sides, so "las notas de una reunión" meets "notas de reunión" and "the customer's
# list" meets "customer list".
LINKING_WORDS = frozenset(
    {
        "a", "an", "the", "of", "my", "our", "your", "their", "his", "her", "its", "this", "that", "these",
        "those", "some",
        "de", "del", "la", "el", "lo", "los", "las", "un", "una", "unos", "unas", "mi", "mis", "su", "sus",
        "tu", "tus", "nuestro", "nuestra", "nuestros", "nuestras", "este", "esta", "estos", "estas", "al",
        "du", "des", "le", "les", "une", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre",
        "nos", "votre", "vos", "leur", "leurs", "ce", "cet", "cette", "ces", "d", "l",
        "der", "die", "das", "den", "dem", "ein", "eine", "einen", "einem", "einer", "eines", "mein", "meine",
        "meinen", "meinem", "meiner", "unser", "unsere", "unseren", "unserem", "unserer", "dein", "deine",
        "sein", "seine", "ihr", "ihre", "ihren", "ihrem", "ihrer", "dieser", "diese", "dieses", "diesen",
    }
)  # fmt: skip


_STEMMERS = {
    lang: snowballstemmer.stemmer(name)
    for lang, name in (("es", "spanish"), ("fr", "french"), ("de", "german"))
}
OTHER_LANGUAGES = tuple(_STEMMERS)


@lru_cache(maxsize=65536)
def root_in(lang: str, word: str) -> str:
    """The word's root by the Snowball stemmer of `lang` ("es", "fr", "de")."""
    return _STEMMERS[lang].stemWord(word)


@lru_cache(maxsize=262144)
def compact(phrase: str, *, roots: bool = False, lang: str = "en") -> str:
    """The key a phrase is matched by: its stems with the spaces removed ('Chat GPT' == 'chatgpt').

    With `roots`, each word's root, and linking words after the first word passed over ('notes of a
    meeting' ~ 'notes meeting'). A phrase in another language is rooted by that language's stemmer,
    in a key of its own ("=fr:"): the English stemmer would bend French "identifiant" into English
    "identified", and a Spanish question must not meet an English phrase by accident.
    """
    tokens = tokenize(phrase)
    if not roots:
        return "".join(t.stem for t in tokens)
    kept = [t for i, t in enumerate(tokens) if i == 0 or t.text not in LINKING_WORDS]
    if lang != "en":
        return f"={lang}:" + "".join(root_in(lang, t.text) for t in kept)
    return "".join(root(t.stem) for t in kept)


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    key: str  # the compact phrase that matched
    payloads: frozenset[Hashable]
    fuzzy: bool = False

    @property
    def width(self) -> int:
        return self.end - self.start


MAX_TYPO_WORDS = 2  # a typo is looked for in spans of one or two words ("pasword", "github copliot")


class PhraseIndex:
    """Phrases mapped to payloads; `find` returns the longest non-overlapping matches in a text.

    Several payloads may share a phrase (two editions of one product share the alias 'chatgpt').
    With `typos=True`, a span that matches nothing exactly may match a phrase of 6+ characters
    at one edit (swap, insert, delete, replace) when both start with the same letter, unless
    the span is an ordinary word listed in `ordinary_words` ('clause' is not 'Claude').
    """

    def __init__(self, *, typos: bool = False, roots: bool = False, ordinary_words: Iterable[str] = ()):
        self._exact: dict[str, set[Hashable]] = {}
        self._typos = typos
        self._roots = roots
        self._typo_keys: dict[tuple[str, int], list[str]] = {}  # (first letter, length) -> keys
        self._ordinary = {compact(word, roots=roots) for word in ordinary_words}
        self._max_tokens = 1  # words in the longest phrase, linking words left out
        self._max_key = 0
        self._languages: set[str] = set()  # other languages some phrase is in
        self._prefixes: set[str] = set()
        self._near_cache: dict[str, str | None] = {}  # the same words come back question after question

    def add(self, phrase: str, payload: Hashable, *, lang: str = "en", typos: bool = True) -> None:
        """`lang`: the phrase's language; phrases in other languages match by their own word roots.
        `typos=False`: match it only as written, never past a typo (for derived forms such as reversals)."""
        lang = lang if self._roots else "en"
        key = compact(phrase, roots=self._roots, lang=lang)
        if not key or key.endswith(":"):
            return
        if lang != "en":
            self._languages.add(lang)
        self._exact.setdefault(key, set()).add(payload)
        parts = self._parts(phrase, lang)
        self._max_tokens = max(self._max_tokens, len(parts))
        self._max_key = max(self._max_key, len(key))
        # Every word-boundary prefix of the key, so that `find` stops extending a span nothing can match.
        prefix = "" if lang == "en" else f"={lang}:"
        for part in parts:
            prefix += part
            self._prefixes.add(prefix)
        if self._typos and typos and len(key) >= 6 and lang == "en":
            bucket = self._typo_keys.setdefault((key[0], len(key)), [])
            if key not in bucket:
                bucket.append(key)
        if self._roots and lang in _PLURAL_S:
            # Snowball roots a Spanish or French plural and its singular apart ("préstamos" -> "prest",
            # "préstamo" -> "prestam"): the phrase in the singular is found too.
            singular = " ".join(_singular(word) for word in phrase.split())
            if singular != phrase:
                self.add(singular, payload, lang=lang, typos=False)

    def _parts(self, phrase: str, lang: str) -> list[str]:
        tokens = tokenize(phrase)
        if not self._roots:
            return [t.stem for t in tokens]
        kept = [t for i, t in enumerate(tokens) if i == 0 or t.text not in LINKING_WORDS]
        if lang != "en":
            return [root_in(lang, t.text) for t in kept]
        return [root(t.stem) for t in kept]

    def not_typos(self, phrases: Iterable[str]) -> None:
        """Words known as something else are never read as a typo here: "passport" is not "Passwort"."""
        self._ordinary.update(key for key in (compact(p, roots=self._roots) for p in phrases) if key)
        self._near_cache.clear()

    @property
    def roots(self) -> bool:
        return self._roots

    def not_typo_keys(self, keys: Iterable[str]) -> None:
        """`not_typos` for keys already compacted the way this index compacts."""
        self._ordinary.update(keys)
        self._near_cache.clear()

    def has_key(self, key: str) -> bool:
        return key in self._exact

    def __contains__(self, phrase: str) -> bool:
        return compact(phrase, roots=self._roots) in self._exact

    def payloads(self, phrase: str) -> frozenset[Hashable]:
        return frozenset(self._exact.get(compact(phrase, roots=self._roots), ()))

    def find(self, tokens: list[Token], *, nested: bool = False) -> list[Match]:
        """The longest non-overlapping matches; with `nested`, every exact match too, also those inside
        a longer one ("passport" inside "passport number"), so the strictest reading of each word counts."""
        exact: list[Match] = []
        fuzzy: list[Match] = []
        count = len(tokens)
        reading = _reading(tokens)
        prefixes = self._prefixes
        parts = reading.roots if self._roots else reading.stems
        # The next word a phrase can go on with: linking words are passed over ("notas de una reunión").
        following = reading.following if self._roots else range(1, count + 1)
        # In data and use-case phrases a number the phrase does not go on with is passed over; tool
        # names keep theirs ("gpt 4").
        skip_numbers = self._roots
        exact_get = self._exact.get
        max_tokens = self._max_tokens
        typos = self._typos
        max_typo_key = self._max_key + 1
        ordinary = self._ordinary
        # A language none of the question's words starts a phrase in is not walked word by word.
        other_rows = [
            (reading.firsts[lang], reading.others[lang])
            for lang in sorted(self._languages)
            if not prefixes.isdisjoint(reading.firsts[lang])
        ]
        for start in range(count):
            for firsts, row in other_rows:
                key = firsts[start]
                if key not in prefixes:
                    continue  # most words start no phrase in a language
                i, words = start, 1
                while True:
                    hit = exact_get(key)
                    if hit is not None:
                        exact.append(Match(start, i + 1, key, frozenset(hit)))
                    i = following[i]
                    if skip_numbers and i < count and row[i].isdigit() and key + row[i] not in prefixes:
                        i = following[i]
                    if i >= count or words == max_tokens:
                        break
                    words += 1
                    key += row[i]
                    if key not in prefixes:
                        break
            key = parts[start]
            if not typos and key not in prefixes:
                continue
            i, words = start, 1
            while True:
                hit = exact_get(key)
                if hit is not None:
                    exact.append(Match(start, i + 1, key, frozenset(hit)))
                elif (
                    typos
                    and words <= MAX_TYPO_WORDS
                    and 6 <= len(key) <= max_typo_key
                    and key not in ordinary
                ):
                    near = self._near(key)
                    if near is not None:
                        fuzzy.append(Match(start, i + 1, near, frozenset(self._exact[near]), fuzzy=True))
                if key not in prefixes and not (typos and words < MAX_TYPO_WORDS):
                    break  # no phrase goes on from here, with or without a typo
                i = following[i]
                if skip_numbers and i < count and parts[i].isdigit() and key + parts[i] not in prefixes:
                    i = following[i]  # "rank the 12 applicants" is "rank applicants"
                if i >= count or words == max_tokens:
                    break
                words += 1
                key += parts[i]
        chosen: list[Match] = []
        taken: set[int] = set()
        if nested:
            chosen = list(exact)
            taken = {i for m in exact for i in range(m.start, m.end)}
            exact = []
        # Exact matches outrank typo matches; among each, the longest wins ('GitHub Copilot' > 'Copilot').
        for group in (exact, fuzzy):
            for match in sorted(group, key=lambda m: (-m.width, -len(m.key), m.start)):
                span = set(range(match.start, match.end))
                if not span & taken:
                    chosen.append(match)
                    taken |= span
        return sorted(chosen, key=lambda m: m.start)

    def _near(self, key: str) -> str | None:
        if key in self._near_cache:
            return self._near_cache[key]
        if len(self._near_cache) > 100_000:
            self._near_cache.clear()
        found = self._near_cache[key] = self._search_near(key)
        return found

    def _search_near(self, key: str) -> str | None:
        # A typo keeps the first letter and changes the length by at most one: only those keys are compared.
        best = None
        for length in (len(key) + 1, len(key), len(key) - 1):
            bucket = self._typo_keys.get((key[0], length))
            if not bucket:
                continue
            for candidate, _, _ in process.extract(
                key, bucket, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                if (
                    best is None
                    or len(candidate) > len(best)
                    or (len(candidate) == len(best) and candidate < best)
                ):
                    best = candidate
        return best


_PLURAL_S = frozenset({"es", "fr"})


def _singular(word: str) -> str:
    if len(word) > 4 and word[-1] in "sx" and word[-2] not in "sx":
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class _Reading:
    """A text's words as every index reads them, worked out once per text."""

    stems: list[str]
    roots: list[str]
    firsts: dict[str, list[str]]  # language -> its key's head and the word's root: "=fr:" + root
    others: dict[str, list[str]]  # language -> the word's root in it
    following: list[int]  # for each word, the next one that is not a linking word (or the end)


_LAST_READING: list[tuple[list[Token], _Reading]] = []


def _reading(tokens: list[Token]) -> _Reading:
    # One question is looked up in half a dozen indexes with the same token list.
    last = _LAST_READING[-1] if _LAST_READING else None
    if last is not None and last[0] is tokens:
        return last[1]
    others = {lang: [root_in(lang, t.text) for t in tokens] for lang in OTHER_LANGUAGES}
    following = [len(tokens)] * len(tokens)
    after = len(tokens)
    for i in range(len(tokens) - 1, -1, -1):
        following[i] = after
        if tokens[i].text not in LINKING_WORDS:
            after = i
    reading = _Reading(
        stems=[t.stem for t in tokens],
        roots=[root(t.stem) for t in tokens],
        firsts={lang: [f"={lang}:{part}" for part in parts] for lang, parts in others.items()},
        others=others,
        following=following,
    )
    _LAST_READING[:] = [(tokens, reading)]
    return reading
