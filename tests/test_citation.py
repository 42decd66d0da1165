"""CITATION.cff is valid, in step with the package and the site, and the Cite page is built from it."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

import xentdoc
from coursebuild import cite  # conftest puts the repository on sys.path
from site_config import ROOT, built_path, mkdocs_config

CFF = ROOT / "CITATION.cff"
CFFCONVERT = Path(sys.executable).with_name("cffconvert")



def cffconvert(*args, infile=CFF):
    assert CFFCONVERT.is_file(), "cffconvert is missing from the venv: make venv (test extra)"
    return subprocess.run([str(CFFCONVERT), "-i", str(infile), *args], capture_output=True, text=True)


def test_cffconvert_validates_citation_cff():
    run = cffconvert("--validate")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "valid" in run.stdout.lower()


def test_cffconvert_rejects_a_broken_copy(tmp_path):
    """The validation above can fail: the same file without its authors is refused."""
    broken = tmp_path / "CITATION.cff"
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    del data["authors"]
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cffconvert("--validate", infile=broken).returncode != 0


def test_version_matches_the_package_and_pyproject():
    data = cite.load()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert str(data["version"]) == xentdoc.__version__ == pyproject["project"]["version"]


def test_url_is_the_site_url_and_license_is_the_project_license():
    data = cite.load()
    assert data["url"] == mkdocs_config()["site_url"]
    assert data["license"] == "MIT"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == data["license"]  # an SPDX expression (setuptools >= 77)
    assert data["cff-version"] == "1.2.0"
    assert data["abstract"].strip() and len(data["keywords"]) >= 3


def _bibtex_fields(entry):
    """{field: value} of a one-entry BibTeX string, braces stripped."""
    fields = {}
    for name, value in re.findall(r"^\s*(\w+)\s*=\s*(.+?),?\s*$", entry, flags=re.M):
        fields[name.lower()] = re.sub(r"[{}]", "", value).strip()
    return fields


def test_bibtex_agrees_with_cffconvert():
    ours = cite.bibtex(cite.load())
    theirs = cffconvert("-f", "bibtex").stdout
    ours_fields, their_fields = _bibtex_fields(ours), _bibtex_fields(theirs)
    assert their_fields, theirs
    for name in ("title", "url", "year"):
        assert ours_fields[name] == their_fields[name], name
    assert ours_fields["author"] == their_fields["author"]
    # cffconvert writes the month as a number, we write BibTeX's month macro.
    assert cite.MONTHS.index(ours_fields["month"]) + 1 == int(their_fields["month"])
    # What cffconvert leaves out: a citation key that is not a placeholder, and the version.
    assert ours_fields["version"] == xentdoc.__version__
    assert re.match(r"@misc\{xentdoc\d{4},", ours)
    # The group author is braced once more, so BibTeX does not read "The xentdoc" as first names.
    assert "author = {{The xentdoc authors}}" in ours
    assert ours.count("{") == ours.count("}")


def test_apa_agrees_with_cffconvert():
    data = cite.load()
    ours = cite.apa(data)
    theirs = cffconvert("-f", "apalike").stdout.strip()
    # cffconvert's "apalike": "AUTHORS (YEAR). TITLE (version VERSION). URL: URL"
    match = re.match(r"(?P<authors>.+?) \((?P<year>\d{4})\)\. (?P<title>.+) \(version (?P<version>[^)]+)\)\. "
                     r"URL: (?P<url>\S+)$", theirs)
    assert match, theirs
    assert ours == (f"{match['authors']}. ({match['year']}). {match['title']} "
                    f"(Version {match['version']}) [Computer software]. {match['url']}")


def test_apa_initials_and_several_authors():
    data = dict(cite.load(), authors=[{"family-names": "Lovelace", "given-names": "Ada Augusta"},
                                       {"family-names": "Turing", "given-names": "Alan"}])
    assert cite.apa(data).startswith("Lovelace, A. A., & Turing, A. (")
    assert "author = {Lovelace, Ada Augusta and Turing, Alan}" in cite.bibtex(data)


def test_cite_page_shows_the_generated_entries(built_site):
    page = built_path(built_site, "cite.md").read_text(encoding="utf-8")
    assert "citation(" not in page, "a placeholder was left on the Cite page"
    text = re.sub(r"<[^>]+>", "", page)
    import html
    text = html.unescape(text)
    data = cite.load()
    assert cite.apa(data) in text
    for line in cite.bibtex(data).splitlines():
        assert line.strip() in text, line
    # CITATION.cff itself is part of the site, and the page links to it.
    assert (built_site / "CITATION.cff").read_bytes() == CFF.read_bytes()
    assert 'href="../CITATION.cff"' in page


def test_cite_page_is_in_the_nav_after_the_cheat_sheet():
    from site_config import nav_pages
    pages = nav_pages()
    assert pages.index("cite.md") == pages.index("cheat-sheet.md") + 1
