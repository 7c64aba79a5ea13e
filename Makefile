# Each target creates the virtual environment it needs, so both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The Teams manifest JSON Schemas ship in an npm package; the tests validate the generated manifest with them.
TEAMS_SCHEMAS := .cache/teams-app-manifest/package/build/json-schemas/teams

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
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

# The suite must pass on any date: after the run on today's date it runs again with the process clock
# moved months away by libfaketime (Debian package faketime; .ci/run installs it). The reliability suite
# (tests/reliability, two minutes of faults on two replicas) runs in the first pass only.
FAKE_DATES := 2027-01-04 2027-07-19

test: lint $(TEAMS_SCHEMAS)
	$(BIN)/pytest
	@if command -v faketime >/dev/null; then \
		for day in $(FAKE_DATES); do \
			echo "== the suite again with the clock at $$day (faketime)"; \
			faketime "$$day 09:30:00" env AIGUIDE_RELIABILITY=off $(BIN)/pytest -q || exit 1; \
		done; \
	elif [ -n "$$CI" ]; then \
		echo "faketime is not installed: cannot check the suite at other dates"; exit 1; \
	else \
		echo "faketime is not installed (apt-get install faketime): skipped the runs at other dates"; \
	fi

bench: $(STAMP)
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/wins.py
	$(BIN)/python bench/digest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .cache
