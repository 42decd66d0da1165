"""Figures of the softmax page (docs/softmax.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import COLORS, LINESTYLES, PALETTE, new_figure

# The logits used on the page, so that the figures and the printed numbers agree.
LOGITS = np.array([1.0, 2.0, 3.0, 5.0])
# Four clearly negative logits, read as a softmax and as one sigmoid per class (the page does the same).
NOTHING_PRESENT_LOGITS = np.array([-4.0, -2.5, -5.0, -4.2])
HATCHES = ["", "//", "..", "xx"]


def _label_bars(ax, bars, fmt):
    for bar in bars:
        height = bar.get_height()
        ax.annotate(format(height, fmt), (bar.get_x() + bar.get_width() / 2, max(height, 0)),
                    xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=9)


# The leader's probability when it leads each of R rivals by the same margin: 1 / (1 + R e^-lead).
RIVALS = [1, 2, 9, 99]
MARKED = [(99, 2.0), (2, 0.1)]  # (rivals, lead): the two cases the page computes


def _leader_probability(rivals, lead):
    return float(xentdoc.softmax(np.concatenate([[lead], np.zeros(rivals)]))[0])


@figure(
    "softmax-amplifies",
    alt=("Curves of the largest class's softmax probability against its lead over each rival, for "
         "1, 2, 9 and 99 rivals. Every curve rises towards 1 as the lead grows, but the more rivals "
         "there are the larger the lead it needs: a lead of 2 gives "
         f"{_leader_probability(1, 2.0):.3f} against one rival and only "
         f"{_leader_probability(99, 2.0):.3f} against 99, and a lead of 0.1 among three classes "
         f"gives {_leader_probability(2, 0.1):.3f}."),
    caption=("The largest class's probability when it leads each of R rivals by the same margin: "
             "each unit of lead multiplies its odds against every rival by e, but the rivals share "
             "the rest, so how close to 1 it gets depends on the scale of the lead and on R."),
)
def softmax_amplifies():
    leads = np.linspace(0, 10, 201)
    fig, ax = new_figure()
    for k, rivals in enumerate(RIVALS):
        probs = [_leader_probability(rivals, lead) for lead in leads]
        ax.plot(leads, probs, color=COLORS[k], linestyle=LINESTYLES[k],
                label=f"{rivals} rival{'s' if rivals > 1 else ''}")
    for rivals, lead in MARKED:
        p = _leader_probability(rivals, lead)
        ax.plot([lead], [p], "o", color=PALETTE["black"], markersize=4)
        ax.annotate(f"{p:.3f}", (lead, p), xytext=(6, -14 if rivals == 2 else 2), textcoords="offset points")
    ax.set_xlabel("lead of the largest logit over each rival")
    ax.set_ylabel("probability of the largest class")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    return fig


_AT_T10 = xentdoc.softmax(LOGITS, temperature=10.0)


@figure(
    "softmax-temperature",
    alt=("Grouped bar chart of the softmax of the logits 1, 2, 3 and 5 at temperatures 0.5, 1, 2 and "
         "10. At temperature 0.5 the last class gets almost all the probability; as the temperature "
         f"rises the bars even out, and at temperature 10 they range only from {_AT_T10.min():.3f} "
         f"to {_AT_T10.max():.3f}."),
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


_NOTHING_SOFTMAX = xentdoc.softmax(NOTHING_PRESENT_LOGITS)
_NOTHING_SIGMOID = xentdoc.sigmoid(NOTHING_PRESENT_LOGITS)


@figure(
    "softmax-vs-sigmoids",
    alt=("Grouped bar chart of four negative logits read two ways. As softmax probabilities they "
         f"add up to 1 and class {int(np.argmax(_NOTHING_SOFTMAX))} gets "
         f"{_NOTHING_SOFTMAX.max():.3f}; as four independent sigmoids they are all at most "
         f"{_NOTHING_SIGMOID.max():.3f}, below the dashed threshold line at 0.5, so no class is "
         "predicted."),
    caption=("The same logits read two ways: the softmax must hand out all the probability; "
             "independent sigmoids can answer \"none\", if the model was trained on examples "
             "where no class is present."),
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
    ax.axhline(0.5, color=PALETTE["black"], linestyle="--", linewidth=1.5, label="threshold 0.5")
    ax.set_xticks(classes, [f"class {c}\nlogit {logit:g}" for c, logit in zip(classes, NOTHING_PRESENT_LOGITS)])
    ax.set_ylabel("probability")
    ax.set_ylim(0, 1)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right")
    return fig
