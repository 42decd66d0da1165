"""Figures of the gradients page (docs/gradients.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure
from xentdoc.training import confidently_wrong_weights, make_blobs, train

LOGITS = np.linspace(-10, 10, 801)


def _gradient_sizes(logits, target=1.0):
    """Sizes of dL/dz for one sigmoid output: binary cross-entropy and squared error."""
    probs = xentdoc.sigmoid(logits)
    cross_entropy_size = np.abs(probs - target)
    squared_error_size = np.abs(2 * (probs - target) * probs * (1 - probs))
    return cross_entropy_size, squared_error_size


_CE_SIZE, _SE_SIZE = _gradient_sizes(LOGITS)
_CE_AT_MINUS_10, _SE_AT_MINUS_10 = (float(size[0]) for size in _gradient_sizes(np.array([-10.0])))
_SE_PEAK = int(np.argmax(_SE_SIZE))


@figure(
    "gradient-vs-logit",
    alt=(f"Size of the gradient with respect to the logit, for target 1, plotted for logits from "
         f"-10 to 10. The cross-entropy gradient is {_CE_AT_MINUS_10:.6f} at logit -10 and falls "
         f"smoothly towards 0 as the logit grows. The squared-error gradient is only "
         f"{_SE_AT_MINUS_10:.6f} at logit -10, rises to a peak of {_SE_SIZE[_SE_PEAK]:.3f} near "
         f"logit {LOGITS[_SE_PEAK]:.2f}, and falls to 0 again: it nearly vanishes where the "
         f"prediction is most wrong."),
    caption="Gradient size against the logit for target 1: cross-entropy, |σ(z) − 1|, keeps pulling "
            "when the model is confidently wrong; squared error, 2|σ(z) − 1| σ(z)(1 − σ(z)), fades.",
)
def gradient_vs_logit():
    fig, ax = new_figure()
    ax.plot(LOGITS, _CE_SIZE, color=PALETTE["blue"], linestyle="-", label="cross-entropy: |σ(z) − 1|")
    ax.plot(LOGITS, _SE_SIZE, color=PALETTE["vermillion"], linestyle="--",
            label="squared error: 2|σ(z) − 1| σ(z)(1 − σ(z))")
    ax.axvspan(LOGITS[0], -4, color=PALETTE["black"], alpha=0.06, linewidth=0)
    ax.annotate("confidently wrong", (-9.6, 0.55), fontsize=10)
    ax.set_xlabel("logit z (target y = 1)")
    ax.set_ylabel("|∂L/∂z|")
    ax.set_xlim(LOGITS[0], LOGITS[-1])
    ax.set_ylim(0, 1.05)
    ax.legend(loc="center right")
    return fig


STEPS = 200
LEARNING_RATE = 0.5


def _training_runs():
    """The two runs of the page: same data, start, learning rate and steps; only the loss differs."""
    features, labels = make_blobs()
    start = confidently_wrong_weights()
    return {
        loss: train(features, labels, loss=loss, learning_rate=LEARNING_RATE, steps=STEPS,
                    initial_weights=start)
        for loss in ("cross_entropy", "squared_error")
    }


_RUNS = _training_runs()
_CE_RUN, _SE_RUN = _RUNS["cross_entropy"], _RUNS["squared_error"]


@figure(
    "training-curves",
    alt=(f"Two panels over {STEPS} steps of gradient descent from the same confidently wrong start. "
         f"Left, the loss on a log scale: cross-entropy drops from {_CE_RUN.losses[0]:.1f} to "
         f"{_CE_RUN.losses[-1]:.3f}, while the squared error falls only from "
         f"{_SE_RUN.losses[0]:.3f} to {_SE_RUN.losses[-1]:.3f}. Right, the accuracy: with "
         f"cross-entropy it climbs from {_CE_RUN.accuracies[0]:.3f} to {_CE_RUN.accuracies[20]:.3f} "
         f"by step 20 and ends at {_CE_RUN.accuracies[-1]:.3f}; with squared error it is still "
         f"{_SE_RUN.accuracies[-1]:.3f} after {STEPS} steps."),
    caption=f"Softmax regression on three blobs, started confidently wrong: with cross-entropy the "
            f"accuracy is {_CE_RUN.accuracies[20]:.3f} by step 20, with squared error only "
            f"{_SE_RUN.accuracies[-1]:.3f} after {STEPS} (learning rate {LEARNING_RATE}, same start).",
)
def training_curves():
    fig, (loss_ax, accuracy_ax) = new_figure(ncols=2, height=3.4)
    steps = np.arange(STEPS + 1)
    styles = {
        "cross_entropy": dict(color=PALETTE["blue"], linestyle="-", label="trained with cross-entropy"),
        "squared_error": dict(color=PALETTE["vermillion"], linestyle="--", label="trained with squared error"),
    }
    for loss, run in _RUNS.items():
        loss_ax.plot(steps, run.losses, **styles[loss])
        accuracy_ax.plot(steps, run.accuracies, **styles[loss])
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("training loss (its own loss)")
    accuracy_ax.set_xlabel("step")
    accuracy_ax.set_ylabel("accuracy")
    accuracy_ax.set_ylim(0, 1.02)
    for ax in (loss_ax, accuracy_ax):
        ax.set_xlim(0, STEPS)
    fig.legend(*loss_ax.get_legend_handles_labels(), loc="outside upper center", ncols=2)
    return fig
