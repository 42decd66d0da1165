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


def _color_at(axes, fig, xy, bars=()):
    """The colour at display point ``xy``: the heat-map cell there, else the axes' (or the figure's) face,
    or the topmost of ``bars`` (opaque patches) that covers it, under any translucent tint (a shaded
    span, a legend frame) that covers the point."""
    import numpy as np
    from matplotlib.colors import to_rgba
    from matplotlib.image import AxesImage

    if axes is None:
        return to_rgba(fig.get_facecolor())
    color = to_rgba(axes.get_facecolor())
    x, y = axes.transData.inverted().transform(xy)
    for image in (artist for artist in axes.get_children() if isinstance(artist, AxesImage)):
        left, right, bottom, top = image.get_extent()
        if min(left, right) <= x <= max(left, right) and min(bottom, top) <= y <= max(bottom, top):
            data = np.asarray(image.get_array())
            column = min(int((x - min(left, right)) / abs(right - left) * data.shape[1]), data.shape[1] - 1)
            row = min(int((y - min(bottom, top)) / abs(top - bottom) * data.shape[0]), data.shape[0] - 1)
            color = image.cmap(image.norm(data[row, column]))  # imshow: row n at y = n
    for bar in sorted(bars, key=lambda patch: patch.get_zorder()):
        if bar.contains_point(xy):
            color = _over(bar.get_facecolor(), color)
    for tint in _tints(axes):
        if tint.contains_point(xy):
            color = _over(tint.get_facecolor(), color)
    return color


def _background_of(text, fig):
    """The colour behind a text's anchor: the cell of a heat map under it, else its axes' or the figure's."""
    axes = text.axes
    if axes is not None and text.get_transform() == axes.transData:
        return _color_at(axes, fig, axes.transData.transform(text.get_position()))
    return axes.get_facecolor() if axes is not None else fig.get_facecolor()


def _over(color, background):
    """``color`` (with its alpha) composited over an opaque ``background``, as an opaque RGB."""
    from matplotlib.colors import to_rgba

    (r, g, b, a), (br, bg, bb, _) = to_rgba(color), to_rgba(background)
    return (a * r + (1 - a) * br, a * g + (1 - a) * bg, a * b + (1 - a) * bb)


#: Below this opacity a borderless fill is a tint of the background (a shaded span), not a mark.
TINT_ALPHA = 0.2


def _is_tint(patch):
    from matplotlib.colors import to_rgba

    no_edge = patch.get_linewidth() == 0 or to_rgba(patch.get_edgecolor())[3] == 0
    return patch.get_fill() and no_edge and to_rgba(patch.get_facecolor())[3] < TINT_ALPHA


def _tints(axes):
    legend = axes.get_legend()
    frames = [legend.get_frame()] if legend is not None and legend.get_frame_on() else []
    return [patch for patch in axes.patches if _is_tint(patch)] + frames


def _data_marks(fig):
    """(artist, [(what, colour), ...]) for every line, marker and data patch (bars, outlines, arrows) of ``fig``.

    Grid lines are left out (a faint guide by design); axes lines and ticks are in. A filled patch (a
    bar) is its face: the face must stand out by itself, since a thin outline all but vanishes when
    the SVG is scaled down to a phone's column. An unfilled patch (an outline, an arrow) is its edge
    and the foreground of any stroke path effect under it (a two-tone outline): it passes when one
    of these contrasts with what is behind it. A marker passes on its face or its edge.
    """
    from matplotlib.colors import to_rgba
    from matplotlib.patheffects import Stroke
    from matplotlib.text import Annotation

    marks = []
    for axes in fig.axes:
        grid = set(axes.xaxis.get_gridlines()) | set(axes.yaxis.get_gridlines())
        legend = axes.get_legend()
        lines = list(axes.lines) + (legend.get_lines() if legend is not None else [])
        lines += [line for axis in (axes.xaxis, axes.yaxis) for line in axis.get_ticklines()]
        for line in lines:
            if line in grid or not line.get_visible():
                continue
            alpha = line.get_alpha()
            with_alpha = lambda c: to_rgba(c, alpha) if alpha is not None else to_rgba(c)  # noqa: E731
            if line.get_linestyle() not in ("None", "none", "", " ") and line.get_linewidth() > 0:
                marks.append((line, [("line", with_alpha(line.get_color()))]))
            if line.get_marker() not in (None, "None", "none", "", " "):
                colors = [(f"marker {part}", with_alpha(c)) for part, c in
                          (("face", line.get_markerfacecolor()), ("edge", line.get_markeredgecolor()))
                          if to_rgba(c)[3] > 0]
                if colors:
                    marks.append((line, colors))
        patches = [p for p in axes.patches if not _is_tint(p)] + (legend.get_patches() if legend is not None else [])
        patches += [t.arrow_patch for t in axes.texts if isinstance(t, Annotation) and t.arrow_patch is not None]
        patches += list(axes.spines.values())
        for patch in patches:
            if not patch.get_visible():
                continue
            colors = []
            if patch.get_fill() and to_rgba(patch.get_facecolor())[3] > 0:
                colors.append(("face", patch.get_facecolor()))
            elif patch.get_linewidth() > 0 and to_rgba(patch.get_edgecolor())[3] > 0:
                colors.append(("edge", patch.get_edgecolor()))
                colors += [("outline", to_rgba(effect._gc["foreground"])) for effect in patch.get_path_effects()
                           if isinstance(effect, Stroke) and "foreground" in effect._gc]
            if colors:
                marks.append((patch, colors))
    return marks


def _backgrounds_under(artist, fig):
    """The distinct colours under ``artist``: sampled along its path, a little to each side of it."""
    import numpy as np

    from matplotlib.lines import Line2D

    axes = artist.axes
    # A line or marker is drawn on the bars below it too (a patch is checked against what is around
    # it: touching bars are told apart by their edges and hatches, not by contrast).
    bars = [patch for patch in axes.patches if patch.get_fill() and not _is_tint(patch)
            and patch.get_zorder() <= artist.get_zorder()] if axes is not None and isinstance(artist, Line2D) else []
    if axes is None or (not axes.images and not _tints(axes) and not bars):
        return {tuple(_over(axes.get_facecolor() if axes is not None else fig.get_facecolor(), "white"))}
    path = artist.get_path() if hasattr(artist, "get_path") else None
    if hasattr(artist, "get_xydata"):
        points = artist.get_transform().transform(artist.get_xydata())
    else:
        points = artist.get_transform().transform(path.interpolated(8).vertices)
    width = max(artist.get_linewidth() if hasattr(artist, "get_linewidth") else 1, 1)
    if isinstance(artist, Line2D) and artist.get_marker() not in (None, "None", "none", "", " "):
        width = max(width, artist.get_markersize() / 2)
    width *= fig.dpi / 72
    offsets = np.array([(0, 0), (width, 0), (-width, 0), (0, width), (0, -width)])
    found = set()
    for point in points[np.isfinite(points).all(axis=1)]:
        for offset in offsets:
            found.add(tuple(round(v, 4) for v in _over(_color_at(axes, fig, point + offset, bars), "white")))
    return found


@pytest.mark.parametrize("name", FIGURES)
def test_every_line_marker_and_data_patch_contrasts_at_least_3_to_1(name):
    # Lines, markers, bars and outlines are graphics: WCAG 2.1 SC 1.4.11 asks 3:1 against what they are
    # drawn on. The figures are drawn on white in both palettes, so this is what a dark-mode reader sees.
    from xentdoc.figures.style import context, contrast_ratio

    with context():
        fig = FIGURES[name].func()
        fig.canvas.draw()
        low = []
        for artist, colors in _data_marks(fig):
            for background in _backgrounds_under(artist, fig):
                ratios = {what: contrast_ratio(_over(color, background), background) for what, color in colors}
                if max(ratios.values()) < 3:
                    label = str(artist.get_label())
                    label = label if label and not label.startswith("_") else type(artist).__name__
                    low.append(f"{label}: " + ", ".join(f"{w} {r:.2f}:1" for w, r in ratios.items()))
    assert not low, f"{name}: {sorted(set(low))}"


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


# Colour-vision deficiency: Machado, Oliveira and Fernandes (2009), "A physiologically-based model for
# simulation of color vision deficiency", severity 1.0 matrices, applied to linear RGB.
CVD_MATRICES = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    "typical vision": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
}
#: Smallest CIE76 colour difference between two data colours of one figure, in every vision: the
#: Okabe-Ito palette's own closest pair (green and sky blue for tritanopes) is 16.
MIN_DELTA_E = 10


def _lab_seen(color, vision):
    """CIELAB (D65) of ``color`` as a viewer with ``vision`` sees it."""
    import numpy as np
    from matplotlib.colors import to_rgb

    srgb = np.array(to_rgb(color))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.array(CVD_MATRICES[vision]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _delta_e(a, b, vision):
    import numpy as np

    return float(np.linalg.norm(_lab_seen(a, vision) - _lab_seen(b, vision)))


def test_colour_vision_model_is_machados():
    # Each matrix keeps white white (rows sum to 1), and a deuteranope sees pure red and pure green
    # nearly alike while a typical viewer sees them far apart.
    import numpy as np

    for matrix in CVD_MATRICES.values():
        np.testing.assert_allclose(np.sum(matrix, axis=1), 1, atol=1e-3)
    assert _delta_e("#ff0000", "#00ff00", "typical vision") > 150
    assert _delta_e("#ff0000", "#00ff00", "deuteranopia") < _delta_e("#ff0000", "#00ff00", "typical vision") / 3


def test_every_palette_colour_contrasts_at_least_3_to_1_with_the_figure_background():
    from xentdoc.figures.style import PALETTE, RC, contrast_ratio

    low = {name: round(contrast_ratio(color, RC["figure.facecolor"]), 2) for name, color in PALETTE.items()
           if contrast_ratio(color, RC["figure.facecolor"]) < 3}
    assert not low, low


def test_the_colour_cycle_stays_apart_in_every_colour_vision():
    from xentdoc.figures.style import RC

    cycle = [entry["color"] for entry in RC["axes.prop_cycle"]]
    close = [(a, b, vision, round(_delta_e(a, b, vision), 1)) for i, a in enumerate(cycle) for b in cycle[i + 1:]
             for vision in CVD_MATRICES if _delta_e(a, b, vision) < MIN_DELTA_E]
    assert not close, close


@pytest.mark.parametrize("name", FIGURES)
def test_the_data_colours_of_a_figure_stay_apart_in_every_colour_vision(name):
    # Line styles and hatches separate the curves too; this checks that colour still helps, in the
    # three dichromacies as simulated by Machado et al.
    from matplotlib.colors import to_hex

    from xentdoc.figures.style import context

    with context():
        fig = FIGURES[name].func()
        fig.canvas.draw()
        colors = sorted({to_hex(color) for _, found in _data_marks(fig) for what, color in found
                         if what in ("line", "face", "edge", "marker face")})
    close = [(a, b, vision, round(_delta_e(a, b, vision), 1)) for i, a in enumerate(colors) for b in colors[i + 1:]
             for vision in CVD_MATRICES if _delta_e(a, b, vision) < MIN_DELTA_E]
    assert not close, f"{name}: {close}"
