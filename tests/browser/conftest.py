"""Browser fixtures: the built site served on 127.0.0.1, one headless Chromium for the session.

Chromium is Debian's (``/usr/bin/chromium``, or ``XENTDOC_CHROMIUM``), driven by the ``playwright``
package's own driver; no browser is ever downloaded. Without Chromium or playwright the browser
tests skip, or fail under ``XENTDOC_REQUIRE_OPTIONAL=1`` (see ``tests/conftest.py``).

Every context made by ``open_tab`` routes every request: a request to any host other than
127.0.0.1 is aborted and recorded, so a test can assert that the site stays on this machine.
Console errors, page errors and HTTP errors are recorded on the ``Tab`` as well.
"""

import functools
import os
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import optional_required, require

CHROMIUM = os.environ.get("XENTDOC_CHROMIUM", "/usr/bin/chromium")
# Quiet offline: no sandbox (containers), no GPU, no update/sync/background traffic.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]
HOST = "127.0.0.1"
# Generated pages that are not course pages.
NOT_PAGES = {"404.html"}
DESKTOP = {"width": 1280, "height": 900}


def site_pages(site: Path) -> list[str]:
    """URL paths ("", "softmax/", ...) of every page of the built site, found from its files."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        relative = index.relative_to(site)
        if relative.parts[0] in ("assets", "search") or relative.name in NOT_PAGES:
            continue
        parent = relative.parent.as_posix()
        pages.append("" if parent == "." else parent + "/")
    return pages


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff",
                      ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    """Base URL (ending in "/") of the built site, served by http.server in a thread."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer((HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def pages(built_site):
    found = site_pages(built_site)
    assert found, f"no page found in {built_site}"
    return found


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        message = f"Chromium not found at {CHROMIUM} (Debian package `chromium`)"
        if optional_required():
            pytest.fail(f"{message}, and XENTDOC_REQUIRE_OPTIONAL=1 forbids skipping", pytrace=False)
        pytest.skip(message)
    sync_api = require("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page of its own browser context, with what went wrong on it recorded."""

    context: object
    page: object
    base: str
    external: list = field(default_factory=list)   # URLs of requests to other hosts (aborted)
    errors: list = field(default_factory=list)     # console errors, page errors, HTTP errors

    def goto(self, path: str = ""):
        """Open a page of the site and wait until it, its fonts and its scripts are ready."""
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{path or '/'}: HTTP {response and response.status}"
        self.page.evaluate("document.fonts.ready.then(() => true)")
        # Material's script starts after the first frame (coursebuild/theme_script.py) and mounts its
        # components when it publishes the page on document$; a subscriber added now runs after
        # that (at once if it has happened). The print page loads no Material script.
        if self.page.evaluate("!!document.querySelector('link[rel=preload][as=script][href*=\"/bundle.\"]')"):
            self.page.wait_for_function("typeof document$ !== 'undefined'")
            self.page.evaluate("document$.subscribe(() => setTimeout(() => { window.xdMounted = true; }, 0))")
            self.page.wait_for_function("window.xdMounted === true")
        return response

    def take_errors(self):
        errors, self.errors[:] = list(self.errors), []
        return errors

    def close(self):
        self.context.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == HOST


@pytest.fixture(scope="session")
def open_tab(browser, site_url):
    """``open_tab(**context_options)`` -> a new ``Tab``; all are closed at the end of the session."""
    tabs = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        page = context.new_page()
        tab = Tab(context, page, site_url)

        def route(route):
            if _is_local(route.request.url):
                route.continue_()
            else:
                tab.external.append(route.request.url)
                route.abort("blockedbyclient")

        def on_request(request):  # also catches what a worker fetches, should routing miss it
            if not _is_local(request.url) and request.url not in tab.external:
                tab.external.append(request.url)

        def on_response(response):
            if response.status >= 400:
                tab.errors.append(f"HTTP {response.status} {response.url}")

        context.route("**/*", route)
        context.on("request", on_request)
        page.on("response", on_response)
        page.on("console", lambda message: message.type == "error" and tab.errors.append(
            f"console error: {message.text} ({message.location.get('url', '')})"))
        page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
        page.set_default_timeout(20_000)
        tabs.append(tab)
        return tab

    yield make
    for tab in tabs:
        tab.close()
