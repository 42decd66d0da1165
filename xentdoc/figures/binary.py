"""Figures of the binary cross-entropy page (docs/binary-cross-entropy.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure

LOGITS = np.linspace(-8, 8, 401)


def _bce(logits, target):
    """Per-element binary cross-entropy with logits, for one target value."""
    logits = np.asarray(logits, dtype=np.float64)
    return xentdoc.binary_cross_entropy_with_logits(logits, np.full_like(logits, target), reduction="none")


_POSITIVE = _bce(LOGITS, 1.0)
_NEGATIVE = _bce(LOGITS, 0.0)
_ENDS_POSITIVE = _bce([-8.0, 8.0], 1.0)
_AT_ZERO = float(_bce([0.0], 1.0)[0])


@figure(
    "bce-vs-logit",
    alt=(f"Binary cross-entropy against the logit z from -8 to 8, for target 1 and target 0. For "
         f"target 1 the loss falls from {_ENDS_POSITIVE[0]:.3f} at z = -8 to {_ENDS_POSITIVE[1]:.5f} at "
         f"z = 8, becoming a straight line of slope -1 on the wrong side; the curve for target 0 is "
         f"its mirror image. The two cross at z = 0, where both equal {_AT_ZERO:.4f}, the natural log "
         f"of 2."),
    caption="Binary cross-entropy with logits: softplus(−z) for y = 1 and softplus(z) for y = 0; "
            "never flat on the wrong side.",
)
def bce_vs_logit():
    fig, ax = new_figure(height=3.4)
    ax.plot(LOGITS, _POSITIVE, color=PALETTE["blue"], linestyle="-", label="target y = 1")
    ax.plot(LOGITS, _NEGATIVE, color=PALETTE["vermillion"], linestyle="--", label="target y = 0")
    ax.plot([0], [_AT_ZERO], "o", color=PALETTE["black"], markersize=4)
    ax.annotate(f"both: ln 2 ≈ {_AT_ZERO:.3f}", (0, _AT_ZERO), xytext=(1.6, 0.45),
                arrowprops=dict(arrowstyle="-", color=PALETTE["black"], linewidth=0.8))
    ax.set_xlabel("logit z")
    ax.set_ylabel("loss")
    ax.set_xlim(LOGITS[0], LOGITS[-1])
    ax.set_ylim(0, 8.5)
    ax.legend(loc="upper center")
    return fig
