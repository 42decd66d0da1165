r"""Calibration: do the model's probabilities match how often it is right?

A classifier is *calibrated* when, among the examples to which it gives a top probability of
about 0.8, about 80% are classified correctly. With $p_n = \operatorname{softmax}(z_n)$ the
model's probabilities for example $n$, its **confidence** is $\hat p_n = \max_c p_{n,c}$ and its
**prediction** $\hat t_n = \arg\max_c p_{n,c}$ (the first of tied classes, as
`numpy.argmax`); the example counts as correct when $\hat t_n = t_n$.

- `reliability_diagram` sorts the examples into equal-width bins of confidence and returns, per
  bin, the mean confidence and the fraction correct (the accuracy): the data of a reliability
  diagram.
- `expected_calibration_error` (ECE) averages the gap between the two over the bins, weighted
  by how many examples each holds.
- `fit_temperature` finds the one temperature $T$ that minimises the negative log-likelihood of
  $\operatorname{softmax}(z / T)$ on held-out data: *temperature scaling*. Dividing every logit
  by the same $T > 0$ changes no prediction, only the confidences.

All three follow C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of Modern Neural
Networks", ICML 2017 (arXiv:1706.04599), sections 2 and 4.2. Only NumPy is used; results are
float64 whatever the input's dtype.

Examples
--------
>>> import numpy as np
>>> from xentdoc.calibration import expected_calibration_error
>>> probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
>>> labels = np.array([0, 1, 0, 1])
>>> print(round(float(expected_calibration_error(probs, labels, n_bins=10)), 6))
0.375
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from xentdoc._validation import (as_float_array, check_distribution, check_positive_scalar, real_to_float,
                                 refuse_masked)
from xentdoc.softmax import softmax

__all__ = ["ReliabilityDiagram", "expected_calibration_error", "fit_temperature", "reliability_diagram"]


def _check_n_bins(n_bins) -> int:
    if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, numbers.Integral):
        raise TypeError(f"`n_bins` must be a positive integer, got {n_bins!r}.")
    if n_bins < 1:
        raise ValueError(f"`n_bins` must be a positive integer, got {n_bins!r}.")
    return int(n_bins)


def _read_scores(value, name: str) -> np.ndarray:
    """`value` as a finite float array of shape (N, C) with N >= 1 and C >= 2."""
    array = as_float_array(value, name)
    if array.ndim != 2:
        raise ValueError(f"`{name}` must have shape (N, C), one row per example; got shape {array.shape}.")
    if array.shape[0] == 0:
        raise ValueError(f"`{name}` must hold at least one example (row); got shape {array.shape}.")
    if array.shape[1] < 2:
        raise ValueError(f"`{name}` must have at least 2 classes (columns); got shape {array.shape}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite: it has NaN or infinite entries.")
    return array


def _read_labels(labels, num_examples: int, num_classes: int) -> np.ndarray:
    refuse_masked(labels, "labels")
    try:
        labels = np.asarray(labels)
    except (TypeError, ValueError) as error:  # ragged lists
        raise TypeError(f"`labels` must be an array of integer class indices: {error}") from None
    if labels.dtype.kind not in "iu":
        raise TypeError(f"`labels` must be integer class indices, got dtype {labels.dtype}.")
    if labels.shape != (num_examples,):
        raise ValueError(f"`labels` must have shape ({num_examples},), one class index per row; "
                         f"got shape {labels.shape}.")
    if np.any(labels < 0) or np.any(labels >= num_classes):
        raise ValueError(f"`labels` must be class indices in [0, {num_classes - 1}]; found values outside.")
    return labels


def _bin_edges(n_bins: int) -> np.ndarray:
    """The edges fl(m / M), m = 0, ..., M: each the float64 nearest the rational m / M.

    The integers 0, ..., M are exact in float64 (M is at most 2**53 where an array of M + 1
    edges fits in memory), and IEEE division rounds their quotient correctly.
    ``np.linspace(0, 1, M + 1)`` does not: it forms m * (1 / M), which rounds twice, and 1051 of
    the 4950 interior edges for M <= 100 are one ulp off (5/6 for M = 6, 0.6 for M = 10).
    """
    if n_bins > 2**53:
        raise ValueError(f"`n_bins` = {n_bins} is too large for an array of bin edges: the edges "
                         f"m / n_bins are exact for n_bins <= 2**53 only.")
    try:
        return np.arange(n_bins + 1, dtype=np.int64) / n_bins
    except (ValueError, MemoryError) as error:  # NumPy cannot hold that many edges
        raise ValueError(f"`n_bins` = {n_bins} is too large for an array of bin edges: {error}") from None


@dataclass(frozen=True)
class ReliabilityDiagram:
    """The data of a reliability diagram, as returned by `reliability_diagram`.

    Attributes
    ----------
    bin_edges : ndarray of shape (n_bins + 1,), float64
        The edges $0, 1/M, \\dots, 1$, each ``bin_edges[m]`` the float64 nearest the rational
        $m/M$ (``np.arange(M + 1) / M``, not ``np.linspace``, whose edges can be one ulp off);
        bin $m$ holds the confidences in (``bin_edges[m]``, ``bin_edges[m + 1]``], compared
        exactly (for float16 and float32 `probs`, with the edges rounded to that dtype: the
        nearest $m/M$ there). No confidence is 0: the largest entry of a row that sums to 1 is
        at least 1/C.
    counts : ndarray of shape (n_bins,), int64
        How many examples fall in each bin.
    confidence : ndarray of shape (n_bins,), float64
        The mean confidence $\\hat p_n$ of the examples in each bin; NaN for an empty bin.
    accuracy : ndarray of shape (n_bins,), float64
        The fraction of the examples in each bin that are classified correctly; NaN for an
        empty bin.
    """

    bin_edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray

    @property
    def ece(self) -> float:
        """The expected calibration error of these bins (see `expected_calibration_error`)."""
        filled = self.counts > 0
        gaps = np.abs(self.accuracy[filled] - self.confidence[filled])
        return float(np.sum(self.counts[filled] * gaps) / np.sum(self.counts))


def reliability_diagram(probs, labels, n_bins=15) -> ReliabilityDiagram:
    r"""Bin examples by confidence; per bin, the mean confidence and the accuracy.

    With $M$ = `n_bins` equal-width bins $B_m = \bigl(\tfrac{m-1}{M}, \tfrac{m}{M}\bigr]$ and
    $\hat p_n = \max_c p_{n,c}$, $\hat t_n = \arg\max_c p_{n,c}$:

    $$
    \operatorname{conf}(B_m) = \frac{1}{|B_m|} \sum_{n \in B_m} \hat p_n, \qquad
    \operatorname{acc}(B_m) = \frac{1}{|B_m|} \sum_{n \in B_m} [\hat t_n = t_n].
    $$

    A calibrated model has $\operatorname{acc}(B_m) \approx \operatorname{conf}(B_m)$ in every
    bin: plotted against each other, the bins lie on the diagonal. Bars below the diagonal mean
    overconfidence.

    **Which bin an edge goes to.** The bins are closed on the right, as in Guo et al. and their
    code (``confidences.gt(lower) * confidences.le(upper)``) and in scikit-learn's
    ``calibration_curve``: a confidence equal to an interior edge goes to the bin *below* it,
    the one that edge closes, and a confidence of 1 to the top bin. (torchmetrics'
    ``calibration_error`` closes its bins on the left, ``bucketize(..., right=True) - 1``:
    there an edge goes to the bin above.) Each edge is the float64 nearest $m/M$, the value
    Python gives for ``m / M``, and each confidence is compared with it exactly: ``5 / 6``
    with ``n_bins=6`` goes to ``counts[4]``, the bin $(4/6, 5/6]$. That float lies $2^{-53}/3$
    above the rational 5/6, so a comparison with the rational would send it to the bin
    above; so does the edge of ``np.linspace(0, 1, 7)``, one ulp below it (scikit-learn, Guo
    et al.'s code and torchmetrics all take their edges from a linspace). For float16 and
    float32 `probs` the edge is the nearest $m/M$ in that dtype, so ``np.float32(0.8)``,
    which lies above 4/5, is on the edge 4/5 all the same. tests/test_calibration.py checks
    every edge of every $M \le 100$, and the floats one ulp on either side, in all three
    dtypes, against `fractions.Fraction`.

    Parameters
    ----------
    probs : array_like of shape (N, C)
        The model's probabilities, one row per example: entries in [0, 1], each row summing to
        1 (the tolerance of `xentdoc.entropy`). Float or integer; read as float64 (bins are
        decided in the dtype of float16 and float32 input, see above). For a binary model with
        $p = \sigma(z)$, pass the two columns ``np.stack([1 - p, p], axis=1)``.
    labels : array_like of shape (N,), int
        The target class index $t_n$ of each example, in ``range(C)``.
    n_bins : int, optional
        The number of equal-width bins $M$, positive. Default 15, as in Guo et al.

    Returns
    -------
    ReliabilityDiagram
        ``bin_edges`` (M + 1,), ``counts`` (M,), ``confidence`` (M,) and ``accuracy`` (M,),
        float64 (counts int64); the last two are NaN for empty bins. Its ``ece`` property is
        `expected_calibration_error` of the same data.

    Raises
    ------
    TypeError
        If `probs` is not real-valued, `labels` is not an integer array, or `n_bins` is not an
        integer.
    ValueError
        If `probs` is not of shape (N, C) with N >= 1 and C >= 2, has NaN or infinite entries,
        or has a row that is not a probability distribution; if `labels` does not have shape
        (N,) or holds an index outside ``range(C)``; if `n_bins` < 1, or too large for an array
        of `n_bins` + 1 edges (above 2**53, or beyond memory).

    References
    ----------
    C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of Modern Neural Networks",
    ICML 2017, section 2 (reliability diagrams).

    Examples
    --------
    >>> import numpy as np
    >>> probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    >>> diagram = reliability_diagram(probs, [0, 1, 0, 1], n_bins=2)
    >>> diagram.counts
    array([0, 4])
    >>> print(diagram.confidence, diagram.accuracy)
    [  nan 0.775] [ nan 0.75]

    Six confidences of exactly ``5 / 6``, an edge for ``n_bins=6``: they go to the bin that
    edge closes, $(4/6, 5/6]$.

    >>> probs = np.array([[5 / 6, 1 / 6]] * 6 + [[0.95, 0.05]] * 2)
    >>> reliability_diagram(probs, [0] * 6 + [1, 1], n_bins=6).counts
    array([0, 0, 0, 0, 6, 2])
    """
    probs = _read_scores(probs, "probs")
    # float16 and float32 confidences are compared with the edges in their own dtype.
    compare_dtype = probs.dtype if probs.dtype.itemsize < 8 else np.dtype(np.float64)
    probs = probs.astype(np.float64, copy=False)
    check_distribution(probs, 1, "probs")
    labels = _read_labels(labels, *probs.shape)
    n_bins = _check_n_bins(n_bins)
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    edges = _bin_edges(n_bins)
    # searchsorted(side="left") counts the edges strictly below each confidence, so a confidence
    # equal to an edge goes into the bin that edge closes. The edges are exact (see _bin_edges),
    # and so is their rounding to float32 or float16: float64 has more than 2p + 2 bits for
    # their p, so rounding the correctly rounded float64 m / M again gives the correctly rounded
    # m / M in that dtype (S. Figueroa, "When is double rounding innocuous?", 1995).
    bins = np.searchsorted(edges.astype(compare_dtype), confidence.astype(compare_dtype), side="left")
    bins = np.clip(bins - 1, 0, n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(bins, weights=confidence, minlength=n_bins) / counts
        accuracy = np.bincount(bins, weights=correct, minlength=n_bins) / counts
    return ReliabilityDiagram(edges, counts.astype(np.int64), mean_confidence, accuracy)


def expected_calibration_error(probs, labels, n_bins=15) -> float:
    r"""Expected calibration error (ECE): the mean gap between confidence and accuracy.

    With the bins $B_m$ of `reliability_diagram` (closed on the right, exact on the edges) and
    $N$ examples,

    $$
    \operatorname{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}\,
        \bigl|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\bigr| .
    $$

    It lies in [0, 1] and is 0 when every bin's accuracy equals its mean confidence. It is a
    number about the model *and* a data set: compute it on examples the model was not trained
    on. It depends on `n_bins`, and with few examples per bin it is noisy (and biased upwards).

    Parameters
    ----------
    probs : array_like of shape (N, C)
        The model's probabilities, one row per example (see `reliability_diagram`).
    labels : array_like of shape (N,), int
        The target class index of each example, in ``range(C)``.
    n_bins : int, optional
        The number of equal-width bins $M$, positive. Default 15, as in Guo et al.

    Returns
    -------
    float
        The ECE, a fraction in [0, 1] (multiply by 100 for the percentages of Guo et al.).

    Raises
    ------
    TypeError, ValueError
        As `reliability_diagram`, naming the parameter at fault: in particular, `probs` with
        NaN or infinite entries is rejected (a NaN confidence belongs to no bin).

    References
    ----------
    C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of Modern Neural Networks",
    ICML 2017, equation (3); M. P. Naeini, G. F. Cooper, M. Hauskrecht, "Obtaining Well
    Calibrated Probabilities Using Bayesian Binning", AAAI 2015 (where the ECE comes from).

    Examples
    --------
    Four examples, all with confidence above 0.5: mean confidence 0.775, accuracy 0.75.

    >>> import numpy as np
    >>> probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    >>> print(round(expected_calibration_error(probs, [0, 1, 0, 1], n_bins=2), 6))
    0.025

    A confidence on an edge counts in the bin below it (see `reliability_diagram`): six right
    at ``5 / 6`` (gap 1/6) and two wrong at 0.95,
    $\tfrac{6}{8} \cdot \tfrac{1}{6} + \tfrac{2}{8} \cdot 0.95 = 0.3625$.

    >>> probs = np.array([[5 / 6, 1 / 6]] * 6 + [[0.95, 0.05]] * 2)
    >>> print(round(expected_calibration_error(probs, [0] * 6 + [1, 1], n_bins=6), 12))
    0.3625
    """
    return reliability_diagram(probs, labels, n_bins).ece


def _gaps_to_target(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """d_{n,c} = z_{n,c} - z_{n,t_n}, scaled by a power of two 2**-k so that no sum of N of them
    overflows (k = 0 unless the logits come within a factor 2N of the float64 maximum).

    The scaling is exact except for entries it makes subnormal, and a positive factor keeps the
    sign of every sum: the search below needs nothing else.
    """
    largest = float(np.max(np.abs(logits)))
    # |d| < 2 * 2**e and a sum of N row means of them is below N * 2**(e + 1) <= 2**(e + f + 1).
    exponent = np.frexp(largest)[1] + np.frexp(float(len(labels)))[1] + 1
    with np.errstate(under="ignore"):
        scaled = np.ldexp(logits, -max(0, exponent - 1023))
    return scaled - np.take_along_axis(scaled, labels[:, None], 1)


def fit_temperature(logits, labels, bounds=(0.05, 20.0), xtol=1e-9) -> float:
    r"""The temperature $T$ minimising the held-out negative log-likelihood of $\operatorname{softmax}(z / T)$.

    $$
    T^\star = \arg\min_{T} \; \frac{1}{N} \sum_{n=1}^{N}
        -\log \operatorname{softmax}\bigl(z_n / T\bigr)_{t_n}
    $$

    the mean cross-entropy of the scaled logits. The loss is a convex function of $1/T$
    (cross-entropy is convex in the logits, which are linear in $1/T$), so it has one valley in
    $\log T$ too, and its derivative changes sign once, at $T^\star$:

    $$
    \frac{\partial}{\partial T}\,\frac{1}{N} \sum_n -\log \operatorname{softmax}(z_n / T)_{t_n}
    = -\frac{1}{T^2}\,\frac{1}{N} \sum_{n=1}^{N} \sum_{c} p_{n,c}\,\bigl(z_{n,c} - z_{n,t_n}\bigr),
    \qquad p_n = \operatorname{softmax}(z_n / T).
    $$

    The search is a bisection in $\log T$ over `bounds` on the sign of this derivative (each
    step at the geometric mean of the bracket's ends), run until the bracket is narrower than
    `xtol` in $\log T$, or down to two neighbouring floats. $p$ comes from `xentdoc.softmax`
    with ``temperature=T``, which divides without overflow even for logits near 1e308, and
    the differences $z_{n,c} - z_{n,t_n}$ are formed once (scaled by a power of two where a
    sum of them would overflow). The sign of the derivative is reliable where the loss is
    flat, which a comparison of two rounded losses is not: a golden-section search on the
    loss stopped about $\sqrt{\varepsilon}$ away, a relative error of 8.5e-8 for
    ``z = [[2, 0], [0, 1], [1, 0.5]]``, ``t = [0, 0, 1]`` whatever `xtol`.

    **Precision.** The result is within ``xtol / 2`` of $\log T^\star$, a relative error of at
    most ``xtol / 2`` in $T$, plus the few rounding errors of the derivative near $T^\star$.
    Measured against the root of the derivative found by `mpmath.findroot` at 50 digits
    (tests/test_calibration.py: eight problems of 3 to 300 examples and 2 to 10 classes with
    $T^\star$ from 0.098 to 13, and the case above with its logits scaled to near 1e307, to
    near 1e-296, and with the widest bounds (5e-324, 1.8e308)): with the default
    ``xtol=1e-9`` the relative error is at most 3.2e-10; with ``xtol=1e-16`` at most 5.7e-16
    (2.6 $\varepsilon$, 3 ulps; the test allows 4 $\varepsilon$). For the default `bounds`
    the default `xtol` takes 33 evaluations of the softmax, the narrowest bracket 54 or 55.

    Parameters
    ----------
    logits : array_like of shape (N, C)
        The model's logits $z_n$ on held-out examples (not those it was trained on), finite.
        Float or integer; read as float64.
    labels : array_like of shape (N,), int
        The target class index $t_n$ of each example, in ``range(C)``.
    bounds : tuple of two floats, optional
        The range $(T_{\min}, T_{\max})$ searched, $0 < T_{\min} < T_{\max} < \infty$.
        Default (0.05, 20). When the minimum lies outside, the result is (within `xtol`) the
        nearer bound: widen `bounds` and fit again. When the loss does not change with $T$
        over the bracket (every row's logits equal, or a loss of 0 throughout), every $T$ is a
        minimiser and the result is the lower bound.
    xtol : float, optional
        Width of the final bracket in $\log T$, positive. Default 1e-9 (a relative error of at
        most 5e-10 in $T$). Below about 2e-16 it changes nothing: the bisection stops at two
        neighbouring floats.

    Returns
    -------
    float
        $T^\star$. Above 1, the model was overconfident (its logits get shrunk); below 1,
        underconfident. Use it as ``xentdoc.softmax(logits, temperature=T)``.

    Raises
    ------
    TypeError
        If `logits` is not real-valued, `labels` is not an integer array, or a bound or `xtol`
        is not a number.
    ValueError
        If `logits` is not an array of shape (N, C) with N >= 1 and C >= 2, or has NaN or
        infinite entries (rejected: no temperature scales them); if `labels`
        does not match it; if `bounds` is not two finite numbers with 0 < low < high; if
        `xtol` is not positive.

    References
    ----------
    C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of Modern Neural Networks",
    ICML 2017, section 4.2 (temperature scaling).

    Examples
    --------
    Logits three times too large for these labels: the fit divides them by about 3.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(2000, 3))
    >>> labels = np.array([rng.choice(3, p=p) for p in np.exp(z) / np.exp(z).sum(1, keepdims=True)])
    >>> print(round(fit_temperature(3 * z, labels), 1))
    3.0
    """
    logits = _read_scores(logits, "logits").astype(np.float64, copy=False)
    labels = _read_labels(labels, *logits.shape)
    try:
        low, high = bounds
    except (TypeError, ValueError):
        raise ValueError(f"`bounds` must be a pair (low, high) of temperatures, got {bounds!r}.") from None
    for value in (low, high):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"`bounds` must hold two positive numbers, got {bounds!r}.")
    low, high = real_to_float(low), real_to_float(high)
    if not (np.isfinite(low) and np.isfinite(high) and 0 < low < high):
        raise ValueError(f"`bounds` must be two finite temperatures with 0 < low < high, got {bounds!r}.")
    xtol = check_positive_scalar(xtol, "xtol")

    gaps = _gaps_to_target(logits, labels)

    def loss_falls(temperature) -> bool:
        """Whether the mean NLL still falls as T grows past `temperature`: its derivative in T is
        -(1/T**2) (1/N) sum_n sum_c p_{n,c} (z_{n,c} - z_{n,t_n}), with p = softmax(z / T)."""
        # softmax divides by T itself, without overflow: z / T for huge finite logits and T < 1
        # is beyond the float64 range.
        probs = softmax(logits, axis=1, temperature=temperature)
        with np.errstate(under="ignore"):  # a tiny p times a small gap: its term is negligible
            return bool(np.sum(probs * gaps) > 0)

    # Bisection on the sign of the derivative, which is accurate where the loss is flat (a
    # comparison of two rounded losses there is decided by their rounding errors, and stopped a
    # golden-section search about sqrt(eps) away from the minimum). Each step halves the bracket
    # in log T, at the geometric mean of its ends, sqrt(a) sqrt(b) (a * b and b / a can
    # overflow). It ends on two neighbouring floats at the latest: bisecting log T itself would
    # stop at the spacing of log T, |log T| times coarser (T = 1e307: 700 times).
    def width(a, b):
        with np.errstate(over="ignore"):  # b / a beyond float64: the bracket is wide
            return float(np.log(np.float64(b) / a))

    a, b = low, high
    while width(a, b) > xtol:
        middle = float(np.sqrt(a) * np.sqrt(b))
        if not a < middle < b:  # a and b are neighbouring floats
            break
        if loss_falls(middle):
            a = middle
        else:  # rising, or flat (a derivative of exactly 0): the minimum is at or below middle
            b = middle
    return float(np.sqrt(a) * np.sqrt(b))
