"""`make pdf`: the course printed by headless Chromium has one chapter per course page and every figure.

Uses the session's Chromium (tests/browser/conftest.py): skipped without it, failed under
XENTDOC_REQUIRE_OPTIONAL=1.
"""

import html
import importlib.util
import re
import unicodedata

import pytest

from conftest import require
from site_config import ROOT, built_path, course_pages


def _make_pdf_module():
    spec = importlib.util.spec_from_file_location("xentdoc_make_pdf", ROOT / "scripts" / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def course_pdf(browser, built_site, tmp_path_factory):
    """The PDF that `make pdf` writes, printed here from the session's site and browser."""
    pypdf = require("pypdf")
    out = tmp_path_factory.mktemp("pdf") / "xentdoc-course.pdf"
    _make_pdf_module().print_course(built_site, out, browser=browser)
    return pypdf.PdfReader(str(out))


def _title(page_html):
    body = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, flags=re.S).group(1)
    body = re.sub(r'<a [^>]*class="headerlink".*?</a>', "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body)).strip()


def test_one_chapter_per_course_page_in_reading_order(course_pdf, built_site):
    expected = [_title(built_path(built_site, src).read_text(encoding="utf-8")) for src in course_pages()]
    top_level = [item.title for item in course_pdf.outline if not isinstance(item, list)]
    chapters = [title for title in top_level if title != "Table of Contents"]
    assert chapters == expected
    assert len(course_pdf.pages) >= len(expected)


def _structure_figures(reader):
    """Alt texts of the /Figure elements of the tagged PDF's structure tree."""
    alts = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get"):
            if node.get("/S") == "/Figure" and node.get("/Alt"):
                alts.append(str(node["/Alt"]))
            if node.get("/K") is not None:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def _letters(text):
    """Only letters and digits, compatibility-normalised (H₂ -> h2): what text extraction keeps."""
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", text).lower())


def test_every_figure_is_in_the_pdf(course_pdf, built_site):
    expected = []
    for src in course_pages():
        page = built_path(built_site, src).read_text(encoding="utf-8")
        for alt, caption in re.findall(r'<figure class="xd-figure"[^>]*>\s*<img [^>]*alt="([^"]*)"[^>]*>\s*'
                                       r"<figcaption>(.*?)</figcaption>", page, flags=re.S):
            expected.append((html.unescape(alt), html.unescape(caption)))
    assert len(expected) >= len(course_pages()) // 2, "too few figures found on the course pages"
    alts = _structure_figures(course_pdf)
    for alt, _ in expected:
        assert alts.count(alt) == 1, f"figure missing from the PDF: {alt[:60]}"
    # The figures are drawn, not only tagged: each caption is printed, and the pages carry
    # the SVGs as vector form XObjects.
    text = _letters(" ".join(page.extract_text() for page in course_pdf.pages))
    for _, caption in expected:
        assert _letters(caption) in text, caption
    forms = sum(1 for page in course_pdf.pages
                for xobject in (page.get("/Resources", {}).get("/XObject") or {}).values()
                if xobject.get_object().get("/Subtype") == "/Form")
    assert forms >= len(expected)


def test_print_hides_copy_buttons_and_keeps_code(open_tab):
    """On paper a code block shows its code and no copy button (coursebuild/copy_buttons.py, extra.css)."""
    tab = open_tab()
    tab.goto("sigmoid/")
    screen = tab.page.evaluate("[...document.querySelectorAll('.md-code__nav')].map(n => getComputedStyle(n).display)")
    tab.page.emulate_media(media="print")
    printed = tab.page.evaluate("""() => [...document.querySelectorAll('pre')].map(pre => [
        getComputedStyle(pre.querySelector('.md-code__nav')).display, pre.querySelector('code').offsetHeight])""")
    assert screen and all(display != "none" for display in screen), "copy buttons missing on screen"
    assert printed and all(display == "none" for display, _ in printed), printed
    assert any(height > 0 for _, height in printed), "no code printed"  # (closed <details> print none)


def _words(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def test_collapsed_solutions_are_printed_open(course_pdf, built_site):
    # On screen a solution is a closed <details>; the print page opens every one before printing
    # (coursebuild/print_page.py), as Material's script does on the course pages.
    printed = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    solutions = re.findall(r'<details class="success">\s*<summary>.*?</summary>\s*<p>(.*?)</p>', printed, flags=re.S)
    assert len(solutions) >= 5, "fewer collapsed solutions on the print page than the course has"
    text = _words(" ".join(page.extract_text() for page in course_pdf.pages))
    # Five words from the longest stretch of each solution's prose between two formulas (MathML
    # comes out of a PDF in no reliable order).
    openings = []
    for solution in solutions:
        stretches = re.split(r'<math.*?</math>|<[^>]+>', solution, flags=re.S)
        longest = max((_words(html.unescape(stretch)) for stretch in stretches), key=len)
        openings.append(" ".join(longest.split(" ")[:5]))
    openings = [opening for opening in openings if len(opening) >= 15]
    assert len(openings) >= 5, openings
    missing = [opening for opening in openings if opening not in text]
    assert not missing, f"solutions not printed: {missing}"
