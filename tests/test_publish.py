"""What publishing needs, checked on the built site: version and date on every page, permalinks,
meta descriptions, sitemap, 404 page, versions, the print page, and the Pages workflow."""

import datetime
import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

import xentdoc
from site_config import ROOT, built_path, course_pages, mkdocs_config, nav_pages

SITE_URL = mkdocs_config()["site_url"]


def _pageinfo():
    import importlib

    from coursebuild import pageinfo

    return importlib.reload(pageinfo)  # fresh module state (its git status) for each test


def _read(site, src):
    return built_path(site, src).read_text(encoding="utf-8")


@pytest.mark.parametrize("src", nav_pages())
def test_every_page_shows_version_and_last_updated(built_site, src):
    page = _read(built_site, src)
    match = re.search(r'<aside class="xd-page-info"[^>]*><p>xentdoc (?P<version>[^ ]+) · Last updated '
                      r'<time datetime="(?P<iso>[\d-]+)">(?P<shown>[^<]+)</time>', page)
    assert match, f"{src}: no version/last-updated line"
    assert match["version"] == xentdoc.__version__
    date = datetime.date.fromisoformat(match["iso"])
    assert match["shown"] == f"{date.day} {date:%B %Y}"
    assert date <= datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=1)
    # The date is the page's last commit, unless the page has changes not yet committed.
    path = f"docs/{src}"
    status = subprocess.run(["git", "status", "--porcelain", "--", path], cwd=ROOT, capture_output=True, text=True)
    committed = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path], cwd=ROOT,
                               capture_output=True, text=True)
    if status.returncode == 0 and not status.stdout.strip() and committed.stdout.strip():
        assert match["iso"] == committed.stdout.strip()


def test_last_updated_falls_back_to_the_build_date(tmp_path, monkeypatch):
    pageinfo = _pageinfo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pageinfo.read_git_status()
    assert pageinfo.last_updated(None) == datetime.date(2023, 11, 14)          # generated page
    assert pageinfo.last_updated(tmp_path / "x.md") == datetime.date(2023, 11, 14)  # outside the repo
    untracked = ROOT / "docs" / "zz-untracked-for-test.md"
    try:
        untracked.write_text("# x\n", encoding="utf-8")
        pageinfo.read_git_status()
        assert pageinfo.last_updated(untracked) == datetime.date(2023, 11, 14)
    finally:
        untracked.unlink()


@pytest.mark.parametrize("src", nav_pages())
def test_every_page_has_its_own_meta_description(built_site, src):
    page = _read(built_site, src)
    found = re.findall(r'<meta name="description" content="([^"]*)"', page)
    assert len(found) == 1, src
    description = html.unescape(found[0])
    assert 40 <= len(description) <= 165, description
    assert "\\(" not in description and "<" not in description
    assert description != mkdocs_config()["site_description"] or src == "index.md"


@pytest.mark.parametrize("src", nav_pages())
def test_headings_have_permalinks(built_site, src):
    page = _read(built_site, src)
    headings = re.findall(r'<h([2-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', page, flags=re.S)
    assert headings, f"{src}: no section heading"
    for _, anchor, body in headings:
        links = re.findall(r'<a [^>]*class="headerlink"[^>]*>', body)
        assert any(f'href="#{anchor}"' in link for link in links), f"{src}: #{anchor} has no permalink"


def test_sitemap_lists_every_page_under_site_url(built_site):
    tree = ET.parse(built_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)}
    expected = {SITE_URL + ("" if src == "index.md" else src[:-3] + "/") for src in nav_pages()}
    assert expected <= urls, expected - urls
    assert SITE_URL.startswith("https://") and SITE_URL.endswith("/")


def test_404_page(built_site):
    page = (built_site / "404.html").read_text(encoding="utf-8")
    assert "404" in page and "Not found" in page
    # Served from any depth, it loads its styles from the site's root path on the published host.
    path = re.sub(r"^https://[^/]+", "", SITE_URL)
    assert re.search(rf'href="{re.escape(path)}assets/stylesheets/main\.[0-9a-f]+\.min\.css"', page)


def test_versions_listing_for_the_version_selector(built_site):
    config = mkdocs_config()
    assert config["extra"]["version"]["provider"] == "mike"
    listing = json.loads((built_site / "versions.json").read_text(encoding="utf-8"))
    assert listing == [{"version": xentdoc.__version__, "title": xentdoc.__version__, "aliases": []}]


def test_makefile_publishes_a_version_with_mike():
    run = subprocess.run(["make", "-n", "publish-version", "VERSION=9.9"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "mike deploy" in run.stdout and "--update-aliases 9.9 latest" in run.stdout
    assert "mike set-default" in run.stdout
    missing = subprocess.run(["make", "-s", "publish-version", "VERSION="], cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode != 0 and "usage" in missing.stdout


def test_pages_workflow_tests_then_publishes():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    uses = [step.get("uses", "") for step in steps]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert any(step.get("with", {}).get("fetch-depth") == 0 for step in steps if "checkout" in step.get("uses", ""))
    assert any(u.startswith("actions/setup-python") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert "make test" in runs and "make publish-version" in runs
    assert runs.index("make test") < runs.index("make publish-version")
    assert build["env"]["XENTDOC_REQUIRE_OPTIONAL"] == "1"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"


# ---- The print page: the whole course in reading order, with its figures and rendered math ----

def _h1(page_html):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, flags=re.S)
    body = re.sub(r'<a [^>]*class="headerlink".*?</a>', "", match.group(1), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body)).strip()


def test_print_page_holds_the_course_in_reading_order(built_site):
    printed = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    titles = [_h1(_read(built_site, src)) for src in course_pages()]
    chapters = [_h1(section) for section in printed.split('<section class="print-page" id=')[1:]]
    assert chapters == titles, "the chapters are not the course pages in the nav's order"
    assert f"Version {xentdoc.__version__} of the course" in printed
    # Its links are relative, like every page's, so it works under a version folder and locally.
    assert '"base": ".."' in printed
    root = re.sub(r"^https://[^/]+", "", SITE_URL)
    assert f'="{root}' not in printed


def test_print_page_has_every_figure_and_rendered_math(built_site):
    printed = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    expected = []
    for src in course_pages():
        expected += re.findall(r'<figure class="xd-figure" id="(figure-[^"]+)"', _read(built_site, src))
    assert expected, "no figure on the course pages"
    found = re.findall(r'<figure class="xd-figure" id="[^"]*?(figure-[^"]+)"', printed)
    assert sorted(found) == sorted(expected)
    for src in re.findall(r'<figure class="xd-figure"[^>]*>\s*<img src="([^"]+)"', printed):
        assert (built_site / "print_page" / src).resolve().is_file(), src
    math = re.findall(r'<(span|div) class="arithmatex">(.*?)</\1>', printed, flags=re.S)
    assert math and all(body.startswith('<math') for _, body in math), "math left unrendered on the print page"
    assert "\\(" not in re.sub(r"<annotation.*?</annotation>", "", printed, flags=re.S)


def test_print_css_hides_navigation():
    css = (ROOT / "docs" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    blocks = re.findall(r"@media print\s*\{(.*?)\n\}", css, flags=re.S)
    hidden = " ".join(blocks)
    for selector in (".md-header", ".md-sidebar", ".md-footer", ".md-tabs"):
        assert selector in hidden
