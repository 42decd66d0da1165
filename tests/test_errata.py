"""Errata and error reports: every page ends with "Report an error on this page" (a new issue on the
project's repository, prefilled with the page's title, address and version) and "Edit this page";
no repository widget (`repo_url`, which calls the GitHub API on load); the Errata page is
generated from data/errata.yml and links each entry to its page."""

import datetime
import html
import re
import urllib.parse

import pytest
import yaml

import xentdoc
from coursebuild import BuildError, errata
from site_config import ROOT, built_path, mkdocs_config, nav_pages

CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
REPORT = re.compile(r'<aside class="xd-page-report"[^>]*><p><a href="(?P<report>[^"]+)">Report an error on this page</a>'
                    r' · <a href="(?P<edit>[^"]+)">Edit this page</a></p></aside>')
ENTRIES = yaml.safe_load((ROOT / "data" / "errata.yml").read_text(encoding="utf-8"))


def test_the_repository_is_the_one_the_project_names():
    assert errata.repository() == CITATION["repository-code"] == "https://github.com/xentdoc/xentdoc"
    # GitHub Pages of the same owner and repository: https://OWNER.github.io/REPO/
    owner, name = CITATION["repository-code"].split("/")[-2:]
    assert mkdocs_config()["site_url"] == CITATION["url"] == f"https://{owner}.github.io/{name}/"


def test_no_repository_widget():
    config = mkdocs_config()
    assert "repo_url" not in config and "edit_uri" not in config


@pytest.mark.parametrize("src", nav_pages())
def test_every_page_ends_with_its_report_and_edit_links(built_site, src):
    page = built_path(built_site, src).read_text(encoding="utf-8")
    article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', page, re.S)[1]
    match = REPORT.search(article)
    assert match, f"{src}: no report and edit links"
    assert not re.sub(r"<[^>]+>|\s", "", article[match.end():]), f"{src}: the links are not at the end"
    report = urllib.parse.urlsplit(html.unescape(match["report"]))
    assert f"{report.scheme}://{report.netloc}{report.path}" == CITATION["repository-code"] + "/issues/new"
    query = urllib.parse.parse_qs(report.query)
    title = html.unescape(re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", page, re.S)[1])
    title = re.sub(r"<[^>]+>", "", title).strip()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page)[1]
    assert query["title"] == [f'Error on "{title}" ({xentdoc.__version__})']
    body = query["body"][0]
    assert f"Page: {title}\n" in body and f"Address: {canonical}\n" in body
    assert f"Version: {xentdoc.__version__}\n" in body
    edited = "data/errata.yml" if src == "errata.md" else f"docs/{src}"
    assert html.unescape(match["edit"]) == f"{CITATION['repository-code']}/edit/main/{edited}"
    assert (ROOT / edited).is_file()


def test_the_print_page_holds_no_report_links(built_site):
    assert "xd-page-report" not in (built_site / "print_page" / "index.html").read_text(encoding="utf-8")


def test_the_errata_hold_the_review_corrections():
    assert len(ENTRIES) >= 8
    assert errata.load_errata() == ENTRIES
    for entry in ENTRIES:
        assert set(entry) == set(errata.FIELDS)
        assert entry["version"] == xentdoc.__version__  # no release before this one carried corrections
        assert isinstance(entry["date"], datetime.date)
    pages = {entry["page"].partition("#")[0] for entry in ENTRIES}
    assert {"cross-entropy.md", "gradients.md", "sigmoid.md", "api/sigmoid.md", "api/binary.md"} <= pages


def test_the_errata_page_lists_every_entry_with_a_working_link(built_site):
    page_file = built_path(built_site, "errata.md")
    page = page_file.read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", page, re.S)
    assert len(rows) == len(ENTRIES)
    assert f"<h2 id=\"version-{xentdoc.__version__.replace('.', '')}\">Version {xentdoc.__version__}" in page
    linked = []
    for date, cell in rows:
        href = html.unescape(re.search(r'href="([^"]+)"', cell)[1])
        target, _, anchor = href.partition("#")
        built = (page_file.parent / target).resolve()
        built = built / "index.html" if built.is_dir() else built
        assert built.is_file(), href
        if anchor:
            assert f'id="{anchor}"' in built.read_text(encoding="utf-8"), href
        linked.append((date, built.relative_to(built_site.resolve()).as_posix(), anchor))
    expected = sorted((e["date"].isoformat(), built_path(built_site, e["page"].partition("#")[0]).resolve()
                       .relative_to(built_site.resolve()).as_posix(), e["page"].partition("#")[2]) for e in ENTRIES)
    assert sorted(linked) == expected


def test_an_entry_without_a_field_or_with_an_unknown_page_fails_the_build(tmp_path):
    good = {"version": "0.1.0", "date": datetime.date(2026, 12, 1), "page": "softmax.md", "wrong": "a", "right": "b"}
    data = tmp_path / "errata.yml"
    data.write_text(yaml.safe_dump([{**good, "right": ""}]))
    with pytest.raises(BuildError, match="entry 1 has no right"):
        errata.load_errata(data)
    data.write_text(yaml.safe_dump([{**good, "page": "no-such-page.md"}]))
    with pytest.raises(BuildError, match="no page docs/no-such-page.md"):
        errata.load_errata(data)
    markdown = errata.errata_markdown([good, {**good, "version": "0.2.0", "date": datetime.date(2027, 1, 5)}])
    assert markdown.index("## Version 0.2.0") < markdown.index("## Version 0.1.0")
    assert "| 2026-12-01 | [Softmax](softmax.md) | a | b |" in markdown
