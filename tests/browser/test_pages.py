"""Every page of the built site, opened in Chromium in the light and the dark palette.

Each page is visited once per palette and viewport, a laptop's 1280x720 and a phone's 390x844 (the
sweep below); the tests then check what the visits saw:
no console or page error, no request to another host, every image loaded with a real alt text,
every formula rendered as MathML in the site's math font, and no axe-core violation of WCAG 2.1
A and AA.
Pages are found in the built site, so a new page is covered without editing this file.
"""

import re
import time
from dataclasses import dataclass

import pytest

from conftest import DOCS

PALETTES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
# axe-core runs at both; the other checks read the laptop's visits.
VIEWPORTS = {"laptop": {"width": 1280, "height": 720},
             "phone": {"width": 390, "height": 844, "is_mobile": True, "device_scale_factor": 3}}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# TeX that escaped rendering: display or bracket delimiters, inline $...$, common commands.
PRINT_PAGE = "print_page/"
INVISIBLE_OPERATORS = set("\u2061\u2062\u2063\u2064")  # MathML operators that draw nothing
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|sum|log|begin|mathrm)\b|\$[^$\s][^$\n]*\$")

INSPECT = """async () => {
  const images = [...document.querySelectorAll("img")];
  await Promise.all(images.map(img => { img.loading = "eager"; return img.decode().catch(() => null); }));
  const article = document.querySelector("article") || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, math, script, style").forEach(node => node.remove());
  const formulas = [...document.querySelectorAll(".arithmatex math")];
  const fontOf = node => getComputedStyle(node).fontFamily.split(",")[0].replace(/["']/g, "").trim();
  // Not drawn, so not measured: a formula in a closed box, or in a print-page section away from
  // the viewport (content-visibility; test_every_math_glyph_comes_from_the_math_font draws those).
  const undrawn = node => node.closest("details:not([open])") !== null
    || (node.closest("section.print-page") !== null && !node.checkVisibility({contentVisibilityAuto: true}));
  // A sum in display style (not one inside a fraction, which is compact) drawn with the font's MATH
  // table is taller than a line of text.
  const bigOperators = [...document.querySelectorAll('.arithmatex math[display="block"] :is(munder, munderover) > mo:first-child')]
    .filter(mo => /[∑∏]/.test(mo.textContent) && getComputedStyle(mo).mathStyle === "normal" && !undrawn(mo));
  const lineHeight = parseFloat(getComputedStyle(article).fontSize);
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    images: images.map(img => ({src: img.getAttribute("src"), alt: img.getAttribute("alt"),
                                width: img.naturalWidth, height: img.naturalHeight})),
    prose: prose.textContent,
    math: document.querySelectorAll(".arithmatex").length,
    unrendered: [...document.querySelectorAll(".arithmatex")].filter(node => !node.querySelector("math"))
                  .map(node => node.textContent.slice(0, 80)),
    formulas: formulas.length,
    unsized: formulas.filter(node => node.getBoundingClientRect().width === 0 && !undrawn(node))
                     .map(node => node.textContent.slice(0, 80)),
    mathFamilies: [...new Set(formulas.map(fontOf))],
    mathFontLoaded: [...document.fonts].some(font => font.family.replace(/["']/g, "") === "xentdoc math" && font.status === "loaded"),
    smallBigOperators: bigOperators.filter(mo => mo.getBoundingClientRect().height < 1.3 * lineHeight).length,
    bigOperators: bigOperators.length,
  };
}"""


@dataclass
class Visit:
    path: str
    scheme: str
    errors: list
    external: list
    info: dict
    violations: list


def axe_context(path):
    """What axe checks on a page: all of it (the print page's chapters included: laid out as one
    long page, their wide formulas and tables are reached differently from the course pages')."""
    return {"include": [["html"]], "exclude": []}


@pytest.fixture(scope="module")
def visits(open_tab, pages):
    """{(palette, viewport): [Visit of each page]}: every page loaded once per palette and
    viewport, with axe run on it.

    Each palette and viewport lives in its own browser context (its own renderer process): axe
    runs in all of them at once, which shortens the wall time on a two-core machine.
    """
    from axe_playwright_python.base import AXE_SCRIPT

    tabs = {}
    for palette in PALETTES:
        for viewport, options in VIEWPORTS.items():
            size = {key: options[key] for key in ("width", "height")}
            extra = {key: value for key, value in options.items() if key not in ("width", "height")}
            tabs[palette, viewport] = open_tab(color_scheme=palette, viewport=size, **extra)
    result = {key: [] for key in tabs}
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    for path in pages:
        infos = {}
        for key, tab in tabs.items():
            tab.goto(path)
            infos[key] = tab.page.evaluate(INSPECT)
            # Collapsed solutions and figure code are part of the page too: check them open.
            tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            tab.page.evaluate(AXE_SCRIPT)
            tab.page.evaluate("([context, options]) => { window.__axe = axe.run(context, options); }",
                              [axe_context(path), options])
        for key, tab in tabs.items():
            violations = tab.page.evaluate("window.__axe.then(results => results.violations)")
            result[key].append(Visit(path, infos[key]["scheme"], tab.take_errors(),
                                     list(tab.external), infos[key], violations))
            tab.external.clear()
    return result


def every_visit(visits):
    return [visit for key in visits for visit in visits[key]]


def where(visit):
    return f"/{visit.path} ({visit.scheme})"


def test_every_course_page_is_found(pages):
    """Page discovery finds a page for every Markdown file of docs/ (so nothing goes unchecked)."""
    missing = []
    for source in sorted(DOCS.rglob("*.md")):
        stem = source.relative_to(DOCS).with_suffix("").as_posix()
        expected = "" if stem == "index" else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")
        if expected not in pages:
            missing.append(f"{source.name} -> /{expected}")
    assert not missing, f"pages not found in the built site: {missing}; found {pages}"


def test_palette_follows_the_system_preference(visits):
    wrong = [f"{where(visit)} opened with prefers-color-scheme: {palette}"
             for (palette, _), found in visits.items() for visit in found if visit.scheme != PALETTES[palette]]
    assert not wrong, "\n".join(wrong)


def test_no_console_error_and_no_page_error(visits):
    problems = [f"{where(visit)}: {error}" for visit in every_visit(visits) for error in visit.errors]
    assert not problems, "\n".join(problems)


def test_no_request_leaves_127_0_0_1(visits):
    problems = [f"{where(visit)} requested {url}" for visit in every_visit(visits) for url in visit.external]
    assert not problems, "\n".join(problems)


def test_every_image_loads_and_has_a_meaningful_alt_text(visits):
    problems, images = [], 0
    for visit in visits["light", "laptop"]:
        for image in visit.info["images"]:
            images += 1
            alt = (image["alt"] or "").strip()
            name = image["src"].rsplit("/", 1)[-1]
            if image["width"] == 0 or image["height"] == 0:
                problems.append(f"/{visit.path}: {image['src']} did not load")
            if len(alt.split()) < 4 or alt.lower() in (name.lower(), name.rsplit(".", 1)[0].lower()):
                problems.append(f"/{visit.path}: {image['src']} has no meaningful alt text ({alt!r})")
    assert not problems, "\n".join(problems)
    assert images > 0, "no image on any page: the figures are missing"


def test_formulas_are_rendered(visits):
    problems = []
    for visit in visits["light", "laptop"]:
        info = visit.info
        for tex in info["unrendered"]:
            problems.append(f"/{visit.path}: formula not rendered: {tex!r}")
        raw = RAW_TEX.findall(info["prose"])
        if raw:
            problems.append(f"/{visit.path}: raw TeX left in the text: {raw[:5]}")
        for tex in info["unsized"]:
            problems.append(f"/{visit.path}: formula drawn with no width: {tex!r}")
        if info["formulas"]:
            if info["mathFamilies"] != ["xentdoc math"]:
                problems.append(f"/{visit.path}: formulas drawn in {info['mathFamilies']}, not the math font")
            if not info["mathFontLoaded"]:
                problems.append(f"/{visit.path}: the math font did not load")
            if info["smallBigOperators"]:
                problems.append(f"/{visit.path}: {info['smallBigOperators']} of {info['bigOperators']} display "
                                "sums are no taller than text (no MATH table in the font?)")
    assert not problems, "\n".join(problems)
    assert sum(visit.info["formulas"] for visit in visits["light", "laptop"]) > 0, "no formula on any page"
    assert sum(visit.info["bigOperators"] for visit in visits["light", "laptop"]) > 0, "no display sum on any page"


def test_every_math_glyph_comes_from_the_math_font(open_tab):
    """Chromium's own account of the fonts it drew each formula token with (DevTools protocol).

    The print page holds every formula of the course. A character missing from the subset font
    (coursebuild/math_font.py) would be drawn in some system font instead: a different shape and no
    MATH table. Checked against what the browser did, not against the list the hook computed.
    """
    tab = open_tab()
    tab.goto(PRINT_PAGE)
    # As printed: on screen, sections away from the viewport are not drawn (content-visibility),
    # and no closed box is, so they would have no fonts to report.
    tab.page.emulate_media(media="print")
    tab.page.evaluate("document.querySelectorAll('details').forEach(box => { box.open = true; })")
    cdp = tab.context.new_cdp_session(tab.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    tokens = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": ".arithmatex math :is(mi, mo, mn, mtext)"})
    assert len(tokens["nodeIds"]) > 1000, "fewer formula tokens on the print page than the course has"
    elsewhere = {}
    for node in tokens["nodeIds"]:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        if not fonts:  # nothing drawn: right only for an invisible operator (function application, ...)
            # or an empty one (Temml's `\right.`, the missing half of a `cases` brace).
            text = re.sub(r"<[^>]+>", "", cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"])
            assert set(text) <= INVISIBLE_OPERATORS, f"formula token not drawn: {text!r}"
        for font in fonts:
            if not (font["isCustomFont"] and font["familyName"] == "STIX Two Math"):
                text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                elsewhere.setdefault(font["familyName"], set()).add(text)
    assert not elsewhere, f"formula tokens drawn in another font: {elsewhere}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("palette", PALETTES)
def test_axe_finds_no_wcag_21_aa_violation(visits, palette, viewport):
    lines = []
    for visit in visits[palette, viewport]:
        for violation in visit.violations:
            targets = ["  " + " ".join(node["target"][-1:]) + ": " + node.get("failureSummary", "").replace("\n", " ")[:240]
                       for node in violation["nodes"][:6]]
            lines.append(f"/{visit.path}: {violation['id']} ({violation['impact']}, "
                         f"{len(violation['nodes'])} nodes): {violation['help']}")
            lines += targets
    assert not lines, "\n".join(lines)


def test_tables_keep_materials_wrapper_and_look(open_tab):
    """coursebuild/tables.py wraps tables at build time; Material's script must not wrap them again,
    and Material's table rules must still apply (copied for table.xd-table)."""
    tab = open_tab()
    tab.goto("cheat-sheet/")
    tables = tab.page.evaluate("""() => [...document.querySelectorAll("article table")].map(table => {
      const style = getComputedStyle(table), cell = getComputedStyle(table.querySelector("td"));
      return {inner: table.parentElement.className, outer: table.parentElement.parentElement.className,
              nested: table.closest(".md-typeset__scrollwrap").parentElement.closest(".md-typeset__scrollwrap") !== null,
              display: style.display, fontSize: style.fontSize, border: style.borderTopStyle,
              cellPadding: cell.paddingLeft, rem: getComputedStyle(document.documentElement).fontSize};
    })""")
    assert tables, "no table on the cheat sheet"
    for table in tables:
        assert (table["inner"], table["outer"]) == ("md-typeset__table", "md-typeset__scrollwrap"), table
        assert not table["nested"], "a table was wrapped twice"
        # Material's rule: display inline-block, font-size .64rem, a solid border, cells padded.
        assert table["display"] == "inline-block" and table["border"] == "solid", table
        assert abs(float(table["fontSize"][:-2]) - 0.64 * float(table["rem"][:-2])) < 0.01, table
        assert float(table["cellPadding"][:-2]) > 0, table


# Test instrumentation. WHEN_BUNDLE_RAN records when DOMContentLoaded fired and when Material's
# script finished running (it assigns window.document$ last). HOLD_FRAMES_UNTIL_PARSED makes
# animation-frame callbacks asked for before DOMContentLoaded wait until after it, so the loader of
# coursebuild/theme_script.py adds Material's script after the event.
WHEN_BUNDLE_RAN = """(() => {
  document.addEventListener("DOMContentLoaded", () => { window.xdParsedAt = performance.now(); });
  let value;
  Object.defineProperty(window, "document$", {configurable: true, get: () => value,
    set: observable => { value = observable; window.xdBundleRanAt = performance.now(); }});
})();"""
HOLD_FRAMES_UNTIL_PARSED = """(() => {
  const request = window.requestAnimationFrame.bind(window);
  let parsed = false;
  document.addEventListener("DOMContentLoaded", () => setTimeout(() => { parsed = true; }, 100));
  window.requestAnimationFrame = callback => request(function tick(time) {
    parsed ? callback(time) : request(tick);
  });
})();"""


@pytest.mark.parametrize("bundle_runs", ["after DOMContentLoaded", "before DOMContentLoaded"])
def test_material_mounts_once_whether_its_script_runs_before_or_after_domcontentloaded(
        open_tab, bundle_runs):
    # After the event, the loader publishes the page on document$ itself; before it, Material
    # mounts on the event. A slow deferred script (copy.js) holds the event back past the bundle.
    tab = open_tab()
    tab.page.add_init_script(WHEN_BUNDLE_RAN)
    if bundle_runs.startswith("after"):
        tab.page.add_init_script(HOLD_FRAMES_UNTIL_PARSED)
    else:
        def slow(route):
            time.sleep(1.5)
            route.continue_()
        tab.page.route("**/javascripts/copy.js", slow)
    tab.goto("sigmoid/")
    ran_after = tab.page.evaluate("window.xdBundleRanAt > window.xdParsedAt")
    assert ran_after == bundle_runs.startswith("after")
    # Material names each code block's <pre> "__code_N" when it mounts: a second mount would
    # rename it again ("__code___code_N"), no mount would leave it without an id.
    ids = tab.page.eval_on_selector_all("article pre:has(> code)", "pres => pres.map(pre => pre.id)")
    assert ids and all(re.fullmatch(r"__code_\d+", name) for name in ids), ids
    assert not tab.take_errors()


def test_a_closed_solution_is_not_rendered_until_it_is_opened(open_tab):
    # docs/stylesheets/extra.css: on screen, a closed <details> renders nothing but its summary.
    tab = open_tab()
    tab.goto("sigmoid/")
    # Handles, not locators: a locator of a closed box would move on to the next one once opened.
    details = tab.page.locator("article details:not([open]):has(pre)").first.element_handle()
    code = details.query_selector("pre")
    assert code.evaluate("pre => getComputedStyle(pre.closest('details > :not(summary)')).display") == "none"
    assert code.evaluate("pre => pre.getClientRects().length") == 0
    details.query_selector("summary").click()
    assert details.evaluate("d => d.open")
    assert code.evaluate("pre => pre.getBoundingClientRect().width") > 100
    assert code.is_visible()
    assert not tab.take_errors()


TAB_LINES = """() => [...document.querySelectorAll("article .tabbed-set")].map(set => {
  const active = set.querySelector(`label[for="${set.querySelector(":scope > input:checked").id}"]`);
  const line = getComputedStyle(set.querySelector(":scope > .tabbed-labels"), "::before");
  return {lineX: new DOMMatrixReadOnly(line.transform).m41, lineWidth: parseFloat(line.width),
          labelX: active.offsetLeft, labelWidth: active.offsetWidth,
          contentX: getComputedStyle(set.querySelector(":scope > .tabbed-content")).getPropertyValue("--md-indicator-x")};
})"""


def test_the_line_under_a_tab_set_follows_the_active_tab(open_tab):
    # docs/stylesheets/extra.css registers Material's indicator properties as not inherited:
    # the line must still sit under the active tab, and the tabs' content must not get the value.
    tab = open_tab()
    tab.goto("binary-cross-entropy/")  # two linked NumPy/PyTorch tab sets
    lines_match = "(lines) => lines.length > 0 && lines.every(l => l.lineX === l.labelX && l.lineWidth === l.labelWidth)"

    def settled_lines():
        tab.page.wait_for_function(f"({lines_match})(({TAB_LINES})())")
        return tab.page.evaluate(TAB_LINES)

    before = settled_lines()
    assert len(before) >= 2
    # The second tab of the first set: its line moves right (the linked sets follow; all must match).
    tab.page.locator("article .tabbed-set").first.locator(".tabbed-labels > label").nth(1).click()
    after = settled_lines()
    assert after[0]["lineX"] > before[0]["lineX"], (before[0], after[0])
    assert {line["contentX"] for line in after} == {"0px"}, after
    assert not tab.take_errors()


def test_query_command_supported_answers_as_the_browser_does(open_tab):
    # overrides/main.html caches "copy" and "cut"; every answer must be the browser's own.
    tab = open_tab()
    tab.goto("cross-entropy/")
    answers = tab.page.evaluate("""() => ["copy", "cut", "paste", "bold", "Copy", "toString"].map(command => [
        document.queryCommandSupported(command), Document.prototype.queryCommandSupported.call(document, command)])""")
    assert all(ours == browsers for ours, browsers in answers), answers
    assert answers[0][0] is True
    assert tab.page.evaluate("document.queryCommandSupported !== Document.prototype.queryCommandSupported")
    assert not tab.take_errors()
