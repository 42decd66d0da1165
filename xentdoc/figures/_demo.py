"""Temporary figure that tests the figure pipeline until the course's own figures exist."""

import numpy as np

from xentdoc.figures.registry import figure
from xentdoc.figures.style import new_figure


@figure("demo-logistic", alt="A smooth S-shaped curve rising from zero on the left to one on the right.",
        caption="The logistic function, drawn to test the figure pipeline.")
def demo_logistic():
    x = np.linspace(-6, 6, 241)
    fig, ax = new_figure()
    ax.plot(x, 1 / (1 + np.exp(-x)), label="1 / (1 + exp(-x))")
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    ax.legend()
    return fig
