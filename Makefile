# The project's commands. `make site` and `make test` each set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup site test validate serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## setup: create .venv and install the project with its test tools
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
