"""The files under deploy/, read the way Compose and kustomize read them, for the tests beside this."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "compose.yaml"
KUBERNETES = DEPLOY / "kubernetes"
DOCS = ROOT / "docs" / "deploy.md"
DOCKERFILE = ROOT / "Dockerfile"
EXAMPLE_KB = ROOT / "knowledge" / "example"


def load_script(name: str):
    """A script of deploy/ as a module (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", DEPLOY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def missing(what: str, how: str) -> None:
    """Skip for a missing dependency, except under CI, where `make test` must have installed it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run these checks ({how})")
    pytest.skip(f"{what} is not installed ({how})")


# --- env files: KEY=value a line, taken literally (Compose's env_file, kustomize's envs, kubectl's
# --from-env-file agree on this subset); `# KEY=value` lines are examples, collected for the name checks.

ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
COMMENTED = re.compile(r"^#\s*([A-Z_][A-Z0-9_]*)=(.*)$")


@dataclass(frozen=True)
class EnvFile:
    path: Path
    values: dict[str, str]  # the lines that take effect
    examples: dict[str, str]  # commented-out assignments

    @property
    def names(self) -> set[str]:
        return set(self.values) | set(self.examples)


def read_env_file(path: Path) -> EnvFile:
    values: dict[str, str] = {}
    examples: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if found := COMMENTED.match(line):
                examples[found.group(1)] = found.group(2)
            continue
        found = ASSIGNMENT.match(line)
        assert found, f"{path.relative_to(ROOT)}:{number}: not a KEY=value line: {raw!r}"
        assert found.group(1) not in values, f"{path.relative_to(ROOT)}:{number}: {found.group(1)} set twice"
        values[found.group(1)] = found.group(2)
    return EnvFile(path, values, examples)


# --- Compose


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def aiguide_services(spec: dict) -> dict[str, dict]:
    """The services that run the aiguide image (built from the Dockerfile)."""
    return {name: service for name, service in spec["services"].items() if "build" in service}


def servers(spec: dict) -> dict[str, dict]:
    """The replicas: aiguide services running the image's default command (`aiguide serve`)."""
    return {name: s for name, s in aiguide_services(spec).items() if s.get("command") in (None, ["serve"])}


def duration_seconds(text: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", text)
    assert parts and "".join(a + b for a, b in parts) == text, f"not a Compose duration: {text!r}"
    return sum(float(amount) * units[unit] for amount, unit in parts)


# --- Kubernetes: the kustomization's resources, and its generated ConfigMaps built the way kustomize
# builds them (without the name's hash suffix, which only `kubectl kustomize` adds).


def kustomization() -> dict:
    return yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text(encoding="utf-8"))


def generated_configmaps() -> list[dict]:
    made = []
    for generator in kustomization().get("configMapGenerator", []):
        data: dict[str, str] = {}
        for file in generator.get("files", []):
            key, _, source = file.rpartition("=") if "=" in file else ("", "", file)
            data[key or Path(source).name] = (KUBERNETES / source).read_text(encoding="utf-8")
        for env in generator.get("envs", []):
            data.update(read_env_file(KUBERNETES / env).values)
        data.update(dict(literal.split("=", 1) for literal in generator.get("literals", [])))
        made.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": generator["name"], "namespace": kustomization()["namespace"]},
                "data": data,
            }
        )
    return made


def kubernetes_resources() -> list[dict]:
    """What `kubectl apply -k deploy/kubernetes` creates, read from the files themselves."""
    found = []
    for name in kustomization()["resources"]:
        found.extend(
            doc for doc in yaml.safe_load_all((KUBERNETES / name).read_text(encoding="utf-8")) if doc
        )
    return found + generated_configmaps()


def secret_example() -> dict:
    return yaml.safe_load((KUBERNETES / "secret.example.yaml").read_text(encoding="utf-8"))


def one(resources_: list[dict], kind: str, name: str | None = None) -> dict:
    matching = [r for r in resources_ if r["kind"] == kind and name in (None, r["metadata"]["name"])]
    assert len(matching) == 1, f"expected one {kind} {name or ''}, found {len(matching)}"
    return matching[0]


def pod_specs(resources_: list[dict]) -> dict[str, dict]:
    return {
        r["metadata"]["name"]: r["spec"]["template"]["spec"]
        for r in resources_
        if "template" in r.get("spec", {})
    }


def kubectl_kustomize(directory: Path) -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: `kubectl kustomize` checks skipped")
    built = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=60, check=False
    )
    assert built.returncode == 0, f"kubectl kustomize {directory} failed:\n{built.stderr}"
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


# --- the image, from the Dockerfile


def dockerfile_instruction(name: str) -> list[str]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    return re.findall(rf"^{name}\s+(.+)$", text, flags=re.M)


def image_user() -> int:
    (user,) = dockerfile_instruction("USER")
    return int(user)


def image_port() -> int:
    (port,) = dockerfile_instruction("EXPOSE")
    return int(port)


def image_command() -> tuple[list[str], list[str]]:
    (entrypoint,) = dockerfile_instruction("ENTRYPOINT")
    (cmd,) = dockerfile_instruction("CMD")
    return json.loads(entrypoint), json.loads(cmd)
