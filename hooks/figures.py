"""MkDocs hook: draw the course's figures at build time and place them in the pages.

A line holding only `{{ figure("NAME") }}` (indented or not) becomes an <img> of
figures/NAME.svg with the figure's alt text and caption, followed by a collapsed
"Code for this figure" with the function's source. The figures live in xentdoc/figures/
(see xentdoc/figures/registry.py); this hook only wires them into MkDocs. The SVGs are
added to the build in memory (never written into docs/, which would make `serve` loop) and
cached in .cache/figures/ under a hash of the code that draws them.
"""

import html
import inspect
import posixpath
import re
import textwrap
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from xentdoc.figures import registry

FIGURE_LINE = re.compile(
    r'^(?P<indent>[ \t]*)\{\{\s*figure\(\s*"(?P<name>[^"]*)"\s*\)\s*\}\}[ \t]*$', re.M)

_figures = {}  # name -> (spec, width, height), refreshed by on_files at every build


def on_files(files, config):
    cache_dir = Path(config.config_file_path).parent / ".cache" / "figures"
    specs = registry.discover()
    shared = registry.shared_sources_digest()
    _figures.clear()
    for name, spec in specs.items():
        try:
            svg = registry.render(spec, cache_dir, shared)
        except Exception as error:
            raise PluginError(f"figure {name!r} ({spec.func.__module__}) failed: {error!r}") from error
        files.append(File.generated(config, f"figures/{name}.svg", content=svg))
        _figures[name] = (spec, *registry.svg_size(svg))
    return files


def _figure_markdown(spec, width, height, src, indent):
    """The figure, then its source code in a collapsed <details>.

    The source is a plain <pre>, not a highlighted block: thousands of highlighting spans in
    collapsed code made every style and layout pass of the page slower (Lighthouse measured it).
    """
    esc = html.escape
    code = textwrap.dedent(inspect.getsource(spec.func)).rstrip("\n")
    module_path = f"xentdoc/figures/{spec.func.__module__.rsplit('.', 1)[-1]}.py"
    lines = [
        f'<figure class="xd-figure" id="figure-{spec.name}">',
        f'<img src="{esc(src)}" alt="{esc(spec.alt)}" width="{width}" height="{height}" loading="lazy">',
        f"<figcaption>{esc(spec.caption)}</figcaption>",
        "</figure>",
        '<details class="example xd-figure-code">',
        f"<summary>Code for this figure (<code>{esc(module_path)}</code>)</summary>",
        f"<pre><code>{esc(code, quote=False)}</code></pre>",
        "</details>",
        "",
    ]
    return "\n".join(indent + line if line else "" for line in "\n".join(lines).split("\n"))


def on_page_markdown(markdown, page, config, files):
    # URL of figures/NAME.svg relative to where this page is served (e.g. "../figures/x.svg").
    page_dir = page.file.url if page.file.url.endswith("/") else posixpath.dirname(page.file.url)

    def place(match):
        name = match.group("name")
        if name not in _figures:
            known = ", ".join(_figures) or "none"
            raise PluginError(f'{page.file.src_uri}: unknown figure {{{{ figure("{name}") }}}}; '
                              f"registered figures: {known}")
        src = posixpath.relpath(f"figures/{name}.svg", page_dir or ".")
        return _figure_markdown(*_figures[name], src, match.group("indent"))

    return FIGURE_LINE.sub(place, markdown)
