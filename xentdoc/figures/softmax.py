"""Figures of the softmax page (docs/softmax.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import COLORS, PALETTE, new_figure

# The logits used on the page, so that the figures and the printed numbers agree.
LOGITS = np.array([1.0, 2.0, 3.0, 5.0])
# An input on which the model sees none of its classes: every logit is clearly negative.
NOTHING_PRESENT_LOGITS = np.array([-4.0, -2.5, -5.0, -4.2])
HATCHES = ["", "//", "..", "xx"]


def _label_bars(ax, bars, fmt):
    for bar in bars:
        height = bar.get_height()
        ax.annotate(format(height, fmt), (bar.get_x() + bar.get_width() / 2, max(height, 0)),
                    xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=9)


@figure(
    "softmax-amplifies",
    alt=("Two bar charts of the same four classes. Left: the logits 1, 2, 3 and 5. Right: their "
         "softmax probabilities 0.015, 0.041, 0.112 and 0.831; the largest logit, less than twice "
         "the runner-up, takes most of the probability."),
    caption="Logits (left) and their softmax probabilities (right): the exponential amplifies the largest logit.",
)
def softmax_amplifies():
    classes = np.arange(len(LOGITS))
    fig, (ax_logits, ax_probs) = new_figure(ncols=2, height=3.0)
    bars = ax_logits.bar(classes, LOGITS, color=PALETTE["sky"], edgecolor=PALETTE["black"])
    _label_bars(ax_logits, bars, ".0f")
    ax_logits.set_ylabel("logit")
    ax_logits.set_ylim(0, 6)
    bars = ax_probs.bar(classes, xentdoc.softmax(LOGITS), color=PALETTE["blue"], edgecolor=PALETTE["black"])
    _label_bars(ax_probs, bars, ".3f")
    ax_probs.set_ylabel("softmax probability")
    ax_probs.set_ylim(0, 1)
    for ax in (ax_logits, ax_probs):
        ax.set_xticks(classes)
        ax.set_xlabel("class")
        ax.grid(axis="x", visible=False)
    return fig


@figure(
    "softmax-temperature",
    alt=("Grouped bar chart of the softmax of the logits 1, 2, 3 and 5 at temperatures 0.5, 1, 2 and "
         "10. At temperature 0.5 the last class gets almost all the probability; as the temperature "
         "rises the bars even out, and at temperature 10 they range only from 0.208 to 0.31."),
    caption="The same logits at four temperatures: low temperatures sharpen the distribution, high ones flatten it.",
)
def softmax_temperature():
    temperatures = [0.5, 1.0, 2.0, 10.0]
    classes = np.arange(len(LOGITS))
    width = 0.2
    fig, ax = new_figure()
    for k, temperature in enumerate(temperatures):
        probs = xentdoc.softmax(LOGITS, temperature=temperature)
        ax.bar(classes + (k - 1.5) * width, probs, width, color=COLORS[k], hatch=HATCHES[k],
               edgecolor=PALETTE["black"], linewidth=0.5, label=f"T = {temperature:g}")
    ax.set_xticks(classes, [f"class {c}\nlogit {logit:g}" for c, logit in zip(classes, LOGITS)])
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")
    return fig


@figure(
    "softmax-vs-sigmoids",
    alt=("Grouped bar chart for an input on which every logit is negative. The softmax bars add up "
         "to 1 and give class 1 a probability of 0.672; the independent sigmoid bars are all below "
         "0.1, well under the dashed threshold line at 0.5, so no class is predicted."),
    caption="When no class is present: the softmax still picks one; independent sigmoids with a threshold answer \"none\".",
)
def softmax_vs_sigmoids():
    classes = np.arange(len(NOTHING_PRESENT_LOGITS))
    width = 0.38
    fig, ax = new_figure(height=3.2)
    bars = ax.bar(classes - width / 2, xentdoc.softmax(NOTHING_PRESENT_LOGITS), width,
                  color=PALETTE["blue"], edgecolor=PALETTE["black"], linewidth=0.5, label="softmax")
    _label_bars(ax, bars, ".3f")
    bars = ax.bar(classes + width / 2, xentdoc.sigmoid(NOTHING_PRESENT_LOGITS), width,
                  color=PALETTE["orange"], hatch="//", edgecolor=PALETTE["black"], linewidth=0.5,
                  label="one sigmoid per class")
    _label_bars(ax, bars, ".3f")
    ax.axhline(0.5, color=PALETTE["vermillion"], linestyle="--", linewidth=1.5, label="threshold 0.5")
    ax.set_xticks(classes, [f"class {c}\nlogit {logit:g}" for c, logit in zip(classes, NOTHING_PRESENT_LOGITS)])
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right")
    return fig
