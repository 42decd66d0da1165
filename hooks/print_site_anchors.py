"""MkDocs hook: the print-site plugin's renaming of anchors, with the same result in linear time.

To keep ids unique on the print page, mkdocs-print-site-plugin prefixes the ids of each page's
headings, footnote marks and list items with the page's name (`urls.update_anchor_ids`). Its
pattern, `<([^\\s]+).*?id="([^"]*?)".*?>`, is tried at every "<", and where no id follows on the
same line it scans the rest of that line once for every way of splitting off the tag name. The
formulas' MathML puts thousands of tags on long lines without an id: 1.0 s of a 2.7 s build
(cProfile), the largest single cost of every `mkdocs serve` rebuild.

The same pattern runs here, with the same replacements in the same order, but only on lines that
hold an `id="` (any case). No match can start on another line: up to `id="`, the pattern matches
no line break. Only an id value may hold one; a page with such an id goes to the plugin's own
function. tests/test_site_build.py checks that both give the same output on every page.
"""

import re
from importlib.metadata import version

from mkdocs.exceptions import PluginError
from mkdocs_print_site_plugin import urls

PLUGIN_VERSION = "2.9"  # pinned in pyproject.toml; the pattern and tags below are this version's
TAG_WITH_ID = re.compile(r"<([^\s]+).*?id=\"([^\"]*?)\".*?>", flags=re.IGNORECASE)
RENAMED_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "sup", "li")
ID_ATTRIBUTE = re.compile(r'id="', flags=re.IGNORECASE)
ID_OVER_LINES = re.compile(r'id="[^"]*\n', flags=re.IGNORECASE)

# MkDocs imports this hook again for each build of `mkdocs serve`: keep the plugin's own function.
plugins_own = getattr(urls.update_anchor_ids, "__wrapped__", urls.update_anchor_ids)


def update_anchor_ids(page_html: str, page_key: str) -> str:
    """`urls.update_anchor_ids` of print-site 2.9: the same output, without its quadratic scan."""
    if ID_OVER_LINES.search(page_html):
        return plugins_own(page_html, page_key)
    matches = [match for line in page_html.split("\n") if ID_ATTRIBUTE.search(line)
               for match in TAG_WITH_ID.finditer(line)]
    for match in matches:
        tag, anchor = match.group(1), match.group(2)
        if tag in RENAMED_TAGS:
            whole = match.group()
            page_html = page_html.replace(whole, whole.replace(anchor, f"{page_key}-{anchor}"))
    return page_html


update_anchor_ids.__wrapped__ = plugins_own


def on_config(config):
    if "print-site" not in config["plugins"]:
        return config
    installed = version("mkdocs-print-site-plugin")
    if installed != PLUGIN_VERSION:
        raise PluginError(f"hooks/print_site_anchors.py reproduces mkdocs-print-site-plugin {PLUGIN_VERSION}, "
                          f"but {installed} is installed: compare its urls.update_anchor_ids, then update the hook")
    urls.update_anchor_ids = update_anchor_ids
    return config
