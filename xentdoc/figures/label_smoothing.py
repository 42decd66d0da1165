"""Figure of the label-smoothing section of the cross-entropy page (docs/cross-entropy.md).

Two teachers trained on the 180 points of ``xentdoc.training.make_blobs`` (hard targets with
``train``, and the same loop with targets smoothed by 0.1), and the hard one at the temperature
that matches the smoothed one's mean probability of the true class. For each held-out point the
figure shows how the teacher shares its probability between the two wrong classes.
"""

import numpy as np
from scipy.optimize import brentq

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure
from xentdoc.training import make_blobs, train

EPS = 0.1


def _teachers():
    x, t = make_blobs()
    test_x, test_t = make_blobs(points_per_class=500, seed=3)
    run = train(x, t, loss="cross_entropy", steps=2000)
    W, b = np.zeros((2, 3)), np.zeros(3)
    for _ in range(2000):
        grad = xentdoc.cross_entropy_grad(x @ W + b, t, label_smoothing=EPS)
        W, b = W - 0.5 * x.T @ grad, b - 0.5 * grad.sum(axis=0)
    rows = np.arange(len(test_t))
    wrong = np.ones((len(test_t), 3), dtype=bool)
    wrong[rows, test_t] = False
    z_hard, z_smooth = test_x @ run.weights + run.bias, test_x @ W + b
    target = xentdoc.softmax(z_smooth)[rows, test_t].mean()
    T = brentq(lambda T: xentdoc.softmax(z_hard / T)[rows, test_t].mean() - target, 1.0, 10.0)

    def larger_share(z):
        split = xentdoc.softmax(z)[wrong].reshape(-1, 2)
        return split.max(axis=1) / split.sum(axis=1)

    return {"hard targets": larger_share(z_hard),
            f"hard targets, T = {T:.2f}": larger_share(z_hard / T),
            f"smoothed, ε = {EPS:g}": larger_share(z_smooth)}


_SHARES = _teachers()
_MEDIANS = {name: float(np.median(share)) for name, share in _SHARES.items()}
_NAMES = list(_SHARES)


@figure(
    "label-smoothing-wrong-classes",
    alt=(f"Three histograms over 1500 held-out points of the larger share of a teacher's wrong-class "
         f"probability, from 0.5 (the two wrong classes get the same) to 1 (all on one). The "
         f"teacher trained on hard targets has a median share of {_MEDIANS[_NAMES[0]]:.3f}; "
         f"dividing its logits by a temperature lowers it to {_MEDIANS[_NAMES[1]]:.3f}; the teacher "
         f"trained with label smoothing 0.1, equally confident, has the lowest, "
         f"{_MEDIANS[_NAMES[2]]:.3f}, with more points near an even split."),
    caption=("How each teacher splits its leftover probability between the two wrong classes: "
             "label smoothing moves the split towards even, further than a temperature giving "
             "the same confidence."),
)
def wrong_class_split():
    fig, axes = new_figure(ncols=3, height=3.0)
    bins = np.linspace(0.5, 1.0, 21)
    for ax, (name, share), color in zip(axes, _SHARES.items(),
                                        [PALETTE["blue"], PALETTE["green"], PALETTE["vermillion"]]):
        ax.hist(share, bins=bins, color=color, edgecolor="white")
        ax.axvline(_MEDIANS[name], color=PALETTE["black"], linestyle="--", linewidth=1.2)
        ax.set_title(f"{name}\nmedian {_MEDIANS[name]:.3f}", fontsize=10)
        ax.set_xlim(0.5, 1.0)
        ax.set_xlabel("larger wrong share")
    axes[0].set_ylabel("held-out points")
    return fig
