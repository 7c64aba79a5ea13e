"""deploy/compose.yaml and deploy/kubernetes/, checked offline against the published schemas (the Compose
Specification, the Kubernetes API) and against what the image and the server really do: the port, the
user, the served paths, the drain on SIGTERM, the migration command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import typer.main
import yaml
from aiohttp.test_utils import TestClient, TestServer
from deploy_files import (
    COMPOSE_FILE,
    DEPLOY,
    DOCS,
    EXAMPLE_KB,
    KUBERNETES,
    ROOT,
    aiguide_services,
    compose,
    duration_seconds,
    generated_configmaps,
    image_command,
    image_port,
    image_user,
    kubectl_kustomize,
    kubernetes_resources,
    kustomization,
    one,
    pod_specs,
    read_env_file,
    secret_example,
    servers,
)

from bot.settings import Settings
from knowledge import load_knowledge

# The oldest Kubernetes release the manifests are checked against, with the newest that
# kubernetes-validate has schemas of (docs/deploy.md names both).
OLDEST_KUBERNETES = (1, 28)


def _aiohttp_extra_seconds() -> float:
    """How much longer than AIGUIDE_DRAIN_SECONDS `aiguide serve` lets open HTTP requests run (bot/cli.py
    passes aiohttp shutdown_timeout=drain_seconds + N)."""
    source = (ROOT / "bot" / "cli.py").read_text(encoding="utf-8")
    found = re.search(r"shutdown_timeout=settings\.drain_seconds \+ (\d+(?:\.\d+)?)", source)
    assert found, "bot/cli.py no longer sets shutdown_timeout=settings.drain_seconds + N: update this test"
    return float(found.group(1))


LABEL = "app.kubernetes.io/name"


def _drain_seconds(values: dict[str, str]) -> float:
    return float(values.get("AIGUIDE_DRAIN_SECONDS") or Settings.model_fields["drain_seconds"].default)


def _schema_errors(validator, document) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


# --- Compose


def test_the_compose_file_is_valid_under_the_compose_specification(compose_schema):
    validator = jsonschema.Draft202012Validator(compose_schema)
    assert _schema_errors(validator, compose()) == []


def test_the_compose_specification_schema_catches_a_misspelt_key(compose_schema):
    spec = compose()
    spec["services"]["migrate"]["depend_on"] = spec["services"]["migrate"].pop("depends_on")
    assert _schema_errors(jsonschema.Draft202012Validator(compose_schema), spec)


def test_compose_runs_postgresql_on_a_named_volume_with_a_pg_isready_healthcheck():
    spec = compose()
    postgres = spec["services"]["postgres"]
    assert postgres["image"].split(":")[0] == "postgres"  # the official image
    volume, _, target = postgres["volumes"][0].partition(":")
    assert volume in spec["volumes"] and target == "/var/lib/postgresql/data"
    test = postgres["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "pg_isready"
    # Over TCP: the image's initialisation server listens on the Unix socket only.
    assert "--host=127.0.0.1" in test
    assert "ports" not in postgres  # reached by the project's containers only


def test_compose_migrates_once_before_the_replicas_start():
    spec = compose()
    migrate = spec["services"]["migrate"]
    assert migrate["command"] == ["db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, server in servers(spec).items():
        assert server["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert server["depends_on"]["postgres"]["condition"] == "service_healthy", name


def test_compose_runs_two_replicas_of_the_image_built_from_the_dockerfile_on_its_port():
    spec = compose()
    replicas = servers(spec)
    assert len(replicas) >= 2
    entrypoint, cmd = image_command()
    assert entrypoint == ["aiguide"] and cmd == ["serve"]  # a service without `command` serves
    host_ports = []
    for name, service in aiguide_services(spec).items():
        context = (COMPOSE_FILE.parent / service["build"]["context"]).resolve()
        assert (context / service["build"]["dockerfile"]).resolve() == ROOT / "Dockerfile", name
    for name, service in replicas.items():
        (port,) = service["ports"]
        host_ip, host_port, container_port = port.split(":")
        assert host_ip == "127.0.0.1", f"{name}: published on loopback only, behind a proxy"
        assert int(container_port) == image_port() == Settings.model_fields["port"].default
        host_ports.append(host_port)
    assert len(set(host_ports)) == len(host_ports)


def test_compose_mounts_the_knowledge_base_read_only_where_aiguide_knowledge_dir_points():
    for name, service in servers(compose()).items():
        (mount,) = [
            v for v in service["volumes"] if v["target"] == service["environment"]["AIGUIDE_KNOWLEDGE_DIR"]
        ]
        assert mount["type"] == "bind" and mount["read_only"] is True, name
        assert mount["bind"]["create_host_path"] is False, name
        source = COMPOSE_FILE.parent / mount["source"]
        assert source == DEPLOY / "knowledge"
        assert load_knowledge(source).policy.version == load_knowledge(EXAMPLE_KB).policy.version


def test_compose_reads_configuration_and_secrets_from_env_files_kept_out_of_git():
    for name, service in aiguide_services(compose()).items():
        assert [(f["path"], f["required"]) for f in service["env_file"]] == [
            (".env", True),
            ("secrets.env", True),
        ], name
    for written in (".env", "secrets.env"):
        assert (DEPLOY / f"{written}.example").is_file()
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()
    assert {".env", "secrets.env"} <= set(ignored)


def test_compose_containers_have_a_read_only_root_and_writable_data_and_tmp():
    for name, service in aiguide_services(compose()).items():
        assert service["read_only"] is True, name
        assert set(service["tmpfs"]) == {"/tmp", "/data"}, name
        assert service["cap_drop"] == ["ALL"], name
    for name, service in servers(compose()).items():
        assert service["environment"]["MPLCONFIGDIR"].startswith("/tmp/"), name


def test_compose_gives_a_stopping_replica_time_to_drain():
    drain = _drain_seconds(read_env_file(DEPLOY / ".env.example").values)
    for name, service in servers(compose()).items():
        assert duration_seconds(service["stop_grace_period"]) > drain + _aiohttp_extra_seconds(), name


# --- Kubernetes


def _kubernetes_versions(kubernetes_validate) -> list[str]:
    """The oldest release the manifests are for and the newest the package has schemas of."""
    versions = {tuple(int(p) for p in v.split(".")[:2]) for v in kubernetes_validate.utils.all_versions()}
    usable = sorted(v for v in versions if v >= OLDEST_KUBERNETES)
    return [f"{major}.{minor}" for major, minor in dict.fromkeys((usable[0], usable[-1]))] if usable else []


def test_the_kubernetes_manifests_are_valid_against_the_api_schemas(kubernetes_validate):
    versions = _kubernetes_versions(kubernetes_validate)
    assert versions, "kubernetes-validate bundles no schema this new"
    problems = []
    for resource in [*kubernetes_resources(), secret_example()]:
        for version in versions:
            try:
                kubernetes_validate.validate(resource, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                where = ".".join(map(str, error.path))
                problems.append(
                    f"{resource['kind']}/{resource['metadata']['name']} on {version}: {where}: {error.message}"
                )
    assert problems == []


def test_the_kubernetes_schemas_catch_a_misspelt_field(kubernetes_validate):
    deployment = one(kubernetes_resources(), "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, _kubernetes_versions(kubernetes_validate)[-1], strict=True)


def test_every_resource_is_in_the_namespace_and_labelled():
    namespace = kustomization()["namespace"]
    resources = kubernetes_resources()
    assert one(resources, "Namespace")["metadata"]["name"] == namespace
    for resource in [r for r in resources if r["kind"] != "Namespace"] + [secret_example()]:
        assert resource["metadata"]["namespace"] == namespace, resource["metadata"]["name"]
    for resource in [r for r in resources if r["kind"] != "ConfigMap"]:  # the generator labels those
        assert resource["metadata"]["labels"][LABEL] == "aiguide", resource["metadata"]["name"]
    for name, spec in pod_specs(resources).items():
        template = one(resources, "Deployment" if name == "aiguide" else "Job", name)["spec"]["template"]
        assert template["metadata"]["labels"][LABEL] == "aiguide", name
        assert spec["enableServiceLinks"] is False, (
            f"{name}: would set AIGUIDE_PORT=tcp://... (Service aiguide)"
        )
        assert spec["automountServiceAccountToken"] is False, name


def test_the_deployment_runs_two_replicas_behind_a_service_and_a_disruption_budget():
    resources = kubernetes_resources()
    deployment = one(resources, "Deployment", "aiguide")
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    budget = one(resources, "PodDisruptionBudget", "aiguide")
    assert budget["spec"]["minAvailable"] == 1 and budget["spec"]["selector"]["matchLabels"] == selector
    service = one(resources, "Service", "aiguide")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    port_names = {p["name"] for p in container["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names


def test_the_image_runs_aiguide_serve_and_the_job_runs_db_upgrade_both_real_commands():
    from bot.cli import app

    specs = pod_specs(kubernetes_resources())
    (server,) = specs["aiguide"]["containers"]
    (migrate,) = specs["aiguide-migrate"]["containers"]
    assert server["args"] == image_command()[1] == ["serve"]
    assert migrate["args"] == ["db", "upgrade"] == compose()["services"]["migrate"]["command"]
    cli = typer.main.get_command(app)
    assert "serve" in cli.commands and "upgrade" in cli.commands["db"].commands
    kustom = kustomization()
    images = {image["name"] for image in kustom["images"]}
    assert server["image"] in images and migrate["image"] in images


def _probe_port(container: dict, probe: dict) -> int:
    port = probe["httpGet"]["port"]
    if isinstance(port, int):
        return port
    (number,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    return number


async def _served(paths: set[str]) -> dict[str, int]:
    """The status each path answers on a started server (the app `aiguide serve` runs)."""
    from bot.server import build_web_app
    from handlers.services import Services

    app = build_web_app(Services(knowledge=load_knowledge()))
    async with TestClient(TestServer(app)) as client:
        return {path: (await client.get(path)).status for path in sorted(paths)}


async def test_the_probes_ask_the_port_the_image_listens_on_for_paths_the_server_answers():
    deployment = one(kubernetes_resources(), "Deployment", "aiguide")
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    probes = {kind: container[kind] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert probes["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for kind, probe in probes.items():
        assert _probe_port(container, probe) == image_port() == Settings.model_fields["port"].default, kind
        assert probe["timeoutSeconds"] > 2, f"{kind}: the health check waits up to 2 s for the database"
    annotations = pod["metadata"]["annotations"]
    assert int(annotations["prometheus.io/port"]) == image_port()
    paths = {probe["httpGet"]["path"] for probe in probes.values()} | {annotations["prometheus.io/path"]}
    assert await _served(paths) == dict.fromkeys(sorted(paths), 200)


def test_the_grace_period_outlasts_the_prestop_sleep_and_the_drain():
    spec = pod_specs(kubernetes_resources())["aiguide"]
    (container,) = spec["containers"]
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    drain = _drain_seconds(read_env_file(KUBERNETES / "config.env").values)
    assert spec["terminationGracePeriodSeconds"] > float(command[1]) + drain + _aiohttp_extra_seconds()


def test_pods_run_as_the_image_user_on_a_read_only_root_writing_only_to_empty_dirs():
    for name, spec in pod_specs(kubernetes_resources()).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] == image_user() == 10001, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False and context["capabilities"]["drop"] == ["ALL"]
            writable = [
                m["mountPath"]
                for m in container["volumeMounts"]
                if "emptyDir" in volumes[m["name"]] and not m.get("readOnly")
            ]
            assert "/tmp" in writable, name
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            for variable in ("AIGUIDE_CACHE_DIR", "MPLCONFIGDIR"):  # the paths the server writes to
                if variable in env:
                    assert any(env[variable].startswith(path + "/") for path in writable), (name, variable)
    (server,) = pod_specs(kubernetes_resources())["aiguide"]["containers"]
    assert any(m["mountPath"] == "/data" for m in server["volumeMounts"])  # $HOME of the image's user


def _quantity(text: str | int) -> float:
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "": 1}
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|)", str(text)).groups()
    return float(number) * units[unit]


def test_every_container_has_resource_requests_and_limits_that_fit_the_server():
    for name, spec in pod_specs(kubernetes_resources()).items():
        for container in spec["containers"]:
            requests, limits = container["resources"]["requests"], container["resources"]["limits"]
            for resource in ("cpu", "memory"):
                assert _quantity(requests[resource]) <= _quantity(limits[resource]), (name, resource)
    (server,) = pod_specs(kubernetes_resources())["aiguide"]["containers"]
    # `aiguide serve` is 130-200 MiB resident; two replicas' requests fit on a 2-core machine.
    assert _quantity(server["resources"]["requests"]["memory"]) >= 200 * 2**20
    assert _quantity(server["resources"]["limits"]["memory"]) >= 384 * 2**20
    assert _quantity(server["resources"]["requests"]["cpu"]) * 2 <= 1


def test_the_database_url_and_tokens_come_from_the_secret():
    secret = secret_example()
    assert secret["metadata"]["name"] == "aiguide-secrets"
    assert "secret.example.yaml" not in kustomization()["resources"]  # an example, never applied
    for name, spec in pod_specs(kubernetes_resources()).items():
        (container,) = spec["containers"]
        (url,) = [e for e in container["env"] if e["name"] == "AIGUIDE_DATABASE_URL"]
        reference = url["valueFrom"]["secretKeyRef"]
        assert reference["name"] == secret["metadata"]["name"], name
        assert reference["key"] in secret["stringData"] and not reference.get("optional"), name
    (server,) = pod_specs(kubernetes_resources())["aiguide"]["containers"]
    assert {"secretRef": {"name": "aiguide-secrets"}} in server["envFrom"]


def test_kustomize_builds_offline_with_hashed_configmaps_and_the_image(kubernetes_validate):
    built = kubectl_kustomize(KUBERNETES)
    latest = _kubernetes_versions(kubernetes_validate)[-1]
    for resource in built:
        kubernetes_validate.validate(resource, latest, strict=True)
        assert resource["metadata"]["labels"][LABEL] == "aiguide", resource["metadata"]["name"]
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "aiguide"
    configmaps = {r["metadata"]["name"] for r in built if r["kind"] == "ConfigMap"}
    assert {re.sub(r"-[a-z0-9]{10}$", "", name) for name in configmaps} == {
        "aiguide-knowledge",
        "aiguide-config",
    }
    spec = pod_specs(built)["aiguide"]
    (container,) = spec["containers"]
    assert {v["configMap"]["name"] for v in spec["volumes"] if "configMap" in v} <= configmaps
    assert {e["configMapRef"]["name"] for e in container["envFrom"] if "configMapRef" in e} <= configmaps
    assert container["image"] == "registry.example.com/aiguide:0.1.0"


def _overlay_from_docs() -> str:
    text = DOCS.read_text(encoding="utf-8")
    (block,) = re.findall(
        r"<!-- overlay-example:start -->\n```yaml\n(.*?)```\n<!-- overlay-example:end -->", text, re.S
    )
    return block


def test_the_overlay_in_the_docs_replaces_the_knowledge_base_and_merges_settings(tmp_path):
    overlay = yaml.safe_load(_overlay_from_docs())
    (base,) = overlay["resources"]
    shutil.copytree(KUBERNETES, tmp_path / "deploy" / "kubernetes")
    mine = tmp_path / "my-aiguide"
    assert (mine / base).resolve() == (tmp_path / "deploy" / "kubernetes").resolve()
    (mine / "knowledge").mkdir(parents=True)
    (mine / "kustomization.yaml").write_text(_overlay_from_docs(), encoding="utf-8")
    for file in sorted(EXAMPLE_KB.glob("*.yaml")):
        (mine / "knowledge" / file.name).write_text(
            file.read_text(encoding="utf-8") + "# my-aiguide's own\n", encoding="utf-8"
        )
    built = kubectl_kustomize(mine)
    by_name = {
        re.sub(r"-[a-z0-9]{10}$", "", r["metadata"]["name"]): r for r in built if r["kind"] == "ConfigMap"
    }
    knowledge = by_name["aiguide-knowledge"]["data"]
    assert sorted(knowledge) == sorted(f.name for f in EXAMPLE_KB.glob("*.yaml"))
    assert all(text.endswith("# my-aiguide's own\n") for text in knowledge.values())
    settings = by_name["aiguide-config"]["data"]
    assert settings["AIGUIDE_ADMINS"] == "U0123ADMIN" and settings["AIGUIDE_LOG_FORMAT"] == "json"


def test_the_knowledge_configmap_loads_as_the_knowledge_base_where_the_pods_mount_it(tmp_path):
    (configmap,) = [c for c in generated_configmaps() if c["metadata"]["name"] == "aiguide-knowledge"]
    assert sum(len(v.encode()) for v in configmap["data"].values()) < 2**20  # a ConfigMap's limit
    # The kubelet's layout of a ConfigMap volume: a timestamped directory, ..data, a link per key.
    mount = tmp_path / "knowledge"
    (mount / "..2026_12_01_09_00_00.000000001").mkdir(parents=True)
    for key, text in configmap["data"].items():
        (mount / "..2026_12_01_09_00_00.000000001" / key).write_text(text, encoding="utf-8")
    (mount / "..data").symlink_to("..2026_12_01_09_00_00.000000001")
    for key in configmap["data"]:
        (mount / key).symlink_to(Path("..data") / key)
    kb = load_knowledge(mount)
    example = load_knowledge(EXAMPLE_KB)
    assert kb.policy.version == example.policy.version and len(kb.tools) == len(example.tools)
    spec = pod_specs(kubernetes_resources())["aiguide"]
    (container,) = spec["containers"]
    (volume,) = [v for v in spec["volumes"] if v.get("configMap", {}).get("name") == "aiguide-knowledge"]
    (mounted,) = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert mounted["mountPath"] == env["AIGUIDE_KNOWLEDGE_DIR"] and mounted["readOnly"] is True


def test_the_shipped_knowledge_bases_are_the_bundled_example():
    example = {f.name: f.read_bytes() for f in sorted(EXAMPLE_KB.glob("*.yaml"))}
    for copy in (DEPLOY / "knowledge", KUBERNETES / "knowledge"):
        shipped = {f.name: f.read_bytes() for f in sorted(copy.glob("*.yaml"))}
        assert shipped == example, (
            f"{copy.relative_to(ROOT)}/ differs from knowledge/example/; bring it in step with "
            f"`rm {copy.relative_to(ROOT)}/*.yaml && cp knowledge/example/*.yaml {copy.relative_to(ROOT)}/`"
        )
    (generator,) = [g for g in kustomization()["configMapGenerator"] if g["name"] == "aiguide-knowledge"]
    assert sorted(Path(f).name for f in generator["files"]) == sorted(example), (
        "deploy/kubernetes/kustomization.yaml's aiguide-knowledge generator must list every file of knowledge/example/"
    )


def test_the_docs_name_the_kubernetes_releases_checked(kubernetes_validate):
    oldest, newest = _kubernetes_versions(kubernetes_validate)
    assert f"API schemas of Kubernetes {oldest} and {newest}" in " ".join(
        DOCS.read_text(encoding="utf-8").split()
    )


def _compose_cli() -> list[str] | None:
    """A Compose v2 command line, where one is installed (`docker compose` or `docker-compose`)."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        found = subprocess.run([*command, "version", "--short"], capture_output=True, text=True, check=False)
        if found.returncode == 0 and found.stdout.strip().lstrip("v").startswith("2."):
            return command
    return None


def test_docker_compose_reads_the_file_with_the_example_env_files(tmp_path):
    command = _compose_cli()
    if command is None:
        pytest.skip("no Compose v2 command line (docker compose, docker-compose): `compose config` skipped")
    shutil.copytree(DEPLOY, tmp_path / "deploy", ignore=shutil.ignore_patterns(".env", "secrets.env"))
    shutil.copy(ROOT / "Dockerfile", tmp_path / "Dockerfile")
    for written in (".env", "secrets.env"):
        shutil.copy(DEPLOY / f"{written}.example", tmp_path / "deploy" / written)
    checked = subprocess.run(
        [*command, "config", "--format", "json"],
        cwd=tmp_path / "deploy",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    environment = json.loads(checked.stdout)["services"]["aiguide-1"]["environment"]
    assert (
        environment["AIGUIDE_KNOWLEDGE_DIR"] == "/knowledge" and environment["AIGUIDE_LOG_FORMAT"] == "json"
    )
