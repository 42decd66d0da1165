"""The figure registry: ``@figure(...)`` records a figure function, ``discover()`` finds them all.

A figure module looks like this (see the other modules of ``xentdoc.figures``)::

    from xentdoc.figures.registry import figure
    from xentdoc.figures.style import new_figure

    @figure("sigmoid-curve", alt="A sentence saying what the plot shows.", caption="Short caption.")
    def sigmoid_curve():
        fig, ax = new_figure()
        ...
        return fig

A page places it with a line ``{{ figure("sigmoid-curve") }}``. Helpers shared by several figure
modules go in a module whose name starts with ``_``: those count as shared code in the cache key.
"""

import hashlib
import importlib
import io
import os
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

#: Figure names become file names (``figures/NAME.svg``) and HTML ids.
NAME_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the xentdoc package
# Modules of xentdoc.figures that register no figure but that every figure depends on.
_SHARED_FIGURE_MODULES = {"__init__.py", "registry.py", "style.py"}


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its name, its alt text and caption, and the function drawing it."""

    name: str
    alt: str
    caption: str
    func: Callable

    @property
    def source_file(self) -> Path:
        return Path(sys.modules[self.func.__module__].__file__)


#: name -> FigureSpec, filled by the ``@figure`` decorator as figure modules are imported.
REGISTRY: dict[str, FigureSpec] = {}


def figure(name, alt, caption):
    """Register the decorated function (no arguments, returns a ``Figure``) as figure ``name``.

    >>> @figure("doc-example", alt="An empty plot that only shows how figures are registered.",
    ...         caption="Nothing to see.")
    ... def doc_example():
    ...     pass
    >>> REGISTRY.pop("doc-example").caption
    'Nothing to see.'
    """
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"figure name must be lowercase letters, digits, '-' or '_', got {name!r}")
    for param, value in (("alt", alt), ("caption", caption)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"figure {name!r}: `{param}` must be a non-empty string, got {value!r}")

    def register(func):
        previous = REGISTRY.get(name)
        same = previous and (previous.func.__module__, previous.func.__qualname__) == (
            func.__module__, func.__qualname__)
        if previous and not same:  # the same function imported again (a reload) is fine
            raise ValueError(f"figure name {name!r} is used twice: by "
                             f"{previous.func.__module__}.{previous.func.__qualname__} and "
                             f"{func.__module__}.{func.__qualname__}")
        REGISTRY[name] = FigureSpec(name, alt.strip(), caption.strip(), func)
        return func

    return register


def _sources_digest(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def shared_sources_digest():
    """Hash of the package code every figure may depend on: xentdoc itself, style, registry, ``_*.py``."""
    figures_dir = PACKAGE_DIR / "figures"
    return _sources_digest(
        p for p in PACKAGE_DIR.rglob("*.py")
        if p.parent != figures_dir or p.name in _SHARED_FIGURE_MODULES or p.name.startswith("_"))


_loaded_digest = None


def discover():
    """Import every module of ``xentdoc.figures`` and return the registry, sorted by name.

    When the package's sources changed since the last call (``mkdocs serve``), its modules are
    imported afresh so that figures are drawn by the current code (a change to this module or
    to ``xentdoc/figures/__init__.py`` needs a restart of ``mkdocs serve``).
    """
    global _loaded_digest
    digest = _sources_digest(PACKAGE_DIR.rglob("*.py"))
    if _loaded_digest is not None and digest != _loaded_digest:
        keep = {"xentdoc.figures", __name__}  # the registry keeps its identity across reloads
        for module in [m for m in sys.modules if m == "xentdoc" or m.startswith("xentdoc.")]:
            if module not in keep:
                del sys.modules[module]
        REGISTRY.clear()
        importlib.invalidate_caches()
        # The fresh top-level package must still reach the subpackage kept above.
        importlib.import_module("xentdoc").figures = sys.modules["xentdoc.figures"]
    _loaded_digest = digest
    package = importlib.import_module("xentdoc.figures")
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
    return dict(sorted(REGISTRY.items()))


def render_svg(fig) -> bytes:
    """Return ``fig`` as SVG bytes, identical from one run to the next (no date, fixed ids).

    >>> from xentdoc.figures.style import new_figure
    >>> fig, ax = new_figure()
    >>> render_svg(fig) == render_svg(fig)
    True
    """
    import matplotlib

    buffer = io.BytesIO()
    # A fixed salt makes matplotlib's element ids reproducible; text as paths needs no font.
    with matplotlib.rc_context({"svg.hashsalt": "xentdoc", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def draw(spec: FigureSpec) -> bytes:
    """Call the figure function in the course's style and return its SVG."""
    from matplotlib.figure import Figure

    from xentdoc.figures.style import context

    with context():
        fig = spec.func()
    if not isinstance(fig, Figure):
        raise TypeError(f"figure {spec.name!r}: {spec.func.__qualname__} must return a "
                        f"matplotlib.figure.Figure, got {type(fig).__name__}")
    return render_svg(fig)


def cache_key(spec: FigureSpec, shared_digest: str) -> str:
    """Key of a rendered figure: its module's source, the shared sources, the library versions."""
    import matplotlib
    import numpy

    digest = hashlib.sha256(f"{spec.name}\0{matplotlib.__version__}\0{numpy.__version__}\0"
                            f"{shared_digest}\0".encode())
    digest.update(spec.source_file.read_bytes())
    return digest.hexdigest()


_rendered: dict[str, bytes] = {}  # cache key -> SVG; lives as long as the process (mkdocs serve)


def render(spec: FigureSpec, cache_dir=None, shared_digest=None) -> bytes:
    """``draw(spec)``, cached in memory and, when ``cache_dir`` is given, on disk."""
    key = cache_key(spec, shared_digest or shared_sources_digest())
    if key in _rendered:
        return _rendered[key]
    path = Path(cache_dir) / f"{spec.name}-{key}.svg" if cache_dir else None
    if path and path.is_file():
        svg = path.read_bytes()
    else:
        svg = draw(spec)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in path.parent.glob(f"{spec.name}-*.svg"):
                if re.fullmatch(re.escape(spec.name) + "-[0-9a-f]{64}", stale.stem):
                    stale.unlink(missing_ok=True)  # an older render of this figure
            temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
            temporary.write_bytes(svg)
            temporary.replace(path)  # atomic: a killed build leaves no half-written figure
    _rendered[key] = svg
    return svg


def svg_size(svg: bytes):
    """``(width, height)`` in CSS pixels of an SVG written by matplotlib (sizes in pt)."""
    match = re.search(rb'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if not match:
        raise ValueError("SVG root has no width and height in pt")
    return tuple(round(float(v) * 4 / 3) for v in match.groups())
