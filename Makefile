# Each target creates the virtual environment it needs, so both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The Teams manifest JSON Schemas ship in an npm package; the tests validate the generated manifest with them.
TEAMS_SCHEMAS := .cache/teams-app-manifest/package/build/json-schemas/teams

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/aiguide chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

$(TEAMS_SCHEMAS):
	mkdir -p .cache/teams-app-manifest
	cd .cache/teams-app-manifest && npm pack --silent @microsoft/app-manifest@1.1.2 >/dev/null \
		&& tar xzf microsoft-app-manifest-1.1.2.tgz \
		|| echo "could not fetch the Teams manifest schemas (npm); their test will be skipped outside CI"

test: lint $(TEAMS_SCHEMAS)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/wins.py
	$(BIN)/python bench/digest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .cache
