# Every target creates or reuses the local virtual environment .venv on its own.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Rebuilt when the dependency lists change.
READY  := $(VENV)/.ready

# The site's generator: ProperDocs, the continuation of MkDocs 1.x (pyproject.toml says why). It
# reads mkdocs.yml when named (-f); it prints neither MkDocs' nor Material's end-of-life banner.
DOCS   := $(BIN)/properdocs
CONFIG := -f mkdocs.yml

.PHONY: help venv site serve test pdf dist bundle publish-version bench clean

help:
	@echo "make serve   build the site and serve it at http://127.0.0.1:8000"
	@echo "make test    run the whole test suite (package, doctests, pages, browser)"
	@echo "make site    build the static site into site/"
	@echo "make pdf     write the whole course as a PDF (needs chromium)"
	@echo "make dist    build the package's sdist and wheel into dist/"
	@echo "make bundle  the course offline in one zip: site for file://, PDF, notebooks, wheel"
	@echo "make publish-version VERSION=x.y   publish the site as version x.y with mike (see README)"
	@echo "make bench   time cross_entropy against PyTorch and SciPy"

venv: $(READY)

$(READY): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[docs,test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: $(READY)
	$(DOCS) build --strict $(CONFIG)

serve: $(READY)
	$(DOCS) serve --strict $(CONFIG) -a 127.0.0.1:8000

# The suite natively, then its numeric part again under NumPy's AVX2 kernels where this CPU has
# AVX-512 (their float32 exp and log differ by ulps: tests/other_dispatch.py says why).
test: $(READY)
	$(BIN)/python -m pytest
	$(BIN)/python tests/other_dispatch.py

# The whole course (the site's print page) printed by headless Chromium.
pdf: site
	$(BIN)/python scripts/make_pdf.py --site site --out xentdoc-course.pdf

# The package's sdist and wheel in dist/ (the wheel built from the sdist), by the venv's pinned
# build and setuptools without build isolation: no download, the same files from the same source.
dist: $(READY)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .

# The course offline, xentdoc-course-<version>.zip: the site built for file:// (mkdocs-offline.yml),
# the PDF, the notebooks, the wheel and a README (scripts/make_bundle.py).
bundle: pdf dist
	$(BIN)/python scripts/make_bundle.py --pdf xentdoc-course.pdf --wheel dist/xentdoc-*-py3-none-any.whl --out-dir .

# Commit the site as version VERSION to the gh-pages branch (mike), moving ALIAS (default: latest)
# to it and making that alias the default; ALIAS= publishes without alias. PUSH=1 also pushes.
# mike 2.2 builds with `properdocs build` (it runs properdocs when that package is installed),
# found on PATH: the venv's bin comes first.
VERSION ?=
ALIAS   ?= latest
# Without VERSION it only prints its usage: no venv is built for that.
publish-version: $(if $(VERSION),$(READY))
	@test -n "$(VERSION)" || { echo "usage: make publish-version VERSION=x.y [ALIAS=latest] [PUSH=1]"; exit 2; }
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/mike deploy $(if $(PUSH),--push) --update-aliases $(VERSION) $(ALIAS)
	$(if $(ALIAS),$(BIN)/mike set-default $(if $(PUSH),--push) $(ALIAS))

bench: $(READY)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .cache .venv node_modules .pytest_cache xentdoc-course.pdf dist build xentdoc-course-*.zip
