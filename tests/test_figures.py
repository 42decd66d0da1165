"""The course's figures: each draws, deterministically, with real alt text, and is on a page."""

import functools
import json
import re
import subprocess
import sys

import pytest

from conftest import DOCS, ROOT
from xentdoc.figures import registry

FIGURES = registry.discover()
FIGURE_LINE = re.compile(r'^[ \t]*\{\{\s*figure\(\s*"(?P<name>[^"]*)"\s*\)\s*\}\}[ \t]*$', re.M)


def figures_used_on_pages():
    """{name: [page, ...]} for every `{{ figure("NAME") }}` line in docs/."""
    used = {}
    for page in sorted(DOCS.rglob("*.md")):
        for match in FIGURE_LINE.finditer(page.read_text(encoding="utf-8")):
            used.setdefault(match["name"], []).append(str(page.relative_to(DOCS)))
    return used


@functools.cache
def svg_of(name):
    return registry.draw(FIGURES[name])


@pytest.mark.parametrize("name", FIGURES)
def test_figure_renders_to_svg(name):
    svg = svg_of(name)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    width, height = registry.svg_size(svg)
    assert 200 <= width <= 2000 and 100 <= height <= 2000
    # Text is drawn as paths: no <text> element means no font is needed to view the figure.
    assert b"<text" not in svg


@pytest.mark.parametrize("name", FIGURES)
def test_figure_renders_to_identical_bytes_twice(name):
    assert registry.draw(FIGURES[name]) == svg_of(name)


@pytest.mark.parametrize("name", FIGURES)
def test_alt_text_is_a_descriptive_sentence(name):
    spec = FIGURES[name]
    words = spec.alt.split()
    assert len(words) >= 8, f"{name}: alt text should say what the figure shows in a sentence"
    assert spec.alt[0].isupper() and spec.alt.endswith("."), f"{name}: alt text is not a sentence"
    normalise = lambda text: re.sub(r"[^a-z0-9]", "", text.lower())  # noqa: E731
    assert normalise(spec.alt) not in (normalise(spec.name), normalise(spec.caption))


def test_figures_are_identical_in_a_fresh_process():
    """A new interpreter (new hash seed, nothing cached) draws the same bytes; no pyplot involved."""
    script = (
        "import hashlib, json, sys\n"
        "from xentdoc.figures import registry\n"
        "digests = {n: hashlib.sha256(registry.draw(s)).hexdigest() for n, s in registry.discover().items()}\n"
        "print(json.dumps({'digests': digests, 'pyplot': 'matplotlib.pyplot' in sys.modules}))\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "12345", "PATH": ""})
    result = json.loads(run.stdout)
    assert result["pyplot"] is False, "figures must use matplotlib.figure.Figure, not pyplot"
    import hashlib
    assert result["digests"] == {n: hashlib.sha256(svg_of(n)).hexdigest() for n in FIGURES}


def test_package_import_does_not_need_matplotlib():
    script = "import sys, xentdoc; print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_render_caches_on_disk_under_a_content_key(tmp_path):
    for name, spec in FIGURES.items():
        assert registry.render(spec, tmp_path) == svg_of(name)
        key = registry.cache_key(spec, registry.shared_sources_digest())
        assert (tmp_path / f"{name}-{key}.svg").read_bytes() == svg_of(name)
    assert len(list(tmp_path.iterdir())) == len(FIGURES)


def test_every_figure_on_a_page_exists():
    unknown = {name: pages for name, pages in figures_used_on_pages().items() if name not in FIGURES}
    assert not unknown, f"pages use figures that no module registers: {unknown}"


def test_every_registered_figure_is_used_on_a_page():
    unused = sorted(set(FIGURES) - set(figures_used_on_pages()))
    assert not unused, f"figures drawn but placed on no page: {unused}"


def test_registry_rejects_bad_declarations():
    with pytest.raises(ValueError, match="figure name"):
        registry.figure("Bad Name", alt="x", caption="y")
    with pytest.raises(ValueError, match="`alt`"):
        registry.figure("fine-name", alt=" ", caption="y")
    existing = next(iter(FIGURES.values()), None)
    if existing is not None:
        with pytest.raises(ValueError, match="used twice"):
            registry.figure(existing.name, alt="a", caption="b")(lambda: None)


def _background_of(text, fig):
    """The colour behind a text's anchor: the cell of a heat map under it, else its axes' or the figure's."""
    import numpy as np
    from matplotlib.image import AxesImage

    axes = text.axes
    if axes is not None:
        x, y = text.get_position() if text.get_transform() == axes.transData else (None, None)
        for image in (artist for artist in axes.get_children() if isinstance(artist, AxesImage)):
            left, right, bottom, top = image.get_extent()
            if x is not None and min(left, right) <= x <= max(left, right) and min(bottom, top) <= y <= max(bottom, top):
                data = np.asarray(image.get_array())
                column = int((x - min(left, right)) / abs(right - left) * data.shape[1])
                row = int((y - min(bottom, top)) / abs(top - bottom) * data.shape[0])  # imshow: row n at y = n
                return image.cmap(image.norm(data[row, column]))
        return axes.get_facecolor()
    return fig.get_facecolor()


@pytest.mark.parametrize("name", FIGURES)
def test_every_text_of_a_figure_contrasts_at_least_4_5_to_1(name):
    # The figures are drawn on white in both palettes (the slate one frames them): each label, tick,
    # legend entry and annotation must read against what is behind it (WCAG 2.1 AA, 4.5:1).
    from matplotlib.text import Text

    from xentdoc.figures.style import context, contrast_ratio

    with context():
        fig = FIGURES[name].func()
        fig.canvas.draw()  # lays the texts out (tick labels exist once drawn)
        low = []
        for text in fig.findobj(Text):
            if not text.get_visible() or not text.get_text().strip():
                continue
            ratio = contrast_ratio(text.get_color(), _background_of(text, fig))
            if ratio < 4.5:
                low.append(f"{text.get_text()!r} at {ratio:.2f}:1")
    assert not low, f"{name}: {low}"
