"""The site builds with `properdocs build --strict`, self-contained: every page, formula and figure."""

import posixpath
import re
import sys
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from mkdocs.utils import yaml_load

from conftest import DOCS, ROOT
from site_config import built_path, course_pages
from coursebuild import BuildError, figures, math, print_page, tables, theme_script
from coursebuild.mathml_core import drawn_characters

ASSET_TAGS = {"link": ("href",), "script": ("src",), "img": ("src", "srcset"),
              "source": ("src", "srcset"), "iframe": ("src",), "video": ("src", "poster"),
              "audio": ("src",)}
# <link rel="canonical"> (from site_url) names the page's public address; nothing is fetched.
NOT_FETCHED = {"canonical", "alternate"}
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, protocol-relative


class AssetParser(HTMLParser):
    """Collects (tag, attribute, url) of everything a browser loads with the page itself."""

    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        if tag == "link" and dict(attrs).get("rel") in NOT_FETCHED:
            return
        for name, value in attrs:
            if name in ASSET_TAGS.get(tag, ()) and value:
                urls = [part.split()[0] for part in value.split(",")] if name == "srcset" else [value]
                self.assets += [(tag, name, url) for url in urls]


def assets_of(html_file):
    parser = AssetParser()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.assets


def html_pages(site):
    return sorted(site.rglob("*.html"))


def is_print_page(html):
    """The print page loads no Material script and has no copy buttons (coursebuild/print_page.py)."""
    return html.parent.name == "print_page"


def nav_pages():
    """The .md files of mkdocs.yml's nav, in order."""
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as file:
        nav = yaml_load(file)["nav"]

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    return [page for page in walk(nav) if page.endswith(".md")]


def output_of(page):
    """Where the build writes a page (use_directory_urls)."""
    stem = page[: -len(".md")]
    return "index.html" if stem == "index" else (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/index.html"


def test_build_succeeds_in_strict_mode(site_build):
    run, _ = site_build
    assert run.returncode == 0, f"properdocs build --strict failed:\n{run.stderr[-6000:]}"


def test_every_nav_page_is_built(built_site):
    pages = nav_pages()
    assert "index.md" in pages and "api.md" in pages
    missing = [page for page in pages if not (built_site / output_of(page)).is_file()]
    assert not missing


def test_no_asset_is_loaded_from_another_host(built_site):
    external = [f"{html.relative_to(built_site)}: <{tag} {attr}={url}>"
                for html in html_pages(built_site) for tag, attr, url in assets_of(html)
                if EXTERNAL.match(url)]
    assert not external, "\n".join(external[:20])
    # Stylesheets load fonts and images too (e.g. Google Fonts); none may come from the network.
    css_urls = [f"{css.relative_to(built_site)}: {m.group(0)}" for css in built_site.rglob("*.css")
                for m in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])(?:https?:)?//[^)'\"\s]*",
                                     css.read_text(encoding="utf-8"))]
    assert not css_urls, "\n".join(css_urls[:20])


def test_every_local_asset_exists(built_site):
    # 404.html uses root-relative URLs under site_url's path (e.g. /xentdoc/assets/...).
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as file:
        base_path = urlsplit(yaml_load(file).get("site_url") or "/").path or "/"
    missing = []
    for html in html_pages(built_site):
        for tag, attr, url in assets_of(html):
            path = url.split("#")[0].split("?")[0]
            if EXTERNAL.match(url) or path.startswith("data:") or not path:
                continue
            if path.startswith("/"):
                target = built_site / path.removeprefix(base_path).lstrip("/")
            else:
                target = (html.parent / path).resolve()
            if target.is_dir():  # <link rel="next" href="../page/">
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{html.relative_to(built_site)}: <{tag} {attr}={url}>")
    assert not missing, "\n".join(missing[:20])


def without_code_and_tex_sources(text):
    """Page HTML minus code blocks and TeX annotations (if any), where backslashes are legitimate."""
    for element in ("pre", "code", "annotation"):
        text = re.sub(rf"<{element}\b.*?</{element}>", "", text, flags=re.S)
    return text


def test_math_is_rendered_at_build_time(built_site):
    pages = {html.relative_to(built_site): html.read_text(encoding="utf-8") for html in html_pages(built_site)}
    assert any('<span class="arithmatex"><math>' in text
               for text in pages.values())
    api = [text for page, text in pages.items() if page.parts[0] == "api" and len(page.parts) == 3]
    assert api, "no API module page (api/<module>/index.html)"
    assert any('<math display="block"' in text for text in api), \
        "the docstrings' $$...$$ formulas must render on the API pages"
    leftover = [str(page) for page, text in pages.items()
                if re.search(r"\\[(\[]", without_code_and_tex_sources(text))]
    assert not leftover, f"unrendered \\( or \\[ on {leftover}"
    # MathML only (Temml, coursebuild/math.py): no HTML copy of each formula, no KaTeX stylesheet.
    assert not any("katex" in text for text in pages.values())
    assert not (built_site / "assets/katex").exists()


def test_math_font_holds_every_character_the_formulas_draw(built_site):
    """The subset font (coursebuild/math_font.py) covers each page's MathML, as the browser draws it."""
    from fontTools.ttLib import TTFont

    font = TTFont(built_site / "assets/fonts/stix-two-math.woff2")
    covered = set(map(chr, font.getBestCmap()))
    assert "MATH" in font, "the subset lost the MATH table (display operators, stretchy brackets)"
    assert font["name"].getDebugName(0).startswith("Copyright"), "the subset lost the font's copyright"
    assert (built_site / "assets/fonts/stix-two-math-LICENSE.txt").read_text().count("SIL OPEN FONT LICENSE")
    missing = {}
    for html in html_pages(built_site):
        drawn = drawn_characters(html.read_text(encoding="utf-8"))
        if drawn - covered:
            missing[str(html.relative_to(built_site))] = "".join(sorted(drawn - covered))
    assert not missing, f"characters the math font lacks: {missing}"
    # Letters are drawn italic (math-auto), so the italic forms must be there, not only the ASCII.
    assert {"\U0001D465", "\U0001D45D"} <= covered  # 𝑥 and 𝑝


def test_math_font_keeps_every_size_and_assembly_of_each_stretchy_character(built_site):
    """Brackets, braces, bars and the underbrace stretch with the font's size variants and assembly:
    the subset keeps every one of them for each such character the formulas draw."""
    from fontTools.ttLib import TTFont

    from coursebuild.math_font import SOURCE_FONT

    def constructions(font):
        table, cmap = font["MATH"].table.MathVariants, font.getBestCmap()
        found = {}
        for kind in ("Vert", "Horiz"):
            coverage = getattr(table, f"{kind}GlyphCoverage")
            for glyph, construction in zip(coverage.glyphs, getattr(table, f"{kind}GlyphConstruction")):
                assembly = construction.GlyphAssembly
                found[kind, glyph] = (len(construction.MathGlyphVariantRecord),
                                      len(assembly.PartRecords) if assembly else 0)
        return found, cmap

    source, source_cmap = constructions(TTFont(str(SOURCE_FONT)))
    subset, subset_cmap = constructions(TTFont(built_site / "assets/fonts/stix-two-math.woff2"))
    drawn = set().union(*(drawn_characters(html.read_text(encoding="utf-8")) for html in html_pages(built_site)))
    checked = 0
    for character in sorted(drawn):
        for kind in ("Vert", "Horiz"):
            key = (kind, source_cmap.get(ord(character)))
            if key in source:
                checked += 1
                assert subset.get((kind, subset_cmap.get(ord(character)))) == source[key], (character, kind)
    assert checked >= 8 and "⏟" in drawn  # (, ), [, ], {, |, ‖, the underbrace...


def test_search_index_holds_formulas_as_readable_text(built_site):
    """coursebuild/search_text.py: no TeX in any entry's title or text, code blocks aside."""
    import json

    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    tex = re.compile(r"\\[()\[\]]|\\(?:frac|sum|log|mathrm|operatorname|sigma|Vert|begin)\b")
    with_tex = [entry["location"] for entry in index["docs"]
                if tex.search(entry["title"]) or tex.search(without_code_and_tex_sources(entry["text"]))]
    assert not with_tex, f"entries with TeX: {with_tex}"
    texts = " ".join(entry["text"] for entry in index["docs"])
    for readable in ("D_KL(y ‖ p)", "σ(z)", "−log_2 p"):
        assert readable in texts, readable


def test_each_figure_line_became_an_image(built_site):
    figure_line = re.compile(r'^[ \t]*\{\{\s*figure\(\s*"([^"]*)"\s*\)\s*\}\}[ \t]*$', re.M)
    for page in nav_pages():
        names = figure_line.findall((DOCS / page).read_text(encoding="utf-8"))
        html = built_site / output_of(page)
        images = [url for tag, attr, url in assets_of(html) if tag == "img"]
        text = html.read_text(encoding="utf-8")
        assert "{{ figure(" not in without_code_and_tex_sources(text), f"{page}: figure line left as text"
        for name in names:
            srcs = [src for src in images if posixpath.basename(src) == f"{name}.svg"]
            assert srcs, f"{page}: no <img> for figure {name!r}"
            assert (html.parent / srcs[0]).resolve().is_file()
            assert re.search(rf'<img src="[^"]*{re.escape(name)}\.svg" alt="[^"]+"', text)


def test_site_links_its_own_stylesheet_and_copy_script(built_site):
    assets = {url for _, _, url in assets_of(built_site / "index.html")}
    for expected in ("stylesheets/extra.css", "javascripts/copy.js"):
        assert any(url.endswith(expected) for url in assets), expected


def fake_page(src_uri, url):
    return SimpleNamespace(source=src_uri, url=url)


def test_bad_tex_fails_the_build_naming_page_and_formula():
    with pytest.raises(BuildError, match=r"softmax\.md:\n +\\frac\{1\}\{\n.*Unexpected end of input"):
        math.render_math(r'<p><span class="arithmatex">\(\frac{1}{\)</span></p>', fake_page("softmax.md", "softmax/"))


def test_unknown_figure_fails_the_build_naming_it():
    with pytest.raises(BuildError, match=r'sigmoid\.md: unknown figure \{\{ figure\("no-such-figure"\) \}\}'):
        figures.place_figures('Text.\n\n{{ figure("no-such-figure") }}\n', "sigmoid.md", "sigmoid/")


def test_figure_line_keeps_its_indentation_and_relative_url():
    from xentdoc.figures import registry

    spec = next(iter(registry.discover().values()))
    figures._figures[spec.name] = (spec, 600, 300)
    markdown = f'!!! note\n\n    {{{{ figure("{spec.name}") }}}}\n'
    on_home = figures.place_figures(markdown, "index.md", "")
    assert f'    <img src="figures/{spec.name}.svg" alt="' in on_home
    assert '    <details class="example xd-figure-code">' in on_home
    assert "    <summary>Code for this figure" in on_home
    nested = figures.place_figures(markdown, "a/b.md", "a/b/")
    assert f'<img src="../../figures/{spec.name}.svg"' in nested


def test_every_code_block_has_one_copy_button_aimed_at_its_code(built_site):
    """coursebuild/copy_buttons.py writes the buttons Material's script would insert at load."""
    for html in html_pages(built_site):
        if is_print_page(html):
            continue
        text = html.read_text(encoding="utf-8")
        blocks = re.findall(r"<pre\b[^>]*>(.*?)</pre>", text, flags=re.S)
        for block in blocks:
            buttons = re.findall(r'<button class="md-code__button" title="Copy to clipboard" '
                                 r'data-clipboard-target="#([\w-]+)" data-md-type="copy">', block)
            assert len(buttons) == 1, f"{html.relative_to(built_site)}: {len(buttons)} copy buttons in a block"
            assert f'<code id="{buttons[0]}">' in block, f"{html.relative_to(built_site)}: button aims elsewhere"
        targets = re.findall(r'data-clipboard-target="#([\w-]+)"', text)
        assert len(targets) == len(set(targets)), f"{html.relative_to(built_site)}: two buttons share a target"


def test_materials_script_is_preloaded_and_started_by_the_loader(built_site):
    """coursebuild/theme_script.py: no page runs Material's bundle from a <script src> tag."""
    for html in html_pages(built_site):
        # 404.html: a template MkDocs renders without the page events. The print page loads no
        # Material script at all (test_print_page_is_a_plain_document).
        if html.name == "404.html" or is_print_page(html):
            continue
        text = html.read_text(encoding="utf-8")
        name = html.relative_to(built_site)
        assert not re.search(r'<script src="[^"]*bundle\.[0-9a-f]+\.min\.js"', text), f"{name}: bundle tag left"
        preloads = re.findall(r'<link rel="preload" href="([^"]*bundle\.[0-9a-f]+\.min\.js)" as="script">', text)
        loaded = re.findall(r'script\.src = "([^"]*bundle\.[0-9a-f]+\.min\.js)";', text)
        assert len(preloads) == 1 and preloads == loaded, f"{name}: {preloads} preloaded, {loaded} loaded"
        assert text.index(preloads[0]) < text.index("</head>"), f"{name}: preload outside <head>"
        assert (html.parent / preloads[0]).resolve().is_file(), f"{name}: {preloads[0]} missing"


def test_print_page_is_a_plain_document(built_site):
    """coursebuild/print_page.py: the table of contents and hidden navigation in the HTML, no load scripts."""
    text = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', text)
    assert not [src for src in scripts if "bundle." in src or "print-site" in src or "copy.js" in src], scripts
    assert "md-code__nav" not in text
    # The table of contents: a link to every course page's section, in reading order.
    toc = re.search(r'<div id="print-page-toc"[^>]*>(.*?)</nav>', text, flags=re.S).group(1)
    sections = re.findall(r'<section class="print-page" id="([\w-]+)"', text)
    assert len(sections) >= 10
    assert re.findall(r'<a href="#([\w-]+)" class="md-nav__link">', toc) == sections
    for name in ("md-sidebar md-sidebar--primary", "md-search"):
        assert re.search(rf'<div class="{name}" style="display: none"', text), name
    assert 'addEventListener("beforeprint"' in text
    images = re.findall(r"<img [^>]*>", text)
    assert len(images) >= 10 and all('loading="lazy"' in image for image in images)
    # The figures without their source boxes, which the print stylesheet hides anyway.
    assert text.count('<figure class="xd-figure"') >= 10 and "xd-figure-code" not in text
    assert "_mkdocstrings.css" not in text and "print-site.css" in text
    assert (built_site / "css" / "print-site.css").is_file() and (built_site / "css" / "print-site-material.css").is_file()


def test_print_page_ids_are_unique_and_its_links_stay_inside(built_site):
    """Each chapter's ids carry its key; a link to a course page points at its chapter; no link is broken."""
    text = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', text)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates[:20]
    article = re.search(r'<div id="print-site-page".*?</article>', text, flags=re.S).group(0)
    targets = set(ids)
    chapters = {built_path(built_site, src).resolve() for src in course_pages()}
    for href in re.findall(r'<a [^>]*href="([^"]+)"', article):
        if href.startswith("#"):
            assert href[1:] in targets, f"print page: link to #{href[1:]}, which is not on the page"
        elif not EXTERNAL.match(href):
            target = (built_site / "print_page" / href.split("#")[0]).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), f"print page: broken link {href}"
            assert target not in chapters, f"print page: link {href} leaves for a page it holds"
    # Every heading of a chapter is there, under the chapter's key.
    sigmoid = (built_site / "sigmoid" / "index.html").read_text(encoding="utf-8")
    for heading in re.findall(r'<h[1-6] id="([^"]+)"', sigmoid):
        assert f'id="sigmoid-{heading}"' in text, heading


def test_chapter_links_and_ids_are_rewritten_for_the_print_page():
    page = ('<article class="md-content__inner md-typeset"><h2 id="odds">Odds<a class="headerlink" href="#odds">'
            '</a></h2><p><a href="../nll/#baseline">b</a> <a href="../">home</a> <a href="../api/softmax/#x">api</a>'
            ' <img src="../figures/f.svg"> <a href="https://example.org/">e</a></p><input id="__tabbed_1_1" '
            'name="__tabbed_1"><label for="__tabbed_1_1">t</label>\n<aside class="xd-page-info"><p>v</p></aside>'
            "</article>")
    keys = {"": "index", "softmax/": "softmax", "nll/": "nll"}
    chapter = print_page.chapter_content(page, "softmax/index.html", keys)
    assert '<h2 id="softmax-odds">' in chapter and 'href="#softmax-odds"' in chapter
    assert 'href="#nll-baseline"' in chapter and 'href="#index"' in chapter
    assert 'href="../api/softmax/#x"' in chapter and 'src="../figures/f.svg"' in chapter
    assert 'href="https://example.org/"' in chapter and "xd-page-info" not in chapter
    assert 'id="softmax-__tabbed_1_1"' in chapter and 'for="softmax-__tabbed_1_1"' in chapter
    assert 'name="softmax-__tabbed_1"' in chapter
    home = print_page.chapter_content(page.replace("../", ""), "index.html", keys)
    assert 'src="../figures/f.svg"' in home and 'href="#nll-baseline"' in home


def test_print_page_names_what_it_did_not_find():
    with pytest.raises(BuildError, match=r"expected one <article> in index.html, found 0"):
        print_page.assemble_print_page("<html><head></head><body></body></html>",
                                       SimpleNamespace(is_print=True, chapters=(("T", "index.html", ""),)))


def test_head_already_has_the_classes_materials_script_puts_on_html(built_site):
    """overrides/main.html: Material's start-up changes no class of <html>, so no restyle."""
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    added = set(re.findall(r'document\.documentElement\.classList\.add\("([\w-]+)"\)', bundle))
    assert added == {"js", "js-focus-visible"}, f"Material's script now adds {added}: update overrides/main.html"
    head = (built_site / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert 'classList.replace("no-js", "js")' in head
    assert 'classList.add("js-focus-visible")' in head
    # Set before Material's polyfill runs, the class must not change any style by itself.
    for sheet in built_site.rglob("*.css"):
        assert ".js-focus-visible" not in sheet.read_text(encoding="utf-8"), sheet.relative_to(built_site)


def test_theme_script_refuses_a_page_without_exactly_one_bundle_tag():
    tag = '<script src="../assets/javascripts/bundle.0123abcd.min.js" defer></script>'
    page = f"<html><head></head><body>{tag}</body></html>"
    assert "requestAnimationFrame" in theme_script.load_after_first_frame(page)
    for broken in (page.replace(tag, ""), page.replace(tag, tag * 2)):
        with pytest.raises(BuildError, match="one <script> of Material's bundle"):
            theme_script.load_after_first_frame(broken)


def test_material_table_rules_are_copied_inside_their_media_rules():
    css = ("a{color:red}.t table:not([class]){display:inline-block}@media print{.x{y:z}"
           ".t table:not([class]){display:table}}@media screen{@supports (a:b){.t table:not([class]) td{p:q}}}")
    assert tables.material_rules_for(css, "table:not([class])", "table.xd-table").splitlines() == [
        ".t table.xd-table{display:inline-block}",
        "@media print{.t table.xd-table{display:table}}",
        "@media screen{@supports (a:b){.t table.xd-table td{p:q}}}"]
