"""Lighter pages (scripts/lighthouse measures the difference): four steps of the page pipeline.

Each element of a page costs the browser style and layout work every time Material's script makes
it recompute the page, and a course page holds thousands of them. After each page is rendered:

- Pygments wraps every token of highlighted code in a `<span class="...">`. A token whose class
  has no colour of its own in the theme (names, `n`, drawn in the code colour; whitespace, `w`;
  any class Material's stylesheet does not style) is left as plain text, and neighbouring tokens of
  the same class (with only spaces between them) share one span. Punctuation (`p`) and operators
  (`o`) lose theirs too: Material draws them a shade lighter than the code, and they were half of
  all the spans of a code-heavy page. Keywords, strings, comments, numbers and built-ins keep
  their colours.

- A page with formulas preloads the math font (coursebuild/math_font.py), so it arrives with the
  stylesheets instead of after the first paint, when swapping it in would move the text (layout
  shift) and make the browser lay out the whole page again.

- A page loads only the stylesheets and scripts it uses. The generator links every `extra_css` and
  `extra_javascript` file from every page; each one a page does not need is one more request
  competing with the stylesheets before the first paint. mkdocstrings' CSS acts on API pages only,
  and an interactive figure's script where the figure is placed.

- Every script file is deferred (`<script src defer>`): run in the same order once the page is
  parsed, as at the end of <body>, but downloaded at low priority, so the stylesheets and the
  math font get the bandwidth before the first paint (scripts/lighthouse: first contentful paint
  of /softmax/ 1.8 s -> 1.1 s). Inline scripts that use them wait for DOMContentLoaded already.

"""

import re

from coursebuild import BuildError
from coursebuild.math_font import SITE_FONT  # where the math font's subset is written

CODE = re.compile(r"(<code\b[^>]*>)(.*?)(</code>)", re.S)
TOKEN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>')
SAME_NEIGHBOURS = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>(\s*)<span class="\1">([^<]*)</span>')

# Tags the generator writes for assets only some pages use ("../" repeated by the page's depth).
MKDOCSTRINGS_CSS = re.compile(r'<link rel="stylesheet" href="(?:\.\./)*assets/_mkdocstrings\.css">')
WIDGET_SCRIPT = re.compile(r'<script src="(?:\.\./)*javascripts/interactive/([a-z-]+)\.js"></script>')
SCRIPT_FILE = re.compile(r'<script src="([^"]+)"></script>')
WIDGET_KIT = "widget-kit"  # shared by every interactive figure


def styled_token_classes(material_css: str, site_css: str) -> frozenset:
    """Token classes of highlighted code that keep their span: those drawn in a colour of their own.

    `material_css`: Material's main stylesheet; `site_css`: the site's own stylesheets.
    """
    styled = set(re.findall(r"\.highlight \.([a-z0-9]+)\b", material_css))
    if not styled:
        raise BuildError("coursebuild/lean.py: no `.highlight .<token>` rule in Material's stylesheet")
    plain = {"w", "p", "o"}  # whitespace; punctuation and operators (see the docstring)
    # Names (`n`) take --md-code-hl-name-color, which Material sets to the code text colour: unless
    # the site's own stylesheets give names a colour, an `n` span changes nothing on screen.
    if ("--md-code-hl-name-color:var(--md-code-fg-color)" in material_css.replace(" ", "")
            and "--md-code-hl-name-color" not in site_css and ".highlight .n" not in site_css):
        plain.add("n")
    return frozenset(styled - plain)


def lean_code_spans(output: str, page) -> str:
    """Highlighted code with a span only where a token has a colour of its own."""
    styled = page.site.styled_tokens

    def lean_code(match):
        body = match.group(2)
        if "<span" not in body:
            return match.group(0)

        def token(span):
            return span.group(0) if span.group(1) in styled else span.group(2)

        body = TOKEN.sub(token, body)
        count = 1
        while count:
            body, count = SAME_NEIGHBOURS.subn(r'<span class="\1">\2\3\4</span>', body)
        return match.group(1) + body + match.group(3)

    return CODE.sub(lean_code, output)


def defer_scripts(output: str, page=None) -> str:
    """Every script file deferred: run in order once the page is parsed, downloaded at low priority."""
    return SCRIPT_FILE.sub(r'<script src="\1" defer></script>', output)


def preload_math_font(output: str, page) -> str:
    """A page with formulas asks for the math font in <head>, with the stylesheets."""
    if "<math" in output and "</head>" in output:
        link = (f'<link rel="preload" href="{"../" * page.depth}{SITE_FONT}" as="font" '
                f'type="font/woff2" crossorigin>')
        output = output.replace("</head>", link + "</head>", 1)
    return output


def drop_unused_assets(output: str, page=None) -> str:
    """`output` without links to assets it does not use."""
    if 'class="doc doc-' not in output:  # mkdocstrings' rendering of an API object
        output = MKDOCSTRINGS_CSS.sub("", output)
    placed = set(re.findall(r'data-xd-widget="([a-z-]+)"', output))

    def widget_script(match):
        name = match.group(1)
        return match.group(0) if name in placed or (name == WIDGET_KIT and placed) else ""

    return WIDGET_SCRIPT.sub(widget_script, output)
