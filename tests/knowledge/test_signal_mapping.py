"""How the shipped catalogs land on a knowledge base that never heard of them, and how IT overrides it."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase, load_knowledge
from knowledge.assess import assess
from knowledge.detectors import detect
from knowledge.loader import validate_knowledge

POLICY = """
policy:
  organization: Test U
  version: "1"
  contact: "#help"
  unknown_tools: {max_data: none, guidance: Ask first.}
"""


def write_kb(tmp_path, body: str) -> KnowledgeBase:
    (tmp_path / "kb.yaml").write_text(POLICY + body, encoding="utf-8")
    return load_knowledge(tmp_path)


THREE_LEVELS = """
data_classes:
  - {id: low, name: Low risk, examples: [public information, press release]}
  - {id: moderate, name: Moderate risk, examples: [student records, internal memo]}
  - {id: high, name: High risk, examples: [social security number, medical records]}
tools:
  - {id: bot, name: CampusBot, aliases: [campusbot], status: approved, max_data: moderate}
rules:
  - {id: no-secrets, effect: forbid, mentions: [password, api key, access token], text: Never secrets.}
"""


def test_categories_land_on_the_classes_whose_words_they_share(tmp_path):
    kb = write_kb(tmp_path, THREE_LEVELS)
    placed = kb.signal_map.data
    assert placed["public"].target == "low" and placed["public"].how == "overlap"
    assert placed["health"].target == "high"  # "medical records"
    assert placed["student"].target == "moderate"
    # The most sensitive class wins when several overlap: personal data shares words with both.
    assert placed["personal"].target == "high"


def test_a_sensitive_category_that_overlaps_nothing_is_never_read_as_less_sensitive(tmp_path):
    kb = write_kb(tmp_path, THREE_LEVELS)
    financial = kb.signal_map.data["financial"]
    assert financial.how in ("analogy", "level") and financial.target == "high"
    reading = assess(kb, "can campusbot check my IBAN and card number?")
    assert reading.tools[0].verdict == "not_allowed"


def test_public_and_internal_categories_that_overlap_nothing_are_not_read(tmp_path):
    kb = write_kb(
        tmp_path,
        """
data_classes:
  - {id: green, name: Green, examples: [brochure]}
  - {id: red, name: Red, examples: [salary]}
tools:
  - {id: bot, name: Bot, aliases: [thebot], status: approved, max_data: green}
""",
    )
    assert kb.signal_map.data["internal"].target is None
    # Not read means not lowered: the data stays unstated and the low ceiling still asks for a condition.
    reading = assess(kb, "can thebot tidy up our team update?")
    assert reading.understanding.data_classes == () and reading.tools[0].verdict == "conditional"


def test_signals_in_the_knowledge_base_override_the_inference(tmp_path):
    kb = write_kb(
        tmp_path,
        THREE_LEVELS.replace(
            "{id: moderate, name: Moderate risk, examples: [student records, internal memo]}",
            "{id: moderate, name: Moderate risk, examples: [student records, internal memo], signals: [health]}",
        ),
    )
    assert kb.signal_map.data["health"].how == "stated" and kb.signal_map.data["health"].target == "moderate"
    assert assess(kb, "campusbot for a patient's lab results?").understanding.data_class == "moderate"


def test_an_unknown_signal_id_is_a_validation_problem(tmp_path):
    (tmp_path / "kb.yaml").write_text(
        POLICY + THREE_LEVELS.replace("examples: [public information, press release]}", "signals: [helth]}"),
        encoding="utf-8",
    )
    (problem,) = validate_knowledge(tmp_path)
    assert "'helth' is not a known data-signal category" in problem.message


def test_the_knowledge_base_wins_over_the_catalog_for_its_own_phrases(tmp_path):
    kb = write_kb(tmp_path, THREE_LEVELS.replace("[public information, press release]", "[payroll]"))
    # The catalog puts payroll under HR data; this knowledge base says it is Low risk.
    assert assess(kb, "campusbot for payroll?").understanding.data_classes == ("low",)


def test_a_rule_whose_mentions_are_mostly_credentials_takes_every_credentials_phrase(tmp_path):
    kb = write_kb(tmp_path, THREE_LEVELS)
    assert kb.signal_map.rules["no-secrets"] == ("credentials",)
    for question in (
        "can campusbot read my ssh private key?",
        "¿puedo darle a campusbot mi contraseña?",
        "campusbot with AKIAIOSFODNN7EXAMPLE in the config?",
    ):
        assert "no-secrets" in assess(kb, question).understanding.mentions, question


def test_vendor_names_urls_and_edition_hints_name_the_right_tool(kb):
    vendor = assess(kb, "is the anthropic one ok for a project plan?")
    assert [v.tool_id for v in vendor.tools] == ["claude-team"]
    url = assess(kb, "can I use chatgpt.com for a client contract?")
    assert {v.tool_id for v in url.tools} == {"chatgpt-enterprise", "chatgpt-personal"}
    personal = assess(kb, "chatgpt on my personal account for a client contract?")
    assert [(v.tool_id, str(v.verdict)) for v in personal.tools] == [("chatgpt-personal", "not_allowed")]
    work = assess(kb, "chatgpt with my work login for a client contract?")
    assert [(v.tool_id, str(v.verdict)) for v in work.tools] == [("chatgpt-enterprise", "allowed")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("card 4111 1111 1111 1111", ("card_number",)),
        ("order 4111 1111 1111 1112", ()),  # fails the Luhn check
        ("DE89 3704 0044 0532 0130 00", ("iban",)),
        ("discharge notes for mr. jones", ("named_person",)),
        ("share it in MS Teams", ()),
        ("postgres://app:s3cret@db.internal/prod", ("connection_string",)),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", ("private_key_block",)),
        ("password = hunter22", ("password_assignment",)),
        ("my password is Winter2026!, can copilot log in?", ("password_stated",)),
        ("is a password required for the portal?", ()),
        ("the password is required to be rotated", ()),
        ("the login for the carrier portal is ops.venlo / Winter2026!", ("login_pair",)),
        ("der Benutzer ist lager3 / Sommer#24", ("login_pair",)),
        ("the login page is slow / broken today", ()),
    ],
)
def test_detectors_find_real_shapes_and_not_look_alikes(text, found):
    assert detect(text) == found


def test_no_name_of_a_process_is_also_a_data_phrase():
    # A "not data" phrase that is also a data phrase would hide that data ("password manager" is kept
    # as credentials: its export holds every password).
    from knowledge.phrases import compact
    from knowledge.signals import load_signals

    signals = load_signals()
    data = {compact(p, roots=True) for c in signals.data for p in c.all_phrases}
    clashes = [p for p in signals.conversation.words("not_data") if compact(p, roots=True) in data]
    assert clashes == []


def test_a_concept_of_a_broad_category_is_read_on_a_class_of_its_own():
    # The bank-like KB files card numbers as cardholder data and board minutes as confidential; the
    # catalog's financial category holds both, so it spans several classes.
    from pathlib import Path

    from knowledge.understand import understand

    kb = load_knowledge(Path(__file__).parent / "kbs" / "bank" / "kb")
    assert kb.signal_map.data["financial"].target == "cardholder-data"
    read = lambda q: understand(q, kb.indexes).data_classes  # noqa: E731
    assert read("Kann Copilot das Protokoll der Vorstandssitzung zusammenfassen?")[-1] == "confidential"
    assert read("can I paste a card number into copilot?")[-1] == "cardholder-data"
    # a concept the catalog rates below its category lands on the class named for its level
    assert read("can copilot summarise the budget for next year?")[-1] == "confidential"


def test_spanish_and_french_phrases_match_in_the_singular_too():
    # Snowball roots "préstamos" and "préstamo" apart; the catalog's "aprobar préstamos" finds both.
    from pathlib import Path

    from knowledge.understand import understand

    indexes = load_knowledge(Path(__file__).parent / "kbs" / "bank" / "kb").indexes
    plural = understand("¿puedo usar chatgpt para aprobar préstamos?", indexes).use_cases
    singular = understand("¿puedo usar chatgpt para decidir si aprobamos un préstamo?", indexes).use_cases
    # An AI deciding lands on every use case named for decisions: credit, and fraud and risk.
    assert plural == singular and "credit-decisions" in plural


def test_a_restricted_concept_the_kb_files_low_keeps_only_its_own_words_there(tmp_path):
    """IT lists "phone numbers" as Internal: that phrase is read as Internal, but the rest of the
    contact-details concept ("emergency contacts", "next of kin") is not pulled below the floor of
    personal data with it; a word IT never wrote never becomes a yes."""
    kb = write_kb(tmp_path, """
data_classes:
  - {id: public, name: Public, examples: [press release]}
  - {id: internal, name: Internal, examples: [meeting notes, phone numbers]}
  - {id: confidential, name: Confidential, examples: [client contract]}
  - {id: restricted, name: Restricted, examples: [medical records, passport number, salary]}
tools:
  - {id: grammarly, name: Grammarly, status: approved, max_data: internal}
""")  # fmt: skip
    assert (
        assess(kb, "can grammarly check the emergency contacts list?").understanding.data_class
        == "restricted"
    )
    assert assess(kb, "can grammarly check the next of kin forms?").understanding.data_class == "restricted"
    assert assess(kb, "can grammarly check our phone numbers list?").understanding.data_class == "internal"


def test_catalog_edits_keep_the_examples_people_data_restricted(kb):
    """A phrase added to a concept can pull its whole category down to whatever class shares its words
    ("vulnerable customer list" ~ "customer list" once took refugees' case notes to client data): the
    example's categories of people's data stay where its classes put them."""
    placed = kb.signal_map.data
    for category in ("vulnerable", "law-enforcement", "health", "hr", "personal", "student", "credentials"):
        assert set(placed[category].classes) == {"restricted"}, category


def test_everyday_documents_are_read_only_where_the_knowledge_base_names_them(tmp_path):
    named = write_kb(tmp_path, THREE_LEVELS.replace("internal memo]", "internal memo, timesheets]"))
    assert named.signal_map.data["documents"].classes == ()  # never placed by itself
    for question in (
        "can campusbot add up the relevés d'heures?",
        "darf campusbot die Stundenzettel prüfen?",
    ):
        assert assess(named, question).understanding.data_classes == ("moderate",), question
    other = tmp_path / "other"
    other.mkdir()
    unnamed = write_kb(other, THREE_LEVELS)
    # The same words in a knowledge base that never names timesheets: not read as anything.
    assert assess(unnamed, "can campusbot add up the relevés d'heures?").understanding.data_classes == ()


def test_a_translation_only_category_is_not_a_signal_a_knowledge_base_can_state(tmp_path):
    body = THREE_LEVELS.replace(
        "examples: [student records", "signals: [documents], examples: [student records"
    )
    (tmp_path / "kb.yaml").write_text(POLICY + body, encoding="utf-8")
    assert any(
        "'documents' is not a known data-signal category" in str(p) for p in validate_knowledge(tmp_path)
    )
