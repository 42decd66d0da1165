"""Figures of the cross-entropy page (docs/cross-entropy.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure

# Margins of the target logit over the other logit, in a two-class problem.
MARGINS = np.linspace(-10, 10, 401)


def _two_class_logits(margins):
    """Logits (margin, 0) for each margin: class 0 is the target."""
    return np.stack([margins, np.zeros_like(margins)], axis=-1)


@figure(
    "cross-entropy-margin",
    alt=("Two curves over the margin of the target logit, from -10 to 10, for two classes. The "
         "cross-entropy loss falls from about 10 at margin -10 to nearly 0 at margin 10, growing "
         "like a straight line for confident wrong predictions; the squared error on the target "
         "probability stays below 1 everywhere and flattens out for confident wrong predictions."),
    caption="Loss against the target's logit margin: cross-entropy, −log pₜ, keeps growing for confident mistakes; the squared error (1 − pₜ)² on the target's probability never exceeds 1.",
)
def cross_entropy_margin():
    logits = _two_class_logits(MARGINS)
    targets = np.zeros(len(MARGINS), dtype=int)
    cross_entropy = xentdoc.cross_entropy(logits, targets, reduction="none")
    squared_error = (1 - xentdoc.softmax(logits)[:, 0]) ** 2
    fig, ax = new_figure()
    ax.plot(MARGINS, cross_entropy, color=PALETTE["blue"], linestyle="-", label="cross-entropy −log pₜ")
    ax.plot(MARGINS, squared_error, color=PALETTE["vermillion"], linestyle="--", label="squared error (1 − pₜ)²")
    ax.annotate("confident and wrong", (-4, 8), ha="center")
    ax.annotate("confident and right", (6.5, 1.0), ha="center")
    ax.set_xlabel("margin: target logit − other logit")
    ax.set_ylabel("loss")
    ax.set_ylim(0, 10.5)
    ax.legend(loc="upper right")
    return fig


@figure(
    "cross-entropy-label-smoothing",
    alt=("The two-class cross-entropy against the target's logit margin, from -2 to 12, without "
         "label smoothing and with smoothing 0.1 and 0.2. Without smoothing the loss keeps falling "
         "towards 0 as the margin grows; with smoothing each curve has a marked minimum at a finite "
         "margin, about 2.944 for smoothing 0.1 and a smaller one for smoothing 0.2, and rises again beyond it."),
    caption="Label smoothing gives the loss a minimum at a finite margin: the model is no longer rewarded for ever larger logits.",
)
def cross_entropy_label_smoothing():
    margins = np.linspace(-2, 12, 281)
    logits = _two_class_logits(margins)
    targets = np.zeros(len(margins), dtype=int)
    fig, ax = new_figure(height=3.2)
    for smoothing, color, style in [(0.0, PALETTE["blue"], "-"), (0.1, PALETTE["vermillion"], "--"),
                                    (0.2, PALETTE["green"], "-.")]:
        loss = xentdoc.cross_entropy(logits, targets, reduction="none", label_smoothing=smoothing)
        label = f"label_smoothing = {smoothing:g}"
        if smoothing > 0:
            # The smoothed targets are 1 - s/2 and s/2; the loss is smallest where softmax matches them.
            best_margin = float(xentdoc.logit(1 - smoothing / 2))
            best_loss = xentdoc.cross_entropy(_two_class_logits(np.array([best_margin])), np.array([0]),
                                              label_smoothing=smoothing)
            ax.plot([best_margin], [best_loss], "o", color=color, markersize=6)
            label += f" (minimum at margin {best_margin:.3f})"
        ax.plot(margins, loss, color=color, linestyle=style, label=label)
    ax.set_xlabel("margin: target logit − other logit")
    ax.set_ylabel("loss")
    ax.set_ylim(0, 2.2)
    ax.legend(loc="upper right")
    return fig
