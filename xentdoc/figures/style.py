"""Shared look of the course's figures: one palette, one size, one set of fonts and lines.

Figures are rendered to SVG with text as paths (no web font is needed), so sizes here are in
inches and points as matplotlib expects; the page scales the SVG to the column width.
"""

import matplotlib
from cycler import cycler
from matplotlib.figure import Figure

# Okabe and Ito's colour-blind-safe palette, in the order curves are usually drawn, with its two
# light colours darkened: lines, markers and bars are graphics, which need 3:1 against the white
# they are drawn on (WCAG 2.1 SC 1.4.11). Okabe and Ito's orange #E69F00 is 2.25:1 and sky blue
# #56B4E9 2.31:1 on white; the darker orange (same hue, 3.21:1) and sky blue (hue 4 degrees
# bluer, 3.15:1) stay at least 13 CIE76 units from every other colour here under simulated
# protanopia, deuteranopia and tritanopia (tests/test_figures.py), except that a deuteranope
# sees orange and vermillion alike (6 units) at that lightness: do not tell those two apart by
# colour alone.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "sky": "#3897E0",
    "orange": "#C08400",
    "black": "#000000",
}
#: The palette as a list, for ``zip(COLORS, curves)``.
COLORS = list(PALETTE.values())
#: A second cue besides colour, so curves stay apart in greyscale print.
LINESTYLES = ["-", "--", "-.", ":"]

#: Default size in inches: 6.4 x 3.6 in is 614 x 346 CSS pixels, about the text column.
WIDTH, HEIGHT = 6.4, 3.6
FONT_SIZE = 11

#: rcParams of every course figure. Text and axes take their style when they are created,
#: so the registry draws each figure function inside ``context()``.
RC = {
    "font.size": FONT_SIZE,
    "axes.titlesize": FONT_SIZE + 1,
    "axes.labelsize": FONT_SIZE,
    "axes.prop_cycle": cycler(color=COLORS[:4], linestyle=LINESTYLES),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
    # A white background, not transparent: the SVG stays readable on the dark theme.
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def relative_luminance(color) -> float:
    """WCAG 2.1's relative luminance of a matplotlib colour (0 for black, 1 for white).

    >>> relative_luminance("black"), relative_luminance("white")
    (0.0, 1.0)
    """
    from matplotlib.colors import to_rgb

    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground, background) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 to 21 (text needs 4.5).

    >>> round(contrast_ratio("black", "white"), 1), round(contrast_ratio("#E69F00", "white"), 2)
    (21.0, 2.25)
    """
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color_on(background) -> str:
    """"black" or "white", whichever contrasts more with ``background`` (a cell of a heat map).

    >>> text_color_on("white"), text_color_on("#00204d")
    ('black', 'white')
    """
    return max(("black", "white"), key=lambda color: contrast_ratio(color, background))


def outline(width=3.0):
    """Keyword arguments for a patch outlined in white on black, visible on any colour (a heat map's cells).

    A single colour cannot contrast 3:1 with both ends of a colour map that runs from dark blue to
    yellow; a white line on a wider black one always shows one of the two.

    >>> sorted(outline())
    ['edgecolor', 'fill', 'linewidth', 'path_effects']
    """
    from matplotlib import patheffects

    return dict(fill=False, edgecolor="white", linewidth=width / 2,
                path_effects=[patheffects.Stroke(linewidth=width * 1.5, foreground="black"), patheffects.Normal()])


def context():
    """Context manager applying the course's rcParams (see ``RC``)."""
    return matplotlib.rc_context(RC)


def new_figure(ncols=1, nrows=1, *, width=WIDTH, height=HEIGHT, **subplot_kw):
    """Return ``(fig, axes)``: a new ``Figure`` in the course's style and its axes.

    ``axes`` is one ``Axes`` when ``ncols == nrows == 1``, else an array as from
    ``Figure.subplots``. The figure does not use pyplot (no global state, no display).

    >>> fig, ax = new_figure()
    >>> [round(float(v), 1) for v in fig.get_size_inches()]
    [6.4, 3.6]
    """
    with context():
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, subplot_kw=subplot_kw or None)
    return fig, axes
