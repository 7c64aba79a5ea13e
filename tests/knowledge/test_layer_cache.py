"""The catalogs' index kept on disk: later starts read what the first built, and answer the same; a torn,
foreign or stale file is never trusted."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge import assess, layer_cache, load_knowledge
from knowledge.catalog import load_catalog
from knowledge.catalog_layer import CatalogLayer, catalog_layer, forget_layers
from knowledge.signals import load_signals

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "can I paste my AWS access key into chatgpt?",
    "¿puedo subir el historial clínico de un paciente a Copilot?",
    "darf ich die Gehaltsabrechnung in ChatGPT Enterprise hochladen?",
    "can grammarly fix the wording of a pasword reset email?",
    "what about with public data?",
]


@pytest.fixture
def cache_dir(tmp_path):
    folder = tmp_path / "cache"
    layer_cache.configure(folder)
    load_signals.cache_clear()
    forget_layers()
    yield folder
    layer_cache.configure(None)
    load_signals.cache_clear()
    forget_layers()


def _answers() -> list[tuple[str, tuple]]:
    kb = load_knowledge()
    return [
        (a.verdict.value, tuple((t.tool_id, t.verdict.value) for t in a.tools))
        for a in (assess(kb, q) for q in QUESTIONS)
    ]


def _fresh_layer() -> CatalogLayer:
    load_signals.cache_clear()
    forget_layers()
    return catalog_layer(load_signals(), load_catalog().ordinary_words)


def test_a_later_start_reads_the_file_and_answers_the_same(cache_dir):
    layer_cache.configure("off")
    built = _answers()
    layer_cache.configure(cache_dir)
    _fresh_layer()
    files = sorted(p.name for p in cache_dir.iterdir())
    assert [n.split("-")[0] for n in files] == ["catalog", "signals"]
    load_signals.cache_clear()
    forget_layers()
    assert _answers() == built
    assert sorted(p.name for p in cache_dir.iterdir()) == files  # read, not written again


def test_a_new_process_answers_the_same_from_the_file(cache_dir):
    script = (
        "import json, sys; from knowledge import assess, load_knowledge; kb = load_knowledge(); "
        "print(json.dumps([assess(kb, q).verdict.value for q in sys.argv[1:]]))"
    )
    env = {**os.environ, "AIGUIDE_CACHE_DIR": str(cache_dir)}
    first, second = (
        subprocess.run([sys.executable, "-c", script, *QUESTIONS], env=env, cwd=ROOT, capture_output=True,
                       text=True, check=True).stdout
        for _ in range(2)
    )  # fmt: skip
    assert first == second and "not_allowed" in first
    assert any(p.name.startswith("catalog-layer-") for p in cache_dir.iterdir())


def test_a_torn_file_is_rebuilt(cache_dir):
    _fresh_layer()
    layer_file = next(cache_dir.glob("catalog-layer-*.pickle"))
    layer_file.write_bytes(layer_file.read_bytes()[:1000])
    layer = _fresh_layer()
    assert isinstance(layer, CatalogLayer)
    assert pickle.loads(layer_file.read_bytes()).__class__ is CatalogLayer  # written again, whole


def test_a_file_of_another_kind_is_not_used(cache_dir):
    _fresh_layer()
    layer_file = next(cache_dir.glob("catalog-layer-*.pickle"))
    layer_file.write_bytes(pickle.dumps({"not": "a layer"}))
    assert isinstance(_fresh_layer(), CatalogLayer)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_can_write_is_never_read(cache_dir):
    _fresh_layer()
    layer_file = next(cache_dir.glob("catalog-layer-*.pickle"))
    layer_file.write_bytes(pickle.dumps("planted"))
    cache_dir.chmod(0o777)
    try:
        assert isinstance(_fresh_layer(), CatalogLayer)
        assert pickle.loads(layer_file.read_bytes()) == "planted"  # neither read nor overwritten
    finally:
        cache_dir.chmod(0o700)


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    layer_cache.configure(None)
    assert layer_cache.directory() == tmp_path / "xdg" / "aiguide"
    layer_cache.configure("off")
    try:
        assert isinstance(_fresh_layer(), CatalogLayer)
        assert not (tmp_path / "xdg").exists()
    finally:
        layer_cache.configure(None)
        load_signals.cache_clear()
        forget_layers()


def test_the_key_changes_with_the_catalogs_and_the_ordinary_words(cache_dir):
    signals = load_signals()
    assert signals.fingerprint
    forget_layers()
    catalog_layer(signals, ("clause",))
    catalog_layer(signals, ("clause", "cloud"))
    assert len(list(cache_dir.glob("catalog-layer-*.pickle"))) == 2
    assert layer_cache.fingerprint(b"one") != layer_cache.fingerprint(b"two")
