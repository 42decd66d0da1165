"""Figures of the calibration page (docs/calibration.md)."""

import numpy as np

import xentdoc
from xentdoc.calibration import fit_temperature, reliability_diagram
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure
from xentdoc.training import make_blobs, train

N_BINS = 10


def _overconfident_model():
    """The page's run: 15 training points, 2000 steps; logits of held-out validation and test sets."""
    train_x, train_t = make_blobs(points_per_class=5, spread=1.5, seed=1)
    run = train(train_x, train_t, loss="cross_entropy", steps=2000)
    valid_x, valid_t = make_blobs(points_per_class=100, spread=1.5, seed=2)
    test_x, test_t = make_blobs(points_per_class=500, spread=1.5, seed=3)
    return (valid_x @ run.weights + run.bias, valid_t), (test_x @ run.weights + run.bias, test_t)


(_VALID_Z, _VALID_T), (_TEST_Z, _TEST_T) = _overconfident_model()
_T = fit_temperature(_VALID_Z, _VALID_T)
_BEFORE = reliability_diagram(xentdoc.softmax(_TEST_Z), _TEST_T, N_BINS)
_AFTER = reliability_diagram(xentdoc.softmax(_TEST_Z, temperature=_T), _TEST_T, N_BINS)
_TOP_BIN = int(np.flatnonzero(_BEFORE.counts)[-1])


@figure(
    "reliability-diagram",
    alt=(f"Two reliability diagrams of the same softmax regression on {len(_TEST_T)} test points, "
         f"with {N_BINS} bins of confidence. Before temperature scaling, most points sit in the "
         f"top bin ({_BEFORE.counts[_TOP_BIN]} of them, mean confidence "
         f"{_BEFORE.confidence[_TOP_BIN]:.3f}) but only {_BEFORE.accuracy[_TOP_BIN]:.3f} of those "
         f"are right, so the bars fall below the diagonal and the ECE is {_BEFORE.ece:.3f}. After "
         f"dividing the logits by T = {_T:.2f}, fitted on separate validation points, the bars "
         f"follow the diagonal and the ECE is {_AFTER.ece:.3f}."),
    caption=(f"Reliability diagrams on held-out points: the accuracy in each bin of confidence "
             f"against the diagonal of perfect calibration. Overconfident before (ECE "
             f"{_BEFORE.ece:.3f}), close to calibrated after temperature scaling with T = {_T:.2f} "
             f"(ECE {_AFTER.ece:.3f})."),
)
def reliability_figure():
    fig, axes = new_figure(ncols=2, height=3.6)
    width = 1.0 / N_BINS
    for ax, diagram, title in [(axes[0], _BEFORE, f"before: ECE {_BEFORE.ece:.3f}"),
                               (axes[1], _AFTER, f"after, T = {_T:.2f}: ECE {_AFTER.ece:.3f}")]:
        filled = diagram.counts > 0
        left = diagram.bin_edges[:-1][filled]
        ax.bar(left, diagram.accuracy[filled], width=width, align="edge", color=PALETTE["blue"],
               edgecolor="white", label="accuracy in the bin")
        ax.plot(diagram.confidence[filled], diagram.confidence[filled], linestyle="none",
                marker="o", color=PALETTE["vermillion"], markeredgecolor="white",  # white edge: 5:1 on the bars
                label="mean confidence in the bin")
        ax.plot([0, 1], [0, 1], color=PALETTE["black"], linestyle="--", linewidth=1.2,
                label="perfect calibration")
        ax.set_title(title)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("confidence (top probability)")
        ax.set_aspect("equal")
    axes[0].set_ylabel("fraction correct")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=3, fontsize=9)
    return fig
