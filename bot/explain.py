"""`aiguide kb explain` and `aiguide ask --explain`: how aiguide reads a knowledge base and a question."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from knowledge import KnowledgeBase
from knowledge.assess import Assessment
from knowledge.catalog import load_catalog
from knowledge.phrases import PhraseIndex
from knowledge.signals import load_signals

HOW = {
    "stated": "stated in the knowledge base (signals:)",
    "overlap": "shares phrases with the class",
    "analogy": "overlaps no class: read where equally sensitive categories landed",
    "level": "overlaps no class: read as the most sensitive class",
    "none": "overlaps no class: its phrases are not read",
    "named only": "each concept only where your examples name it (below), in every language",
}


def explain_kb(kb: KnowledgeBase, console: Console) -> None:
    signals = kb.signals or load_signals()
    placed = kb.signal_map
    data = Table(title="Data signals → your data classes", show_lines=False)
    for column in ("category", "phrases", "lands on", "why", "evidence"):
        data.add_column(column)
    for category in signals.data:
        placement = placed.data[category.id]
        target = ", ".join(kb.data_name(c) for c in placement.classes) or "—"
        evidence = "; ".join(placement.evidence[:3])
        data.add_row(
            *(
                Text(v)
                for v in (category.id, str(len(category.all_phrases)), target, HOW[placement.how], evidence)
            )
        )
    console.print(data)
    if placed.concept_targets:
        concepts = Table(title="Concepts read on a class of their own (their category spans several classes)")
        for column in ("concept", "category", "lands on"):
            concepts.add_column(column)
        category_of = {concept.id: c.id for c in signals.data for concept in c.concepts}
        for concept, classes in placed.concept_targets.items():
            concepts.add_row(
                Text(concept),
                Text(category_of.get(concept, "")),
                Text(", ".join(kb.data_name(c) for c in classes)),
            )
        console.print(concepts)
    if placed.concept_classes:
        named = Table(title="Concepts your examples name: read on that class too, in every language")
        for column in ("concept", "category", "named in"):
            named.add_column(column)
        category_of = {concept.id: c.id for c in signals.data for concept in c.concepts}
        for concept, classes in sorted(placed.concept_classes.items()):
            named.add_row(
                Text(concept),
                Text(category_of.get(concept, "")),
                Text(", ".join(kb.data_name(c) for c in classes)),
            )
        console.print(named)

    uses = Table(title="Use-case signals → your use cases")
    for column in ("category", "lands on", "evidence"):
        uses.add_column(column)
    for category in signals.use_cases:
        targets = placed.use_cases.get(category.id, ())
        names = (
            ", ".join(kb.use_case[u].name for u in targets) or "— (not read: no use case shares its phrases)"
        )
        uses.add_row(
            Text(category.id), Text(names), Text("; ".join(placed.use_evidence.get(category.id, ())[:2]))
        )
    console.print(uses)

    rules = Table(title="Rules your mentions connect to data signals (their phrases trigger the rule too)")
    for column in ("rule", "categories"):
        rules.add_column(column)
    for rule_id, categories in placed.rules.items():
        rules.add_row(Text(rule_id), Text(", ".join(categories)))
    if placed.rules:
        console.print(rules)

    tools = Table(title="Well-known products → your tools")
    for column in ("product", "read as"):
        tools.add_column(column)
    listed = PhraseIndex()
    for tool in kb.tools:
        for phrase in (tool.name, *tool.aliases):
            listed.add(phrase, tool.id)
    for product in load_catalog().products:
        ids = sorted({str(i) for name in product.names for i in listed.payloads(name)})
        tools.add_row(Text(product.name), Text(", ".join(ids) if ids else "not on your list (unknown tool)"))
    console.print(tools)


def explain_question(assessment: Assessment, console: Console) -> None:
    table = Table(title="How the question was read")
    for column in ("words", "read as", "from"):
        table.add_column(column)
    for word in assessment.understanding.words:
        table.add_row(Text(word.text), Text(word.read_as), Text(word.source))
    if assessment.carried:
        table.add_row(Text("(earlier question)"), Text(", ".join(assessment.carried)), Text("conversation"))
    console.print(table)


def words_json(assessment: Assessment) -> list[dict[str, str]]:
    return [{"words": w.text, "read_as": w.read_as, "from": w.source} for w in assessment.understanding.words]
