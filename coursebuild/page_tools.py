"""The line under each page's title: what its code needs, and the page as a notebook.

`add_page_tools` (a SOURCE_STEP) writes it into the Markdown of every page whose Python snippets
import xentdoc, and of every course page that has a notebook, as Markdown links, so that the
generator resolves and checks them (`--strict`) whatever the site's URL style: the home page's
install line (`index.md#install`); "Download this page as a notebook" (notebooks/NAME.ipynb) and
its solutions notebook, which coursebuild/notebooks.py writes from the same page.
"""

import re

INSTALL_ANCHOR = "install"  # the id of the home page's install line (docs/index.md)
HOME = "index.md"
TOOLS_CLASS = "xd-page-tools"

# The opening line of a fenced block (any indentation); coursebuild.notebooks reads pages with it too.
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?P<lang>[\w+-]*)")
_IMPORT = re.compile(r"^[ \t]*(?:import xentdoc\b|from xentdoc\b)")
_TITLE = re.compile(r"^# .+$", re.M)


def python_lines(markdown: str):
    """The lines of the page's ```python blocks (any indentation), in order."""
    fence = None
    for line in markdown.splitlines():
        opening = FENCE.match(line)
        if fence is None:
            if opening:
                fence = (opening.group("fence"), opening.group("lang").lower())
            continue
        if re.match(rf"^[ \t]*{re.escape(fence[0][0])}{{{len(fence[0])},}}[ \t]*$", line):
            fence = None
        elif fence[1] in ("python", "py"):
            yield line


def imports_xentdoc(markdown: str) -> bool:
    return any(_IMPORT.match(line) for line in python_lines(markdown))


def tools_line(source: str, markdown: str) -> str | None:
    """The Markdown of the page's tools line, or None for a page that needs none."""
    parts = []
    if source != HOME and imports_xentdoc(markdown):
        parts.append(f"The code on this page needs the xentdoc package: [how to install it]({HOME}#{INSTALL_ANCHOR}).")
    notebook, solutions = _notebooks(source, markdown)
    if notebook:
        link = f"[Download this page as a notebook]({notebook}){{: download }}"
        if solutions:
            link += f" (and [its exercises' solutions]({solutions}){{: download }})"
        parts.append(link + ".")
    if not parts:
        return None
    return " ".join(parts) + f"\n{{: .{TOOLS_CLASS} }}"


def _notebooks(source: str, markdown: str):
    """Paths of the page's notebook and solutions notebook (None where it has none)."""
    from coursebuild.notebooks import notebook_path, page_notebooks
    from coursebuild.print_page import is_chapter

    if not is_chapter(source):
        return None, None
    page, solutions = page_notebooks(markdown, source, "")
    return (notebook_path(source) if page else None), (notebook_path(source, True) if solutions else None)


def add_page_tools(markdown: str, source: str, url: str) -> str:
    """The page's Markdown with its tools line right after its title (`# ...`)."""
    line = tools_line(source, markdown)
    title = _TITLE.search(markdown)
    if line is None or title is None:
        return markdown
    return markdown[:title.end()] + "\n\n" + line + "\n" + markdown[title.end():]
