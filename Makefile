# Two entry points for a fresh machine (see README): `make run` and `make test`.
# Everything is installed into .venv from the package registry; nothing is downloaded at run time.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/sample

.PHONY: run test setup bench fixtures clean

$(BIN)/jixiao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[ocr,test]'
	touch $@

setup: $(BIN)/jixiao

run: setup
	$(BIN)/jixiao ingest fixtures --out $(OUT)

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python scripts/bench.py

fixtures: setup
	$(BIN)/python scripts/make_fixtures.py

clean:
	rm -rf $(VENV) out
