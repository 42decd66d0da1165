"""`make bundle`: the zip unpacked into a temporary folder works from file:// in Chromium: a page
opens, a link leads to the next page, its images load, search finds "entropy", and nothing is
requested from anywhere but the disk. Also what the zip holds, and that mkdocs-offline.yml is
mkdocs.yml plus the offline plugin."""

import importlib.util
import subprocess
import sys
import zipfile

import pytest
import yaml

import xentdoc
from conftest import require
from site_config import ROOT, course_pages, mkdocs_config

TOP = f"xentdoc-course-{xentdoc.__version__}"


def _module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle(browser, built_site, tmp_path_factory):
    """The zip as `make bundle` writes it (the PDF printed from the session's site), and its unpacked folder."""
    work = tmp_path_factory.mktemp("bundle")
    pdf = _module("xentdoc_make_pdf_b", ROOT / "scripts" / "make_pdf.py").print_course(
        built_site, work / "xentdoc-course.pdf", browser=browser)
    run = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"),
                          str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    wheel = next((work / "dist").glob("*.whl"))
    zip_path = _module("xentdoc_make_bundle", ROOT / "scripts" / "make_bundle.py").make_bundle(pdf, wheel, work)
    assert zip_path.name == f"{TOP}.zip"
    unpacked = work / "unpacked"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(unpacked)
    print(f"\n{zip_path.name}: {zip_path.stat().st_size / 1e6:.1f} MB")
    return zip_path, unpacked / TOP


def test_the_offline_config_is_the_site_config_plus_the_offline_plugin():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    offline = yaml.load((ROOT / "mkdocs-offline.yml").read_text(encoding="utf-8"), Loader=Loader)
    assert offline["INHERIT"] == "mkdocs.yml" and offline["use_directory_urls"] is False
    assert offline["plugins"] == mkdocs_config()["plugins"] + ["offline"]


def test_the_zip_holds_site_pdf_notebooks_wheel_and_readme(bundle):
    zip_path, top = bundle
    assert (top / "site" / "index.html").is_file() and (top / "site" / "search" / "search_index.js").is_file()
    assert (top / "xentdoc-course.pdf").read_bytes().startswith(b"%PDF")
    assert (top / f"xentdoc-{xentdoc.__version__}-py3-none-any.whl").is_file()
    notebooks = sorted(p.name for p in (top / "notebooks").glob("*.ipynb"))
    assert "softmax.ipynb" in notebooks and "softmax-solutions.ipynb" in notebooks
    assert notebooks == sorted(p.name for p in (top / "site" / "notebooks").glob("*.ipynb"))
    readme = (top / "README.txt").read_text(encoding="utf-8")
    assert "site/index.html" in readme and f"pip install xentdoc-{xentdoc.__version__}" in readme
    # Every page, none under a directory URL, and no reference to a CDN.
    for src in course_pages():
        page = top / "site" / (src[:-3] + ".html")
        assert page.is_file(), src
        assert "unpkg.com" not in page.read_text(encoding="utf-8")


def test_from_file_a_page_opens_the_next_one_its_images_load_and_search_finds_entropy(browser, bundle):
    _, top = bundle
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, errors = [], []
    context.on("request", lambda request: request.url.startswith(("file:", "data:", "blob:", "about:"))
               or outside.append(request.url))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_default_timeout(20_000)
    try:
        home = (top / "site" / "index.html").as_uri()
        page.goto(home, wait_until="load")
        assert page.title().startswith("xentdoc") or "Cross-entropy" in page.title()
        # The footer's "Next" link leads to the next page of the nav.
        second = course_pages()[1]
        page.click("a.md-footer__link--next")
        page.wait_for_load_state("load")
        assert page.url == (top / "site" / (second[:-3] + ".html")).as_uri()
        # Its images (figures) load from disk.
        page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_function("[...document.images].every(i => i.complete)")
        images = page.evaluate("[...document.images].map(i => [i.currentSrc, i.complete && i.naturalWidth > 0])")
        assert images and all(ok for _, ok in images), images
        # Formulas are drawn (MathML), in the math font (inlined: file:// refuses font files).
        assert page.evaluate("document.querySelectorAll('math').length") > 0
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate("[...document.fonts].some(f => f.status === 'loaded')")
        # Search, with the index inlined for file://.
        page.click("input.md-search__input")
        page.keyboard.type("entropy")
        results = page.locator("a.md-search-result__link")
        results.first.wait_for()
        hrefs = results.evaluate_all("links => links.map(a => a.href)")
        assert hrefs and all(h.startswith((top / "site").as_uri() + "/") and ".html" in h for h in hrefs), hrefs[:5]
        # A result opens its page from disk.
        results.first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith((top / "site").as_uri()) and "entropy" in page.content().lower()
        assert not outside, f"requests that left the disk: {outside}"
        assert not errors, errors
    finally:
        context.close()
