"""Figures of the sigmoid page (docs/sigmoid.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure


@figure(
    "sigmoid-and-derivative",
    alt=("Over the logit z from -8 to 8, the sigmoid rises smoothly towards 1, crossing 0.5 at "
         "z = 0; its derivative is a bell-shaped curve that peaks at 0.25 at z = 0 and is almost 0 "
         "in both tails."),
    caption="The sigmoid σ and its derivative σ(1 − σ): steep in the middle, flat (saturated) in the tails.",
)
def sigmoid_and_derivative():
    z = np.linspace(-8, 8, 401)
    p = xentdoc.sigmoid(z)
    fig, ax = new_figure()
    ax.plot(z, p, color=PALETTE["blue"], linestyle="-", label="sigmoid σ(z)")
    # sigma(z) sigma(-z), the form that keeps tiny values (p (1 - p) would be fine on [-8, 8]).
    derivative = p * xentdoc.sigmoid(-z)
    ax.plot(z, derivative, color=PALETTE["vermillion"], linestyle="--", label="derivative σ(z)(1 − σ(z))")
    centre = float(xentdoc.sigmoid(0.0))
    ax.plot([0, 0], [centre, centre * (1 - centre)], "o", color=PALETTE["black"], markersize=4)
    ax.annotate("0.5", (0, centre), xytext=(8, -4), textcoords="offset points")
    ax.annotate("0.25", (0, centre * (1 - centre)), xytext=(-12, 8), textcoords="offset points")
    ax.set_xlabel("z (logit)")
    ax.set_ylim(-0.02, 1.05)
    ax.legend(loc="upper left")
    return fig


@figure(
    "sigmoid-two-classes",
    alt=("Two mirror-image curves over the logit z: the probability of the positive class, "
         "sigmoid of z, rises from 0 to 1, and the probability of the negative class, one minus "
         "sigmoid of z, falls from 1 to 0; they cross at 0.5 when z = 0 and add up to 1 everywhere."),
    caption="One logit, two class probabilities: σ(z) and 1 − σ(z) = σ(−z).",
)
def sigmoid_two_classes():
    z = np.linspace(-6, 6, 301)
    fig, ax = new_figure(height=3.0)
    ax.plot(z, xentdoc.sigmoid(z), color=PALETTE["blue"], linestyle="-", label="positive class: σ(z)")
    ax.plot(z, xentdoc.sigmoid(-z), color=PALETTE["vermillion"], linestyle="--",
            label="negative class: 1 − σ(z) = σ(−z)")
    ax.set_xlabel("z (logit)")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    fig.legend(loc="outside upper center", ncols=2)
    return fig
