"""The notebooks: one per course page with code (and one of its exercises' solutions), generated
at build time from the page, served by the site and linked from the page; each executed in a fresh
kernel with nbclient, every code cell printing exactly the page's `#> ` lines for its snippet."""

import json
import re

import pytest

from conftest import DOCS, require
from site_config import built_path, course_pages
from test_snippets import PYTHON_BLOCKS, USES_TORCH, expected_output

SOLUTION = re.compile(r'^(?P<indent>[ \t]*)\?\?\? success "Solution"[ \t]*$')


def _solution_lines(src):
    """Page lines (1-based) inside `??? success "Solution"` boxes: read from the page, as a reader would."""
    lines = (DOCS / src).read_text(encoding="utf-8").split("\n")
    inside, depth = set(), None
    for number, line in enumerate(lines, 1):
        if depth is not None and line.strip() and len(line) - len(line.lstrip()) <= depth:
            depth = None
        if depth is not None:
            inside.add(number)
        match = SOLUTION.match(line)
        if match:
            depth = len(match["indent"])
    return inside


PAGES = [src for src in course_pages() if any(b.page == src for b in PYTHON_BLOCKS)]
NOTEBOOKS = [(src, kind) for src in PAGES for kind in ("page", "solutions")
             if kind == "page" or _solution_lines(src)]


def _name(src, kind):
    return f"notebooks/{src[:-3].replace('/', '-')}{'-solutions' if kind == 'solutions' else ''}.ipynb"


def _load(built_site, src, kind):
    nbformat = require("nbformat")
    path = built_site / _name(src, kind)
    assert path.is_file(), f"the site serves no {path.name}"
    notebook = nbformat.read(str(path), as_version=4)
    nbformat.validate(notebook)
    return notebook


def test_every_course_page_with_code_has_its_notebooks():
    assert len(PAGES) >= 10 and "softmax.md" in PAGES
    assert sum(kind == "solutions" for _, kind in NOTEBOOKS) >= 8


@pytest.mark.parametrize("src", PAGES)
def test_the_page_links_its_notebooks(built_site, src):
    page = built_path(built_site, src)
    html = page.read_text(encoding="utf-8")
    link = re.search(r'<a download href="([^"]+)">Download this page as a notebook</a>', html)
    assert link, f"{src}: no notebook link"
    assert (page.parent / link[1]).resolve() == (built_site / _name(src, "page")).resolve()
    if (src, "solutions") in NOTEBOOKS:
        solutions = re.search(r'<a download href="([^"]+)">its exercises\' solutions</a>', html)
        assert solutions and (page.parent / solutions[1]).resolve() == (built_site / _name(src, "solutions")).resolve()


@pytest.mark.parametrize("src", PAGES)
def test_each_snippet_is_a_code_cell_once_solutions_apart(built_site, src):
    page_nb, solutions = _load(built_site, src, "page"), None
    if (src, "solutions") in NOTEBOOKS:
        solutions = _load(built_site, src, "solutions")
    in_solutions = _solution_lines(src)
    blocks = [b for b in PYTHON_BLOCKS if b.page == src]

    def lines(notebook):
        return [c.metadata["xentdoc"]["line"] for c in notebook.cells
                if c.cell_type == "code" and "line" in c.metadata.get("xentdoc", {})]

    assert lines(page_nb) == [b.line for b in blocks if b.line not in in_solutions]
    assert (lines(solutions) if solutions else []) == [b.line for b in blocks if b.line in in_solutions]
    for cell in page_nb.cells:
        if cell.cell_type == "code" and "line" in cell.metadata.get("xentdoc", {}):
            block = next(b for b in blocks if b.line == cell.metadata["xentdoc"]["line"])
            code = "\n".join(l for l in block.code.splitlines() if not re.match(r"^[ \t]*#>", l)).strip("\n")
            assert cell.source == code
    # Prose as plain Markdown: no site-only syntax, links to the published site, formulas as $...$.
    prose = "\n".join(c.source for c in page_nb.cells if c.cell_type == "markdown")
    assert not re.search(r"^[ \t]*(?:!!!|\?\?\?|===)|\{[:#][^}]*\}|\]\([^)]*\.md\b|\{\{", prose, re.M)
    if "$" in (DOCS / src).read_text(encoding="utf-8"):
        assert re.search(r"\$[^$\n]+\$", prose)


@pytest.mark.parametrize("src", [src for src in PAGES if "{{ figure(" in (DOCS / src).read_text(encoding="utf-8")])
def test_figures_are_collapsed_cells_drawing_with_xentdoc_figures(built_site, src):
    page_nb = _load(built_site, src, "page")
    figures = [c for c in page_nb.cells if "figure" in c.metadata.get("xentdoc", {})]
    names = re.findall(r'\{\{ figure\("([^"]+)"\) \}\}', (DOCS / src).read_text(encoding="utf-8"))
    assert [c.metadata["xentdoc"]["figure"] for c in figures] == names
    for cell in figures:
        assert cell.metadata["jupyter"]["source_hidden"] is True
        assert "registry.draw(registry.discover()" in cell.source


@pytest.mark.parametrize("src,kind", NOTEBOOKS, ids=[f"{s}-{k}" for s, k in NOTEBOOKS])
def test_the_notebook_runs_in_a_fresh_kernel_and_prints_what_the_page_shows(built_site, src, kind, tmp_path):
    nbclient = require("nbclient")
    require("ipykernel")
    notebook = _load(built_site, src, kind)
    if any(USES_TORCH.search(c.source) for c in notebook.cells if c.cell_type == "code"):
        require("torch")
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []  # what the page shows, written in by the build: run it anew
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    blocks = {b.line: b for b in PYTHON_BLOCKS if b.page == src}
    checked = 0
    for cell in notebook.cells:
        meta = cell.metadata.get("xentdoc", {})
        if cell.cell_type != "code":
            continue
        if "figure" in meta:
            assert any("image/svg+xml" in o.get("data", {}) for o in cell.outputs), meta
            continue
        printed = "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
        assert not [o for o in cell.outputs if o.output_type == "error"]
        expected = expected_output(blocks[meta["line"]].code)
        assert [l.rstrip() for l in printed.splitlines()] == expected, f"{src}:L{meta['line']}"
        checked += 1
    assert checked >= 1
