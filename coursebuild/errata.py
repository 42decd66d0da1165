"""Errata and error reports: the Errata page from data/errata.yml, and the links that end each page.

- `write_errata` (a SOURCE_STEP) turns the line `{{ errata() }}` of docs/errata.md into the list of
  corrections of data/errata.yml, one table per version (newest first): date, page (linked), what
  was wrong, what is right. An entry without a field, or naming a page that is not in docs/, fails
  the build.
- `add_report_links` (a CONTENT_STEP) ends every page of docs/ with "Report an error on this page",
  a link that opens a new issue on the repository prefilled with the page's title, address and
  version, and "Edit this page", the page's source on the repository (for the Errata page, the data
  file). Plain links: no script, no request when the page loads (Material's `repo_url` widget
  would ask the GitHub API for stars and forks). The repository is CITATION.cff's
  `repository-code`; the address is the page's under mkdocs.yml's `site_url`.
"""

import datetime
import functools
import html
import re
import urllib.parse
from pathlib import Path

import yaml

import xentdoc
from coursebuild import ROOT, BuildError
from coursebuild.cite import load as load_citation

DOCS = ROOT / "docs"
ERRATA = ROOT / "data" / "errata.yml"
ERRATA_PAGE = "errata.md"
BRANCH = "main"
FIELDS = ("version", "date", "page", "wrong", "right")
PLACEHOLDER = re.compile(r"^[ \t]*\{\{\s*errata\(\s*\)\s*\}\}[ \t]*$", re.M)
REPORT_CLASS = "xd-page-report"


@functools.cache
def repository() -> str:
    """The repository's web address, e.g. https://github.com/xentdoc/xentdoc (CITATION.cff)."""
    return load_citation()["repository-code"].rstrip("/")


@functools.cache
def site_url() -> str:
    from coursebuild.page_pipeline import _Loader  # mkdocs.yml's Python tags read as plain values

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    return config["site_url"].rstrip("/") + "/"


def page_address(source: str) -> str:
    """The published address of docs/`source` (e.g. "softmax.md" -> .../softmax/)."""
    path = source[:-3]
    if path == "index" or path.endswith("/index"):
        path = path[:-5]
    else:
        path += "/"
    return site_url() + path


def edit_address(source: str) -> str:
    target = "data/errata.yml" if source == ERRATA_PAGE else f"docs/{source}"
    return f"{repository()}/edit/{BRANCH}/{target}"


def report_address(title: str, source: str) -> str:
    version = xentdoc.__version__
    body = (f"Page: {title}\nAddress: {page_address(source)}\nVersion: {version}\n\n"
            "What is wrong (quote the sentence, formula or output):\n\n\n"
            "What it should say, and why:\n\n")
    query = urllib.parse.urlencode({"title": f"Error on \"{title}\" ({version})", "body": body},
                                   quote_via=urllib.parse.quote)
    return f"{repository()}/issues/new?{query}"


def _title(content: str) -> str | None:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", content, re.S)
    if not match:
        return None
    text = re.sub(r'<a class="headerlink".*?</a>', "", match.group(1), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def add_report_links(content: str, source: Path | None) -> str:
    """The page's HTML (before the theme) ending with its report and edit links."""
    if source is None:
        return content  # a page the build generates (the print page)
    try:
        relative = Path(source).resolve().relative_to(DOCS).as_posix()
    except ValueError:
        return content
    title = _title(content) or relative
    esc = html.escape
    return content + (
        f'\n<aside class="{REPORT_CLASS}" aria-label="Report an error or edit this page"><p>'
        f'<a href="{esc(report_address(title, relative))}">Report an error on this page</a> · '
        f'<a href="{esc(edit_address(relative))}">Edit this page</a></p></aside>\n')


# ---- The Errata page ----

def load_errata(path: Path = ERRATA) -> list[dict]:
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise BuildError(f"{path.name}: a list of entries is expected")
    for number, entry in enumerate(entries, 1):
        missing = [field for field in FIELDS if not str(entry.get(field, "")).strip()]
        if missing:
            raise BuildError(f"{path.name}: entry {number} has no {', '.join(missing)}")
        if not isinstance(entry["date"], datetime.date):
            raise BuildError(f"{path.name}: entry {number}: date must be YYYY-MM-DD, not {entry['date']!r}")
        page = entry["page"].partition("#")[0]
        if not (DOCS / page).is_file():
            raise BuildError(f"{path.name}: entry {number}: no page docs/{page}")
    return entries


def _version_key(version: str):
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[.]", version))


@functools.cache
def _page_title(page: str) -> str:
    match = re.search(r"^# (.+)$", (DOCS / page).read_text(encoding="utf-8"), re.M)
    return match.group(1).strip() if match else page


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def errata_markdown(entries: list[dict], page_url_from: str = ERRATA_PAGE) -> str:
    versions = sorted({str(entry["version"]) for entry in entries}, key=_version_key, reverse=True)
    out = []
    for version in versions:
        rows = [e for e in entries if str(e["version"]) == version]
        out += [f"## Version {version}", "",
                f"{len(rows)} correction{'s' if len(rows) != 1 else ''}.", "",
                "| date | page | what was wrong | what is right |", "|---|---|---|---|"]
        for entry in sorted(rows, key=lambda e: e["date"], reverse=True):
            page, _, anchor = entry["page"].partition("#")
            link = f"[{_cell(_page_title(page))}]({entry['page']})"
            out.append(f"| {entry['date'].isoformat()} | {link} | {_cell(entry['wrong'])} | {_cell(entry['right'])} |")
        out.append("")
    return "\n".join(out)


def write_errata(markdown: str, source: str, url: str = "") -> str:
    """The `{{ errata() }}` line of the Errata page as the corrections of data/errata.yml."""
    if not PLACEHOLDER.search(markdown):
        return markdown
    if source != ERRATA_PAGE:
        raise BuildError(f"{source}: {{{{ errata() }}}} belongs on {ERRATA_PAGE} only")
    listing = errata_markdown(load_errata())
    return PLACEHOLDER.sub(lambda match: listing, markdown)
