from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path, monkeypatch):
    # Commands that keep data would otherwise create aiguide.db in whatever folder pytest runs from.
    monkeypatch.setenv("AIGUIDE_DATA_DIR", str(tmp_path / "data"))
