"""Figures of the negative log-likelihood page (docs/nll.md)."""

import numpy as np
from matplotlib.patches import Rectangle

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import new_figure, outline, text_color_on

# The worked batch of the page: three examples, four classes, one target class each.
LOGITS = np.array([[2.0, 0.5, -1.0, 0.0], [0.1, 0.2, 3.0, -0.5], [1.5, 1.4, 0.3, 2.5]])
TARGETS = np.array([0, 2, 1])


_PICKED = xentdoc.log_softmax(LOGITS)[np.arange(len(TARGETS)), TARGETS]


@figure(
    "nll-picking",
    alt=("A three-by-four grid of log-probabilities, one row per example and one column per class. "
         "The cell of each example's target class is outlined: "
         + ", ".join(f"{v:.3f} in row {n}" for n, v in enumerate(_PICKED[:-1]))
         + f" and {_PICKED[-1]:.3f} in row {len(_PICKED) - 1}. A column on the right lists the "
         "per-example losses " + ", ".join(f"{-v:.3f}" for v in _PICKED[:-1])
         + f" and {-_PICKED[-1]:.3f}, the same numbers negated; their mean is the negative "
         f"log-likelihood, {-_PICKED.mean():.3f}."),
    caption="NLL picks one log-probability per row, the target's (outlined), negates it and averages.",
)
def nll_picking():
    log_probs = xentdoc.log_softmax(LOGITS)
    losses = xentdoc.nll_loss(log_probs, TARGETS, reduction="none")
    n_examples, n_classes = log_probs.shape
    fig, ax = new_figure(height=2.6)
    image = ax.imshow(log_probs, cmap="cividis", vmin=-4.5, vmax=0, aspect="auto")
    for row in range(n_examples):
        for col in range(n_classes):
            value = log_probs[row, col]
            # Black or white, whichever reads better on the cell's colour (cividis goes from dark
            # blue to yellow through a grey where a fixed threshold left white text below 4.5:1).
            ax.text(col, row, f"{value:.3f}", ha="center", va="center",
                    color=text_color_on(image.cmap(image.norm(value))))
        ax.add_patch(Rectangle((TARGETS[row] - 0.5, row - 0.5), 1, 1, **outline()))
        ax.text(n_classes - 0.2, row, f"loss {losses[row]:.3f}", ha="left", va="center")
    ax.text(n_classes - 0.2, n_examples - 0.25, f"mean {xentdoc.nll_loss(log_probs, TARGETS):.3f}",
            ha="left", va="top", fontweight="bold")
    ax.set_xticks(range(n_classes), [f"class {c}" for c in range(n_classes)])
    ax.set_yticks(range(n_examples), [f"example {n}\n(target {t})" for n, t in enumerate(TARGETS)])
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlim(-0.5, n_classes + 1.0)
    fig.colorbar(image, ax=ax, label="log-probability", shrink=0.9)
    return fig
