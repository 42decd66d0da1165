"""How a page of the course is built: every step, in order, in one place.

A page goes through three lists. The generator (ProperDocs, through hooks/properdocs_adapter.py)
calls them; nothing here imports it, so a generator without hooks could run the same lists.

1. SOURCE_STEPS rewrite the page's Markdown before it is converted:
   `place_figures` (each `{{ figure("NAME") }}` line becomes the figure and its code) and
   `write_citations` (each `{{ citation("bibtex") }}` line becomes the entry from CITATION.cff) and
   `write_errata` (`{{ errata() }}` becomes the corrections of data/errata.yml) and `add_page_tools`
   (under the title of a page whose code imports xentdoc, a link to how to install it).
   The generator then converts the Markdown (Python-Markdown and pymdown-extensions), and
   `add_page_info` ends the page's HTML with its version and the date it last changed, and
   `add_report_links` with "Report an error on this page" and "Edit this page".
   SITE_FILES (`site_files`) are the files the build adds besides the pages (the figures,
   CITATION.cff, versions.json, the print page's shell and styles, each course page's notebooks); the site's extra.css gains
   Material's table rules (`extra_css_with_table_rules`).

2. The theme wraps the HTML into the page as the generator writes it. PAGE_STEPS then finish
   every page, each a function (html, page) -> html of the page's HTML and the facts about it
   (`Page`: where it is in the site, and, for the print page, its chapters):

       assemble_print_page   the print page only: its chapters from the course pages
       render_math           TeX -> MathML with Temml
       drop_unused_assets    no link to a stylesheet or script the page does not use
       lean_code_spans       no span for a code token drawn in the plain code colour
       defer_scripts         every script file deferred
       preload_math_font     a page with formulas asks for the math font with its stylesheets
       load_theme_script_after_first_frame   Material's script starts after the first paint
       add_copy_buttons      each code block's copy button, in the HTML
       wrap_tables           each table in the scrolling box Material would move it into at load
       stamp_version         the print page only: the version of the course it holds

3. AFTER_PAGES: once every page is finished, `write_math_font` writes the subset of the math
   font that draws every formula of the site, and `index_formulas_as_text` rewrites the search
   index with each formula as readable text (coursebuild/search_text.py).

The same steps run standalone over a site built without them:

    python -m coursebuild.page_pipeline site/

reads every page the generator wrote, assembles the print page from them, finishes every page
and writes the math font: byte for byte what the build with the hook writes
(tests/test_pipeline.py checks it).
"""

import argparse
import dataclasses
import sys
from pathlib import Path

import yaml

import xentdoc
from coursebuild import ROOT, BuildError
from coursebuild import math as math_step
from coursebuild.math import render_math
from coursebuild.cite import CFF, write_citations
from coursebuild.copy_buttons import add_copy_buttons
from coursebuild.figures import draw_figures, place_figures
from coursebuild.lean import (defer_scripts, drop_unused_assets, lean_code_spans, preload_math_font,
                              styled_token_classes)
from coursebuild.material_css import main_stylesheet_in
from coursebuild.math_font import write_math_font
from coursebuild.pageinfo import add_page_info, versions_json
from coursebuild.page_tools import add_page_tools
from coursebuild.errata import add_report_links, site_url as errata_site_url, write_errata
from coursebuild.notebooks import notebook_files
from coursebuild.search_text import index_formulas_as_text
from coursebuild.print_page import (PRINT_PAGE, PRINT_SOURCE, SHELL_MARKDOWN, assemble_print_page, built_path,
                                    is_chapter, print_css_files, stamp_version)
from coursebuild.tables import wrap_tables
from coursebuild.theme_script import load_after_first_frame as load_theme_script_after_first_frame

CACHE = ROOT / ".cache"  # figures, formulas, the math font's subset: kept between builds
NOT_FINISHED = ("404.html",)  # a template the generator renders without the page events

SOURCE_STEPS = [place_figures, write_citations, write_errata, add_page_tools]  # (markdown, source, url) -> markdown, in order
CONTENT_STEPS = [add_page_info, add_report_links]  # (html, source path) -> html, after the Markdown is converted


def site_files(cache_dir: Path = CACHE) -> dict[str, str | Path]:
    """SITE_FILES: {path in the site: its text, or the Path of the file to copy}, before the pages."""
    files: dict[str, str | Path] = dict(draw_figures(cache_dir))
    files["CITATION.cff"] = CFF
    files["versions.json"] = versions_json()
    files.update(print_css_files())
    files[PRINT_SOURCE] = SHELL_MARKDOWN  # a page: the generator renders it like the others
    files.update(notebook_files([source for _, source in course_pages()], errata_site_url()))
    return files


SITE_FILES = site_files  # and stylesheets/extra.css gains Material's table rules (extra_css_with_table_rules)

PAGE_STEPS = [
    assemble_print_page,
    render_math,
    drop_unused_assets,
    lean_code_spans,
    defer_scripts,
    preload_math_font,
    load_theme_script_after_first_frame,
    add_copy_buttons,
    wrap_tables,
    stamp_version,
]


@dataclasses.dataclass(frozen=True)
class Site:
    """What the steps read about the site as a whole, from the built site itself."""

    directory: Path
    styled_tokens: frozenset  # code token classes with a colour of their own (lean_code_spans)
    version: str = xentdoc.__version__

    @classmethod
    def read(cls, directory) -> "Site":
        directory = Path(directory)
        own_css = "".join(sheet.read_text(encoding="utf-8")
                          for sheet in sorted((directory / "stylesheets").glob("*.css")))
        return cls(directory, styled_token_classes(main_stylesheet_in([directory]), own_css))


@dataclasses.dataclass(frozen=True)
class Page:
    """A page being finished: `path` in the site (e.g. "softmax/index.html")."""

    path: str
    site: Site
    chapters: tuple = ()  # the print page's: (nav title, path, HTML as the generator wrote it)
    source_file: str = ""  # its Markdown source (e.g. "softmax.md"), where the generator says

    @property
    def depth(self) -> int:
        """How many folders below the site's root the page is (0 for index.html)."""
        return self.path.count("/")

    @property
    def is_print(self) -> bool:
        return self.path == PRINT_PAGE

    @property
    def source(self) -> str:
        """How errors name the page."""
        return self.source_file or self.path


def finish(html: str, page: Page) -> str:
    """The page's HTML as the generator wrote it -> the HTML the site serves."""
    for step in PAGE_STEPS:
        html = step(html, page)
    return html


def start_build(cache_dir: Path = CACHE) -> None:
    """Once per build, before any page: the formula cache, and Temml's and the font's presence."""
    from coursebuild.math_font import check_font

    check_font()
    math_step.open_cache(cache_dir)


AFTER_PAGES = [write_math_font, index_formulas_as_text]  # (site_dir, finished pages' HTML, cache_dir)


def end_build(site_dir: Path, finished_pages, cache_dir: Path = CACHE) -> None:
    """Once every page is finished: AFTER_PAGES, and the formula cache saved."""
    finished_pages = list(finished_pages)
    for step in AFTER_PAGES:
        step(site_dir, finished_pages, cache_dir)
    math_step.save_cache()


# ---- The print page's chapters: the nav's pages in reading order ----

class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml's Python tags (!!python/name:..., !ENV) as plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def reading_order(config_file: Path = ROOT / "mkdocs.yml") -> list[tuple[str, str]]:
    """(title, source) of each page of the nav, in order (sections flattened)."""
    nav = yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=_Loader)["nav"]
    found = []

    def walk(items):
        for item in items:
            title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
            if isinstance(value, list):
                walk(value)
            elif isinstance(value, str) and value.endswith(".md"):
                found.append((title or value, value))

    walk(nav)
    return found


def course_pages(config_file: Path = ROOT / "mkdocs.yml") -> list[tuple[str, str]]:
    """(title, source) of each chapter of the print page (and so of the PDF), in reading order."""
    return [(title, source) for title, source in reading_order(config_file) if is_chapter(source)]


def chapters_from(as_written: dict[str, str], config_file: Path = ROOT / "mkdocs.yml") -> tuple:
    """The print page's chapters from the pages as the generator wrote them ({path: HTML})."""
    chapters = []
    for title, source in course_pages(config_file):
        path = built_path(source)
        if path not in as_written:
            raise BuildError(f"the print page's chapter {source} was not built ({path})")
        chapters.append((title, path, as_written[path]))
    return tuple(chapters)


# ---- Standalone: the same steps over a site the generator built without them ----

def finish_site(site_dir, config_file: Path = ROOT / "mkdocs.yml", cache_dir: Path = CACHE) -> int:
    """Finish every page of `site_dir` in place; returns how many."""
    site_dir = Path(site_dir)
    start_build(cache_dir)
    site = Site.read(site_dir)
    as_written = {file.relative_to(site_dir).as_posix(): file.read_text(encoding="utf-8")
                  for file in sorted(site_dir.rglob("*.html"))
                  if file.relative_to(site_dir).as_posix() not in NOT_FINISHED}
    if PRINT_PAGE not in as_written:
        raise BuildError(f"{site_dir} has no {PRINT_PAGE} (the print page's shell)")
    finished = {}
    for path, html in as_written.items():
        chapters = chapters_from(as_written, config_file) if path == PRINT_PAGE else ()
        finished[path] = finish(html, Page(path, site, chapters))
    for path, html in finished.items():
        (site_dir / path).write_text(html, encoding="utf-8")
    end_build(site_dir, finished.values(), cache_dir)
    return len(finished)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Finish every page of a built site (the page pipeline).")
    parser.add_argument("site", type=Path, help="the site the generator built without the pipeline")
    parser.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml",
                        help="the site's configuration, for the print page's reading order")
    args = parser.parse_args(argv)
    try:
        count = finish_site(args.site, args.config_file)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"finished {count} pages of {args.site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
