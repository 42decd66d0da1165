"""The generator's side of the build: ProperDocs (MkDocs 1.x) events calling coursebuild's lists.

The steps and their order live in coursebuild/page_pipeline.py; this file only hands them what the
generator knows (each page's Markdown, HTML and place in the site) and gives the generator the
files the build adds. It is the one hook of mkdocs.yml. A generator without hooks would run
`python -m coursebuild.page_pipeline site/` after its build instead of on_post_page and
on_post_build (tests/test_pipeline.py builds the site that way, with XENTDOC_PAGE_PIPELINE=off).

Also generator-specific: compiled Jinja templates kept between builds (`serve` rebuilds fast).
The generator loads its configuration anew for every rebuild, and with it Material's and
mkdocstrings' template environments: about a hundred templates were compiled again each time
(~1.5 s of a ~3.5 s rebuild). Jinja's bytecode cache in .cache/jinja/ keeps them; it is keyed by each
template's source checksum, so an edited or upgraded template is compiled afresh.
"""

import functools
import os
import sys
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel

# coursebuild is the repository's own code, not an installed package. The generator restores
# sys.path after importing this file, so everything is imported now.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
try:
    from coursebuild import BuildError, bundle, copy_buttons, page_pipeline, pageinfo, print_page, tables
    from coursebuild.material_css import main_stylesheet_in
finally:
    sys.path.remove(str(ROOT))

CACHE = ROOT / ".cache"
EXTRA_CSS = "stylesheets/extra.css"

_as_written: dict[str, str] = {}  # path -> a page's HTML as the generator wrote it (this build)
_finished: dict[str, str] = {}  # path -> the page as the site serves it
_site: list = []  # the Site facts, read once the theme's files are in site_dir


def pipeline_on() -> bool:
    """XENTDOC_PAGE_PIPELINE=off builds the pages as the generator writes them (for the standalone run)."""
    return os.environ.get("XENTDOC_PAGE_PIPELINE", "on") != "off"


def _errors_as_plugin_errors(event):
    @functools.wraps(event)
    def wrapped(*args, **kwargs):
        try:
            return event(*args, **kwargs)
        except BuildError as error:
            raise PluginError(str(error)) from error

    return wrapped


def _jinja_cache() -> FileSystemBytecodeCache:
    directory = CACHE / "jinja"
    directory.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(directory))


@_errors_as_plugin_errors
def on_config(config):
    copy_buttons.check_theme(config["theme"]["language"], config["theme"]["features"])
    page_pipeline.start_build(CACHE)
    _as_written.clear()
    _finished.clear()
    _site.clear()
    # The theme's environment is made more than once per build (pages, the sitemap): every one
    # made through the theme gets the cache.
    cache = _jinja_cache()
    make_env = config.theme.get_env

    def get_env_with_cache():
        env = make_env()
        env.bytecode_cache = cache
        return env

    config.theme.get_env = get_env_with_cache
    return config


def on_pre_build(config):
    pageinfo.read_git_status()


@_errors_as_plugin_errors
def on_files(files, config):
    # mkdocstrings renders the API reference with its own environment, while pages are
    # converted (before on_env): give it the cache now.
    plugin = config.plugins.get("mkdocstrings")
    if plugin is not None:
        plugin.handlers.get_handler("python").env.bytecode_cache = _jinja_cache()
    offline = bundle.is_offline(config.plugins)
    files_added = page_pipeline.site_files(CACHE)
    if offline:  # the bundle's site, opened from disk: no print page (the bundle has the PDF)
        files_added = bundle.offline_site_files(files_added)
    for path, content in files_added.items():
        if path == "versions.json" and (config["extra"].get("version") or {}).get("provider") != "mike":
            continue
        inclusion = InclusionLevel.NOT_IN_NAV if path.endswith(".md") else InclusionLevel.UNDEFINED
        if isinstance(content, Path):
            files.append(File.generated(config, path, abs_src_path=str(content), inclusion=inclusion))
        else:
            files.append(File.generated(config, path, content=content, inclusion=inclusion))
    extra = files.get_file_from_path(EXTRA_CSS)
    if extra is None:
        raise PluginError(f"{EXTRA_CSS} is not in the site")
    extra.content_string = tables.extra_css_with_table_rules(extra.content_string,
                                                             main_stylesheet_in(config["theme"].dirs))
    return files


@_errors_as_plugin_errors
def on_page_markdown(markdown, page, config, files):
    for step in page_pipeline.SOURCE_STEPS:
        markdown = step(markdown, page.file.src_uri, page.file.url)
    return markdown


def on_page_content(content, page, config, files):
    if not page.meta.get("description"):
        page.meta["description"] = pageinfo.describe(content) or config["site_description"]
    source = Path(page.file.abs_src_path) if page.file.abs_src_path else None
    for step in page_pipeline.CONTENT_STEPS:
        content = step(content, source)
    return content


@_errors_as_plugin_errors
def on_post_page(output, page, config):
    if not pipeline_on():
        return output
    path = page.file.dest_uri
    _as_written[path] = output
    if path == print_page.PRINT_PAGE:
        return output  # finished in on_post_build, from the other pages
    if not _site:
        _site.append(page_pipeline.Site.read(config["site_dir"]))
    _finished[path] = page_pipeline.finish(output, page_pipeline.Page(path, _site[0], source_file=page.file.src_uri))
    return _finished[path]


@_errors_as_plugin_errors
def on_post_build(config):
    if not pipeline_on():
        return
    site_dir = Path(config["site_dir"])
    if bundle.is_offline(config.plugins):
        page_pipeline.end_build(site_dir, _finished.values(), CACHE)
        bundle.fonts_inlined(site_dir)
        return
    if print_page.PRINT_PAGE not in _as_written:
        raise PluginError(f"no {print_page.PRINT_PAGE} was built (the print page's shell)")
    chapters = page_pipeline.chapters_from(_as_written, Path(config.config_file_path))
    printed = page_pipeline.finish(_as_written[print_page.PRINT_PAGE],
                                   page_pipeline.Page(print_page.PRINT_PAGE, _site[0], chapters))
    (site_dir / print_page.PRINT_PAGE).write_text(printed, encoding="utf-8")
    _finished[print_page.PRINT_PAGE] = printed
    page_pipeline.end_build(site_dir, _finished.values(), CACHE)
