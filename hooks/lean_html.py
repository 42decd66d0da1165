"""MkDocs hook: lighter pages (scripts/lighthouse measures the difference).

Each element of a page costs the browser style and layout work every time Material's script makes
it recompute the page, and a course page holds thousands of them. After each page is rendered:

- Pygments wraps every token of highlighted code in a `<span class="...">`. A token whose class
  has no colour of its own in the theme (names, `n`, drawn in the code colour; whitespace, `w`;
  any class Material's stylesheet does not style) is left as plain text, and neighbouring tokens of
  the same class (with only spaces between them) share one span. Punctuation (`p`) and operators
  (`o`) lose theirs too: Material draws them a shade lighter than the code, and they were half of
  all the spans of a code-heavy page. Keywords, strings, comments, numbers and built-ins keep
  their colours.

- A page with formulas preloads the math font (hooks/math_font.py), so it arrives with the
  stylesheets instead of after the first paint, when swapping it in would move the text (layout
  shift) and make the browser lay out the whole page again.

- A page loads only the stylesheets and scripts it uses. MkDocs links every `extra_css` and
  `extra_javascript` file (and the print-site plugin's) from every page; each one a page does not
  need is one more request competing with the stylesheets before the first paint. The print-site
  plugin's CSS and JS act on the print page only (`#print-site-page`), mkdocstrings' CSS on API
  pages only, and an interactive figure's script where the figure is placed.

- Every script file is deferred (`<script src defer>`): run in the same order once the page is
  parsed, as at the end of <body>, but downloaded at low priority, so the stylesheets and the
  math font get the bandwidth before the first paint (scripts/lighthouse: first contentful paint
  of /softmax/ 1.8 s -> 1.1 s). Inline scripts that use them wait for DOMContentLoaded already.

hooks/print_page.py applies `only_used_assets` (keeping print-site's stylesheets) and `lean` to
the print page, which the print-site plugin writes after the pages' own on_post_page.
"""

import re
from pathlib import Path

from material_css import main_stylesheet
from math_font import SITE_FONT  # where hooks/math_font.py writes the font
from mkdocs.exceptions import PluginError

CODE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.S)
TOKEN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>')
SAME_NEIGHBOURS = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>(\s*)<span class="\1">([^<]*)</span>')

# Tags MkDocs writes for assets only some pages use ("../" repeated by the page's depth).
PRINT_SITE_ASSET = re.compile(r'<link rel="stylesheet" href="(?:\.\./)*css/print-site[a-z-]*\.css">'
                              r'|<script src="(?:\.\./)*js/print-site\.js"></script>')
MKDOCSTRINGS_CSS = re.compile(r'<link rel="stylesheet" href="(?:\.\./)*assets/_mkdocstrings\.css">')
WIDGET_SCRIPT = re.compile(r'<script src="(?:\.\./)*javascripts/interactive/([a-z-]+)\.js"></script>')
SCRIPT_FILE = re.compile(r'<script src="([^"]+)"></script>')
WIDGET_KIT = "widget-kit"  # shared by every interactive figure

_styled: frozenset = frozenset()  # token classes that keep their span (they have a colour)


def on_config(config):
    global _styled
    css = main_stylesheet(config)
    styled = set(re.findall(r"\.highlight \.([a-z0-9]+)\b", css))
    if not styled:
        raise PluginError("hooks/lean_html.py: no `.highlight .<token>` rule in Material's stylesheet")
    plain = {"w", "p", "o"}  # whitespace; punctuation and operators (see the docstring)
    # Names (`n`) take --md-code-hl-name-color, which Material sets to the code text colour: unless
    # the site's own stylesheets give names a colour, an `n` span changes nothing on screen.
    extra = "".join(Path(config["docs_dir"], sheet).read_text(encoding="utf-8")
                    for sheet in config["extra_css"] if Path(config["docs_dir"], sheet).is_file())
    if ("--md-code-hl-name-color:var(--md-code-fg-color)" in css.replace(" ", "")
            and "--md-code-hl-name-color" not in extra and ".highlight .n" not in extra):
        plain.add("n")
    _styled = frozenset(styled - plain)
    return config


def _lean_code(match):
    body = match.group(2)
    if "<span" not in body:
        return match.group(0)

    def token(span):
        return span.group(0) if span.group(1) in _styled else span.group(2)

    body = TOKEN.sub(token, body)
    count = 1
    while count:
        body, count = SAME_NEIGHBOURS.subn(r'<span class="\1">\2\3\4</span>', body)
    return match.group(1) + body + match.group(3)


def lean(output: str, depth: int) -> str:
    """`depth`: how many folders below the site's root the page is (0 for index.html)."""
    output = CODE.sub(_lean_code, output)
    output = SCRIPT_FILE.sub(r'<script src="\1" defer></script>', output)
    if "<math" in output and "</head>" in output:
        link = (f'<link rel="preload" href="{"../" * depth}{SITE_FONT}" as="font" '
                f'type="font/woff2" crossorigin>')
        output = output.replace("</head>", link + "</head>", 1)
    return output


def only_used_assets(output: str, print_page: bool = False) -> str:
    """`output` without links to assets it does not use (print-site's own on the print page only)."""
    if not print_page:
        output = PRINT_SITE_ASSET.sub("", output)
    if 'class="doc doc-' not in output:  # mkdocstrings' rendering of an API object
        output = MKDOCSTRINGS_CSS.sub("", output)
    placed = set(re.findall(r'data-xd-widget="([a-z-]+)"', output))

    def widget_script(match):
        name = match.group(1)
        return match.group(0) if name in placed or (name == WIDGET_KIT and placed) else ""

    return WIDGET_SCRIPT.sub(widget_script, output)


def on_post_page(output, page, config):
    return lean(only_used_assets(output), page.file.dest_uri.count("/"))
