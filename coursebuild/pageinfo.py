"""What every page says about itself.

- At the end of each page: the version of xentdoc it documents and the date it last changed
  (its last git commit; a page with uncommitted changes, or a build outside git, gets the build
  date, or SOURCE_DATE_EPOCH's date when that is set, for reproducible builds).
- versions.json for Material's version selector in builds that mike does not publish.
- A meta description for search engines: the page's `description:` front matter if it has one,
  else its first paragraph, shortened to about 160 characters.
"""

import datetime
import html
import json
import os
import re
import subprocess
from pathlib import Path

import xentdoc
from coursebuild import ROOT

DESCRIPTION_LENGTH = 160

_dirty: set[str] | None = None  # repo-relative paths with uncommitted changes; None outside git


def _git(*args):
    run = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else None


def build_date() -> datetime.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    return datetime.datetime.now(datetime.timezone.utc).date()


def last_updated(path: Path | None) -> datetime.date:
    """Date of the last commit touching `path`, or the build date if it has uncommitted changes."""
    if path is None or _dirty is None:
        return build_date()
    try:
        relative = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return build_date()
    if relative in _dirty:
        return build_date()
    stamp = _git("log", "-1", "--format=%cs", "--", relative)
    if not stamp or not stamp.strip():
        return build_date()  # untracked
    return datetime.date.fromisoformat(stamp.strip())


def versions_json() -> str:
    """Material's version selector (extra.version.provider: mike) fetches ../versions.json from the
    site's own host. mike writes that file at the root of the published branch, above each
    version's folder; a plain build (make site, make serve, the tests) gets this one-version list
    instead, so the selector shows the version and the browser sees no 404."""
    listing = [{"version": xentdoc.__version__, "title": xentdoc.__version__, "aliases": []}]
    return json.dumps(listing)


def read_git_status() -> None:
    """Which files have uncommitted changes (their pages get the build date); once per build."""
    global _dirty
    status = _git("status", "--porcelain", "--untracked-files=all", "-z")
    if status is None:
        _dirty = None
        return
    _dirty = set()
    entries = status.split("\0")
    for entry in entries:
        if len(entry) > 3:
            _dirty.add(entry[3:])


def _tex_as_text(match) -> str:
    """A formula as plain text: its TeX without delimiters, commands and braces (`\\(z\\)` -> z)."""
    tex = html.unescape(match.group(2)).strip()
    tex = re.sub(r"^\\[(\[]|\\[)\]]$", "", tex)
    tex = re.sub(r"\\[a-zA-Z]+\s*", "", tex)
    return re.sub(r"[{}^_]", "", tex).strip()


def _plain_text(fragment: str) -> str:
    fragment = re.sub(r'<(span|div) class="arithmatex">(.*?)</\1>', _tex_as_text, fragment, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return re.sub(r"\s+", " ", text).strip()


def describe(content: str) -> str | None:
    """The first paragraph of a page's HTML as plain text, cut at a word near 160 characters."""
    for match in re.finditer(r"<p>(.*?)</p>", content, flags=re.S):
        text = _plain_text(match.group(1))
        if len(text) < 40:
            continue
        if len(text) > DESCRIPTION_LENGTH:
            text = text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return None


def add_page_info(content: str, source: Path | None) -> str:
    """The page's HTML (before the theme) with its version and last-updated date at the end."""
    updated = last_updated(source)
    footer = (
        '\n<aside class="xd-page-info" aria-label="Version and date of this page">'
        f'<p>xentdoc {html.escape(xentdoc.__version__)} · Last updated '
        f'<time datetime="{updated.isoformat()}">{updated.day} {updated:%B %Y}</time></p></aside>\n'
    )
    return content + footer
