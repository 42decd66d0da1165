"""Figure of the label-smoothing section of the cross-entropy page (docs/cross-entropy.md).

Two teachers trained on the 180 points of ``xentdoc.training.make_blobs`` (hard targets with
``train``, and the same loop with targets smoothed by 0.1), and the hard one at the temperature
that matches the smoothed one's mean probability of the true class. For each held-out point the
figure shows how unevenly the teacher shares its probability between the two wrong classes: the KL
divergence of that split (rescaled to add up to 1) from an even one, the statistic whose means the
page's snippet prints.
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

    def wrong_class_kl(z):                 # D_KL(split || uniform over 2), per point
        split = xentdoc.softmax(z)[wrong].reshape(-1, 2)
        split = split / split.sum(axis=1, keepdims=True)
        # D_KL itself, not log 2 - H: the difference would cancel for nearly even splits.
        return xentdoc.kl_divergence(split, np.full_like(split, 0.5), axis=1)

    return {"hard targets": wrong_class_kl(z_hard),
            f"hard targets, T = {T:.2f}": wrong_class_kl(z_hard / T),
            f"smoothed, ε = {EPS:g}": wrong_class_kl(z_smooth)}


_KL = _teachers()
_MEANS = {name: float(np.mean(kl)) for name, kl in _KL.items()}
_NAMES = list(_KL)
_BINS = np.linspace(0.0, np.log(2), 21)
_TOP = max(np.histogram(kl, bins=_BINS)[0].max() for kl in _KL.values())


@figure(
    "label-smoothing-wrong-classes",
    alt=(f"Three histograms, on the same vertical scale, over 1500 held-out points of how unevenly a "
         f"teacher shares its wrong-class probability: the KL divergence of that split from an even "
         f"one, from 0 nats (the two wrong classes get the same) to log 2 (all on one). The teacher "
         f"trained on hard targets has a mean of {_MEANS[_NAMES[0]]:.3f} nats, with many points "
         f"near log 2; dividing its logits by a temperature lowers the mean to "
         f"{_MEANS[_NAMES[1]]:.3f}; the teacher trained with label smoothing 0.1, equally "
         f"confident, has the lowest, {_MEANS[_NAMES[2]]:.3f}, with more points near an even "
         f"split."),
    caption=("How unevenly each teacher splits its leftover probability between the two wrong "
             "classes (dashed: the mean, as printed by the snippet): label smoothing moves the "
             "split towards even, somewhat further than a temperature giving the same confidence."),
)
def wrong_class_split():
    fig, axes = new_figure(ncols=3, height=3.0)
    for ax, (name, kl), color in zip(axes, _KL.items(),
                                     [PALETTE["blue"], PALETTE["green"], PALETTE["vermillion"]]):
        ax.hist(kl, bins=_BINS, color=color, edgecolor="white")
        ax.axvline(_MEANS[name], color=PALETTE["black"], linestyle="--", linewidth=1.2)
        ax.set_title(f"{name}\nmean {_MEANS[name]:.3f} nats", fontsize=10)
        ax.set_xlim(0.0, np.log(2))
        ax.set_ylim(0, 1.05 * _TOP)       # one vertical scale for the three panels
        ax.set_xlabel("wrong-class KL (nats)")
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    axes[0].set_ylabel("held-out points")
    return fig
