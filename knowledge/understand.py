"""Deterministic reading of a question: which tools, which data, which use case, which rule phrases."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.compounds import split_compounds
from knowledge.detectors import detect
from knowledge.indexes import LOOSE_MIN_WORDS, Indexes
from knowledge.phrases import LINKING_WORDS, Match, PhraseIndex, Token, compact, root, tokenize

# Only plain negations count, and only right before the data they negate. Anything that could be
# a name ("Project Zero") or a qualifier ("non-sensitive passwords") does not: reading too much
# data into a question is safe, reading too little is not. The negators come from the indexes
# (English plus the conversation catalog's "sin", "sans", "ohne", ...).
_DOMAIN = re.compile(r"\b(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:/\S*)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ToolMention:
    """A tool named in the question: knowledge-base tool ids, or a catalog name when it is not listed."""

    text: str
    tool_ids: tuple[str, ...] = ()
    unknown_name: str | None = None
    typo: bool = False


@dataclass(frozen=True, slots=True)
class Word:
    """For `--explain`: which words of the question were read as what, and where that reading came from."""

    text: str
    read_as: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Understanding:
    tools: tuple[ToolMention, ...]
    data_classes: tuple[str, ...]  # every class detected and not negated, least sensitive first
    use_cases: tuple[str, ...]  # most specific first
    mentions: frozenset[str]  # rule ids whose `mentions` phrases appear
    negated_data: tuple[str, ...] = ()
    vague: tuple[str, ...] = ()  # words naming data without saying what kind ("the export")
    handed: str = ""  # content handed to a tool that nothing classifies ("paste OUR ROADMAP into ...")
    negated_words: tuple[str, ...] = ()  # the data words a negation took out ("without SALARIES")
    edition: str | None = None  # "personal" or "work" when the question says which account
    secrets: tuple[str, ...] = ()  # data shapes found pasted into the question: keys, card numbers, names
    small_talk: frozenset[str] = frozenset()  # "greeting", "thanks", "help"
    followup: bool = False  # opens like a follow-up: "what about", "and", "y con", "und"
    removal: tuple[str, ...] = ()  # words after "remove", "anonymise", ...: what is taken out
    words: tuple[Word, ...] = ()
    size: int = 0  # how many words the question has
    named_tools: tuple[ToolMention, ...] = ()  # the tools as named, before an edition hint narrowed them

    @property
    def data_class(self) -> str | None:
        return self.data_classes[-1] if self.data_classes else None

    @property
    def use_case(self) -> str | None:
        return self.use_cases[0] if self.use_cases else None

    @property
    def names_data(self) -> bool:
        """Says something about the data, placed or not."""
        return bool(self.data_classes or self.negated_data or self.vague or self.secrets or self.handed)


def understand(question: str, indexes: Indexes) -> Understanding:
    secrets, secret_classes, secret_rules = _secrets(question, indexes)
    tokens = split_compounds(tokenize(_name_urls(question, indexes)), indexes.compound_heads, _known(indexes))
    words: list[tuple[int, Word]] = []
    tools = []
    tool_matches = indexes.tools.find(tokens)
    for match in tool_matches:
        mention = _tool_mention(tokens, match)
        typed = "".join(t.text for t in tokens[match.start : match.end])
        if typed in indexes.plural_clashes and not match.fuzzy:
            mention = ToolMention(text=mention.text, unknown_name=indexes.plural_clashes[typed])
        tools.append(mention)
        words.append((match.start, Word(mention.text, _tool_label(mention), _source(indexes, "tool", match))))
    named_tools = tuple(tools)
    cues = indexes.cues.find(tokens, nested=True)
    data: set[str] = set(secret_classes)
    owner_rules: set[str] = set()
    negated: set[str] = set()
    present_spans: set[int] = set()
    negated_words: list[str] = []
    data_spans: set[int] = set()
    kb_data = indexes.data.find(tokens, nested=True)
    taken = {(m.start, m.end) for m in kb_data if not m.fuzzy}
    catalog_data = _catalog_matches(indexes.catalog.data.index, tokens, taken) if indexes.catalog else []
    readings = [(m, set(m.payloads), "knowledge base") for m in kb_data]
    readings += [
        (m, _catalog_classes(m, indexes), f"catalog: {_names(m)}")
        for m in catalog_data
        if not indexes.data.has_key(m.key)  # the knowledge base's own placement of a phrase wins
    ]
    # "password reset", "token limit": names of processes and settings, not the data inside them.
    not_data = {i for m in _cue(cues, "not_data") for i in range(m.start, m.end)}
    # "my personal chatgpt", "on my personal account": which tool and which account, not personal data
    # (a knowledge base whose class is called "Personal" would otherwise read every personal account).
    not_data |= _account_words(tokens, tool_matches, cues)
    exclusive = False  # "just our public docs": the data named is all the data there is

    def read(match: Match, classes: set, source: str) -> None:
        nonlocal exclusive
        if not classes or set(range(match.start, match.end)) <= not_data:
            return
        if match.fuzzy:
            # A near-miss may add sensitivity, never lower it: a typo read as the least sensitive class
            # would lift the "only with public information" condition.
            classes = {c for c in classes if indexes.data_rank[c] > 0}  # type: ignore[index]
        is_negated = _negated(tokens, match, indexes)
        (negated if is_negated else data).update(classes)  # type: ignore[arg-type]
        data_spans.update(range(match.start, match.end))
        if not is_negated:
            present_spans.update(range(match.start, match.end))
            exclusive = exclusive or any(
                t.text in indexes.only for t in tokens[max(0, match.start - 2) : match.start]
            )
        else:
            negated_words.append(_text(tokens, match))
        label = ("no " if is_negated else "") + "data: " + ", ".join(sorted(map(str, classes)))
        words.append((match.start, Word(_text(tokens, match), label, source)))

    for match, classes, source in readings:
        read(match, classes, source)

    # After the data: "home" in "home addresses" says nothing about which account.
    edition = _edition(cues) or _edition_nearby(tokens, tool_matches, indexes, data_spans)
    if edition:
        tools = [narrow(m, edition, indexes) for m in tools]

    kb_uses = indexes.use_cases.find(tokens)
    use_matches = [(m, sorted(map(str, m.payloads)), "knowledge base") for m in kb_uses]
    if indexes.catalog:
        for m in indexes.catalog.uses.index.find(tokens):
            ids = sorted({u for c, _, _ in m.payloads for u in indexes.uses_of.get(c, ())})
            if ids and not indexes.use_cases.has_key(m.key):
                use_matches.append((m, ids, f"catalog: {_names(m)}"))
    roots = [root(t.stem) for t in tokens]
    present = frozenset(roots)
    found_uses = {u for _, ids, _ in use_matches for u in ids}
    filed = indexes.loose_uses_by_word
    for position in sorted({p for word in present for p in filed.get(word, ())}):
        use_id, telling, source = indexes.loose_uses[position]
        if use_id in found_uses or not telling <= present:
            continue  # all of a short phrase's words, or none of it
        span = _loosely(tokens, roots, present, telling)
        if span is not None and not _negated(tokens, span, indexes):
            found_uses.add(use_id)
            use_matches.append((span, [use_id], source))
    use_matches.sort(key=lambda item: (-item[0].width, -len(item[0].key), item[0].start))
    use_cases: list[str] = []
    for match, ids, source in use_matches:
        for uid in ids:
            if uid not in use_cases:
                use_cases.append(uid)
        words.append((match.start, Word(_text(tokens, match), "use case: " + ", ".join(ids), source)))

    use_spans = {i for match, _, _ in use_matches for i in range(match.start, match.end)}
    categories_read = {category for m in catalog_data for category, _, _ in m.payloads}  # type: ignore[misc]
    placed_before = bool(data)
    for index, category, how in _owned(question, tokens, indexes, data_spans):
        if how == "written to" and (category in categories_read or index in use_spans):
            # "a reply to a patient about their meds": the meds say which health data it holds; "reply to
            # the client" named as a task is the task, read by the use case.
            continue
        if how == "about theirs" and category in categories_read:
            # "a reply to a customer about their bill" is the customer's data even where "reply to a
            # customer" is a task, unless the question already says which data it is (their meds).
            continue
        # "a client's tax return": the return says what it is, the owner adds their general data. "a
        # client's numbers": nothing says which of their data it is, so every class any of it is read as.
        # "about their bill": at least who they are; the bill itself says no more than that.
        general = placed_before or how in ("general", "about theirs")
        classes = set((indexes.owner_classes if general else indexes.owner_any_classes).get(category, ()))
        if classes and not _negated(tokens, Match(index, index + 1, "", frozenset()), indexes):
            data.update(classes)
            data_spans.add(index)
            present_spans.add(index)
            owner_rules.update(indexes.rules_of.get(category, ()))
            words.append(
                (index, Word(tokens[index].text, "data: " + ", ".join(sorted(classes)), f"owner: {category}"))
            )

    # Everyday documents the knowledge base names ("timesheets" takes "relevés d'heures"), after the
    # owners: a document word says which document, not which of a person's data it holds.
    named_documents = _named_documents(tokens, indexes, data_spans)
    for match, classes in named_documents:
        read(match, classes, f"catalog: {_names(match)}, named in the knowledge base")

    # Data named by how a sentence is built rather than by a phrase: "notes from the budget meeting" are a
    # meeting's notes, "a report that's already out" is public. Words already read as data are not read again.
    not_yet_spans = _not_yet_public(tokens, indexes)
    shaped = (
        (_meeting_notes(tokens), indexes.concept_targets.get("meeting-notes") or indexes.class_of.get("internal", ()),
         "catalog: notes of a meeting"),
        (_staff_message(tokens),
         indexes.concept_targets.get("internal-comms") or indexes.class_of.get("internal", ()),
         "catalog: a message to staff"),
        (_already_public(tokens, indexes), indexes.class_of.get("public", ()), "catalog: already published"),
        (not_yet_spans,
         (*(indexes.concept_targets.get("not-yet-public") or indexes.class_of.get("internal", ())),
          *indexes.concept_classes.get("not-yet-public", ())),
         "catalog: not yet public"),
    )  # fmt: skip
    for spans, classes, source in shaped:
        for start, end in spans if classes else ():
            span = Match(start, end, "", frozenset())
            not_yet = source == "catalog: not yet public"
            # "before they're PUBLISHED": the word read alone as public data is read with its "not yet";
            # the "not" there is the reading itself, not a negation of it.
            if not not_yet and (set(range(start, end)) & data_spans or _negated(tokens, span, indexes)):
                continue
            data.update(classes)
            data_spans.update(range(start, end))
            present_spans.update(range(start, end))
            classes = tuple(dict.fromkeys(classes))
            words.append((start, Word(_text(tokens, span), "data: " + ", ".join(classes), source)))
            if not_yet:
                owner_rules.update(indexes.concept_rules.get("not-yet-public", ()))

    mentions = set(secret_rules) | owner_rules
    if indexes.not_yet_heads and (
        not_yet_spans or any(c == "not-yet-public" for m in catalog_data for _, c, _ in m.payloads)  # type: ignore[misc]
    ):
        mentions.update(rule for rule, head in indexes.not_yet_heads if head <= present)
    mention_matches = [
        (m, set(map(str, m.payloads)), "knowledge base") for m in indexes.mentions.find(tokens, nested=True)
    ]
    mention_matches += [
        (m, _catalog_rules(m, indexes), f"catalog: {_names(m)}")
        for m in (*catalog_data, *(m for m, _ in named_documents))
    ]
    for match, rule_ids, source in mention_matches:
        if set(range(match.start, match.end)) <= not_data:
            continue
        if rule_ids and not _negated(tokens, match, indexes):
            mentions.update(rule_ids)
            label = "rule: " + ", ".join(sorted(rule_ids))
            words.append((match.start, Word(_text(tokens, match), label, source)))
    for rule_id, telling in indexes.loose_mentions:
        if rule_id in mentions or telling.isdisjoint(present):
            continue
        span = _loosely(tokens, roots, present, telling)
        if span is not None and not _negated(tokens, span, indexes):
            mentions.add(rule_id)
            words.append(
                (span.start, Word(_text(tokens, span), f"rule: {rule_id}", "knowledge base, loosely"))
            )
    handed = (
        None if exclusive else _handed_over(tokens, _cue(cues, "hand"), tool_matches, present_spans, indexes)
    )
    vague_matches = [
        m
        for m in sorted(_cue(cues, "vague"), key=lambda m: -m.width)
        if not data_spans & set(range(m.start, m.end)) and not _negated(tokens, m, indexes)
    ]
    vague = tuple(_text(tokens, m) for m in vague_matches)
    words += [(m.start, Word(_text(tokens, m), "data of a kind not named")) for m in vague_matches]
    words += [(-1, Word(name, "pasted into the question", "detectors")) for name in secrets]
    rank = indexes.data_rank
    return Understanding(
        tools=tuple(tools),
        named_tools=named_tools,
        data_classes=tuple(sorted(data, key=rank.__getitem__)),
        use_cases=tuple(use_cases),
        mentions=frozenset(mentions),
        negated_data=tuple(sorted(negated - data, key=rank.__getitem__)),
        vague=vague,
        handed=handed or "",
        negated_words=tuple(negated_words),
        edition=edition,
        secrets=secrets,
        small_talk=frozenset(v for m in cues for k, v in m.payloads if k == "talk"),  # type: ignore[misc]
        followup=any(m.start <= 1 for m in _cue(cues, "followup")),
        removal=_removed(tokens, _cue(cues, "remove"), indexes),
        words=tuple(w for _, w in sorted(words, key=lambda item: item[0])),
        size=len(tokens),
    )


def _known(indexes: Indexes):
    """Whether a word is read whole already (a catalog or knowledge-base phrase), so not split."""
    catalog = indexes.catalog.data.index if indexes.catalog else None

    def known(word: str) -> bool:
        keys = (compact(word, roots=True, lang="de"), compact(word, roots=True))
        return any(indexes.data.has_key(k) or (catalog is not None and catalog.has_key(k)) for k in keys)

    return known


def _loosely(
    tokens: list[Token], roots: list[str], present: frozenset[str], telling: frozenset[str]
) -> Match | None:
    """A phrase as rephrased: its telling words close together, in any order. Of 2 or 3 words, all of
    them in one clause; of 4 or more, all but one. `roots` are the tokens' roots, `present` their set."""
    short = len(telling) < LOOSE_MIN_WORDS
    need = len(telling) if short else len(telling) - 1
    if len(telling & present) < need:
        return None  # most phrases: a word missing from the whole question
    hits = [(i, r) for i, r in enumerate(roots) if r in telling]
    reach = len(telling) + (5 if short else 4)
    for first, (start, _) in enumerate(hits):
        seen: set[str] = set()
        end = start
        for index, word in hits[first:]:
            if index >= start + reach or (short and tokens[index].clause != tokens[start].clause):
                break
            seen.add(word)
            end = index
        if len(seen) >= need:
            return Match(start, end + 1, "", frozenset())
    return None


def _named_documents(tokens: list[Token], indexes: Indexes, read: set[int]) -> list[tuple[Match, set[str]]]:
    """The translation-only catalog's matches for concepts the knowledge base names (in a class's
    examples or a rule's mentions), on words nothing else read: each on the classes that name it."""
    side = indexes.catalog.documents if indexes.catalog else None
    if side is None or not (indexes.concept_classes or indexes.concept_rules):
        return []
    found = []
    for match in side.index.find(tokens):
        if set(range(match.start, match.end)) & read or indexes.data.has_key(match.key):
            continue
        concepts = {concept for _, concept, _ in match.payloads}  # type: ignore[misc]
        if concepts & (indexes.concept_classes.keys() | indexes.concept_rules.keys()):
            found.append(
                (match, {c for concept in concepts for c in indexes.concept_classes.get(concept, ())})
            )
    return found


def _catalog_matches(catalog: PhraseIndex, tokens: list[Token], taken: set[tuple[int, int]]) -> list[Match]:
    """The catalog's matches; a near-miss over exactly the words a KB phrase matched is no match
    ("passport" is the KB's passport, not a typo of "Passwort"), one over more words still counts."""
    return [m for m in catalog.find(tokens, nested=True) if not (m.fuzzy and (m.start, m.end) in taken)]


def _names(match: Match) -> str:
    return ", ".join(sorted({category for category, _, _ in match.payloads}))  # type: ignore[misc]


def _catalog_classes(match: Match, indexes: Indexes) -> set[str]:
    """Where its concept or category lands, and also the classes whose examples name its concept: a
    translation of a KB example is read as the KB reads the example, but never as less than its
    category (or, for a concept placed on its own, its concept)."""
    classes: set[str] = set()
    for category, concept, _ in match.payloads:  # type: ignore[misc]
        classes.update(indexes.concept_targets.get(concept) or indexes.class_of.get(category, ()))
        classes.update(indexes.concept_classes.get(concept, ()))
    return classes


def _catalog_rules(match: Match, indexes: Indexes) -> set[str]:
    return {
        rule
        for category, concept, _ in match.payloads  # type: ignore[misc]
        for rule in (*indexes.rules_of.get(category, ()), *indexes.concept_rules.get(concept, ()))
    }


def _secrets(question: str, indexes: Indexes) -> tuple[tuple[str, ...], set[str], set[str]]:
    names = {name for name, _, _ in indexes.detectors}
    fired = detect(question, tuple(names)) if names else ()
    classes = {k for name, ids, _ in indexes.detectors if name in fired for k in ids}
    rules = {r for name, _, rule_ids in indexes.detectors if name in fired for r in rule_ids}
    return fired, classes, rules


def _name_urls(question: str, indexes: Indexes) -> str:
    """'chatgpt.com' becomes 'ChatGPT' so the tools index finds it (the tokenizer splits at dots)."""
    if not indexes.urls or "." not in question:
        return question

    def product(match: re.Match[str]) -> str:
        domain = match.group(1).lower()
        parts = domain.split(".")
        for i in range(len(parts) - 1):
            name = indexes.urls.get(".".join(parts[i:]))
            if name:
                return f" {name} "
        return match.group(0)

    return _DOMAIN.sub(product, question)


def _cue(cues: list[Match], kind: str) -> list[Match]:
    return [m for m in cues if any(k == kind for k, _ in m.payloads)]  # type: ignore[misc]


def _edition(cues: list[Match]) -> str | None:
    kinds = {v for m in cues for k, v in m.payloads if k == "edition"}  # type: ignore[misc]
    return kinds.pop() if len(kinds) == 1 else None


# Words that say which account when they stand right next to a tool's name: "Copilot personal",
# "mein privates ChatGPT", "ChatGPT del trabajo" (linking words between are passed over).
_PERSONAL_WORDS = frozenset(
    {"personal", "private", "privat", "privates", "privaten", "privater", "privado", "privada", "perso",
     "personnel", "personnelle", "particular", "free", "gratis", "gratuit", "gratuite", "kostenlos",
     "kostenlose", "kostenlosen", "own", "propio", "propia", "consumer", "home"}
)  # fmt: skip
_LOGIN_WORDS = frozenset(
    {"login", "log", "account", "sso", "credential", "sign", "cuenta",
     "compte", "identifiant", "konto", "zugang", "anmeldung", "kennung"}
)  # fmt: skip


def _account_words(tokens: list[Token], tool_matches: list[Match], cues: list[Match]) -> set[int]:
    """Words that say which tool or account: a tool's name, an edition phrase, an edition word next to a
    tool ("chatgpt personal", "mon chatgpt perso")."""
    found = {i for m in tool_matches if not m.fuzzy for i in range(m.start, m.end)}
    found |= {i for m in _cue(cues, "edition") for i in range(m.start, m.end)}
    for match in tool_matches:
        before, after = match.start - 1, match.end
        if before >= 0 and tokens[before].text in _PERSONAL_WORDS:
            found.add(before)
        # "mon chatgpt perso ?", "chatgpt personal account", "mi chatgpt personal para ...": not "deepl
        # personal notes on an employee".
        if after < len(tokens) and tokens[after].text in _PERSONAL_WORDS:
            following = tokens[after + 1] if after + 1 < len(tokens) else None
            if (
                following is None
                or following.clause != tokens[after].clause
                or following.stem in _ACCOUNTS
                or following.text in _TOWARD  # "mi chatgpt personal PARA un post"
            ):
                found.add(after)
    return found


_ACCOUNTS = frozenset(
    {"account", "plan", "version", "edition", "login", "subscription", "tier", "cuenta", "compte",
     "abonnement", "konto", "zugang", "abo"}
)  # fmt: skip


def _edition_nearby(
    tokens: list[Token], tool_matches: list[Match], indexes: Indexes, data_spans: set[int]
) -> str | None:
    """An edition word next to a tool name, or the organisation's own login ("my lakeshore login");
    never a word read as data."""
    kinds: set[str] = set()
    for match in tool_matches:
        clause = tokens[match.start].clause
        for index in (match.start - 1, match.start - 2, match.end, match.end + 1):
            if 0 <= index < len(tokens) and index not in data_spans and tokens[index].clause == clause:
                word = tokens[index].text
                if word in _PERSONAL_WORDS:
                    kinds.add("personal")  # a personal account is the stricter reading: safe to narrow to
    for index, token in enumerate(tokens[:-1]):
        if token.text in indexes.organisation and any(
            t.stem in _LOGIN_WORDS for t in tokens[index + 1 : index + 3]
        ):
            kinds.add("work")
    return kinds.pop() if len(kinds) == 1 else None


# Words that make the next word's owner the owner of the data: "the chart OF a patient", "DE un cliente".
_OF_WORDS = frozenset({"of", "de", "del", "d", "du", "des", "von", "vom", "eines", "einer", "meines", "meiner",
                       "deines", "deiner", "seines", "seiner", "ihres", "unseres", "unserer", "eures", "eurer",
                       "about", "regarding", "concerning", "sobre", "acerca", "concernant", "uber", "betreffend"})  # fmt: skip
# "the names of ALL passengers", "los datos de TODOS los pasajeros".
_QUANTITIES = frozenset({"all", "every", "each", "any", "some", "many", "few", "several", "other", "both", "todos",
                         "todas", "cada", "tous", "toutes", "chaque", "alle", "allen", "aller", "jeder", "jede"})  # fmt: skip
# What lists people and how to reach them: "the passenger LIST", "the NAMES of the donors".
_GENERAL_HOLDERS = frozenset(
    {"list", "name", "email", "address", "contact", "database", "spreadsheet", "sheet", "export", "csv",
     "detail", "roster", "directory", "liste", "namen", "adressen", "kontakte", "verzeichnis", "kartei",
     "lista", "listado", "nombre", "nombres", "correo", "correos", "direccion", "direcciones", "datos",
     "noms", "nom", "adresse", "adresses", "coordonnee", "coordonnees", "fichier", "listes"}
)  # fmt: skip
# What holds data, after the person it is about: "passenger LIST", "donor DATABASE", "Spender DATEN".
_DATA_NOUNS = frozenset(
    {"list", "data", "detail", "record", "database", "file", "name", "email", "address", "info",
     "information", "spreadsheet", "sheet", "export", "note", "form", "profile", "history", "photo", "document",
     "paperwork", "dossier", "csv", "roster", "log", "liste", "daten", "akte", "akten", "datei", "dateien",
     "namen", "adressen", "nummer", "nummern", "unterlagen", "angaben", "informationen", "infos", "dokumente",
     "tabelle", "verzeichnis", "kartei", "notizen", "fotos", "kontakte", "profil", "verlauf"}
)  # fmt: skip
_TO_FOR = frozenset({"to", "for", "para", "a", "al", "pour", "au", "aux", "an", "fur"})
# What is written to or for a person: "a LETTER to a patient", "the NARRATIVE for the patient".
_WRITTEN = frozenset(
    {"letter", "email", "mail", "message", "reply", "response", "note", "narrative", "report", "summary", "update",
     "invitation", "carta", "correo", "mensaje", "respuesta", "informe", "nota", "resumen", "lettre", "courriel",
     "reponse", "rapport", "compte", "brief", "nachricht", "antwort", "bericht", "schreiben"}
)  # fmt: skip
_WITH_THEIR = frozenset({"with", "con", "avec", "mit"})
_THEIR = frozenset(
    {"their", "his", "her", "its", "sus", "su", "leurs", "leur", "ses", "son", "sa", "ihren", "ihrer", "ihre",
     "seinen", "seiner", "seine"}
)  # fmt: skip
_POSSESSED = re.compile(r"([^\W\d_]+)(?:['’]s\b|s['’](?=\s))")


# Between "already" and what happened to it: "it's already BEEN published", "ya ESTÁ publicado".
_BETWEEN = frozenset(
    {"been", "being", "is", "s", "was", "are", "were", "gone", "went", "put", "esta", "estan", "fue", "se", "ha",
     "sido", "ete", "est", "sont", "a", "ist", "sind", "wurde", "wurden", "worden", "da"}
)  # fmt: skip
_ON = frozenset({"on", "in", "at", "en", "sur", "dans", "auf", "im"})


_NOTES = frozenset({"notes", "note", "minutes", "recap", "summary", "transcript", "notas", "nota", "minuta", "acta",
                    "resumen", "compte", "rendu", "notizen", "protokoll", "mitschrift", "zusammenfassung"})  # fmt: skip
_MEETINGS = frozenset({"meeting", "meetings", "call", "calls", "session", "sessions", "sync", "huddle", "standup",
                       "stand", "reunion", "reuniones", "junta", "juntas", "llamada", "sesion", "appel", "seance",
                       "besprechung", "sitzung", "telefonat", "termin"})  # fmt: skip


def _meeting_notes(tokens: list[Token]) -> list[tuple[int, int]]:
    """Spans of notes of a meeting named in any words: a notes word, then within five words of the same
    clause a meeting word ("notes from yesterday's budget meeting", "las notas de la junta")."""
    return _word_then(tokens, _NOTES, _MEETINGS, first=1, reach=6)


def _word_then(
    tokens: list[Token], heads: frozenset[str], targets: frozenset[str], *, first: int, reach: int
) -> list[tuple[int, int]]:
    """Spans from a `heads` word to a `targets` word `first` to `reach` - 1 words after it, in one clause."""
    spans = []
    for start, token in enumerate(tokens):
        if token.text not in heads:
            continue
        for ahead in range(start + first, min(start + reach, len(tokens))):
            if tokens[ahead].clause != token.clause:
                break
            if tokens[ahead].text in targets:
                spans.append((start, ahead + 1))
                break
    return spans


def _staff_message(tokens: list[Token]) -> list[tuple[int, int]]:
    """Spans of a message to the organisation's own people: a written word, "to" or "for", and within
    three words of the same clause a word for staff ("a memo to the ground crew", "the newsletter for
    our unit's staff", "un correo a toda la plantilla", "eine Rundmail an die Belegschaft")."""
    return [
        (start, end)
        for start, end in _word_then(tokens, _STAFF_WRITTEN, _STAFF, first=2, reach=6)
        if tokens[start + 1].text in _TO_FOR
    ]


_STAFF_WRITTEN = frozenset(
    {"memo", "email", "mail", "message", "note", "update", "announcement", "newsletter", "letter", "circular",
     "notice", "bulletin", "correo", "mensaje", "nota", "comunicado", "boletin", "aviso", "courriel",
     "annonce", "lettre", "circulaire", "rundmail", "nachricht", "mitteilung", "rundschreiben",
     "info"}
)  # fmt: skip
_STAFF = frozenset(
    {"team", "teams", "staff", "crew", "crews", "employees", "colleagues", "workforce", "department", "everyone",
     "equipo", "plantilla", "empleados", "companeros", "tripulacion", "equipe", "personnel", "salaries",
     "collegues", "equipage", "belegschaft", "mitarbeiter", "mitarbeitenden", "kollegen", "abteilung"}
)  # fmt: skip


def _already_public(tokens: list[Token], indexes: Indexes) -> list[tuple[int, int]]:
    """Spans that say something has already gone public: "already out", "already up on our careers
    page", "déjà publié", "bereits auf unserer Website"."""
    already, published, web = indexes.published
    spans = []
    for start, token in enumerate(tokens):
        if token.text not in already:
            continue
        index = start + 1
        while index < len(tokens) and tokens[index].text in _BETWEEN and tokens[index].clause == token.clause:
            index += 1
        if index >= len(tokens) or tokens[index].clause != token.clause:
            continue
        if tokens[index].text in published:
            spans.append((start, index + 1))
            continue
        if tokens[index].text in _ON:
            # "already on GOV.UK", "ya está en nuestra web": a place on the web within the next words
            for ahead in range(index + 1, min(index + 4, len(tokens))):
                if tokens[ahead].clause != token.clause:
                    break
                if tokens[ahead].text in web:
                    spans.append((start, ahead + 1))
                    break
    return spans


def _not_yet_public(tokens: list[Token], indexes: Indexes) -> list[tuple[int, int]]:
    """Spans that say something is not public yet: "before they're published", "prices not yet
    announced", "antes de que se publiquen", "pas encore annoncés", "noch nicht veröffentlicht"."""
    cues, published = indexes.not_yet
    if not cues:
        return []
    texts = [t.text for t in tokens]
    spans = []
    for start in range(len(tokens)):
        for width in (3, 2, 1):
            if tuple(texts[start : start + width]) in cues:
                break
        else:
            continue
        clause = tokens[start].clause
        # Past a pronoun and "is", "been" and the like: "before THEY'RE published", "antes de que SE publiquen".
        for ahead in range(start + width, min(start + width + 4, len(tokens))):
            if tokens[ahead].clause != clause:
                break
            hit = next((w for w in (2, 1) if tuple(texts[ahead : ahead + w]) in published), 0)
            if hit:
                spans.append((start, ahead + hit))
                break
            if texts[ahead] not in _PAST_TO_PUBLISHED:
                break
    return spans + _coming(tokens, texts, indexes)


COMING_REACH = 4  # words between "launch" and "next month" ("the launch of the new map next month")


def _coming(tokens: list[Token], texts: list[str], indexes: Indexes) -> list[tuple[int, int]]:
    """Spans naming something made public on a day still ahead: "the reveal next month", "next week's
    price change", "la campagne du mois prochain"."""
    events, ahead = indexes.coming
    if not events:
        return []

    def runs(phrases: frozenset[tuple[str, ...]]) -> list[tuple[int, int]]:
        return [
            (i, i + width)
            for i in range(len(texts))
            for width in (3, 2, 1)
            if tuple(texts[i : i + width]) in phrases
        ]

    named = runs(events)
    if not named:
        return []
    spans = []
    for start, end in named:
        for when_start, when_end in runs(ahead):
            near = when_start - end <= COMING_REACH if when_start >= end else start - when_end <= COMING_REACH
            if near and tokens[start].clause == tokens[when_start].clause:
                spans.append((min(start, when_start), max(end, when_end)))
                break
    return spans


# What may stand between "before" and "published": pronouns, "be" and "been", articles.
_PAST_TO_PUBLISHED = _BETWEEN | frozenset(
    {"they", "it", "we", "re", "they're", "its", "the", "these", "those", "them", "this", "that", "be", "been",
     "get", "gets", "got", "officially", "formally", "publicly", "ellos", "les", "los", "las", "ete", "soient",
     "soit", "ils", "elles", "sie", "es", "noch", "offiziell", "se", "hayan", "han", "haya", "sean", "sea",
     "der", "die", "das", "dem", "den", "ihrer", "seiner", "la", "le", "l", "su", "sus", "leur", "leurs",
     "sa", "son", "ses", "their", "our", "nuestra", "nuestro", "notre", "unserer", "goes", "go", "going"}
)  # fmt: skip


def _owned(
    question: str, tokens: list[Token], indexes: Indexes, data_spans: set[int]
) -> list[tuple[int, str, str]]:
    """(token index, category, how) for people whose data the question is about: "a patient's chart",
    "the grades of my students", "students with their grades", "d'un client", "eines Patienten", "the
    call with the customer". `how` is "general" (who they are and how to reach them: "the passenger
    list"), "theirs" (any of their data), "about theirs" (a reply to them about their bill) or "written
    to" (a letter to them)."""
    if not indexes.owners:
        return []
    possessed = {m.group(1).lower() for m in _POSSESSED.finditer(question)}
    found = []
    for index, token in enumerate(tokens):
        category = indexes.owners.get(token.text) or indexes.owners.get(token.stem)
        if category is None or index in data_spans:
            continue  # "sin datos de clientes": read (here, negated) with the data it belongs to
        before = [t.text for t in tokens[max(0, index - 3) : index]]
        after = [t.text for t in tokens[index + 1 : index + 3]]
        of = (
            any(w in _OF_WORDS for w in before[-3:])
            and all(
                w in LINKING_WORDS or w in _OF_WORDS or w.isdigit() or w in _QUANTITIES
                for w in before[next((i for i, w in enumerate(before) if w in _OF_WORDS), 0) :]
            )
        ) or _genitive_der(tokens, index)
        theirs = len(after) == 2 and after[0] in _WITH_THEIR and after[1] in _THEIR
        # "a letter to a patient", "the narrative for the patient", "una respuesta para el cliente":
        # what is written to or for someone is about them.
        to_them = _written_to(tokens, index)
        # "the call with the customer", "my session with a student", "una reunión con un cliente": what
        # was said with them is about them.
        # Not "with patient data": there the person's word is part of the data already read.
        with_them = (
            index not in data_spans
            and any(w in _WITH_THEIR for w in before[-3:])
            and all(
                w in LINKING_WORDS or w in _WITH_THEIR
                for w in before[next((i for i, w in enumerate(before) if w in _WITH_THEIR), 0) :]
            )
        )
        # "the passenger list", "our donor spreadsheet", "Passagier Liste" (a compound split above).
        holder = (
            tokens[index + 1].stem
            if index + 1 < len(tokens) and tokens[index + 1].clause == token.clause
            else ""
        )
        # "a passenger's booking history", "the donor gift records": one word between them and the holder.
        held_after = (
            tokens[index + 2].stem
            if index + 2 < len(tokens)
            and tokens[index + 2].clause == token.clause
            and holder not in _DATA_NOUNS
            else ""
        )
        # "a list of passengers", "los nombres de los pasajeros".
        held_in = next((t.stem for t in reversed(tokens[max(0, index - 4) : index]) if t.text not in LINKING_WORDS
                        and t.text not in _OF_WORDS), "") if of else ""  # fmt: skip
        owns_next = (
            index + 1 < len(tokens)
            and tokens[index + 1].clause == token.clause
            and tokens[index + 1].text not in _TOWARD
        )
        dangling = not owns_next and (token.text in possessed or token.stem in possessed)
        if holder in _GENERAL_HOLDERS or held_in in _GENERAL_HOLDERS or dangling:
            # Who they are and how to reach them: their general data, not whatever else is theirs. So is
            # "the patient's" with nothing after it: at least whose it is.
            found.append((index, category, "general"))
        elif (
            (owns_next and (token.text in possessed or token.stem in possessed))
            or of
            or theirs
            or with_them
            or holder in _DATA_NOUNS
            or held_after in _DATA_NOUNS - _GENERAL_HOLDERS
        ):
            found.append((index, category, "theirs"))
        else:
            if to_them and token.text not in indexes.peers:
                found.append((index, category, "written to"))
            if _about_theirs(tokens, index):
                found.append((index, category, "about theirs"))
    return found


def _genitive_der(tokens: list[Token], index: int) -> bool:
    """German "die Zählerstände DER Kunden", "die E-Mails DER Spieler": "der" right after a noun is "of
    the" (after a preposition, "in der", "mit der", it is not)."""
    if index < 2 or tokens[index - 1].text != "der" or tokens[index - 1].clause != tokens[index].clause:
        return False
    noun = tokens[index - 2].text
    return noun not in _DE_NOT_A_NOUN and noun not in LINKING_WORDS and not noun.isdigit()


# Words after which German "der" is not a genitive: prepositions, verbs and pronouns that come before a
# subject or an object ("in der", "mit der", "ist der", "weil der").
_DE_NOT_A_NOUN = frozenset(
    {"in", "im", "mit", "aus", "von", "vom", "zu", "zur", "bei", "nach", "an", "auf", "fur", "uber", "unter",
     "vor", "hinter", "neben", "zwischen", "gegen", "ohne", "um", "durch", "ist", "sind", "war", "hat", "haben",
     "wird", "kann", "darf", "soll", "will", "weil", "wenn", "dass", "ob", "und", "oder", "aber", "wie", "wo",
     "was", "wer", "ich", "wir", "du", "man", "es", "sie", "er", "mir", "uns", "laut", "seitens", "trotz",
     "wahrend", "wegen"}
)  # fmt: skip


def _about_theirs(tokens: list[Token], index: int) -> bool:
    """ "a reply to a customer about THEIR bill", "a letter from a tenant in Lyon about HIS deposit",
    "una carta a un cliente sobre SU factura": the person's own matters, whatever the noun."""
    clause = tokens[index].clause
    ahead = [t.text for t in tokens[index + 1 : index + 1 + ABOUT_REACH] if t.clause == clause]
    return any(
        word in _ABOUT and any(w in _THEIR for w in ahead[i + 1 : i + 4]) for i, word in enumerate(ahead)
    )


ABOUT_REACH = 6  # words after the person: "a customer in germany about their meter"
_ABOUT = frozenset(
    {"about", "regarding", "concerning", "re", "sobre", "acerca", "respecto", "concernant", "propos", "sujet",
     "uber", "bezuglich", "wegen", "betreffend"}
)  # fmt: skip


def _written_to(tokens: list[Token], index: int) -> bool:
    """A person's word after "to"/"for" that follows something written: "a letter to a (trial) patient",
    "una carta a un paciente"."""
    clause = tokens[index].clause
    skipped = 0
    for i in range(index - 1, 0, -1):
        text = tokens[i].text
        if tokens[i].clause != clause:
            return False
        if text in _TO_FOR:
            j = i - 1
            while j >= 0 and tokens[j].text in LINKING_WORDS:
                j -= 1
            if j >= 0 and tokens[j].clause == clause and tokens[j].stem in _WRITTEN:
                return True
        if text not in LINKING_WORDS and text not in _TO_FOR:
            skipped += 1
            if skipped > 1:
                return False
    return False


def narrow(mention: ToolMention, edition: str, indexes: Indexes) -> ToolMention:
    """'chatgpt on my personal account' means the personal edition, not every edition of the alias."""
    if not mention.tool_ids:
        return mention
    kinds = {tool_id: indexes.edition_of.get(tool_id) for tool_id in mention.tool_ids}
    same = tuple(t for t, k in kinds.items() if k == edition)
    if same:
        return ToolMention(mention.text, same, typo=mention.typo)
    if edition == "personal" and all(k == "work" for k in kinds.values()):
        # Only work editions are listed, so a personal account is a tool the list does not name.
        name = " ".join(w[:1].upper() + w[1:] for w in mention.text.split())
        return ToolMention(mention.text, unknown_name=f"{name} (personal account)", typo=mention.typo)
    return mention


# Words that end what is handed over and lead to where it goes: "paste X INTO chatgpt", "X EN gemini".
_TOWARD = frozenset(
    {"into", "in", "to", "through", "with", "using", "via", "on", "onto", "for", "so", "and", "or", "then",
     "en", "a", "al", "con", "para", "por", "dans", "avec", "sur", "pour", "par", "et", "mit", "auf", "fur",
     "uber", "zu", "bei", "und", "oder", "y", "o"}
)  # fmt: skip
_NOT_DATA = frozenset(
    {"me", "us", "you", "him", "them", "myself", "ourselves", "up", "out", "over", "quickly", "together"}
)
# Where it happens or when, after a preposition ("on my phone", "put out yesterday"), not what: alone
# ("can I upload today's?") they are still content to ask about.
_WHERE_WHEN = frozenset(
    {"yesterday", "today", "tomorrow", "tonight", "now", "later", "soon", "phone", "laptop", "computer",
     "tablet", "ipad", "iphone", "browser", "hoy", "ayer", "aujourd", "hui", "hier", "demain", "heute",
     "gestern"}
)  # fmt: skip
_PLACE_WORDS = frozenset(
    {"on", "from", "in", "with", "out", "since", "until", "by", "en", "desde", "con", "sur", "depuis", "avec",
     "auf", "seit", "von", "mit", "am"}
)  # fmt: skip


def _where_when(tokens: list[Token], index: int) -> bool:
    if tokens[index].text not in _WHERE_WHEN:
        return False
    for i in range(index - 1, max(-1, index - 4), -1):
        if tokens[i].text in _PLACE_WORDS:
            return True
        if tokens[i].text not in LINKING_WORDS:
            return False
    return False


# English hand-over verbs that are also nouns, and the words a verb follows ("can I copy", "to review").
_NOUN_TOO = frozenset({"copy", "review", "reviews", "edit", "edits", "import", "imports", "share", "load",
                       "drop", "fix", "fixes", "polish", "upload", "uploads", "paste"})  # fmt: skip
_BEFORE_A_VERB = frozenset(
    {"i", "we", "you", "they", "to", "can", "could", "please", "pls", "and", "or", "then", "also", "just",
     "me", "us", "not", "should", "may", "might", "will", "would", "let", "lets", "gonna", "wanna", "ok",
     "okay", "quickly", "help", "it", "s", "do", "did", "ll", "d", "must", "allowed", "fine", "first"}
)  # fmt: skip


def _a_noun(tokens: list[Token], index: int) -> bool:
    if tokens[index].text not in _NOUN_TOO or index == 0:
        return False
    before = tokens[index - 1]
    return before.clause == tokens[index].clause and before.text not in _BEFORE_A_VERB


# Words that point back at something already said: "just the public filing - can I summarise IT?"
_POINTERS = frozenset(
    {"it", "this", "that", "these", "those", "them", "one", "esto", "eso", "esta", "este", "ceci", "cela",
     "ca", "es", "das", "dies", "diese", "dieses", "ihn", "sie"}
)  # fmt: skip


_ABOUT = frozenset({"with", "of", "from", "about", "on", "con", "de", "del", "sobre", "avec", "du", "des", "sur",
                    "mit", "von", "vom", "uber"})  # fmt: skip


def _described_after(tokens: list[Token], index: int, data_spans: set[int]) -> bool:
    """The content handed over is followed by "with", "of", "about" ... and data the question placed."""
    if index >= len(tokens) or tokens[index].text not in _ABOUT:
        return False
    clause = tokens[index].clause
    return any(
        i in data_spans for i in range(index + 1, min(index + 5, len(tokens))) if tokens[i].clause == clause
    )


def _handed_over(
    tokens: list[Token], hands: list[Match], tools: list[Match], data_spans: set[int], indexes: Indexes
) -> str | None:
    """The words of content handed to a tool ("paste OUR BOARD DECK into chatgpt") when none of them
    says which kind of data it is: data the reader cannot place. A bare "it" or "this" after data
    the question did place points at that data."""
    tool_at = {i for m in tools for i in range(m.start, m.end)}
    for hand in hands:
        clause = tokens[hand.start].clause
        if _a_noun(tokens, hand.start):
            continue  # "marketing copy", "code reviews": things, not a verb handing content over
        index = hand.end
        while index in tool_at:  # "give copilot my key": the tool first, then what it is given
            index += 1
        taken: list[int] = []
        while index < len(tokens) and tokens[index].clause == clause and index not in tool_at:
            if tokens[index].text in _TOWARD and taken:
                break
            taken.append(index)
            index += 1
        if ("hand", "verb last") in hand.payloads and all(tokens[i].text in _VERB_LAST for i in taken):
            # German puts the verb last: "darf ich DIE PREISLISTE in Copilot zusammenfassen (lassen)?"
            taken = _before_verb(tokens, hand.start, tool_at)
            index = hand.start
        if _described_after(tokens, index, data_spans):
            continue  # "summarise the call WITH THE CUSTOMER": what follows says what it holds
        content = [
            i
            for i in taken
            if tokens[i].text not in LINKING_WORDS
            and tokens[i].text not in indexes.fillers
            and tokens[i].text not in _NOT_DATA
            and tokens[i].text not in _TOWARD
            and not _where_when(tokens, i)
        ]
        if (
            not content
            or data_spans & set(taken)
            or (data_spans and all(tokens[i].text in _POINTERS for i in content))
            or _negated(tokens, Match(taken[0], taken[0] + 1, "", frozenset()), indexes)
        ):
            continue
        return " ".join(tokens[i].text for i in taken if tokens[i].text not in _TOWARD)
    return None


# What may follow a German verb at the end of its clause: "zusammenfassen LASSEN", "hochladen KANN".
_VERB_LAST = frozenset(
    {"lassen", "werden", "kann", "konnen", "darf", "durfen", "soll", "sollen", "will", "mochte", "mochten",
     "zu", "bitte", "mal", "ok", "okay", "nutzen", "benutzen", "verwenden", "einsetzen", "machen", "helfen"}
)  # fmt: skip
# Where the content before a German verb begins: after the subject, a modal or a question word.
_SUBJECTS = frozenset(
    {"ich", "wir", "man", "du", "ihr", "darf", "durfen", "kann", "konnen", "soll", "sollen", "will", "mochte",
     "wie", "ob", "wenn", "dass", "um"}
)  # fmt: skip


def _before_verb(tokens: list[Token], verb: int, tool_at: set[int]) -> list[int]:
    """The words between the subject and the verb, the tool and its preposition left out: "darf ich
    [unsere Preisliste für Kessler] in Copilot zusammenfassen"."""
    clause = tokens[verb].clause
    taken: list[int] = []
    for i in range(verb - 1, -1, -1):
        if tokens[i].clause != clause or tokens[i].text in _SUBJECTS:
            break
        taken.append(i)
    taken.reverse()
    # The tool and what leads to it ("in Copilot", "mit ChatGPT") are where it goes, not what.
    while taken and (taken[-1] in tool_at or tokens[taken[-1]].text in _TOWARD):
        taken.pop()
    tool_starts = [k for k, i in enumerate(taken) if i in tool_at]
    if tool_starts:
        taken = taken[: tool_starts[0]]
        while taken and tokens[taken[-1]].text in _TOWARD:
            taken.pop()
    return taken


# What is removed ends where the place it is removed from begins: "remove the names FROM the payroll".
_FROM = frozenset(
    {"from", "of", "in", "out", "within", "de", "del", "en", "du", "des", "dans", "aus", "von", "vom"}
)


def _removed(tokens: list[Token], removals: list[Match], indexes: Indexes) -> tuple[str, ...]:
    for match in removals:
        clause = tokens[match.start].clause
        after: list[str] = []
        for token in tokens[match.end :]:
            if token.clause != clause or (token.text in _FROM and after):
                break
            if token.text not in indexes.fillers:
                after.append(token.text)
        if after:
            return tuple(after)
        # German puts the verb last: "wenn ich die Namen entferne" (but not "aus der Liste").
        before: list[str] = []
        for token in tokens[: match.start]:
            if token.clause != clause:
                continue
            if token.text in _FROM:
                before = []
                break
            if token.text not in indexes.fillers:
                before.append(token.text)
        if before:
            return tuple(before)
    return ()


def _tool_mention(tokens: list[Token], match: Match) -> ToolMention:
    text = _text(tokens, match)
    kb = sorted(p[1] for p in match.payloads if p[0] == "kb")  # type: ignore[index]
    if kb:
        return ToolMention(text=text, tool_ids=tuple(kb), typo=match.fuzzy)
    name = sorted(p[1] for p in match.payloads)[0]  # type: ignore[index]
    return ToolMention(text=text, unknown_name=name, typo=match.fuzzy)


def _tool_label(mention: ToolMention) -> str:
    if mention.tool_ids:
        return "tool: " + ", ".join(mention.tool_ids) + (" (read past a typo)" if mention.typo else "")
    return f"tool not on the list: {mention.unknown_name}"


def _text(tokens: list[Token], match: Match) -> str:
    return " ".join(t.text for t in tokens[match.start : match.end])


def _source(indexes: Indexes, kind: str, match: Match) -> str:
    return indexes.sources.get((kind, match.key), "")


# "without", "sin", "sans", "ohne" govern what follows them, verbs included: "without sharing any client
# data". "no", "not", "kein" do not reach past a verb of doing: "not paste the payroll" still pastes it
# (as in "why can I not paste API keys?"), so between them and the data only these may stand:
PREPOSITIONAL = frozenset(
    {"without", "excluding", "exclude", "except", "sin", "excepto", "salvo", "sans", "sauf", "ohne", "ausser"}
)
# ...and verbs of containing: "it doesn't include client data" says there is none.
_AFTER_NOT = frozenset(
    {"any", "a", "an", "de", "d", "ningun", "ninguna", "aucun", "aucune", "include", "including", "contain",
     "containing", "mention", "mentioning", "have", "has", "hold", "holds", "incluye", "contiene", "contient",
     "enthalt", "enthalten"}
)  # fmt: skip


def _negated(tokens: list[Token], match: Match, indexes: Indexes) -> bool:
    clause = tokens[match.start].clause
    index = match.start - 1
    passed: list[str] = []
    while index >= 0 and tokens[index].clause == clause:
        word = tokens[index].text
        if word in indexes.negators:
            if word not in PREPOSITIONAL and any(w not in _AFTER_NOT for w in passed):
                return False
            # "not without client data" says the data is there.
            return not (
                index > 0
                and tokens[index - 1].clause == clause
                and tokens[index - 1].text in indexes.negators
            )
        if word not in indexes.fillers:
            return False
        passed.append(word)
        index -= 1
    return False
