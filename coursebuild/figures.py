"""The course's figures, drawn at build time and placed in the pages' Markdown.

A line holding only `{{ figure("NAME") }}` (indented or not) becomes an <img> of
figures/NAME.svg with the figure's alt text and caption, followed by a collapsed
"Code for this figure" with the function's source. The figures live in xentdoc/figures/
(see xentdoc/figures/registry.py). `draw_figures` gives each SVG, which the generator adds to
the build in memory (never written into docs/, which would make `serve` loop); they are cached
in .cache/figures/ under a hash of the code that draws them. `place_figures` rewrites a page's
Markdown before it is converted.
"""

import html
import inspect
import posixpath
import re
import textwrap
from pathlib import Path

from coursebuild import BuildError
from xentdoc.figures import registry

FIGURE_LINE = re.compile(
    r'^(?P<indent>[ \t]*)\{\{\s*figure\(\s*"(?P<name>[^"]*)"\s*\)\s*\}\}[ \t]*$', re.M)

_figures = {}  # name -> (spec, width, height), refreshed by draw_figures at every build


def draw_figures(cache_dir: Path) -> dict[str, str]:
    """Every registered figure as SVG text: {"figures/NAME.svg": svg}."""
    cache_dir = Path(cache_dir) / "figures"
    specs = registry.discover()
    shared = registry.shared_sources_digest()
    _figures.clear()
    drawn = {}
    for name, spec in specs.items():
        try:
            svg = registry.render(spec, cache_dir, shared)
        except Exception as error:
            raise BuildError(f"figure {name!r} ({spec.func.__module__}) failed: {error!r}") from error
        drawn[f"figures/{name}.svg"] = svg
        _figures[name] = (spec, *registry.svg_size(svg))
    return drawn


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


def place_figures(markdown: str, source: str, url: str) -> str:
    """Each figure line of a page's Markdown as the figure; `source` (e.g. "softmax.md") names the
    page in errors, `url` (e.g. "softmax/") is where it is served."""
    # URL of figures/NAME.svg relative to where this page is served (e.g. "../figures/x.svg").
    page_dir = url if url.endswith("/") else posixpath.dirname(url)

    def place(match):
        name = match.group("name")
        if name not in _figures:
            known = ", ".join(_figures) or "none"
            raise BuildError(f'{source}: unknown figure {{{{ figure("{name}") }}}}; '
                              f"registered figures: {known}")
        src = posixpath.relpath(f"figures/{name}.svg", page_dir or ".")
        return _figure_markdown(*_figures[name], src, match.group("indent"))

    return FIGURE_LINE.sub(place, markdown)
