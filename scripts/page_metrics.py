"""How long and how dense each course page's main path is, measured on the built site.

The main path is the article's prose that a reader meets without opening anything: the text
of the `<article>` outside code blocks, math, tables, figures and their captions, admonitions,
collapsible blocks (`<details>`), display formulas, the page tools under the title, the version and report lines
at the end, and the sections headed "Exercises" or "Going further" (from that `<h2>` to the
next). Headings are not counted. An inline code span or formula inside a sentence counts as one
word, and its text is kept for the number test but not for the parenthesis test (a formula's
brackets are mathematics, not a parenthetical remark).

Per page the table prints the words of the main path (and the reading time at 200 words a
minute), the sentences, and the share of sentences

- with a number of 3 or more significant digits (years 1900-2099 and digits inside names such
  as float32 or log2 are not numbers);
- with a parenthesis;
- of more than 40 words;

and checks the targets of issue 21: at most 1,800 words a course page, at most 4,500 for
softmax, logarithm, nll and cross-entropy together, at most 3 %, 15 % and 5 %.

    python scripts/page_metrics.py [--site site]     # after `make site`
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# The course pages, in the order of the navigation (Cite, Errata and the API are not lessons).
COURSE_PAGES = ["index", "sigmoid", "softmax", "logarithm", "nll", "cross-entropy",
                "binary-cross-entropy", "gradients", "information-theory", "calibration",
                "misconceptions", "cheat-sheet"]
CORE_PAGES = ["softmax", "logarithm", "nll", "cross-entropy"]

MAX_WORDS = 1800
MAX_CORE_WORDS = 4500
MAX_NUMBER_SHARE = 0.03
MAX_PARENTHESIS_SHARE = 0.15
MAX_LONG_SHARE = 0.05
LONG_SENTENCE = 40
WORDS_PER_MINUTE = 200

# Sections after which nothing is main path until the next h2.
SIDE_SECTIONS = re.compile(r"^\s*(exercises|going further)\b", re.I)
# Elements whose whole content is off the main path.
SKIPPED_TAGS = {"pre", "table", "figure", "figcaption", "details", "script", "style", "aside",
                "nav", "svg", "img", "button", "h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED_CLASSES = {"admonition", "xd-page-tools", "xd-page-info", "xd-page-report", "tabbed-labels"}
# Elements that end a sentence unit (a paragraph, a list item).
BLOCK_TAGS = {"p", "li", "dd", "dt", "blockquote", "div"}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "col", "area"}

# A number not glued to a name: 0.368, 1e-5, 2,451, 6.02e23; not the 32 of float32.
NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")


def significant_digits(number: str) -> int:
    """Significant digits of a written number: 0.00368 has 3, 1000 has 1, 2,451 has 4."""
    mantissa = re.split(r"[eE]", number)[0].replace(",", "")
    if "." in mantissa:
        digits = mantissa.replace(".", "").lstrip("0")
    else:
        digits = mantissa.lstrip("0").rstrip("0")
    return len(digits)


def has_long_number(text: str) -> bool:
    for match in NUMBER.finditer(text):
        written = match.group(0)
        if re.fullmatch(r"(19|20)\d\d", written):
            continue
        if significant_digits(written) >= 3:
            return True
    return False


@dataclass
class Unit:
    """One paragraph or list item of the main path, as pieces: ('prose'|'token', text)."""

    pieces: list = field(default_factory=list)


class MainPath(HTMLParser):
    """Collects the main path of one page's `<article>` as a list of units."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_article = False
        self.stack = []  # (tag, skipped) of open elements inside the article
        self.skip_depth = 0  # > 0 while inside a skipped element
        self.token_depth = 0  # > 0 inside inline code or math (counted as one word)
        self.token_text = []
        self.in_side_section = False
        self.heading = None  # text of the h2 being read
        self.units = [Unit()]

    def _skipped(self, tag, attrs) -> bool:
        classes = set((dict(attrs).get("class") or "").split())
        display_math = tag == "div" and "arithmatex" in classes  # a formula set apart
        return tag in SKIPPED_TAGS or display_math or bool(classes & SKIPPED_CLASSES)

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.in_article = True
            return
        if not self.in_article or tag in VOID_TAGS:
            return
        if tag == "h2":
            self.heading = []
        skipped = self._skipped(tag, attrs)
        self.stack.append((tag, skipped))
        if skipped:
            self.skip_depth += 1
        elif tag in BLOCK_TAGS:
            self.units.append(Unit())
        elif tag in ("code", "math"):
            self.token_depth += 1
            if self.token_depth == 1:
                self.token_text = []

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False
            return
        if not self.in_article or tag in VOID_TAGS or not self.stack:
            return
        # Close up to the matching tag (HTML in the wild may leave some open).
        while self.stack:
            open_tag, skipped = self.stack.pop()
            if skipped:
                self.skip_depth -= 1
            elif open_tag in ("code", "math"):
                self.token_depth -= 1
                if self.token_depth == 0 and not self.skip_depth:
                    self.units[-1].pieces.append(("token", "".join(self.token_text)))
            elif open_tag in BLOCK_TAGS:
                self.units.append(Unit())
            if open_tag == tag:
                break
        if tag == "h2" and self.heading is not None:
            self.in_side_section = bool(SIDE_SECTIONS.match("".join(self.heading)))
            self.heading = None

    def handle_data(self, data):
        if not self.in_article:
            return
        if self.heading is not None:
            self.heading.append(data)
        if self.skip_depth or self.in_side_section:
            return
        if self.token_depth:
            self.token_text.append(data)
        else:
            self.units[-1].pieces.append(("prose", data))


@dataclass
class Sentence:
    words: int
    text: str  # prose and tokens' text, for the number test
    prose: str  # prose only, for the parenthesis test


def sentences_of(unit: Unit) -> list[Sentence]:
    """Split a unit into sentences; each inline code span or formula is one word."""
    # Tokens become a placeholder word so that the split sees them as words.
    marked, token_texts = [], []
    for kind, text in unit.pieces:
        if kind == "token":
            marked.append(f" \x00{len(token_texts)}\x00 ")
            token_texts.append(text)
        else:
            marked.append(text)
    joined = re.sub(r"\s+", " ", "".join(marked)).strip()
    if not joined:
        return []
    result = []
    for part in SENTENCE_END.split(joined):
        words = len(part.split())
        if not words:
            continue
        text = re.sub(r"\x00(\d+)\x00", lambda m: token_texts[int(m.group(1))], part)
        prose = re.sub(r"\x00\d+\x00", "", part)
        result.append(Sentence(words, text, prose))
    return result


@dataclass
class PageMetrics:
    page: str
    words: int
    sentences: int
    with_number: int
    with_parenthesis: int
    long: int

    def share(self, count: int) -> float:
        return count / self.sentences if self.sentences else 0.0


def measure(html: str, page: str) -> PageMetrics:
    parser = MainPath()
    parser.feed(html)
    sentences = [s for unit in parser.units for s in sentences_of(unit)]
    return PageMetrics(
        page=page,
        words=sum(s.words for s in sentences),
        sentences=len(sentences),
        with_number=sum(has_long_number(s.text) for s in sentences),
        with_parenthesis=sum("(" in s.prose for s in sentences),
        long=sum(s.words > LONG_SENTENCE for s in sentences),
    )


def page_html(site: Path, page: str) -> str:
    path = site / "index.html" if page == "index" else site / page / "index.html"
    return path.read_text(encoding="utf-8")


def report(rows: list[PageMetrics]) -> tuple[str, bool]:
    header = (f"{'page':<22} {'words':>6} {'min':>4} {'sentences':>9} {'3+ digits':>9} "
              f"{'parenthesis':>11} {'> 40 words':>10}  over target")
    lines = [header, "-" * len(header)]
    ok = True
    for row in rows:
        over = []
        if row.words > MAX_WORDS:
            over.append(f"words > {MAX_WORDS}")
        if row.share(row.with_number) > MAX_NUMBER_SHARE:
            over.append(f"digits > {MAX_NUMBER_SHARE:.0%}")
        if row.share(row.with_parenthesis) > MAX_PARENTHESIS_SHARE:
            over.append(f"parenthesis > {MAX_PARENTHESIS_SHARE:.0%}")
        if row.share(row.long) > MAX_LONG_SHARE:
            over.append(f"long > {MAX_LONG_SHARE:.0%}")
        ok &= not over
        lines.append(
            f"{row.page:<22} {row.words:>6} {row.words / WORDS_PER_MINUTE:>4.0f} {row.sentences:>9} "
            f"{row.share(row.with_number):>9.1%} {row.share(row.with_parenthesis):>11.1%} "
            f"{row.share(row.long):>10.1%}  {', '.join(over) or '-'}")
    total = sum(row.words for row in rows)
    core = sum(row.words for row in rows if row.page in CORE_PAGES)
    lines.append("-" * len(header))
    lines.append(f"main path of the course: {total} words, about {total / WORDS_PER_MINUTE:.0f} "
                 f"minutes at {WORDS_PER_MINUTE} words a minute")
    core_ok = core <= MAX_CORE_WORDS
    ok &= core_ok
    lines.append(f"{' + '.join(CORE_PAGES)}: {core} words "
                 f"({'within' if core_ok else 'over'} {MAX_CORE_WORDS})")
    lines.append("every target met" if ok else "some targets missed")
    return "\n".join(lines), ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (make site)")
    parser.add_argument("pages", nargs="*", default=COURSE_PAGES, help="pages to measure")
    args = parser.parse_args(argv)
    rows = [measure(page_html(args.site, page), page) for page in args.pages]
    text, ok = report(rows)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
