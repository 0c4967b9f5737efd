# The project's commands. `make site` and `make test` each set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup site test validate serve clean constraints

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

## setup: create .venv and install the project with its test tools, at the versions in constraints.txt
setup: $(STAMP)

## site: set up, validate the bundled data and build the site into site/
site: $(STAMP)
	$(PY) -m generator build

## test: set up (including Debian's chromium for the browser tests, when root) and run every test
test: $(STAMP)
	bash scripts/install-chromium.sh
	$(PY) -m pytest

validate: $(STAMP)
	$(PY) -m generator validate

serve: $(STAMP)
	$(PY) -m generator serve

clean:
	rm -rf site site_src/generated .pytest_cache

## bench: time and measure our build against a naive baseline at 20k, 100k and 1M grants
## (about 23 minutes, at most 30; one size: make bench SIZES="20k"). Figures in benchmarks/results/latest.json.
SIZES ?= 20k 100k 1M
.PHONY: bench
bench: $(STAMP)
	bash scripts/install-chromium.sh
	$(PY) benchmarks/run.py --sizes "$(SIZES)"

## constraints: pin constraints.txt to the newest versions pyproject.toml allows (a fresh
## environment, then every test on it; the file is replaced only when they pass)
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet -e '.[test]'
	bash scripts/install-chromium.sh
	.venv-constraints/bin/python -m pytest -q
	{ echo "# The exact versions the tests passed with, used by every install (make setup). Refresh: make constraints"; \
	  .venv-constraints/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-constraints
