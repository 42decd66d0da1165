"""Figure of the loss-versus-metric section of the NLL page (docs/nll.md).

The model is the overconfident softmax regression of the calibration page (15 training points,
``xentdoc.training.train``), stopped after a growing number of steps and judged on 1500 held-out
points: its accuracy hardly moves while its held-out cross-entropy triples and passes the loss
of a model that ignores its input.
"""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure
from xentdoc.training import make_blobs, train

STEPS = np.unique(np.round(np.geomspace(1, 2000, 28)).astype(int))


def _curves():
    train_x, train_t = make_blobs(points_per_class=5, spread=1.5, seed=1)
    test_x, test_t = make_blobs(points_per_class=500, spread=1.5, seed=3)
    rows = []
    weights = bias = None
    done = 0
    for steps in STEPS:  # one run of 2000 steps, continued from stop to stop (the same numbers)
        run = train(train_x, train_t, loss="cross_entropy", steps=int(steps) - done,
                    initial_weights=weights, initial_bias=bias)
        weights, bias, done = run.weights, run.bias, int(steps)
        z = test_x @ run.weights + run.bias
        rows.append((run.losses[-1], run.accuracies[-1], float(xentdoc.cross_entropy(z, test_t)),
                     float(np.mean(z.argmax(axis=1) == test_t))))
    frequencies = np.bincount(train_t) / len(train_t)   # ignore the input: the training frequencies
    baseline = float(xentdoc.nll_loss(np.tile(np.log(frequencies), (len(test_t), 1)), test_t))
    return np.array(rows).T, baseline


(_TRAIN_LOSS, _TRAIN_ACC, _TEST_LOSS, _TEST_ACC), _BASELINE = _curves()
_BEST = int(np.argmin(_TEST_LOSS))
_CROSS = int(np.argmax(_TEST_LOSS > _BASELINE))   # the first stop whose held-out loss is above it
_TOP = int(np.argmax(_TEST_ACC))                  # the stop with the highest held-out accuracy
_TOP_STEPS = f"{STEPS[_TOP]} step" + ("" if STEPS[_TOP] == 1 else "s")


@figure(
    "loss-vs-accuracy",
    alt=(f"Two panels against the number of gradient steps, from 1 to {STEPS[-1]} on a log scale, "
         f"for a softmax regression trained on 15 points and judged on 1500 held-out points. Left: "
         f"the training cross-entropy falls towards 0, while the held-out cross-entropy is lowest, "
         f"{_TEST_LOSS[_BEST]:.3f} nats, after {STEPS[_BEST]} steps, then rises to "
         f"{_TEST_LOSS[-1]:.3f}, above the {_BASELINE:.3f} nats of always predicting the training "
         f"label frequencies from {STEPS[_CROSS]} steps on. Right: the held-out accuracy is highest, "
         f"{_TEST_ACC[_TOP]:.3f}, after {_TOP_STEPS}, and only slips to "
         f"{_TEST_ACC[-1]:.3f}, while the training accuracy reaches 1."),
    caption=(f"One model, two scores: the held-out cross-entropy triples (from its lowest, "
             f"{_TEST_LOSS[_BEST]:.3f} nats after {STEPS[_BEST]} steps, to {_TEST_LOSS[-1]:.3f}) "
             f"and crosses the input-ignoring baseline, while the held-out accuracy barely moves "
             f"(from {_TEST_ACC[_TOP]:.3f} after {_TOP_STEPS} to "
             f"{_TEST_ACC[-1]:.3f})."),
)
def loss_vs_accuracy():
    fig, (left, right) = new_figure(ncols=2, height=3.5)
    left.plot(STEPS, _TRAIN_LOSS, color=PALETTE["blue"], linestyle="--", label="training")
    left.plot(STEPS, _TEST_LOSS, color=PALETTE["vermillion"], linestyle="-", label="held-out")
    left.axhline(_BASELINE, color=PALETTE["black"], linestyle=":", linewidth=1.4,
                 label=f"label frequencies ({_BASELINE:.3f})")
    left.set_ylabel("mean cross-entropy (nats)")
    left.set_ylim(0, 1.8)
    left.legend(loc="upper left", fontsize=9)
    right.plot(STEPS, _TRAIN_ACC, color=PALETTE["blue"], linestyle="--", label="training")
    right.plot(STEPS, _TEST_ACC, color=PALETTE["vermillion"], linestyle="-", label="held-out")
    right.axhline(1 / 3, color=PALETTE["black"], linestyle=":", linewidth=1.4, label="chance (1/3)")
    right.set_ylabel("accuracy")
    right.set_ylim(0, 1.05)
    right.legend(loc="lower right", fontsize=9)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel("gradient steps")
    return fig


def _line():
    """Accuracy and loss of the 20-step model on its 15 training points as the bias of class 0 slides."""
    x, t = make_blobs(points_per_class=5, spread=1.5, seed=1)
    run = train(x, t, loss="cross_entropy", steps=20)
    shifts = np.linspace(-3, 3, 6001)
    # All 6001 models at once: logits of shape (shifts, points, classes).
    z = (x @ run.weights + run.bias)[None] + shifts[:, None, None] * np.array([1.0, 0.0, 0.0])
    accuracy = np.mean(z.argmax(axis=2) == t, axis=1)
    losses = xentdoc.cross_entropy(z.reshape(-1, 3), np.tile(t, shifts.size), reduction="none")
    return shifts, np.array([accuracy, losses.reshape(shifts.size, -1).mean(axis=1)])


_SHIFTS, (_LINE_ACC, _LINE_LOSS) = _line()
_LEVELS = np.unique(_LINE_ACC.round(3))


@figure(
    "accuracy-staircase",
    alt=(f"The accuracy and the mean cross-entropy of one softmax regression on its 15 training "
         f"points, as the bias of class 0 slides from -3 to 3 with everything else fixed. The "
         f"accuracy is a staircase with {len(_LEVELS)} levels, from {_LEVELS[0]:.3f} to "
         f"{_LEVELS[-1]:.3f}, flat between its jumps; the cross-entropy is a smooth valley "
         f"whose lowest point, {_LINE_LOSS.min():.3f} nats, lies at a shift of "
         f"{_SHIFTS[np.argmin(_LINE_LOSS)]:.2f}."),
    caption=("Along one line in parameter space the accuracy is flat almost everywhere (its "
             "gradient is zero) and jumps where a point crosses a decision boundary; the "
             "cross-entropy has a slope everywhere, which gradient descent can follow."),
)
def accuracy_staircase():
    fig, (top, bottom) = new_figure(nrows=2, height=3.9)
    top.plot(_SHIFTS, _LINE_ACC, color=PALETTE["blue"], linestyle="-", drawstyle="steps-mid")
    top.set_ylabel("accuracy")
    top.set_ylim(min(_LEVELS[0], 0.75) - 0.05, 1.03)
    bottom.plot(_SHIFTS, _LINE_LOSS, color=PALETTE["vermillion"], linestyle="-")
    bottom.set_ylabel("cross-entropy\n(nats)")
    bottom.set_xlabel("shift added to the bias of class 0")
    for ax in (top, bottom):
        ax.set_xlim(_SHIFTS[0], _SHIFTS[-1])
    return fig
