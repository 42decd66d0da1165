"""What a reader does with the site: search it, copy a snippet and run it, switch the palette."""

import importlib.util
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from conftest import optional_required
from test_snippets import OUTPUT, USES_TORCH  # how a page shows output, what needs torch

from .test_pages import WCAG_21_AA, axe_context

COPY_BUTTON = 'button[data-md-type="copy"], button.md-clipboard'


@pytest.fixture
def tab(open_tab):
    """A fresh tab; the test fails if it logged an error or asked another host for anything."""
    tab = open_tab()
    yield tab
    assert not tab.external, f"requests to other hosts: {tab.external}"
    assert not tab.take_errors(), "console or page errors (see above)"


class ArticleText(HTMLParser):
    """The text of a built page's <article>, as a reader sees it (lowercased, spaces collapsed)."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "article" or self.depth:
            self.depth += tag not in ("br", "img", "hr", "input", "meta", "link", "wbr")

    def handle_endtag(self, tag):
        if self.depth and tag not in ("br", "img", "hr", "input", "meta", "link", "wbr"):
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)

    @classmethod
    def of(cls, path):
        parser = cls()
        parser.feed(path.read_text(encoding="utf-8"))
        return re.sub(r"\s+", " ", " ".join(parser.parts)).lower()


def result_page(href, base):
    """The site path ("softmax/") of a search result's link."""
    return urlsplit(href).path[len(urlsplit(base).path):]


@pytest.mark.parametrize(("query", "page"), [("softmax", "softmax/"),
                                             ("KL divergence", "information-theory/")])
def test_search_finds_the_page_that_teaches_it(tab, built_site, pages, query, page):
    # Which pages contain the words is read from the built HTML, independently of the search.
    containing = {path for path in pages if path != "print_page/"
                  and query.lower() in ArticleText.of(built_site / path / "index.html")}
    assert page in containing, f"/{page} does not mention {query!r}: fix the test's expectation"

    tab.goto("")
    tab.page.click("input.md-search__input")
    tab.page.keyboard.type(query)
    results = tab.page.locator("a.md-search-result__link")
    results.first.wait_for()
    tab.page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.match(/\\d/)")
    found = [result_page(href, tab.base) for href in results.evaluate_all("links => links.map(a => a.href)")]
    assert page in found, f"search for {query!r} did not list /{page}; it listed {found}"
    assert found[0] in containing, f"the first result for {query!r} is /{found[0]}, which never says it"

    # Following the result for the expected page opens it, with the query's words highlighted.
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    target = next(index for index, href in enumerate(hrefs)
                  if result_page(tab.page.evaluate("h => new URL(h, location.href).href", href), tab.base) == page
                  and re.search(r"[?&]h=[^&#]", href))
    results.nth(target).click()
    tab.page.wait_for_url(re.compile(re.escape(tab.base + page)))
    tab.page.locator("article mark").first.wait_for(state="attached")
    # A mark may span a line break of the page's source, which the browser shows as a space.
    marks = {re.sub(r"\s+", " ", text).lower()
             for text in tab.page.locator("article mark").all_text_contents()}
    assert marks and marks <= set(query.lower().split()) | {query.lower()}, f"highlighted on /{page}: {marks}"


# TeX that a search preview must not show: a command, or the \( \) \[ \] delimiters.
TEX_COMMAND = re.compile(r"\\[A-Za-z]+|\\[()\[\]]")


def test_search_previews_show_formulas_as_readable_text(tab):
    # coursebuild/search_text.py: the index holds each formula as Unicode text, titles included.
    tab.goto("")
    tab.page.click("input.md-search__input")
    tab.page.keyboard.type("KL divergence")
    results = tab.page.locator(".md-search-result__item")
    results.first.wait_for()
    tab.page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.match(/\\d/)")
    # Every result's title and preview, the ones Material folds under "more" included.
    previews = tab.page.evaluate("""() => [...document.querySelectorAll('.md-search-result__item')]
        .map(item => item.textContent)""")
    assert previews, "no search result for 'KL divergence'"
    raw = [TEX_COMMAND.findall(text) for text in previews]
    assert not any(raw), f"search previews with TeX: {[r for r in raw if r][:5]}"
    assert any("D_KL(" in text for text in previews), f"no readable KL formula in the previews: {previews[:3]}"


def test_the_search_index_is_fetched_when_the_reader_first_goes_to_search(open_tab):
    # coursebuild/theme_script.py: a page that is only read never downloads the index (about 90 KB
    # gzip); the first focus of the search box fetches it once, and search then works.
    tab = open_tab()
    fetched = []
    tab.page.on("request", lambda request: fetched.append(request.url)
                if urlsplit(request.url).path.endswith("/search/search_index.json") else None)
    tab.goto("softmax/")
    tab.page.wait_for_load_state("networkidle")
    tab.page.wait_for_timeout(500)
    assert fetched == [], "the search index was fetched before anyone searched"
    tab.page.click("input.md-search__input")
    tab.page.keyboard.type("temperature")
    tab.page.locator("a.md-search-result__link").first.wait_for()
    assert len(fetched) == 1, fetched
    assert not tab.external and not tab.take_errors()


def snippet_output(code_text):
    """The printed output a snippet shows: its `#> ` lines, in order."""
    return [match["text"] or "" for match in map(OUTPUT.match, code_text.splitlines()) if match]


def show(block):
    """Open the <details> and select the tab that hide a block, as a reader would."""
    block.evaluate("""block => {
        for (let node = block; node; node = node.parentElement) {
            if (node.tagName === "DETAILS" && !node.open) node.querySelector(":scope > summary").click();
        }
    }""")
    tabbed = block.locator("xpath=ancestor::div[contains(@class,'tabbed-block')]")
    for index in range(tabbed.count() - 1, -1, -1):  # outermost tab set first
        blk = tabbed.nth(index)
        position = blk.evaluate("b => [...b.parentElement.children].indexOf(b)")
        labels = blk.locator("xpath=../../div[contains(@class,'tabbed-labels')]/label")
        labels.nth(position).click()
    block.scroll_into_view_if_needed()


@pytest.mark.parametrize("page", ["softmax/"])
def test_copied_snippets_run_and_print_what_the_page_shows(tab, tmp_path, page):
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.base.rstrip("/"))
    tab.goto(page)
    blocks = tab.page.locator("article div.language-python")
    have_torch = importlib.util.find_spec("torch") is not None
    ran, skipped = 0, []
    for index in range(blocks.count()):
        block = blocks.nth(index)
        shown = block.locator("code").inner_text()
        expected = snippet_output(shown)
        if not expected:
            continue  # figure source: defines a function and prints nothing
        if USES_TORCH.search(shown) and not have_torch:
            skipped.append(index)
            continue
        show(block)
        tab.page.evaluate("navigator.clipboard.writeText('')")
        block.hover()
        block.locator(COPY_BUTTON).click()
        copied = tab.page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == shown.strip(), f"snippet {index}: the clipboard differs from the page"
        script = tmp_path / f"snippet_{index}.py"
        script.write_text(copied, encoding="utf-8")
        # A fresh interpreter, isolated from this repository's paths and the environment's.
        run = subprocess.run([sys.executable, "-I", str(script)], cwd=tmp_path,
                             capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, f"snippet {index} of /{page} failed:\n{copied}\n{run.stderr[-2000:]}"
        assert run.stdout.splitlines() == expected, f"snippet {index} of /{page} printed other output"
        ran += 1
    if skipped and optional_required():
        pytest.fail(f"torch is missing: snippets {skipped} of /{page} not run, and "
                    "XENTDOC_REQUIRE_OPTIONAL=1 forbids skipping")
    assert ran >= 3, f"only {ran} runnable python snippets found on /{page}"


def relative_luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground, background):
    lighter, darker = sorted(map(relative_luminance, (foreground, background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS = """() => {
  const rgb = text => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const style = node => getComputedStyle(document.querySelector(node));
  return {scheme: document.body.getAttribute("data-md-color-scheme"),
          text: rgb(style("article p").color), background: rgb(getComputedStyle(document.body).backgroundColor),
          link: rgb(style("article p a:not(.headerlink)").color),
          code: rgb(style("article pre code").color), codeBackground: rgb(style("article pre code").backgroundColor)};
}"""


def test_palette_toggle_switches_and_both_palettes_stay_readable(tab):
    from axe_playwright_python.base import AXE_SCRIPT

    tab.goto("softmax/")
    palettes = {}
    for expected in ("default", "slate", "default"):
        if palettes:  # the toggle visible now is the one that switches to the other palette
            tab.page.locator('form[data-xd-palette] label:visible').click()
            tab.page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{expected}'")
        colours = tab.page.evaluate(COLOURS)
        assert colours["scheme"] == expected
        palettes.setdefault(expected, colours)
        if expected == "slate":
            # The choice holds on the next page.
            tab.goto("sigmoid/")
            assert tab.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
            tab.goto("softmax/")
        # Readable: body text 7:1 (AAA), links and code 4.5:1, and axe finds no contrast problem.
        for name, (foreground, background), minimum in [
                ("text", ("text", "background"), 7), ("link", ("link", "background"), 4.5),
                ("code", ("code", "codeBackground"), 4.5)]:
            ratio = contrast(colours[foreground], colours[background])
            assert ratio >= minimum, f"{expected}: {name} contrast {ratio:.2f} < {minimum}"
        tab.page.evaluate(AXE_SCRIPT)
        violations = tab.page.evaluate(
            "([context, options]) => axe.run(context, options).then(results => results.violations)",
            [axe_context("softmax/"), {"runOnly": {"type": "tag", "values": WCAG_21_AA}}])
        assert not violations, f"{expected}: " + "; ".join(
            f"{v['id']}: {[node['target'] for node in v['nodes'][:5]]}" for v in violations)
    assert palettes["default"]["background"] != palettes["slate"]["background"]
    assert relative_luminance(palettes["slate"]["background"]) < 0.1 < relative_luminance(palettes["default"]["background"])
