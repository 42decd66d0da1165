"""A Jupyter notebook per course page, written at build time from the page itself.

The page's Markdown stays the single source. `page_notebooks` reads it line by line:

- prose becomes Markdown cells (split at headings), with its `$...$` and `$$...$$` formulas as
  they are (Jupyter renders them), its links made absolute (the published site), and the site's
  own syntax turned into plain Markdown: admonitions, `???` boxes, `===` tabs and md_in_html boxes
  become a bold title over their content, attribute lists (`{#id}`, `{: ...}`) go;
- each ```python snippet becomes a code cell, its `#> ` lines taken out of the code and shown as
  the cell's output until the reader runs it; the cell's metadata names the page line
  (`xentdoc.line`) so that the tests can compare it with the page;
- each `{{ figure("NAME") }}` line becomes its caption and a collapsed code cell that draws the
  figure with the code the site uses (`xentdoc.figures.registry`);
- exercises come without their solutions (`??? success "Solution"` boxes): those are in a second
  notebook, the page's Exercises section with the solutions.

`notebook_files` gives the site's notebooks/NAME.ipynb and notebooks/NAME-solutions.ipynb
(SITE_FILES), written with nbformat and validated by it.
"""

import re
from pathlib import Path

import nbformat
from nbformat import v4

import xentdoc
from coursebuild import ROOT, BuildError
from coursebuild.page_tools import FENCE as _FENCE

DOCS = ROOT / "docs"
FOLDER = "notebooks"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}

_OUTPUT = re.compile(r"^[ \t]*#>(?: (?P<text>.*))?$")
_BOX = re.compile(r'^(?P<indent>[ \t]*)(?P<kind>!!!|\?\?\?\+?|===)[ \t]*(?P<type>[\w-]*)[ \t]*(?:"(?P<title>[^"]*)")?[ \t]*$')
_FIGURE = re.compile(r'^[ \t]*\{\{\s*figure\(\s*"(?P<name>[^"]*)"\s*\)\s*\}\}[ \t]*$')
_ATTRS = re.compile(r"[ \t]*\{[:#.][^}]*\}[ \t]*$")
_DIV = re.compile(r"^[ \t]*(?:<div\b[^>]*\bmarkdown\b[^>]*>|</div>)[ \t]*$")
_BOX_TITLE = re.compile(r'^[ \t]*<p class="admonition-title"[^>]*>(?P<title>.*)</p>[ \t]*$')
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} ")
_EXERCISES = re.compile(r"^## Exercises\b")


def notebook_name(source: str) -> str:
    return source[:-3].replace("/", "-")


def notebook_path(source: str, solutions: bool = False) -> str:
    return f"{FOLDER}/{notebook_name(source)}{'-solutions' if solutions else ''}.ipynb"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _absolute(target: str, site_url: str) -> str:
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", target, re.I):
        return target
    path, _, anchor = target.partition("#")
    if path.endswith(".md"):
        path = path[:-3]
        path = path[:-5] if path == "index" or path.endswith("/index") else path + "/"
    return site_url + path + (f"#{anchor}" if anchor else "")


def _prose(line: str, site_url: str) -> str:
    line = _ATTRS.sub("", line)
    title = _BOX_TITLE.match(line)
    if title:
        return f"**{re.sub(r'<[^>]+>', '', title['title']).strip()}**"
    return _LINK.sub(lambda m: f"]({_absolute(m['target'], site_url)})", line)


class _Writer:
    def __init__(self, source: str, site_url: str):
        self.source, self.site_url = source, site_url
        self.cells, self.prose = [], []

    def flush(self):
        text = "\n".join(self.prose).strip("\n")
        if text.strip():
            self.cells.append(v4.new_markdown_cell(re.sub(r"\n{3,}", "\n\n", text)))
        self.prose = []

    def code(self, code_lines, line):
        self.flush()
        code = "\n".join(l for l in code_lines if not _OUTPUT.match(l)).strip("\n")
        shown = [(m["text"] or "").rstrip() for m in map(_OUTPUT.match, code_lines) if m]
        cell = v4.new_code_cell(code, metadata={"xentdoc": {"page": self.source, "line": line}})
        if shown:
            cell.outputs = [v4.new_output("stream", name="stdout", text="\n".join(shown) + "\n")]
        self.cells.append(cell)

    def figure(self, name):
        from coursebuild.figures import _figures  # name -> (spec, width, height), filled by draw_figures

        from xentdoc.figures import registry

        specs = {name: entry[0] for name, entry in _figures.items()} or registry.discover()
        if name not in specs:
            raise BuildError(f"{self.source}: unknown figure {name!r}")
        spec = specs[name]
        module = spec.func.__module__
        self.prose.append(f"*Figure: {spec.caption}*")
        self.flush()
        code = (f"# The figure {name!r}, drawn by {module}.{spec.func.__name__} (needs matplotlib).\n"
                "from IPython.display import SVG\n"
                "from xentdoc.figures import registry\n\n"
                f"SVG(registry.draw(registry.discover()[{name!r}]))")
        self.cells.append(v4.new_code_cell(code, metadata={
            "xentdoc": {"page": self.source, "figure": name},
            "jupyter": {"source_hidden": True}, "collapsed": True}))


def _walk(lines, start, writer, solutions: str):
    """Lines of the page from `start`; solutions: "skip" (the exercises' notebook) or "keep"."""
    boxes = []  # indentation of each open box's header
    index = start
    while index < len(lines):
        line = lines[index]
        if line.strip():
            while boxes and _indent(line) <= boxes[-1]:
                boxes.pop()
        strip = 4 * len(boxes)
        here = line[strip:] if line[:strip].strip() == "" else line.lstrip()
        fence = _FENCE.match(line)
        if fence:
            indent, mark = fence["indent"], fence["fence"]
            closing = re.compile(rf"^[ \t]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
            body, first = [], index + 1
            index += 1
            while index < len(lines) and not closing.match(lines[index]):
                body.append(lines[index][len(indent):] if lines[index].startswith(indent) else lines[index].lstrip())
                index += 1
            index += 1
            if fence["lang"].lower() in ("python", "py"):
                writer.code(body, first)
            else:
                pad = " " * (len(indent) - strip)
                writer.prose += [pad + mark + fence["lang"], *(pad + b if b else "" for b in body), pad + mark]
            continue
        box = _BOX.match(line)
        if box:
            title = box["title"] or (box["type"] or "note").capitalize()
            if solutions == "skip" and box["kind"].startswith("???") and box["type"] == "success":
                writer.prose.append(here[:len(here) - len(here.lstrip())] + "*(Solution: in this page's solutions notebook.)*")
                index += 1
                while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > _indent(line)):
                    index += 1
                continue
            writer.prose.append(here[:len(here) - len(here.lstrip())] + f"**{title}**")
            boxes.append(_indent(line))
            index += 1
            continue
        figure = _FIGURE.match(line)
        if figure:
            writer.figure(figure["name"])
            index += 1
            continue
        if _DIV.match(line):
            index += 1
            continue
        if _HEADING.match(here):
            writer.flush()
        writer.prose.append(_prose(here, writer.site_url))
        index += 1
    writer.flush()


def _notebook(cells, title, source, site_url, solutions):
    address = _absolute(source, site_url)
    what = "holds the solutions of the exercises of" if solutions else "is generated from"
    intro = (f"*This notebook {what} the page [{title}]({address}) of the xentdoc course, "
             f"version {xentdoc.__version__}. Its code needs the xentdoc package: "
             f"`pip install xentdoc` ([how to install]({site_url}#install)). Each code cell shows "
             "the output the page shows; run it to see it printed again.*")
    notebook = v4.new_notebook(cells=[v4.new_markdown_cell(intro), *cells], metadata={
        "kernelspec": KERNEL, "language_info": {"name": "python"},
        "xentdoc": {"page": source, "version": xentdoc.__version__, "solutions": solutions}})
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"  # not nbformat's random ids: the same page gives the same file
    nbformat.validate(notebook)
    return notebook


def _section_end(lines, start: int) -> int:
    """Index of the next `## ` heading after line `start` (outside code blocks), or the end:
    the Exercises section may be followed by another, such as Going further."""
    in_code = False
    for index in range(start + 1, len(lines)):
        if _FENCE.match(lines[index]):
            in_code = not in_code
        elif not in_code and lines[index].startswith("## "):
            return index
    return len(lines)


def page_notebooks(markdown: str, source: str, site_url: str):
    """(the page's notebook, its solutions notebook or None); None, None for a page without code."""
    lines = markdown.split("\n")
    if not any((m := _FENCE.match(l)) and m["lang"].lower() in ("python", "py") for l in lines):
        return None, None
    heading = next((l for l in lines if l.startswith("# ")), f"# {source}")
    title = heading[2:].strip()
    writer = _Writer(source, site_url)
    _walk(lines, 0, writer, "skip")
    page = _notebook(writer.cells, title, source, site_url, False)
    exercises = next((i for i, l in enumerate(lines) if _EXERCISES.match(l)), None)
    solved = exercises is not None and any(
        (b := _BOX.match(l)) and b["type"] == "success" for l in lines[exercises:])
    if not solved:
        return page, None
    writer = _Writer(source, site_url)
    writer.prose.append(f"# {title}: solutions")
    _walk(lines[: _section_end(lines, exercises)], exercises, writer, "keep")
    return page, _notebook(writer.cells, title, source, site_url, True)


def notebook_files(pages, site_url: str) -> dict[str, str]:
    """{notebooks/NAME.ipynb: JSON} for each course page (source, e.g. "softmax.md") with code."""
    files = {}
    for source in pages:
        markdown = (DOCS / source).read_text(encoding="utf-8")
        page, solutions = page_notebooks(markdown, source, site_url)
        if page is not None:
            files[notebook_path(source)] = nbformat.writes(page)
        if solutions is not None:
            files[notebook_path(source, True)] = nbformat.writes(solutions)
    return files
