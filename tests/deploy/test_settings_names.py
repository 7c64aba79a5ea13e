"""Every variable the deploy files and docs/deploy.md name is a real setting of bot.settings.Settings (a
typo fails here, not in production), the examples parse into valid settings, secrets stay in the secret
files, and the settings table of docs/deploy.md is the one generated from the settings model."""

from __future__ import annotations

import os
import re

import pytest
from deploy_files import (
    COMPOSE_FILE,
    DEPLOY,
    DOCS,
    KUBERNETES,
    ROOT,
    compose,
    kubernetes_resources,
    load_script,
    pod_specs,
    read_env_file,
    secret_example,
    servers,
)

from bot.settings import Settings

table = load_script("settings_table")
SETTINGS = table.all_env_names()  # environment variable -> field name

# Variables in the deploy files that programs other than aiguide read.
OTHER_PROGRAMS = {
    "POSTGRES_USER": "the postgres image",
    "POSTGRES_DB": "the postgres image",
    "POSTGRES_PASSWORD": "the postgres image",
    "MPLCONFIGDIR": "matplotlib (the digest chart): where it keeps its font cache",
}
# Settings the example env files leave out on purpose.
NOT_IN_THE_EXAMPLES = {
    "knowledge_dir": "compose.yaml sets it to the ./knowledge mount",
    "data_dir": "the image sets it (/data)",
    "cache_dir": "the image sets it (/data/cache)",
    "host": "the image sets it; the container's port is fixed",
    "port": "the image sets it; compose.yaml publishes that port",
    "slack_api_url": "only for tests against a Slack stand-in",
    "teams_dev_mode": "only for the Bot Framework Emulator on a developer's machine",
}
SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|DATABASE_URL")
ENV_EXAMPLE = DEPLOY / ".env.example"
SECRETS_EXAMPLE = DEPLOY / "secrets.env.example"
CONFIG_ENV = KUBERNETES / "config.env"


def _container_env(container: dict) -> dict[str, str | None]:
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def _named_in_deploy_files() -> dict[str, set[str]]:
    """Each variable named anywhere in deploy/ (commented-out examples too), with where."""
    named: dict[str, set[str]] = {}

    def add(names, where: str) -> None:
        for name in names:
            named.setdefault(name, set()).add(where)

    for env_file in (ENV_EXAMPLE, SECRETS_EXAMPLE, CONFIG_ENV):
        add(read_env_file(env_file).names, str(env_file.relative_to(ROOT)))
    for name, service in compose()["services"].items():
        add(service.get("environment", {}), f"{COMPOSE_FILE.relative_to(ROOT)} ({name})")
    for name, spec in pod_specs(kubernetes_resources()).items():
        for container in spec["containers"]:
            add(_container_env(container), f"deploy/kubernetes ({name})")
            keys = [e["valueFrom"]["secretKeyRef"]["key"] for e in container["env"] if "valueFrom" in e]
            add(keys, f"deploy/kubernetes ({name}, secretKeyRef)")
    add(secret_example()["stringData"], "deploy/kubernetes/secret.example.yaml")
    return named


def _named_in_docs() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(table.START)
    prose = text[:start] + text[text.index(table.END) :]  # the generated table is checked on its own
    return set(re.findall(r"\b((?:AIGUIDE|SLACK|MICROSOFT)_[A-Z0-9_]+)\b", prose))


def test_every_variable_in_the_deploy_files_is_a_setting_or_read_by_another_program():
    unknown = {
        name: sorted(where)
        for name, where in _named_in_deploy_files().items()
        if name not in SETTINGS and name not in OTHER_PROGRAMS
    }
    assert unknown == {}, f"not settings of bot/settings.py (a typo?): {unknown}"


def test_the_other_programs_variables_are_only_where_those_programs_run():
    postgres = compose()["services"]["postgres"]["environment"]
    for name, service in servers(compose()).items():
        assert set(service["environment"]) - set(SETTINGS) <= {"MPLCONFIGDIR"}, name
    assert set(postgres) <= set(OTHER_PROGRAMS)


def test_every_variable_docs_deploy_md_names_is_a_setting():
    assert sorted(_named_in_docs() - set(SETTINGS)) == []


def test_the_env_examples_list_every_setting_but_the_ones_set_for_you():
    listed = read_env_file(ENV_EXAMPLE).names | read_env_file(SECRETS_EXAMPLE).names
    missing_fields = sorted(
        field
        for field, info in Settings.model_fields.items()
        if field not in NOT_IN_THE_EXAMPLES and not set(table.env_names(field, info)) & listed
    )
    assert missing_fields == [], "add these settings to deploy/.env.example or deploy/secrets.env.example"
    assert set(NOT_IN_THE_EXAMPLES) <= set(Settings.model_fields)


def test_secrets_are_only_in_the_secret_files_and_have_no_values_there():
    for path in (ENV_EXAMPLE, CONFIG_ENV):
        secrets = sorted(n for n in read_env_file(path).names if SECRET.search(n))
        assert secrets == [], f"{path.relative_to(ROOT)} names secrets: they belong in the secret files"
    for name, spec in pod_specs(kubernetes_resources()).items():
        for container in spec["containers"]:
            plain = [n for n, value in _container_env(container).items() if SECRET.search(n) and value]
            assert plain == [], f"{name}: secrets as plain values"
    for service in compose()["services"].values():
        assert not [n for n in service.get("environment", {}) if SECRET.search(n)]
    examples = {**read_env_file(SECRETS_EXAMPLE).values, **secret_example()["stringData"]}
    for name, value in examples.items():
        assert value == "" or "PASSWORD@" in value, f"{name}: an example holds no value but a placeholder"
    for field in sorted({field for env, field in SETTINGS.items() if SECRET.search(env)}):
        names = set(table.env_names(field, Settings.model_fields[field]))
        assert names & set(read_env_file(SECRETS_EXAMPLE).values), f"{field}: not in {SECRETS_EXAMPLE.name}"
        assert names & set(secret_example()["stringData"]), f"{field}: not in secret.example.yaml"


@pytest.fixture
def environment(monkeypatch):
    """An environment with no aiguide variables but the ones a test sets, and no .env file read."""
    for name in list(os.environ):
        if name.upper().startswith(("AIGUIDE_", "SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(name)

    def settings(values: dict[str, str]) -> Settings:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return Settings(_env_file=None)

    return settings


def _empty_values_mean_the_default(settings: Settings, values: dict[str, str]) -> None:
    for name, value in values.items():
        if name in SETTINGS and value == "":
            field = SETTINGS[name]
            assert getattr(settings, field) == Settings.model_fields[field].default, (
                f"{name}= (empty) does not give the default: comment the line out instead"
            )


def test_the_compose_examples_give_valid_settings(environment):
    values = {**read_env_file(ENV_EXAMPLE).values, **read_env_file(SECRETS_EXAMPLE).values}
    assert not [v for v in values.values() if v.startswith(("'", '"'))], (
        "values are taken literally: no quotes"
    )
    for name, service in servers(compose()).items():
        settings = environment({**values, **service["environment"]})
        _empty_values_mean_the_default(settings, values)
        assert str(settings.knowledge_dir) == "/knowledge", name
        assert (
            settings.database_url.startswith("postgresql://") and "@postgres:5432/" in settings.database_url
        )
        assert settings.log_format == "json"


def test_the_commented_examples_are_valid_values_too(environment):
    examples = {**read_env_file(ENV_EXAMPLE).examples, **read_env_file(CONFIG_ENV).examples}
    settings = environment({name: value for name, value in examples.items() if name in SETTINGS})
    assert settings.digest_targets.startswith("[{") and settings.staff_count == 800


def test_the_kubernetes_configuration_gives_valid_settings(environment):
    config = read_env_file(CONFIG_ENV).values
    (container,) = pod_specs(kubernetes_resources())["aiguide"]["containers"]
    fixed = {n: v for n, v in _container_env(container).items() if v is not None}
    settings = environment({**secret_example()["stringData"], **config, **fixed})
    _empty_values_mean_the_default(settings, secret_example()["stringData"])
    assert str(settings.knowledge_dir) == "/knowledge" and settings.cache_dir == "/data/cache"
    assert settings.database_url.startswith("postgresql://")


def test_the_settings_table_in_docs_deploy_md_is_generated_from_the_settings_model():
    current = DOCS.read_text(encoding="utf-8")
    assert current == table.with_table(current), (
        f"docs/deploy.md's settings table is out of date with bot/settings.py; regenerate it with `{table.COMMAND}`"
    )


def test_the_table_names_every_setting_with_a_description():
    generated = table.table()
    for name, info in Settings.model_fields.items():
        assert f"`{table.env_names(name, info)[0]}`" in generated
    undescribed = [name for name, info in Settings.model_fields.items() if not info.description]
    assert undescribed == [], "give these settings a description in bot/settings.py"


def test_the_table_shows_what_the_image_sets():
    image = table.image_env()
    assert image["AIGUIDE_PORT"] == str(Settings.model_fields["port"].default)
    assert "the image sets `/data`" in table.table()


def test_the_docs_state_the_numbers_the_files_use():
    text = DOCS.read_text(encoding="utf-8")
    spec = pod_specs(kubernetes_resources())["aiguide"]
    (container,) = spec["containers"]
    assert f"terminationGracePeriodSeconds: {spec['terminationGracePeriodSeconds']}" in text
    assert f"sleep of {container['lifecycle']['preStop']['exec']['command'][1]} s" in text
    (grace,) = {service["stop_grace_period"] for service in servers(compose()).values()}
    assert f"stop_grace_period: {grace}" in text
