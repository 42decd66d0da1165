"""MkDocs hook: finish the print page (the whole course on one page, from mkdocs-print-site-plugin).

The print-site plugin writes print_page/index.html in its on_post_build, from each page's HTML as
it was before hooks/katex.py rendered the math (which happens in on_post_page, an event the print
page never goes through). Hooks run after plugins, so here the print page is on disk: render its
math with the same KaTeX hook and state the version of the course it holds.
"""

import html
import sys
import types
from pathlib import Path
from urllib.parse import urlsplit

import print_screen
import xentdoc
from mkdocs.exceptions import PluginError

PRINT_PAGE = Path("print_page") / "index.html"


def on_post_build(config):
    plugin = config["plugins"].get("print-site")
    if plugin is None or not plugin.config.get("enabled"):
        return
    path = Path(config["site_dir"]) / PRINT_PAGE
    if not path.is_file():
        raise PluginError(f"the print-site plugin wrote no {PRINT_PAGE}")
    katex = sys.modules.get("hooks/katex.py")
    if katex is None:
        raise PluginError("hooks/katex.py must be listed in mkdocs.yml `hooks:` before hooks/print_page.py")
    output = path.read_text(encoding="utf-8")
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri=PRINT_PAGE.as_posix()))
    output = katex.on_post_page(output, page, config)
    lean_html = sys.modules.get("hooks/lean_html.py")  # fewer code spans, as on every page
    if lean_html is not None:
        output = lean_html.lean(lean_html.only_used_assets(output, print_page=True), PRINT_PAGE.as_posix().count("/"))
    # No load-time scripts but the site's own (hooks/print_screen.py), so no copy buttons either.
    output = print_screen.static(output)
    tables = sys.modules.get("hooks/tables.py")  # as on every page
    if tables is not None:
        output = tables.wrap_tables(output)
    # The plugin renders the page with the 404 page's context, whose URLs are absolute paths from
    # site_url ("/xentdoc/..."): right on the published root only, wrong under a version folder
    # (mike) or on a local server. Make them relative, as on every other page.
    root = urlsplit(config["site_url"] or "").path
    if root not in ("", "/"):
        output = output.replace(f'"base": "{root}"', '"base": ".."')
        output = output.replace(f'="{root}', '="../')
    # The version of the course this print-out holds, under the title (first <h1> of the article).
    stamp = (f'<p class="xd-print-version">Version {html.escape(xentdoc.__version__)} '
             f'of the course, {html.escape(config["site_url"] or "")}</p>')
    marker = '<div id="print-site-page"'
    if marker in output:
        output = output.replace(marker, stamp + marker, 1)
    path.write_text(output, encoding="utf-8")
