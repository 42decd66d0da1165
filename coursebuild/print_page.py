"""The print page (/print_page/): the whole course on one page, assembled from the built pages.

The generator renders a page of its own for it, a shell with the theme's header and footer
(`SHELL_MARKDOWN`, added to the build as print_page.md). `assemble_print_page`, the first step of
the page pipeline, fills the shell with the course pages' content, in reading order, taken from
the pages as the generator wrote them (before the pipeline), so that the pipeline then does to the
print page exactly what it does to every page (formulas, code spans, tables, fonts):

- one chapter per course page: the nav's pages less `EXCLUDED` (the API reference, Cite, Errata),
  each a `<section class="print-page" id="KEY">` holding the page's article, less its
  "version and date" line (the print page states its version once, `stamp_version`);
- a table of contents of the chapters, written into the page and into the sidebar;
- ids made unique per chapter: every id of a chapter becomes `KEY-id` (headings, footnotes,
  figures, tabs), and so does each reference to one (`href="#..."`, `for`, a tab group's `name`);
- links between course pages point inside the print page (`#KEY-anchor`, `#KEY` for a page's
  top); other links and images are made relative to print_page/;
- no "Code for this figure" boxes (coursebuild/figures.py): the print stylesheet hides them, and
  they were 7 KB of the page's gzip weight (scripts/lighthouse); each figure's source stays on
  its own page.

The print page holds about ten thousand elements. Every script that walks or measures them when
the page loads makes a phone lay all of them out (scripts/lighthouse: performance 46 with
Material's script and the copy buttons). So it is a plain document:

- Material's script is not loaded (no copy buttons either, nor copy.js, which prepares them: the
  code is for reading and printing; every course page has them). On this page it would only run the search box, which is hidden
  with the site's navigation, and the opening of collapsed boxes for printing, which
  PRINT_DETAILS does.
- extra.css renders the page section by section as the reader scrolls (`content-visibility`), on
  screen only; docs/javascripts/a11y.js measures a section's formulas when it is rendered.

The print styles are those of mkdocs-print-site-plugin 2.9 (print_css/, MIT licence), which
made this page before: page breaks between chapters, the table of contents shown in print only,
numbered figure captions.
"""

import fnmatch
import html as html_lib
import posixpath
import re
from pathlib import Path

from coursebuild import BuildError
from coursebuild.theme_script import BUNDLE_TAG  # Material's bundle, as every other page loads it

PRINT_PAGE = "print_page/index.html"
PRINT_SOURCE = "print_page.md"
TITLE = "xentdoc: the whole course"
EXCLUDED = ("api.md", "api/*", "cite.md", "errata.md")  # nav pages that are not chapters of the course
CSS_DIR = Path(__file__).resolve().parent / "print_css"
CSS_FILES = ("css/print-site.css", "css/print-site-material.css")  # where the site serves them

# The generator's page for the shell: a title for <title> and the sidebar, no search entry.
SHELL_MARKDOWN = f"""---
title: "{TITLE}"
description: The whole xentdoc course on one page, in reading order, for printing.
search:
  exclude: true
---

# {TITLE}
"""

ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
FIGURE_CODE = re.compile(r'\s*<details class="example xd-figure-code">.*?</details>', re.S)  # coursebuild/figures.py
PAGE_INFO = re.compile(r'\s*<aside class="xd-page-(?:info|report)"[^>]*>.*?</aside>', re.S)
ID_LIKE = re.compile(r'(\s(?:id|for)=")([^"]+)(")')
TAB_GROUP = re.compile(r'(\sname=")(__tabbed_[^"]+)(")')
LINK = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
SIDEBAR_TOC = re.compile(r'(<nav class="md-nav md-nav--secondary"[^>]*>)(.*?)(</nav>)', re.S)
EXTRA_CSS_LINK = re.compile(r'<link rel="stylesheet" href="\.\./stylesheets/extra\.css">')
# docs/javascripts/copy.js prepares code blocks for their copy buttons, which this page has none of.
COPY_SCRIPT = re.compile(r'<script src="\.\./javascripts/copy\.js"(?: defer)?></script>')
# What the print page hides: the site's navigation and the search box.
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


def is_chapter(source: str) -> bool:
    return not any(fnmatch.fnmatch(source, pattern) for pattern in EXCLUDED)


def built_path(source: str) -> str:
    """Where a page's Markdown source is written in the site (directory URLs): "a/b.md" -> "a/b/index.html"."""
    stem = source[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")] + "index.html"
    return stem + "/index.html"


def chapter_key(path: str) -> str:
    """The chapter's id on the print page: "softmax/index.html" -> "softmax", "index.html" -> "index"."""
    folder = posixpath.dirname(path)
    return folder.replace("/", "-") if folder else "index"


def _one(pattern: re.Pattern, output: str, what: str) -> re.Match:
    matches = list(pattern.finditer(output))
    if len(matches) != 1:
        raise BuildError(f"coursebuild/print_page.py: expected one {what}, found {len(matches)} "
                         "(has the theme changed?)")
    return matches[0]


def _target(href: str, base_dir: str) -> tuple[str, str]:
    """(site path, fragment) of a relative URL on a page in `base_dir` ("" for the site's root)."""
    path, _, fragment = href.partition("#")
    joined = posixpath.normpath(posixpath.join(base_dir, path)) if path else base_dir.rstrip("/")
    if joined == ".":
        joined = ""
    if path.endswith("/") or not path:
        joined = joined + "/" if joined else ""
    return joined, fragment


def chapter_content(page_html: str, path: str, keys: dict[str, str]) -> str:
    """The article of the page at `path` as a chapter: ids prefixed, links pointing inside the print page.

    `keys`: the folder ("softmax/", "" for the home page) of each chapter -> its key.
    """
    article = _one(ARTICLE, page_html, f"<article> in {path}").group(2)
    content = FIGURE_CODE.sub("", PAGE_INFO.sub("", article)).strip()
    key = chapter_key(path)
    base_dir = posixpath.dirname(path)
    base_dir = base_dir + "/" if base_dir else ""
    content = ID_LIKE.sub(lambda m: f"{m.group(1)}{key}-{m.group(2)}{m.group(3)}", content)
    content = TAB_GROUP.sub(lambda m: f"{m.group(1)}{key}-{m.group(2)}{m.group(3)}", content)

    def link(match):
        url = html_lib.unescape(match.group(2))
        if url.startswith("#"):
            new = f"#{key}-{url[1:]}" if len(url) > 1 else f"#{key}"
        elif EXTERNAL.match(url) or url.startswith("data:"):
            return match.group(0)
        else:
            target, fragment = _target(url, base_dir)
            folder = target[: -len("index.html")] if target.endswith("index.html") else target
            if folder in keys:  # a course page: its chapter here
                new = f"#{keys[folder]}-{fragment}" if fragment else f"#{keys[folder]}"
            else:  # another page of the site, or a file: from print_page/
                new = posixpath.relpath(target or ".", "print_page")
                if target.endswith("/") or not target:
                    new += "/"
                if fragment:
                    new += "#" + fragment
        return match.group(1) + html_lib.escape(new) + match.group(3)

    return LINK.sub(link, content)


def _toc_items(chapters) -> str:
    return "\n".join(f'<li class="md-nav__item"><a href="#{chapter_key(path)}" class="md-nav__link">'
                     f'<span class="md-ellipsis">{html_lib.escape(title)}</span></a></li>'
                     for title, path, _ in chapters)


def assemble_print_page(output: str, page) -> str:
    """The print page's shell filled with the chapters (`page.chapters`); any other page unchanged."""
    if not page.is_print:
        return output
    if not page.chapters:
        raise BuildError("coursebuild/print_page.py: the print page has no chapters")
    keys = {posixpath.dirname(path) + "/" if posixpath.dirname(path) else "": chapter_key(path)
            for _, path, _ in page.chapters}
    toc = (f'<section class="print-page">\n<div id="print-page-toc" data-toc-depth="1">\n'
           f'<nav role="navigation" class="print-page-toc-nav">\n'
           f'<h1 class="print-page-toc-title">Table of Contents</h1>\n'
           f'<ul class="md-nav__list">\n{_toc_items(page.chapters)}\n</ul>\n</nav>\n</div>\n</section>\n')
    sections = "".join(
        f'<section class="print-page" id="{chapter_key(path)}" heading-number="{number}">'
        f"{chapter_content(page_html, path, keys)}\n</section>\n"
        for number, (_, path, page_html) in enumerate(page.chapters, start=1))
    body = f'\n<div id="print-site-page" class="print-site-enumerate-figures">\n{toc}{sections}</div>\n'
    article = _one(ARTICLE, output, "<article> in the print page's shell")
    output = output[:article.start(2)] + body + output[article.end(2):]
    # The sidebar's table of contents: the chapters (the shell's own holds only its title).
    sidebar = _one(SIDEBAR_TOC, output, "sidebar table of contents on the print page")
    output = (output[:sidebar.start(2)] + '\n<ul class="md-nav__list">\n' + _toc_items(page.chapters)
              + "\n</ul>\n" + output[sidebar.end(2):])
    return make_static(output)


def make_static(output: str) -> str:
    """The print page as a plain document: navigation and search hidden, no Material script."""
    for name in HIDDEN:
        tag = _one(re.compile(rf'<div class="(?:[^"]*\s)?{name}(?:\s[^"]*)?"'), output, f'<div class="{name}">')
        output = output[:tag.end()] + ' style="display: none"' + output[tag.end():]
    bundle = _one(BUNDLE_TAG, output, "<script> of Material's bundle on the print page")
    output = output[:bundle.start()] + output[bundle.end():]
    copy_script = _one(COPY_SCRIPT, output, "<script> of javascripts/copy.js on the print page")
    output = output[:copy_script.start()] + output[copy_script.end():]
    links = "".join(f'<link rel="stylesheet" href="../{css}">' for css in CSS_FILES)
    extra = _one(EXTRA_CSS_LINK, output, "link to stylesheets/extra.css on the print page")
    output = output[:extra.start()] + links + output[extra.start():]
    # Figures load as the reader scrolls to them; scripts/make_pdf.py loads them all before printing.
    output = re.sub(r"<img (?![^>]*\bloading=)", '<img loading="lazy" ', output)
    return output.replace("</body>", PRINT_DETAILS + "</body>", 1)


SITE_URL = re.compile(r'<link rel="canonical" href="([^"]*)print_page/">')


def stamp_version(output: str, page) -> str:
    """The print page says, under its title, which version of the course it holds and where it lives."""
    if not page.is_print:
        return output
    canonical = SITE_URL.search(output)
    site_url = canonical.group(1) if canonical else ""
    stamp = (f'<p class="xd-print-version">Version {html_lib.escape(page.site.version)} '
             f'of the course, {html_lib.escape(site_url)}</p>')
    marker = '<div id="print-site-page"'
    return output.replace(marker, stamp + marker, 1)


def print_css_files() -> dict[str, str]:
    """The print styles, {site path: CSS}, for the generator to add to the site."""
    return {css: (CSS_DIR / posixpath.basename(css)).read_text(encoding="utf-8") for css in CSS_FILES}
