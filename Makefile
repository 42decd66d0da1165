# Every target creates or reuses the local virtual environment .venv on its own.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Rebuilt when the dependency lists change.
READY  := $(VENV)/.ready

export NO_MKDOCS_2_WARNING := 1

.PHONY: help venv site serve test pdf bench clean

help:
	@echo "make serve   build the site and serve it at http://127.0.0.1:8000"
	@echo "make test    run the whole test suite (package, doctests, pages, browser)"
	@echo "make site    build the static site into site/"
	@echo "make pdf     write the whole course as a PDF (needs chromium)"
	@echo "make bench   time cross_entropy against PyTorch and SciPy"

venv: $(READY)

$(READY): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[docs,test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: $(READY)
	$(BIN)/mkdocs build --strict

serve: $(READY)
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

test: $(READY)
	$(BIN)/python -m pytest

bench: $(READY)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .venv node_modules .pytest_cache
