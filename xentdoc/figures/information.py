"""Figures of the information-theory page (docs/information-theory.md)."""

import numpy as np

import xentdoc
from xentdoc.figures.registry import figure
from xentdoc.figures.style import PALETTE, new_figure


def _coins(heads):
    """Distributions (heads, tails) of coins, one row per heads probability."""
    heads = np.asarray(heads, dtype=np.float64)
    return np.stack([heads, 1 - heads], axis=-1)


HEADS = np.linspace(0, 1, 401)
_BINARY_ENTROPY = xentdoc.entropy(_coins(HEADS), base=2)
_AT_HALF = float(xentdoc.entropy(_coins(0.5), base=2))
_AT_TENTH = float(xentdoc.entropy(_coins(0.1), base=2))


@figure(
    "binary-entropy",
    alt=(f"The binary entropy of a coin, in bits, against its heads probability y: an arch that "
         f"starts at 0 bits for y = 0, rises to its maximum of {_AT_HALF:g} bit at y = 0.5 and falls "
         f"back symmetrically to 0 at y = 1; at y = 0.1 and y = 0.9 it is {_AT_TENTH:.3f} bits."),
    caption=f"Binary entropy H₂(y) in bits: a coin is least predictable, {_AT_HALF:g} bit per flip, when it is fair.",
)
def binary_entropy():
    fig, ax = new_figure(height=3.2)
    ax.plot(HEADS, _BINARY_ENTROPY, color=PALETTE["blue"], linestyle="-")
    ax.plot([0.5], [_AT_HALF], "o", color=PALETTE["black"], markersize=5)
    ax.annotate(f"maximum: {_AT_HALF:g} bit at y = 0.5", (0.5, _AT_HALF), xytext=(0.5, 0.55),
                ha="center", arrowprops=dict(arrowstyle="-", color=PALETTE["black"], linewidth=0.8))
    ax.set_xlabel("y, probability of heads")
    ax.set_ylabel("entropy H₂(y) in bits")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.08)
    return fig


TRUE_HEADS = 0.2
MODEL_HEADS = np.linspace(0.005, 0.995, 397)
_P = _coins(TRUE_HEADS)
_KL_FORWARD = xentdoc.kl_divergence(np.broadcast_to(_P, (len(MODEL_HEADS), 2)), _coins(MODEL_HEADS))
_KL_REVERSE = xentdoc.kl_divergence(_coins(MODEL_HEADS), np.broadcast_to(_P, (len(MODEL_HEADS), 2)))
_AT_09 = (float(xentdoc.kl_divergence(_P, _coins(0.9))), float(xentdoc.kl_divergence(_coins(0.9), _P)))


@figure(
    "kl-asymmetry",
    alt=(f"KL divergence in nats between a data coin y with heads probability {TRUE_HEADS} and a "
         f"model coin p whose heads probability runs from 0 to 1, in both directions. Both curves "
         f"touch 0 at p = {TRUE_HEADS} and grow away from it, but differently: at p = 0.9, D(y||p) is "
         f"{_AT_09[0]:.3f} nats while D(p||y) is {_AT_09[1]:.3f} nats. As p approaches 0 or 1, D(y||p) "
         f"grows without bound while D(p||y) stays finite."),
    caption=f"KL divergence is not symmetric: D_KL(y ‖ p) and D_KL(p ‖ y), in nats, for a data coin y "
            f"with heads probability {TRUE_HEADS} and every model coin p.",
)
def kl_asymmetry():
    fig, ax = new_figure(height=3.4)
    ax.plot(MODEL_HEADS, _KL_FORWARD, color=PALETTE["blue"], linestyle="-", label="D(y ‖ p)")
    ax.plot(MODEL_HEADS, _KL_REVERSE, color=PALETTE["vermillion"], linestyle="--", label="D(p ‖ y)")
    ax.axvline(TRUE_HEADS, color=PALETTE["black"], linewidth=1, linestyle=":")
    ax.annotate(f"p = y = {TRUE_HEADS}", (TRUE_HEADS, 2.3), xytext=(5, 0), textcoords="offset points")
    ax.set_xlabel("heads probability of the model p")
    ax.set_ylabel("KL divergence (nats)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 2.5)
    ax.legend(loc="upper center")
    return fig


def _prefix_code(probabilities):
    """Canonical prefix code with codewords of -log2 p_c bits (the page's construction)."""
    lengths = [round(-np.log2(q)) for q in probabilities]
    code, value, previous = [None] * len(lengths), 0, 0
    for c in sorted(range(len(lengths)), key=lambda c: (lengths[c], c)):
        value <<= lengths[c] - previous
        code[c], value, previous = format(value, f"0{lengths[c]}b"), value + 1, lengths[c]
    return code


CODE_Y = [1 / 2, 1 / 4, 1 / 8, 1 / 8]
CODE_P = [1 / 4, 1 / 8, 1 / 2, 1 / 8]
_CODES = {"y": _prefix_code(CODE_Y), "p": _prefix_code(CODE_P)}
_SOURCES = {"y": CODE_Y, "p": CODE_P}
_AREA = {(s, c): sum(q * len(w) for q, w in zip(_SOURCES[s], _CODES[c])) for s in "yp" for c in "yp"}


OUTCOMES = "abcd"
_BITS = {(code_name, o): len(_CODES[code_name][c]) for code_name in "yp" for c, o in enumerate(OUTCOMES)}


def _boxes(source, code_name):
    """(outcome, left edge, width, height) of each box: source's probabilities, code's lengths."""
    lefts = np.concatenate([[0.0], np.cumsum(_SOURCES[source])[:-1]])
    return [(OUTCOMES[c], float(left), q, len(word))
            for c, (left, q, word) in enumerate(zip(lefts, _SOURCES[source], _CODES[code_name]))]


@figure(
    "code-areas",
    alt=(f"Four panels, one per pair of source and code, for the distributions y = (1/2, 1/4, 1/8, "
         f"1/8) and p = (1/4, 1/8, 1/2, 1/8) over the outcomes a, b, c and d. In every panel the "
         f"outcomes run from left to right, a, b, c, d, each a box labelled with its letter and its "
         f"codeword, whose width is its probability under the source and whose height is its "
         f"codeword length in bits, so the shaded area is the expected length: "
         f"{_AREA['y', 'y']:g} bits for y's outcomes with y's code and {_AREA['p', 'p']:g} bits for "
         f"p's outcomes with p's code, but {_AREA['y', 'p']:g} bits for y's outcomes with p's code "
         f"and {_AREA['p', 'y']:g} bits for p's outcomes with y's code. On these two wrong-code "
         f"panels a dashed outline shows the source's own code: with y's outcomes and p's code, box "
         f"a rises from {_BITS['y', 'a']} to {_BITS['p', 'a']} bits and box c drops from "
         f"{_BITS['y', 'c']} bits to {_BITS['p', 'c']}; with p's outcomes and y's code, box c, "
         f"{CODE_P[2]:g} of the width, rises from {_BITS['p', 'c']} to {_BITS['y', 'c']} bits."),
    caption=(f"Codes as areas (after Olah): outcomes a to d from left to right, width = probability "
             f"of the outcome, height = codeword length; dashed: the source's own code. The wrong "
             f"code costs {_AREA['y', 'p'] - _AREA['y', 'y']:g} extra bits one way and "
             f"{_AREA['p', 'y'] - _AREA['p', 'p']:g} the other."),
)
def code_areas():
    fig, axes = new_figure(ncols=2, nrows=2, height=4.6, sharex=True, sharey=True)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
    for row, source in enumerate("yp"):
        for col, code_name in enumerate("yp"):
            ax = axes[row, col]
            for c, (name, left, q, bits) in enumerate(_boxes(source, code_name)):
                # A pale tint tells the outcomes apart; the black outline is the mark (3:1 and
                # more on white, which no tint light enough for the black labels reaches).
                ax.bar(left, bits, width=q, align="edge", color=colors[c], alpha=0.18, linewidth=0)
                ax.bar(left, bits, width=q, align="edge", fill=False, edgecolor=PALETTE["black"],
                       linewidth=0.8)
                ax.text(left + q / 2, 0.4, name, ha="center", va="center",
                        color=PALETTE["black"], fontsize=10, fontweight="bold")
                ax.text(left + q / 2, bits + 0.12, _CODES[code_name][c], ha="center", va="bottom",
                        color=PALETTE["black"], fontsize=9)
            if code_name != source:                # outline of the source's own code
                own = _boxes(source, source)
                edges = [left for _, left, _, _ in own] + [1.0]
                heights = [bits for _, _, _, bits in own]
                ax.stairs(heights, edges, color=PALETTE["black"], linestyle="--", linewidth=1.2,
                          baseline=None)
            ax.set_title(f"{source}'s outcomes, {code_name}'s code: {_AREA[source, code_name]:g} bits",
                         fontsize=10)
            ax.grid(False)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 4)
            ax.set_yticks([0, 1, 2, 3])
            if row == 1:
                ax.set_xlabel("probability under the source")
            if col == 0:
                ax.set_ylabel("codeword bits")
    return fig
