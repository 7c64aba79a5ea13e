"""Loading validates everything and reports every problem as file:line: message, all at once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from knowledge import EXAMPLE_DIR, KnowledgeError, load_knowledge, schema, validate_knowledge

POLICY = """\
policy:
  organization: Test Co
  version: 1
  contact: it@test.example
  unknown_tools: {max_data: none, guidance: Ask IT first.}
data_classes:
  - {id: public, name: Public, examples: [press release]}
  - {id: secret, name: Secret, examples: [client data]}
use_cases:
  - {id: writing, name: Writing, examples: [draft]}
groups:
  team: []
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_in(directory: Path) -> list[str]:
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in validate_knowledge(directory)]


def test_bundled_example_is_valid():
    kb = load_knowledge(EXAMPLE_DIR)
    assert len(kb.tools) >= 12
    assert {t.status for t in kb.tools} == {"approved", "limited", "pilot", "under_review", "not_approved"}
    assert len(kb.data_classes) == 4 and len(kb.use_cases) >= 8 and len(kb.rules) >= 5


def test_numbers_are_accepted_where_text_is_expected(tmp_path):
    write(tmp_path, "policy.yaml", POLICY)
    assert load_knowledge(tmp_path).policy.version == "1"


@pytest.mark.parametrize(
    ("tools_yaml", "expected"),
    [
        (
            "tools:\n  - {id: a, name: A, status: approved, max_data: public, colour: red}\n",
            "tools.yaml:2: tools[0].colour: unknown key 'colour'",
        ),
        (
            "tools:\n  - id: a\n    name: A\n    status: approved\n",
            "tools.yaml:2: tools[0].max_data: missing required key 'max_data'",
        ),
        (
            "tools:\n  - id: a\n    name: A\n    status: allowed\n    max_data: public\n",
            "tools.yaml:4: tools[0].status: input should be 'approved', 'limited', 'pilot', 'under_review' or 'not_approved'",
        ),
        (
            "tools:\n  - {id: a, name: A, status: approved, max_data: top-secret}\n",
            "tools.yaml:2: tools.a.max_data: 'top-secret' is not a known data class (or 'none')",
        ),
        (
            "tools:\n  - {id: a, name: A, status: approved, max_data: public, good_for: [coding]}\n",
            "tools.yaml:2: tools.a.good_for: 'coding' is not a known use case",
        ),
        (
            "tools:\n  - id: a\n    name: A\n    status: approved\n    max_data: secret\n"
            "    conditions: [{data: public, text: fine}]\n",
            "tools.yaml:2: tools.a.conditions: 'public' is already allowed by max_data 'secret'; "
            "a condition only makes sense for a more sensitive class",
        ),
        (
            "tools:\n  - {id: a, name: A, status: approved, max_data: public, available_to: [sales]}\n",
            "tools.yaml:2: tools.a.available_to: group 'sales' is not declared under 'groups:' "
            "(declare it, with an empty list if membership comes from the directory file)",
        ),
        (
            "tools:\n  - {id: Bad Id, name: A, status: approved, max_data: public}\n",
            "tools.yaml:2: tools[0].id: String should match pattern '^[a-z0-9][a-z0-9_-]*$'",
        ),
        (
            "rules:\n  - {id: r, text: never, effect: forbid, tools: [ghost]}\n",
            "tools.yaml:2: rules.r.tools: 'ghost' is not a known tool id",
        ),
        (
            "rules:\n  - {id: r, text: never, effect: forbid}\n",
            "tools.yaml:2: rules[0]: Value error, a rule needs at least one trigger: data, use_cases, tools, mentions or signals",
        ),
        (
            "rules:\n  - {id: r, text: never, effect: forbid, use_cases: [writing], data: [restricted]}\n",
            "tools.yaml:2: rules.r.data: 'restricted' is not a known data class",
        ),
        (
            "widgets: []\n",
            "tools.yaml:1: unknown top-level key 'widgets'; expected one of policy, data_classes, "
            "use_cases, tools, rules, groups",
        ),
        ("tools:\n  - {id: a, name: A\n", "tools.yaml:3: YAML syntax: did not find expected ',' or '}'"),
        (
            "tools:\n  - id: a\n    name: A\n    name: B\n    status: approved\n    max_data: public\n",
            "tools.yaml:4: YAML syntax: duplicate key 'name' (first at line 3)",
        ),
    ],
)
def test_each_problem_names_file_and_line(tmp_path, tools_yaml, expected):
    write(tmp_path, "policy.yaml", POLICY)
    write(tmp_path, "tools.yaml", tools_yaml)
    assert problems_in(tmp_path) == [expected]


def test_yaml_booleans_in_text_fields_get_a_hint(tmp_path):
    write(tmp_path, "policy.yaml", POLICY)
    write(tmp_path, "rules.yaml", "rules:\n  - id: r\n    effect: forbid\n    data: [secret]\n    text: no\n")
    assert problems_in(tmp_path) == [
        "rules.yaml:5: rules[0].text: YAML read an unquoted yes/no/on/off as false; put the text in quotes"
    ]


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, "a.yaml", POLICY + "tools:\n  - {id: x, name: X, status: approved, max_data: public}\n")
    write(tmp_path, "b.yaml", "\n\ntools:\n  - {id: x, name: X2, status: pilot, max_data: public}\n")
    (problem,) = validate_knowledge(tmp_path)
    assert (Path(problem.file).name, problem.line) == ("b.yaml", 4)
    assert problem.message == f"tools: duplicate id 'x' (first at {tmp_path / 'a.yaml'}:14)"


def test_policy_missing_or_twice(tmp_path):
    write(tmp_path, "a.yaml", "tools: []\n")
    assert [p.message for p in validate_knowledge(tmp_path)] == [
        "no 'policy:' section in any file; exactly one is required"
    ]
    write(tmp_path, "b.yaml", POLICY)
    write(tmp_path, "c.yaml", "policy:\n" + POLICY.split("policy:\n")[1].split("data_classes")[0])
    assert problems_in(tmp_path) == [
        f"c.yaml:1: 'policy' is defined twice (also at {tmp_path / 'b.yaml'}:1); keep one"
    ]


def test_all_problems_are_reported_at_once(tmp_path):
    shutil.copytree(EXAMPLE_DIR, tmp_path / "kb")
    tools = tmp_path / "kb" / "tools.yaml"
    text = tools.read_text()
    text = text.replace("max_data: confidential", "max_data: confidental", 1)  # typo in a class id
    text = text.replace("good_for: [coding]", "good_for: [coding, knitting]", 1)
    text = text.replace("status: pilot", "status: piloting", 1)
    tools.write_text(text)
    problems = problems_in(tmp_path / "kb")
    assert len(problems) == 3
    assert any("'confidental' is not a known data class" in p for p in problems)
    assert any("'knitting' is not a known use case" in p for p in problems)
    assert any("status: input should be" in p for p in problems)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(tmp_path / "kb")
    assert len(raised.value.problems) == 3


def test_problem_lines_point_at_the_entry(tmp_path):
    shutil.copytree(EXAMPLE_DIR, tmp_path / "kb")
    tools = tmp_path / "kb" / "tools.yaml"
    lines = tools.read_text().splitlines()
    index = lines.index("  - id: otter")
    lines.insert(index + 2, "    colour: teal")
    tools.write_text("\n".join(lines) + "\n")
    (problem,) = validate_knowledge(tmp_path / "kb")
    assert problem.line == index + 3 and "unknown key 'colour'" in problem.message


def test_empty_or_missing_directory(tmp_path):
    (problem,) = validate_knowledge(tmp_path)
    assert problem.message == "no *.yaml files found in this directory"
    (problem,) = validate_knowledge(tmp_path / "nope")
    assert problem.message == "no *.yaml files found in this directory"


def test_json_schema_accepts_the_example_and_rejects_unknown_keys():
    document = schema()
    json.dumps(document)  # serialisable for editors
    validator = jsonschema.Draft202012Validator(document)
    for path in sorted(EXAMPLE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert not list(validator.iter_errors(data)), path.name
    bad = {"tools": [{"id": "a", "name": "A", "status": "approved", "max_data": "public", "colour": "red"}]}
    assert list(validator.iter_errors(bad))
