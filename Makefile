# The README's commands. Each creates .venv when missing and installs the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= out/demo/cluegraph.duckdb

.PHONY: demo test test-all bench lint neo4j neo4j-stop clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh

test: $(STAMP)
	bash scripts/test.sh

test-all: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

# mypy: graph/ strict, the packages above it in plain mode; per-module settings (untyped libraries) are in
# pyproject.toml [tool.mypy].
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict graph/
	$(BIN)/mypy ingest/ analytics/ dashboard/ cluegraph/ bench/

neo4j: $(STAMP)
	bash tools/neo4j/neo4j.sh start

neo4j-stop:
	bash tools/neo4j/neo4j.sh stop

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
