"""The offline bundle's site: the course built to be opened from disk (file://), for `make bundle`.

mkdocs-offline.yml is mkdocs.yml with Material's `offline` plugin, which sets
`use_directory_urls: false` for that build only and inlines the search index into a script. The
adapter then adds `offline_site_files` instead of the usual files: the same, less the print page
(the bundle holds the PDF), plus the iframe-worker shim that lets search run without a server, from
node_modules/ (npm, pinned) instead of the CDN the offline plugin would link to. Once the pages
are finished, `fonts_inlined` puts the math font into the stylesheet (file:// refuses font files).
scripts/make_bundle.py builds that site and zips it with the PDF, the notebooks and the wheel.
"""

import base64
import re
from pathlib import Path

from coursebuild import ROOT, BuildError
from coursebuild.print_page import PRINT_SOURCE, print_css_files

SHIM = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
SHIM_PATH = "javascripts/iframe-worker.js"  # mkdocs-offline.yml's extra.polyfills names it


def is_offline(plugins) -> bool:
    """True for the build of mkdocs-offline.yml (Material's offline plugin enabled)."""
    return any(name.split("/")[-1] == "offline" and getattr(plugin.config, "enabled", True)
               for name, plugin in plugins.items())


def offline_site_files(files: dict) -> dict:
    if not SHIM.is_file():
        raise BuildError(f"{SHIM.relative_to(ROOT)} is missing: run `npm ci` (make venv)")
    dropped = {PRINT_SOURCE, *print_css_files()}
    kept = {path: content for path, content in files.items() if path not in dropped}
    kept[SHIM_PATH] = SHIM
    return kept


FONT_URL = re.compile(r'url\("(?P<path>(?:\.\./)*assets/fonts/(?P<name>[\w.-]+\.woff2))"\)')
FONT_PRELOAD = re.compile(r'<link rel="preload" href="[^"]*\.woff2" as="font"[^>]*>\n?')


def fonts_inlined(site_dir: Path) -> int:
    """After the offline build: each web font of the site's stylesheets as a data: URL, and no
    font preload. From file:// Chromium treats every file as its own origin, and a font is a CORS
    request, so a font file next to the page is refused; a data: URL is not. Returns how many."""
    site_dir = Path(site_dir)
    count = 0
    for sheet in sorted((site_dir / "stylesheets").glob("*.css")):
        css = sheet.read_text(encoding="utf-8")

        def inline(match):
            nonlocal count
            font = (sheet.parent / match["path"]).resolve()
            if not font.is_file():
                raise BuildError(f"{sheet.name}: {match['path']} is not in the site")
            count += 1
            return f'url("data:font/woff2;base64,{base64.b64encode(font.read_bytes()).decode()}")'

        changed = FONT_URL.sub(inline, css)
        if changed != css:
            sheet.write_text(changed, encoding="utf-8")
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if FONT_PRELOAD.search(html):
            page.write_text(FONT_PRELOAD.sub("", html), encoding="utf-8")
    return count
