"""The print page as a plain document: what scripts did to it at load, done at build time.

Imported by hooks/print_page.py (MkDocs puts the hooks' folder on sys.path), not a hook itself.

The print page holds the whole course, about ten thousand elements. Every script that walks
or measures them when the page loads makes a phone lay all of them out (scripts/lighthouse:
performance 46 with Material's script, print-site's and the copy buttons). So:

- print-site's script (`js/print-site.js`) copied the table of contents from Material's sidebar
  and hid the site's navigation and search, once the page had loaded: here the table of contents
  is written into the page and those elements are hidden in the HTML, and the script is dropped.
- Material's script is not loaded. On this page it would only run the search box (which
  print-site hides), the copy buttons (none here: the code is for reading and printing; every
  course page has them) and the opening of collapsed boxes for printing, which PRINT_DETAILS does.
- Figures are loaded lazily, as on the course pages.
- extra.css renders the page section by section as the reader scrolls (`content-visibility`), on
  screen only; docs/javascripts/a11y.js measures a section's formulas when it is rendered.
"""

import re

from mkdocs.exceptions import PluginError
from theme_script import BUNDLE_TAG  # Material's bundle, as every other page loads it

TOC_LIST = '<ul class="md-nav__list" data-md-component="toc"'
SIDEBAR_TOC = re.compile(r'<div class="md-sidebar md-sidebar--secondary"[^>]*>.*?' + re.escape(TOC_LIST), re.S)
TOC_NAV_END = re.compile(r"(<div id=\"print-page-toc\"[^>]*>\s*<nav [^>]*>.*?)(</nav>)", re.S)
PRINT_SITE_CALL = re.compile(r'<script type="text/javascript">\s*document\.addEventListener\(\'DOMContentLoaded\', '
                             r'function \(\) \{\s*remove_material_navigation\(\);remove_mkdocs_theme_navigation\(\);'
                             r'generate_toc\(\);\s*\}\)\s*</script>')
PRINT_SITE_SCRIPT = re.compile(r'<script src="(?:\.\./)*js/print-site\.js"(?: defer)?></script>')
# What print-site's remove_material_navigation() hides (Material's tabs are not enabled here).
HIDDEN = ("md-sidebar--primary", "md-search")

# Material's script opens every collapsed box before the browser prints and closes them after; this
# page does it without Material (`make pdf` and the browser's print both fire these events).
PRINT_DETAILS = """<script>(function () {
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (box) {
      box.open = true;
      box.setAttribute("data-xd-opened-for-print", "");
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-xd-opened-for-print]").forEach(function (box) {
      box.open = false;
      box.removeAttribute("data-xd-opened-for-print");
    });
  });
})();</script>"""


def _one(pattern: re.Pattern, output: str, what: str) -> re.Match:
    matches = list(pattern.finditer(output))
    if len(matches) != 1:
        raise PluginError(f"hooks/print_screen.py: expected one {what} on the print page, found "
                          f"{len(matches)} (has the print-site plugin or Material changed?)")
    return matches[0]


def sidebar_toc(output: str) -> str:
    """The <ul> of Material's table of contents in the sidebar, nested lists and all."""
    found = _one(SIDEBAR_TOC, output, "sidebar table of contents")
    start = output.index("<ul", found.end() - len(TOC_LIST))
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)ul\b", output[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = start + tag.end()
            break
    end = output.index(">", position) + 1
    return output[start:end]


def static(output: str) -> str:
    """The print page with print-site's load-time changes made and without those scripts."""
    toc = sidebar_toc(output).replace(' data-md-component="toc"', "", 1)  # as generate_toc() does
    nav = _one(TOC_NAV_END, output, '<div id="print-page-toc"><nav>')
    output = output[:nav.start(2)] + toc + output[nav.start(2):]
    for name in HIDDEN:
        tag = _one(re.compile(rf'<div class="(?:[^"]*\s)?{name}(?:\s[^"]*)?"'), output, f'<div class="{name}">')
        output = output[:tag.end()] + ' style="display: none"' + output[tag.end():]
    for pattern, what in ((PRINT_SITE_CALL, "call of print-site's functions"),
                          (PRINT_SITE_SCRIPT, "print-site.js"), (BUNDLE_TAG, "Material's bundle")):
        found = _one(pattern, output, what)
        output = output[:found.start()] + output[found.end():]
    # Figures load as the reader scrolls to them, as on the course pages (print-site's copy of each
    # page drops the attribute); scripts/make_pdf.py loads them all before printing.
    output = re.sub(r"<img (?![^>]*\bloading=)", '<img loading="lazy" ', output)
    return output.replace("</body>", PRINT_DETAILS + "</body>", 1)
