"""The line under each page's title that says what its code needs: the xentdoc package.

`add_page_tools` (a SOURCE_STEP) writes it into the Markdown of every page whose Python snippets
import xentdoc, as Markdown links, so the generator resolves and checks them (`--strict`) whatever
the site's URL style: the home page's install line (`index.md#install`).
"""

import re

INSTALL_ANCHOR = "install"  # the id of the home page's install line (docs/index.md)
HOME = "index.md"
TOOLS_CLASS = "xd-page-tools"

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?P<lang>[\w+-]*)")
_IMPORT = re.compile(r"^[ \t]*(?:import xentdoc\b|from xentdoc\b)")
_TITLE = re.compile(r"^# .+$", re.M)


def python_lines(markdown: str):
    """The lines of the page's ```python blocks (any indentation), in order."""
    fence = None
    for line in markdown.splitlines():
        opening = _FENCE.match(line)
        if fence is None:
            if opening:
                fence = (opening.group(1), opening.group("lang").lower())
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
    if not parts:
        return None
    return " ".join(parts) + f"\n{{: .{TOOLS_CLASS} }}"


def add_page_tools(markdown: str, source: str, url: str) -> str:
    """The page's Markdown with its tools line right after its title (`# ...`)."""
    line = tools_line(source, markdown)
    title = _TITLE.search(markdown)
    if line is None or title is None:
        return markdown
    return markdown[:title.end()] + "\n\n" + line + "\n" + markdown[title.end():]
