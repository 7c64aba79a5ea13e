"""The deploy/ tests' fixtures: the published schemas the files are checked against, from the dev
dependencies `make test` installs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parent))  # deploy_files, the helpers of these tests

from deploy_files import missing


@pytest.fixture(scope="session")
def compose_schema() -> dict:
    """The Compose Specification's JSON Schema, as check-jsonschema ships it (vendored compose-spec.json)."""
    package = importlib.util.find_spec("check_jsonschema")  # found, not imported (its CLI is slow to load)
    if package is None:
        missing("check-jsonschema (the Compose Specification schema)", "a dev dependency: make test")
    (folder,) = package.submodule_search_locations
    schema = Path(folder, "builtin_schemas", "vendor", "compose-spec.json")
    return json.loads(schema.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def kubernetes_validate():
    try:
        import kubernetes_validate
    except ModuleNotFoundError:
        missing("kubernetes-validate (the Kubernetes API schemas)", "a dev dependency: make test")
    return kubernetes_validate
