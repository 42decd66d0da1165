"""Figures of the logarithm page (docs/logarithm.md)."""

import numpy as np

from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure

# Probabilities from 0.001 to 1: close enough to 0 to show the fall towards minus infinity.
PROBS = np.geomspace(1e-3, 1.0, 400)


@figure(
    "log-unit-interval",
    alt=("The natural logarithm of p for p between 0.001 and 1: the curve is negative everywhere "
         "except at p = 1, where it is 0, and it plunges steeply towards minus infinity as p "
         "approaches 0."),
    caption="log p on (0, 1]: zero at p = 1, negative below it, and unbounded below as p approaches 0.",
)
def log_unit_interval():
    fig, ax = new_figure(height=3.2)
    ax.plot(PROBS, np.log(PROBS), color=PALETTE["blue"])
    ax.plot([1.0], [0.0], "o", color=PALETTE["black"], markersize=4)
    ax.annotate("log 1 = 0", (1.0, 0.0), xytext=(-60, -18), textcoords="offset points")
    ax.axhline(0, color=PALETTE["black"], linewidth=0.8)
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("p")
    ax.set_ylabel("log p")
    return fig


# The probabilities marked on the -log p curve.
MARKED = np.array([0.9, 0.5, 0.1, 0.01])


@figure(
    "negative-log",
    alt=("The loss minus log p for p between 0.001 and 1: it is 0 at p = 1 and rises ever more "
         "steeply as p approaches 0; marked points show "
         + ", ".join(f"{-np.log(p):.3f} at p = {p:g}" for p in MARKED[:-1])
         + f" and {-np.log(MARKED[-1]):.3f} at p = {MARKED[-1]:g}."),
    caption="−log p, the loss when the correct answer gets probability p: small when p is near 1, huge when p is near 0.",
)
def negative_log():
    marked = MARKED
    fig, ax = new_figure(height=3.2)
    ax.plot(PROBS, -np.log(PROBS), color=PALETTE["vermillion"])
    ax.plot(marked, -np.log(marked), "o", color=PALETTE["black"], markersize=4)
    for p in marked:
        ax.annotate(f"p = {p:g}: {-np.log(p):.3f}", (p, -np.log(p)), xytext=(8, 4), textcoords="offset points")
    ax.set_xlim(0, 1.05)
    ax.set_ylim(0, None)
    ax.set_xlabel("p (probability of the correct answer)")
    ax.set_ylabel("−log p")
    return fig
