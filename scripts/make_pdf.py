"""Print the whole course (the site's print page) to a PDF with headless Chromium.

    python scripts/make_pdf.py [--site site] [--out xentdoc-course.pdf]

The site must be built already (`make pdf` builds it first). The script serves it on 127.0.0.1
on a free port, opens print_page/ in Debian's Chromium through Playwright (no browser download),
waits until the page and its figures have loaded, and prints it to A4 with an outline (PDF
bookmarks) made from the headings, so each chapter of the course is a top-level bookmark.
"""

import argparse
import contextlib
import functools
import http.server
import os
import sys
import threading
from pathlib import Path

CHROMIUM = os.environ.get("XENTDOC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port) for the duration of the block; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def print_course(site: Path, out: Path, chromium: str = CHROMIUM, browser=None) -> Path:
    """Write the course in `site` (a built site) as a PDF to `out`; return `out`.

    `browser`: a Playwright Chromium browser already running (the tests pass theirs); by default
    one is launched from `chromium` for this print and closed after it.
    """
    site = Path(site)
    if not (site / "print_page" / "index.html").is_file():
        raise SystemExit(f"{site}/print_page/index.html is missing: build the site first (make site)")
    if browser is None:
        from playwright.sync_api import sync_playwright

        if not Path(chromium).is_file():
            raise SystemExit(f"Chromium not found at {chromium} (apt-get install chromium)")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                return print_course(site, out, browser=launched)
            finally:
                launched.close()
    external = []
    with serve(site) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            # The course requests nothing from another host; stop the print if it tries.
            page.on("request", lambda request: None if request.url.startswith(base) or
                    request.url.startswith("data:") else external.append(request.url))
            page.goto(base + "print_page/", wait_until="load")
            # The figures are lazy (loaded when scrolled to): load them all for the print.
            page.evaluate("document.querySelectorAll('img').forEach(img => { img.loading = 'eager'; })")
            page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            page.emulate_media(media="print")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                     margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
        finally:
            context.close()
    if external:
        raise SystemExit(f"the print page requested other hosts: {external}")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site)")
    parser.add_argument("--out", type=Path, default=Path("xentdoc-course.pdf"), help="the PDF to write")
    args = parser.parse_args(argv)
    out = print_course(args.site, args.out)
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
