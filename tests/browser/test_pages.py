"""Every page of the built site, opened in Chromium in the light and the dark palette.

Each page is visited once per palette (the sweep below); the tests then check what the visits saw:
no console or page error, no request to another host, every image loaded with a real alt text,
every formula rendered by KaTeX with its fonts, and no axe-core violation of WCAG 2.1 A and AA.
Pages are found in the built site, so a new page is covered without editing this file.
"""

import re
from dataclasses import dataclass

import pytest

from conftest import DOCS

PALETTES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# TeX that escaped rendering: display or bracket delimiters, inline $...$, common commands.
PRINT_PAGE = "print_page/"
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|sum|log|begin|mathrm)\b|\$[^$\s][^$\n]*\$")

INSPECT = """async () => {
  const images = [...document.querySelectorAll("img")];
  await Promise.all(images.map(img => { img.loading = "eager"; return img.decode().catch(() => null); }));
  const article = document.querySelector("article") || document.body;
  const prose = article.cloneNode(true);
  prose.querySelectorAll("pre, code, .katex, script, style").forEach(node => node.remove());
  const katexFonts = [...document.fonts].filter(font => font.family.replace(/["']/g, "").startsWith("KaTeX_"));
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    images: images.map(img => ({src: img.getAttribute("src"), alt: img.getAttribute("alt"),
                                width: img.naturalWidth, height: img.naturalHeight})),
    prose: prose.textContent,
    math: document.querySelectorAll(".arithmatex").length,
    unrendered: [...document.querySelectorAll(".arithmatex")].filter(node => !node.querySelector(".katex"))
                  .map(node => node.textContent.slice(0, 80)),
    katex: document.querySelectorAll(".katex").length,
    mathmlHidden: [...document.querySelectorAll(".katex-mathml")].every(
                    node => getComputedStyle(node).position === "absolute"),
    katexFontsLoaded: katexFonts.filter(font => font.status === "loaded").length,
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
    """What axe checks on a page: all of it, except KaTeX's visual copy of each formula.

    ``.katex-html`` is aria-hidden (assistive technology reads the MathML beside it) and takes the
    colour of the text around it, which is checked; its thousands of tiny spans would triple the
    time of the contrast check. On the print page, the sections copied from the course pages are
    checked on those pages already (same HTML, same stylesheets); its own parts are checked here.
    """
    exclude = [[".katex-html"]]
    if path == PRINT_PAGE:
        exclude.append(["section.print-page[id]"])
    return {"include": [["html"]], "exclude": exclude}


@pytest.fixture(scope="module")
def visits(open_tab, pages):
    """{palette: [Visit of each page]}: every page loaded once per palette, with axe run on it.

    The two palettes live in two browser contexts (two renderer processes): axe runs in both at
    once, which halves the wall time on a two-core machine.
    """
    from axe_playwright_python.base import AXE_SCRIPT

    tabs = {palette: open_tab(color_scheme=palette) for palette in PALETTES}
    result = {palette: [] for palette in PALETTES}
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    for path in pages:
        infos = {}
        for palette, tab in tabs.items():
            tab.goto(path)
            infos[palette] = tab.page.evaluate(INSPECT)
            # Collapsed solutions and figure code are part of the page too: check them open.
            tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            tab.page.evaluate(AXE_SCRIPT)
            tab.page.evaluate("([context, options]) => { window.__axe = axe.run(context, options); }",
                              [axe_context(path), options])
        for palette, tab in tabs.items():
            violations = tab.page.evaluate("window.__axe.then(results => results.violations)")
            result[palette].append(Visit(path, infos[palette]["scheme"], tab.take_errors(),
                                         list(tab.external), infos[palette], violations))
            tab.external.clear()
    return result


def every_visit(visits):
    return [visit for palette in PALETTES for visit in visits[palette]]


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
             for palette, scheme in PALETTES.items() for visit in visits[palette] if visit.scheme != scheme]
    assert not wrong, "\n".join(wrong)


def test_no_console_error_and_no_page_error(visits):
    problems = [f"{where(visit)}: {error}" for visit in every_visit(visits) for error in visit.errors]
    assert not problems, "\n".join(problems)


def test_no_request_leaves_127_0_0_1(visits):
    problems = [f"{where(visit)} requested {url}" for visit in every_visit(visits) for url in visit.external]
    assert not problems, "\n".join(problems)


def test_every_image_loads_and_has_a_meaningful_alt_text(visits):
    problems, images = [], 0
    for visit in visits["light"]:
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
    for visit in visits["light"]:
        info = visit.info
        for tex in info["unrendered"]:
            problems.append(f"/{visit.path}: formula not rendered: {tex!r}")
        raw = RAW_TEX.findall(info["prose"])
        if raw:
            problems.append(f"/{visit.path}: raw TeX left in the text: {raw[:5]}")
        if info["katex"]:
            if not info["mathmlHidden"]:
                problems.append(f"/{visit.path}: KaTeX's stylesheet is not applied (MathML shown)")
            if not info["katexFontsLoaded"]:
                problems.append(f"/{visit.path}: no KaTeX font loaded")
    assert not problems, "\n".join(problems)
    assert sum(visit.info["katex"] for visit in visits["light"]) > 0, "no formula on any page"


@pytest.mark.parametrize("palette", PALETTES)
def test_axe_finds_no_wcag_21_aa_violation(visits, palette):
    lines = []
    for visit in visits[palette]:
        for violation in visit.violations:
            targets = ["  " + " ".join(node["target"][-1:]) + ": " + node.get("failureSummary", "").replace("\n", " ")[:240]
                       for node in violation["nodes"][:6]]
            lines.append(f"/{visit.path}: {violation['id']} ({violation['impact']}, "
                         f"{len(violation['nodes'])} nodes): {violation['help']}")
            lines += targets
    assert not lines, "\n".join(lines)
