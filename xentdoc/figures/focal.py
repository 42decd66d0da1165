"""Figure of the focal-loss section of the binary cross-entropy page (docs/binary-cross-entropy.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import COLORS, new_figure

GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
P_T = np.linspace(0.005, 0.995, 397)      # the probability given to what happened
EASY = 0.9                                # a well-classified example
WELL = 0.5                                # Lin et al.'s "well-classified": p_t > 0.5


def _focal(p_t, gamma):
    """-(1 - p_t)^gamma log p_t, by xentdoc.sigmoid_focal_loss on the logit of p_t, label 1, no alpha."""
    z = xentdoc.logit(np.asarray(p_t, dtype=np.float64))
    return xentdoc.sigmoid_focal_loss(z, np.ones_like(z), alpha=-1, gamma=gamma)


_CURVES = {gamma: _focal(P_T, gamma) for gamma in GAMMAS}
_AT_EASY = {gamma: float(_focal(np.array([EASY]), gamma)[0]) for gamma in GAMMAS}
_SHRINK = _AT_EASY[0.0] / _AT_EASY[2.0]


@figure(
    "focal-loss-curves",
    alt=(f"The focal loss minus (1 - p_t) to the power gamma times log p_t against p_t, the "
         f"probability the model gives to what happened, from 0 to 1, for gamma = 0 (binary "
         f"cross-entropy), 0.5, 1, 2 and 5. All curves rise without bound as p_t goes to 0, and the "
         f"larger gamma, the flatter the curve becomes right of the dotted line at p_t = "
         f"{WELL:g}, where the well-classified examples lie: at p_t = "
         f"{EASY} the loss is {_AT_EASY[0.0]:.4f} for gamma = 0 and {_AT_EASY[2.0]:.6f} for "
         f"gamma = 2, {_SHRINK:.0f} times less."),
    caption=(f"Focal loss against p_t: γ > 0 shrinks the loss of the examples the model already gets "
             f"right (at p_t = {EASY}, γ = 2 divides it by {_SHRINK:.0f}) and leaves the confident "
             f"mistakes almost as expensive as before."),
)
def focal_loss_curves():
    fig, ax = new_figure(height=3.6)
    styles = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]
    for gamma, color, style in zip(GAMMAS, COLORS, styles):
        label = "γ = 0 (cross-entropy)" if gamma == 0 else f"γ = {gamma:g}"
        ax.plot(P_T, _CURVES[gamma], color=color, linestyle=style, label=label)
    # A dotted line, not a shaded span: a grey tint would take the lighter curves below 3:1.
    ax.axvline(WELL, color="black", linestyle=":", linewidth=1)
    ax.text(0.8, 3.6, f"well classified\n(p_t > {WELL:g})", ha="center", va="center", color="black",
            fontsize=10)
    ax.set_xlabel("p_t, the probability of what happened")
    ax.set_ylabel("loss (nats)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    ax.legend(loc="upper center", bbox_to_anchor=(0.38, 1.0))
    return fig
