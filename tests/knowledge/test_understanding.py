"""How a question is read: tool names, data (with negation), use case."""

from __future__ import annotations

import pytest

from knowledge.understand import understand


def tools_named(kb, question):
    reading = understand(question, kb.indexes)
    return [m.tool_ids or m.unknown_name for m in reading.tools]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can I use ChatGPT?", [("chatgpt-enterprise", "chatgpt-personal")]),
        ("can i use chat gpt", [("chatgpt-enterprise", "chatgpt-personal")]),
        ("is CHATGPT ok", [("chatgpt-enterprise", "chatgpt-personal")]),
        ("ChatGPT's summary feature", [("chatgpt-enterprise", "chatgpt-personal")]),
        ("are ChatGPTs allowed", [("chatgpt-enterprise", "chatgpt-personal")]),
        ("Chat-GPT for notes?", [("chatgpt-enterprise", "chatgpt-personal")]),
        ("is copliot ok for notes", [("copilot-consumer", "m365-copilot")]),
        ("Can I use GitHub Copilot?", [("github-copilot",)]),
        ("Can I use Copilot for Microsoft 365?", [("m365-copilot",)]),
        ("Can I use ChatGPT Enterprise?", [("chatgpt-enterprise",)]),
        ("github copliot for tests", [("github-copilot",)]),
        ("Grammarly and DeepL for a newsletter", [("grammarly",), ("deepl",)]),
        ("Can I use DeepSeek?", ["DeepSeek"]),
        ("what about perplexity ai", [("perplexity",)]),
        ("can I use midjourny", [("midjourney",)]),
        ("can I paste this clause into a prompt", []),
        ("thoughts on Mistral or Grok?", ["Mistral", "Grok"]),
        ("no tool named here", []),
    ],
)
def test_tool_names(kb, question, expected):
    assert tools_named(kb, question) == expected


def test_typo_is_marked(kb):
    (mention,) = understand("is copliot fine", kb.indexes).tools
    assert mention.typo and mention.text == "copliot"


@pytest.mark.parametrize(
    ("question", "data_class"),
    [
        ("paste a client contract", "confidential"),
        ("our client contracts", "confidential"),
        ("an internal memo and a client contract", "confidential"),  # the most sensitive wins
        ("a CV and a client contract", "restricted"),
        ("without any client data", None),
        ("with no personal data", None),
        ("it doesn't include client data", None),
        ("no client names in it", None),
        ("non-confidential, no client names", "confidential"),  # "non-" is a qualifier, not a negation
        ("non-sensitive passwords", "restricted"),
        ("not without client data", "confidential"),  # a double negative keeps the data
        ("Project Zero client data", "confidential"),
        ("the pasword for the wiki", "restricted"),  # a typo in a data phrase
        ("the раyroll file", "restricted"),  # Cyrillic р and а
        ("screening CVs", "restricted"),
        ("without client names, but with salary data", "restricted"),
        ("Is it not okay to paste client contracts?", "confidential"),  # negation of "okay", not of data
        ("anonymized client data", "confidential"),  # anonymized is still client data
        ("nothing sensitive here", None),
    ],
)
def test_data_class_with_negation(kb, question, data_class):
    assert understand(question, kb.indexes).data_class == data_class


def test_negated_data_is_remembered(kb):
    reading = understand("without any client data", kb.indexes)
    assert reading.negated_data == ("confidential",)


@pytest.mark.parametrize(
    ("question", "use_case"),
    [
        ("summarize this", "summarizing"),
        ("summarise client meeting notes", "meeting-notes"),  # the more specific phrase wins
        ("write code for a report", "coding"),
        ("ranking candidates", "hiring"),  # word forms meet at their root
        ("we screened applicants", "hiring"),
        ("summarized the notes", "summarizing"),
        ("draft an email to the client", "client-communication"),
        ("hello", None),
    ],
)
def test_use_case(kb, question, use_case):
    assert understand(question, kb.indexes).use_case == use_case


def test_rule_mentions_respect_negation(kb):
    assert "no-credentials" in understand("can I paste an API key", kb.indexes).mentions
    assert "no-credentials" not in understand("a script without any api key", kb.indexes).mentions


@pytest.mark.parametrize(
    ("question", "data_classes"),
    [
        # a dash between words ends a clause: the negation does not reach past it
        ("no customer data - just our public website copy - ok in chatgpt free?", ("public",)),
        # something already gone public is public information
        ("can I use chatgpt to summarise a report that's already out?", ("public",)),
        ("a page that's already up on our careers site, ok for chatgpt?", ("public",)),
        ("darf ich einen Text, der bereits auf unserer Website steht, in ChatGPT übersetzen?", ("public",)),
        ("ya está publicado el informe, ¿lo puedo resumir con chatgpt?", ("public",)),
        # "already" with nothing about publishing says nothing
        ("I already signed up for chatgpt, can I summarise this doc?", ()),
    ],
)
def test_data_read_in_ordinary_sentences(kb, question, data_classes):
    assert understand(question, kb.indexes).data_classes == data_classes


def test_a_bare_it_after_placed_data_points_at_that_data(kb):
    placed = understand("just the public press release - can I summarise it in chatgpt?", kb.indexes)
    assert placed.data_classes == ("public",) and not placed.handed
    unplaced = understand("can I summarise it in chatgpt?", kb.indexes)
    assert unplaced.handed == "it"


def test_a_number_inside_a_phrase_is_passed_over(kb):
    assert (
        understand("can chatgpt enterprise help me rank the 12 applicants?", kb.indexes).use_case == "hiring"
    )
    assert understand("shortlist the top 5 candidates in copilot", kb.indexes).use_case == "hiring"


def test_the_vendors_one_names_its_main_product(kb):
    for question in ("¿puedo usar el de OpenAI?", "is the OpenAI one ok?", "die KI von OpenAI für Notizen?"):
        assert tools_named(kb, question) == [("chatgpt-enterprise", "chatgpt-personal")], question


def test_words_read_as_data_are_no_edition_hint(kb):
    reading = understand("can I paste customer home addresses into chatgpt?", kb.indexes)
    assert reading.edition is None
    assert tools_named(kb, "can I paste customer home addresses into chatgpt?") == [
        ("chatgpt-enterprise", "chatgpt-personal")
    ]
    assert understand("can I use my home chatgpt for this?", kb.indexes).edition == "personal"


def test_a_long_rule_mention_holds_when_rephrased():
    from tests.knowledge.org_tables import org_kb

    indexes = org_kb("lawfirm").indexes
    rephrased = "the client's outside counsel guidelines say no AI on their matters; can I still use Harvey?"
    assert "client-ai-opt-out" in understand(rephrased, indexes).mentions
    # Two of its four telling words are not the mention
    assert "client-ai-opt-out" not in understand("can harvey read the client's guidelines?", indexes).mentions


def test_names_of_processes_are_not_the_data_inside_them(kb):
    assert (
        "restricted"
        not in understand("can chatgpt rewrite our password reset email?", kb.indexes).data_classes
    )
    assert "no-credentials" not in understand("what's the token limit of claude?", kb.indexes).mentions
    assert "restricted" in understand("can I paste the wifi password into chatgpt?", kb.indexes).data_classes


def test_just_this_data_covers_what_is_handed_over(kb):
    reading = understand(
        "no customer data, just our public docs - can chatgpt rewrite the user guide?", kb.indexes
    )
    assert reading.data_classes == ("public",) and not reading.handed
    assert understand("can chatgpt rewrite the user guide?", kb.indexes).handed


def test_a_hand_over_verb_used_as_a_noun_hands_nothing_over(kb):
    assert not understand("marketing copy for the landing page in chatgpt?", kb.indexes).handed
    assert not understand("kann ich copilot für code reviews nutzen?", kb.indexes).handed
    assert understand("can I copy the export into chatgpt?", kb.indexes).handed == "the export"


def test_naming_the_data_answers_the_clarifying_question(kb):
    from knowledge import assess

    first = assess(kb, "can I paste the export into chatgpt enterprise?")
    assert first.verdict == "clarify"
    answer = assess(
        kb, "it's a csv of our customers' home addresses and phone numbers", context=first.context
    )
    assert answer.carried == ("tool",) and answer.tools[0].tool_id == "chatgpt-enterprise"
    assert answer.verdict != "clarify"


def test_what_was_said_with_a_person_is_about_them(kb):
    reading = understand("can chatgpt summarise the call with the customer?", kb.indexes)
    assert "confidential" in reading.data_classes
    assert (
        "confidential"
        in understand("¿puedo resumir una reunión con un cliente en chatgpt?", kb.indexes).data_classes
    )
    # "with" before the data itself names no person: "with client data" is read as that data, once
    assert understand("is chatgpt ok with public data?", kb.indexes).data_classes == ("public",)


def test_content_described_by_the_data_after_it_is_not_asked_about(kb):
    reading = understand("can chatgpt enterprise summarise the call with the customer?", kb.indexes)
    assert not reading.handed and "confidential" in reading.data_classes
    assert understand("can chatgpt enterprise summarise the call?", kb.indexes).handed == "the call"


def test_what_to_use_instead_keeps_the_task_and_drops_the_tool(kb):
    from knowledge import assess

    first = assess(kb, "can I use otter for our client meeting notes?")
    instead = assess(kb, "ok what should I use instead?", context=first.context)
    assert instead.tools == () and instead.recommended
    assert "otter" not in {v.tool_id for v in instead.recommended}


def test_at_home_in_a_sentence_is_no_account_hint(kb):
    reading = understand(
        "a student said something about problems at home, can chatgpt enterprise help me write it up?",
        kb.indexes,
    )
    assert reading.edition is None and reading.tools[0].tool_ids == ("chatgpt-enterprise",)


def test_notes_of_a_meeting_however_it_is_named(kb):
    for question in ("can chatgpt enterprise summarise the notes from yesterday's budget meeting?",
                     "¿puede chatgpt enterprise resumir las notas de la junta de producción?"):  # fmt: skip
        reading = understand(question, kb.indexes)
        assert reading.data_classes and not reading.handed, question


def _org(name):
    from tests.knowledge.org_tables import org_kb

    return org_kb(name).indexes


@pytest.mark.parametrize(
    "question",
    [
        "can i paste the draft accounts of a listed client into copilot before they're published?",
        "¿puedo pasar a copilot los resultados de un cliente antes de que se publiquen?",
        "les résultats qui ne sont pas encore annoncés, dans copilot ?",
        "darf ich Zahlen, die noch nicht veröffentlicht sind, in Copilot einfügen?",
    ],
)
def test_what_is_not_public_yet_is_read_where_the_kb_files_unpublished_information(question):
    # The accounting KB files "unpublished results" and "results before announcement" as inside information.
    assert "inside-information" in understand(question, _org("accounting")).data_classes


def test_before_with_nothing_about_publishing_says_nothing():
    indexes = _org("accounting")
    assert understand("can copilot summarise this before lunch?", indexes).data_classes == ()
    assert (
        "inside-information" not in understand("the published accounts, ok in copilot?", indexes).data_classes
    )


def test_a_clients_data_is_read_as_client_data_not_the_strictest_class_sharing_the_word():
    # "listed client results" (inside information) shares the word "client" with the client category.
    reading = understand("can I paste a client's corporation tax return into chatgpt?", _org("accounting"))
    assert reading.data_classes == ("client-confidential",)


def test_a_use_case_example_holds_when_its_words_are_apart_in_one_clause():
    indexes = _org("retail")  # customer-decisions: "approve refund", "decide refund", ...
    assert (
        "customer-decisions"
        in understand("can copilot decide which refund requests to approve?", indexes).use_cases
    )
    apart = understand("my manager will approve it. can copilot draft the refund email?", indexes)
    assert "customer-decisions" not in apart.use_cases


def test_a_short_rule_mention_holds_with_words_in_between():
    indexes = _org("pharma")  # research-stays-in-tenant mentions "unpublished results"
    reading = understand("can I paste the unpublished phase 2 efficacy results into chatgpt?", indexes)
    assert "research-stays-in-tenant" in reading.mentions
    assert "research-stays-in-tenant" not in understand("the results are published, ok?", indexes).mentions


@pytest.mark.parametrize(
    "question",
    [
        "can I use ChatGPT Enterprise to decide whether to give a customer a refund on a return?",
        "¿se puede usar copilot para decidir si le devolvemos el dinero a un cliente?",
        "est-ce que copilot peut décider si on rembourse ce client ?",
        "kann Copilot entscheiden, ob wir die Rücksendung erstatten?",
    ],
)
def test_an_ai_deciding_is_read_as_an_automated_decision(question):
    # retail: customer-decisions (refunds, fraud blocks) is forbidden in every tool
    assert "customer-decisions" in understand(question, _org("retail")).use_cases


def test_deciding_between_tools_is_no_decision_about_anyone():
    reading = understand(
        "I can't decide between copilot and chatgpt for writing, which is better?", _org("retail")
    )
    assert "customer-decisions" not in reading.use_cases


def test_a_rule_about_unreleased_things_holds_for_the_things_before_they_go_live():
    indexes = _org("retail")  # unreleased-prices mentions "unreleased price", "unannounced promotion", ...
    reading = understand(
        "can I use deepl to translate the black friday promo prices before they go live", indexes
    )
    assert "unreleased-prices" in reading.mentions
    assert "unreleased-prices" not in understand("can deepl translate our price list?", indexes).mentions


@pytest.mark.parametrize(
    "question",
    [
        "can copilot summarise the SAE reports from last week?",
        "draft the narrative for a serious adverse event case in chatgpt",
        "¿puedo usar chatgpt para evaluar si un acontecimiento adverso es grave?",
        "can claude analyse the subject listings from the phase 2 study?",
        "Darf ich die Nebenwirkungsmeldungen in Copilot zusammenfassen?",
    ],
)
def test_drug_safety_cases_and_trial_participants_are_health_data(question):
    assert "patient-data" in understand(question, _org("pharma")).data_classes


@pytest.mark.parametrize(
    "question",
    [
        "can I paste 4111 1111 1111 1111 into ChatGPT Enterprise?",
        "ChatGPT Enterprise: DE89 3704 0044 0532 0130 00",
    ],
)
def test_a_pasted_number_triggers_the_rule_that_names_what_it_is(kb, question):
    # special-category-data mentions "card number" and "iban" among health and ID words
    assert "special-category-data" in understand(question, kb.indexes).mentions


@pytest.mark.parametrize(
    "question",
    [
        "can the openai thing help me reword a letter to a trial patient about her next visit?",
        "can deepl translate a letter to a patient in Lyon about her visit",
        "¿puede chatgpt mejorar una carta a un paciente sobre su próxima visita?",
    ],
)
def test_what_is_written_to_a_person_is_about_them(question):
    assert "patient-data" in understand(question, _org("pharma")).data_classes


def test_written_to_someone_is_read_as_the_data_it_names_of_their_kind():
    indexes = _org("pharma")
    # The adverse event says which patient data it is; the reading is no wider than that.
    named = understand("draft a letter to a patient about her adverse event in copilot", indexes)
    assert named.data_classes == ("patient-data",)
    # Public opening hours say nothing about the patient: the letter to them is still about them.
    other = understand("draft a letter to a patient with our public opening hours in copilot", indexes)
    assert "patient-data" in other.data_classes


@pytest.mark.parametrize(
    ("question", "about_them"),
    [
        ("can grammarly polish an email to a colleague", False),
        ("kann deepl eine Nachricht an einen Kollegen übersetzen", False),
        ("can grammarly polish my colleague's appraisal", True),
        ("can grammarly polish a rejection letter to a candidate", True),
    ],
)
def test_what_is_written_to_a_colleague_is_not_about_them_but_their_records_are(kb, question, about_them):
    # "colleague" owns HR data ("a colleague's appraisal"), but the everyday email to one says nothing
    # about which data it holds: the reader asks, instead of calling it HR data.
    read = understand(question, kb.indexes)
    assert ("restricted" in read.data_classes) is about_them


@pytest.mark.parametrize(
    ("question", "data_class"),
    [
        ("Darf ich die Passagierliste in ChatGPT kopieren?", "restricted"),  # Passagier + Liste
        ("Reisepassdaten in DeepL übersetzen?", "protected"),  # Reisepass + Daten
        ("can i paste the passenger list into copilot", "restricted"),
        ("¿puedo pegar la lista de pasajeros en chatgpt?", "restricted"),
        ("a passenger with epilepsy, can gpt write the handling notes", "protected"),
        ("list of pax needing wheelchairs, can copilot make a table", "protected"),
    ],
)
def test_people_an_organisation_serves_and_german_compounds_are_read(question, data_class):
    assert data_class in understand(question, _org("airline")).data_classes


@pytest.mark.parametrize(
    "question",
    [
        "can I use deepl to translate a refugee's asylum statement",
        "Fallakten der Geflüchteten in ChatGPT hochladen",
        "our caseworker wants to paste the beneficiary database export into copilot",
        "résumer les notes d'entretien avec les demandeurs d'asile",
    ],
)
def test_people_in_vulnerable_situations_are_the_most_protected_data(question):
    assert "protected" in understand(question, _org("charity")).data_classes


def test_a_compound_the_catalogs_know_whole_is_not_split(kb):
    # "Kundendaten" is a catalog phrase of its own; "Kunde" + "Daten" would read the same, but only once.
    words = [w.text for w in understand("Kundendaten in ChatGPT", kb.indexes).words]
    assert "kundendaten" in words


def test_an_ai_deciding_lands_on_every_use_case_named_for_decisions():
    read = understand("can gpt decide if we can dispatch with the APU inop", _org("airline"))
    assert {"safety-decisions", "people-decisions"} <= set(read.use_cases)


@pytest.mark.parametrize(
    ("question", "data_class"),
    [
        ("booking refs and names of 30 pax, can chatgpt enterprise write the emails", "restricted"),
        ("can chatgpt look at a passenger's booking history", "restricted"),
        ("list of crew who are union members, can copilot sort it", "protected"),
    ],
)
def test_the_people_data_is_about_are_read_past_numbers_and_a_word_between(question, data_class):
    assert data_class in understand(question, _org("airline")).data_classes


@pytest.mark.parametrize(
    "question",
    [
        "Darf ich den Namen meines Informanten in ChatGPT eingeben?",
        "Kann ich Daten unserer Abonnenten in DeepL übersetzen?",
    ],
)
def test_german_possessive_genitives_name_whose_data_it_is(kb, question):
    assert (
        "restricted" in understand(question, kb.indexes).data_classes
        or "confidential" in understand(question, kb.indexes).data_classes
    )


@pytest.mark.parametrize(
    "question",
    [
        "can chatgpt enterprise rank the cadet pilot applicants",
        "is it ok to let chatgpt pick which trainee we hire",
        "which crew member should be let go in the restructuring, can chatgpt say",
    ],
)
def test_people_decisions_are_read_as_rephrased(question):
    assert "people-decisions" in understand(question, _org("airline")).use_cases


def test_only_decisions_are_read_loosely_not_every_task_about_people():
    # "grade students", rephrased, would make any email about grades a grading decision.
    read = understand("can gemini help me draft an email to a student about their grades", _org("university"))
    assert read.use_cases == ("writing",)


def test_a_product_whose_name_folds_into_a_listed_alias_is_still_another_product():
    # "Fireflies" (a meeting recorder) is not the listed "Firefly" (Adobe's image tool) in the plural.
    indexes = _org("hotels")
    (mention,) = understand("fireflies.ai to record the ops call?", indexes).tools
    assert mention.unknown_name and not mention.tool_ids
    (listed,) = understand("can firefly make a banner for the spa", indexes).tools
    assert listed.tool_ids == ("adobe-firefly",)


@pytest.mark.parametrize(
    "question",
    [
        "github copilot to refactor the PLC ladder logic",
        "protection relay settings for the grid transformers, can copilot check them",
        "copilot para resumir el esquema unifilar de la subestación",
    ],
)
def test_operational_technology_is_read_as_the_policys_critical_infrastructure(question):
    assert "critical" in understand(question, _org("utility")).data_classes


@pytest.mark.parametrize(
    "question",
    [
        "can copilot tidy up the press release for the launch next month?",
        "the results we announce next week, can copilot write the commentary?",
        "¿copilot puede resumir los resultados del mes que viene?",
        "copilot peut-il préparer l'annonce de la semaine prochaine ?",
        "darf Copilot die Ergebnisse für nächste Woche zusammenfassen?",
    ],
)
def test_what_goes_public_on_a_day_still_ahead_is_not_public_yet(question):
    assert "inside-information" in understand(question, _org("accounting")).data_classes


def test_a_day_behind_or_no_event_says_nothing_about_publishing():
    indexes = _org("accounting")
    assert (
        "inside-information"
        not in understand("summarise the results we announced last month", indexes).data_classes
    )
    assert (
        "inside-information"
        not in understand("can copilot plan my holiday next month?", indexes).data_classes
    )


def test_a_persons_own_matters_named_after_them_are_their_data_even_in_a_task(kb):
    # "reply to a customer" is one of the example's use cases; their bill is still the customer's.
    about = understand("can chatgpt write a reply to a customer about their bill?", kb.indexes)
    assert about.data_classes == ("confidential",)
    assert (
        understand("can chatgpt write a reply to a customer about the weather?", kb.indexes).data_classes
        == ()
    )


def test_german_content_before_the_verb_at_the_end_is_what_is_handed_over(kb):
    handed = understand("darf ich die Übergabeliste in Copilot einfügen lassen?", kb.indexes)
    assert handed.handed == "die ubergabeliste"
    # The verb's own helpers ("zum Übersetzen nutzen") hand nothing over.
    assert understand("kann ich chatgpt zum übersetzen nutzen", kb.indexes).handed == ""


def test_german_der_after_a_noun_says_whose_data_it_is(kb):
    assert understand(
        "darf ich die Zählerstände der Kunden in Grammarly einfügen", kb.indexes
    ).data_classes == ("confidential",)


def test_an_abbreviations_dot_ends_no_clause():
    from knowledge.phrases import tokenize

    clauses = {t.text: t.clause for t in tokenize("ask Dr. Lee, e.g. the roster. then stop")}
    assert clauses["dr"] == clauses["lee"] and clauses["g"] == clauses["roster"] != clauses["then"]


def test_a_device_or_a_day_is_not_content_handed_over(kb):
    assert understand("google translate on my phone to chat with a driver", kb.indexes).handed == ""
    assert understand("gemini to shorten the press release we put out yesterday", kb.indexes).handed == ""


def test_a_message_to_the_organisations_own_people_is_internal_communication(kb):
    for question in (
        "can chatgpt draft a memo to the ground crew about the new uniforms?",
        "un correo a toda la plantilla sobre la fiesta, ¿con chatgpt?",
        "kann ChatGPT eine Rundmail an die Belegschaft schreiben?",
    ):
        assert understand(question, kb.indexes).data_classes == ("internal",), question
    assert understand("can chatgpt draft a memo about the new uniforms?", kb.indexes).data_classes == ()


def test_which_tool_and_account_is_not_data_even_where_a_class_shares_the_word():
    # The newsroom's class is called "Personal"; a personal account says nothing about personal data.
    indexes = _org("newsroom")
    for question in (
        "can I use my personal chatgpt to summarise a press release that's already out?",
        "can I use chatgpt on my personal account to summarise a press release that's already out?",
    ):
        assert "personal-data" not in understand(question, indexes).data_classes, question
    assert (
        "personal-data"
        in understand("can chatgpt summarise the personal data of readers?", indexes).data_classes
    )


@pytest.mark.parametrize(
    ("question", "data_class"),
    [
        # A letter to a person about their matters is still any of their data, not only who they are.
        ("can grammarly polish a reply to an employee about her contract?", "restricted"),
        # A concept naming a customer list must not pull vulnerable people down to client data.
        ("can I paste the case notes of a refugee family into deepl?", "restricted"),
    ],
)
def test_new_readings_never_lower_what_was_read_before(kb, question, data_class):
    assert data_class in understand(question, kb.indexes).data_classes


def test_an_edition_word_after_a_tool_is_data_when_a_noun_follows():
    indexes = _org("accounting")
    assert (
        "personal"
        in understand("can I paste into DeepL Pro personal notes on an employee?", indexes).data_classes
    )
    assert "personal" not in understand("¿puedo usar mi chatgpt personal para un post?", indexes).data_classes


def test_a_day_or_a_device_alone_is_still_content_to_ask_about(kb):
    assert understand("can I paste today's into chatgpt?", kb.indexes).handed


def test_a_clarifying_question_quotes_the_words_as_they_were_typed(kb):
    from knowledge.assess import assess

    asked = assess(kb, "darf ich die Übergabeliste in Copilot einfügen lassen?")
    assert asked.clarify is not None and asked.clarify.phrase == "die Übergabeliste"


def test_a_possessive_with_nothing_after_it_still_says_whose_it_is(kb):
    assert "restricted" in understand("can I give chatgpt the patient's", kb.indexes).data_classes


def test_people_in_general_own_their_data_but_a_message_to_them_is_not_about_them(kb):
    assert understand("can I paste the list of people who owe us money into chatgpt", kb.indexes).data_classes
    assert understand("write a welcome email for new people joining the team", kb.indexes).data_classes == ()
