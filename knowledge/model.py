"""The knowledge-base file format: the contract with the IT teams who write it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=64),
    Field(description="Lower-case letters, digits, '-' and '_'; unique within its kind."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]

ToolStatus = Literal["approved", "limited", "pilot", "under_review", "not_approved"]
RuleEffect = Literal["forbid", "require"]
NO_DATA = "none"


class Entry(BaseModel):
    # Numbers are accepted where text is expected: `version: 2026.1` is a float to YAML.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class UnknownTools(Entry):
    max_data: str = Field(
        NO_DATA, description="The most sensitive data class allowed in a tool the list does not name."
    )
    guidance: Text = Field(description="What to tell someone who asks about a tool the list does not name.")


class Policy(Entry):
    organization: Text
    version: Text = Field(description="Stamped on every answer, so people can tell which policy spoke.")
    contact: Text = Field(description="Where to ask a human: a channel, a mailbox or a team.")
    unknown_tools: UnknownTools
    url: str | None = Field(None, description="Optional link to the full written policy.")


class DataClass(Entry):
    id: Id
    name: Text
    description: str = ""
    examples: tuple[Phrase, ...] = Field(
        (), description="Phrases that signal this class in a question, e.g. 'client contract'."
    )
    signals: tuple[Id, ...] = Field(
        (),
        description="Optional: ids of aiguide's data-signal categories (`aiguide kb explain` lists them) "
        "that belong to this class, overriding the inferred mapping.",
    )


class UseCase(Entry):
    id: Id
    name: Text
    description: str = ""
    examples: tuple[Phrase, ...] = Field((), description="Phrases such as 'summarize' or 'meeting notes'.")
    signals: tuple[Id, ...] = Field(
        (), description="Optional: ids of aiguide's use-case signal categories that mean this use case."
    )


class Condition(Entry):
    data: Id = Field(description="A data class above the tool's max_data, allowed only under this condition.")
    text: Text


class NotFor(Entry):
    use_case: Id
    reason: Text


class Tool(Entry):
    id: Id
    name: Text
    vendor: str = ""
    aliases: tuple[Phrase, ...] = Field((), description="Names people type; several tools may share one.")
    edition: str = Field("", description="What tells editions apart, e.g. 'company SSO login'.")
    status: ToolStatus
    max_data: str = Field(description="The most sensitive data class allowed, or 'none' for no company data.")
    conditions: tuple[Condition, ...] = ()
    good_for: tuple[Id, ...] = ()
    not_for: tuple[NotFor, ...] = ()
    available_to: Literal["everyone"] | tuple[Text, ...] = "everyone"
    access: str = Field("", description="How to get access.")
    notes: str = ""
    alternatives: tuple[Id, ...] = Field(
        (), description="Optional: tool ids to suggest first when this tool is refused."
    )


class Rule(Entry):
    id: Id
    text: Text
    effect: RuleEffect
    data: tuple[Id, ...] = ()
    use_cases: tuple[Id, ...] = ()
    tools: tuple[Id, ...] = ()
    except_tools: tuple[Id, ...] = ()
    mentions: tuple[Phrase, ...] = Field(
        (), description="Optional: phrases that trigger the rule when the question contains one."
    )
    signals: tuple[Id, ...] = Field(
        (),
        description="Optional: ids of aiguide's data-signal categories whose phrases (and secret detectors) "
        "trigger the rule like `mentions`.",
    )

    @model_validator(mode="after")
    def _has_trigger(self) -> Rule:
        if not (self.data or self.use_cases or self.tools or self.mentions or self.signals):
            raise ValueError("a rule needs at least one trigger: data, use_cases, tools, mentions or signals")
        return self


SECTIONS: dict[str, type[Entry]] = {
    "data_classes": DataClass,
    "use_cases": UseCase,
    "tools": Tool,
    "rules": Rule,
}
TOP_LEVEL_KEYS = ("policy", *SECTIONS, "groups")


class KnowledgeFile(Entry):
    """One YAML file; a knowledge base is a directory of these merged together."""

    policy: Policy | None = None
    data_classes: tuple[DataClass, ...] = ()
    use_cases: tuple[UseCase, ...] = ()
    tools: tuple[Tool, ...] = ()
    rules: tuple[Rule, ...] = ()
    groups: dict[Id, tuple[str, ...]] = Field(
        default_factory=dict, description="Group name to members (emails or platform user ids)."
    )
