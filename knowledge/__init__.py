"""The approved-tools knowledge base and the policy engine: pure code over YAML data."""

from knowledge.assess import Assessment, Overall, assess, recommend
from knowledge.base import KnowledgeBase
from knowledge.loader import EXAMPLE_DIR, KnowledgeError, Problem, load_knowledge, schema, validate_knowledge
from knowledge.policy import Asker, Reason, Situation, ToolVerdict, Verdict, decide

__all__ = [
    "EXAMPLE_DIR",
    "Asker",
    "Assessment",
    "KnowledgeBase",
    "KnowledgeError",
    "Overall",
    "Problem",
    "Reason",
    "Situation",
    "ToolVerdict",
    "Verdict",
    "assess",
    "decide",
    "load_knowledge",
    "recommend",
    "schema",
    "validate_knowledge",
]
