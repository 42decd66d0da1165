r"""Softmax, log-softmax and log-sum-exp along one axis, stable and precise.

All three rest on one decomposition of the logits $z$ along the axis. With $m = \max_j z_j$
reached at index $k$ and the shifted logits $s_j = z_j - m \le 0$,

$$\sum_j e^{z_j} = e^{m}\,(1 + \tau), \qquad \tau = \sum_{j \ne k} e^{s_j},$$

so $\operatorname{logsumexp}(z) = m + \operatorname{log1p}(\tau)$. Summing the tail $\tau$
without the top entry's $e^0 = 1$ keeps tiny results: for two classes 40 apart,
$\tau = e^{-40}$ and $\log(1 + \tau)$ is $4.25\times 10^{-18}$, where $\log(\sum_j e^{s_j})$
would round $1 + \tau$ to 1 and return 0.

Rules shared by the three functions:

- dtype: the arithmetic runs in float64 for float16, float32 and float64 input (and in the
  dtype of `x` if it is wider); the result is rounded once to the dtype of `x`. float16 and
  float32 are computed wider because NumPy's float32 `exp` and `log` are not correctly
  rounded (up to 2.44 and 2.74 ulps) and err at other points depending on the SIMD kernels
  the CPU offers (AVX-512 or AVX2), so a float32 computation could not meet the tolerance
  below on every machine; the temperature, an argument too, is used in float64 as well. The
  sum of $\tau$ runs with the axis moved last, so it is NumPy's pairwise sum along any axis.
  Where $\tau$ is so small that its terms are subnormal, that row's $\tau$ is redone in the
  next wider dtype (long double, where NumPy has one wider than float64).
- NaN: a NaN anywhere along the axis gives NaN along that axis (a single number for
  `logsumexp`).
- tolerance: tests/test_accuracy.py compares every result, in float16, float32 and float64,
  along any axis, with mpmath at 60 digits on the exact binary values of the input, and checks
  an error of at most $2\max(1, \kappa)$ ulps of the result's dtype for `log_softmax` and
  `logsumexp`, $\kappa$ being the condition number of the problem at that input (computed in
  mpmath too). That bound holds for `softmax` too in float16 and float32, whose results are
  float64 computations rounded once. For float64 `softmax` the bound is
  $2\max(1, \kappa) + 2 + \lceil\log_2 C\rceil$ ulps along an axis of $C$ entries (one more
  unit of 2 ulps with a temperature, for the rounding of $z / T$). Measured by
  scripts/softmax_float64_error.py on 288 random rows with $C$ from 2 to 1000, the same on the
  AVX-512 and the AVX2 kernels: at most 1.6 ulps above $2\max(1, \kappa)$, an error of
  3.85 ulps at $\kappa = 1.12$ for $C = 1000$, where the bound is 14.2.

  Why `softmax` has an additive term: $p_i = e^{s_i} / (1 + \tau)$ is formed from rounded
  pieces, and $\kappa$ sees none of their rounding. NumPy's `exp` is not correctly rounded
  (within about 1 ulp, not 1/2); $\tau$ adds such an error for each term plus that of its
  pairwise sum (relative error at most $\lceil\log_2 C\rceil$ half-ulps, the terms being
  positive), damped by $\tau / (1 + \tau) < 1$; $1 + \tau$ and the division each round once
  more (1/2 ulp). Summed, these give about $2 + \lceil\log_2 C\rceil / 2$ ulps at most in
  relative terms, which the bound doubles for the spread of an ulp within a binade. Measured
  in float64: 2.3 ulps at $\kappa = 0.63$ for $C = 5$, 3.1 at $\kappa \approx 1$ for
  $C = 64$. Removing the term would need `exp` and the tail in extended precision: long
  double's `exp` measured about 6 times slower than float64's here, far beyond the speed
  target of 1.25 times the NumPy floor. `log_softmax` and `logsumexp` do not
  divide by $1 + \tau$ but take its `log1p`, which damps the same errors by
  $\tau / ((1 + \tau) \lvert\log p\rvert)$: their tests hold at $2\max(1, \kappa)$.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from xentdoc._validation import (
    as_float_array,
    check_axis,
    check_flag,
    check_positive_scalar,
    compute_dtype,
    extended_dtype,
    tiny_threshold,
)
from xentdoc.sigmoid import _scalar_if_0d


class _Normaliser(NamedTuple):
    """Pieces of the log-normaliser along one axis (shapes keep that axis, length 1 for reductions)."""

    top_index: np.ndarray  # index k of a maximum along the axis
    top_logit: np.ndarray  # m = z[k]
    shifted: np.ndarray  # s = (z - m) / temperature, every entry <= 0
    exp_shifted: np.ndarray  # e^s
    tail: np.ndarray  # tau = sum of e^s over all entries but k (in the extended dtype if tiny)


def poison_tail(tail: np.ndarray, top_logit: np.ndarray) -> np.ndarray:
    """Make tau NaN where the maximum is +inf (or NaN): softmax is then undefined on the whole axis."""
    return np.where(np.isnan(top_logit) | (top_logit == np.inf), np.nan, tail)


def _tail_of_shifted(shifted: np.ndarray, top_index: np.ndarray) -> np.ndarray:
    """tau along the last axis of `shifted` (C-contiguous there, so NumPy sums pairwise)."""
    exp_shifted = np.exp(shifted)
    np.put_along_axis(exp_shifted, top_index, 0, -1)
    return exp_shifted.sum(axis=-1, keepdims=True)


def tails_to_refine(tail, rows_logits, top_index, top_logit) -> np.ndarray:
    """Flat indices of the rows of `tail` to redo in the extended dtype (see `refine_tiny_tail`).

    A row qualifies when its tau is positive but below `tiny_threshold`, or when tau is exactly
    0 although the row has a finite entry besides the top one (a finite maximum too): every
    e^s underflowed, and a weight may scale that lost value back into range.
    """
    dtype = rows_logits.dtype
    threshold = tiny_threshold(dtype)
    flat = tail.reshape(-1)
    if flat.size == 0 or flat.min() >= threshold:  # the common case (NaN fails the test)
        return np.empty(0, np.intp)
    tiny = (flat > 0) & (flat < threshold)
    zero = np.flatnonzero(flat == 0)
    if zero.size:
        n_classes = rows_logits.shape[-1]
        logits = rows_logits.reshape(-1, n_classes)[zero]
        finite = np.isfinite(logits)
        np.put_along_axis(finite, top_index.reshape(-1, 1)[zero], False, 1)
        underflowed = finite.any(axis=1) & np.isfinite(top_logit.reshape(-1)[zero])
        tiny[zero[underflowed]] = True
    return np.flatnonzero(tiny)


def refine_tiny_tail(tail, rows_logits, top_index, top_logit, temperature=1.0):
    """Redo, in the extended dtype, every row whose tau is so small that its terms are subnormal.

    A subnormal e^s keeps only a few significant bits, and one that underflowed to 0 keeps
    none; summed (or scaled up by a weight) those lost bits become the leading ones. The rows
    redone are those of `tails_to_refine`. `rows_logits` has the classes on its last axis and
    the rows of `tail` before it. Returns `tail`, promoted to the extended dtype when a row was
    redone.
    """
    dtype = rows_logits.dtype
    wide = extended_dtype(dtype)
    if wide == dtype:
        return tail
    rows = tails_to_refine(tail, rows_logits, top_index, top_logit)
    if not rows.size:
        return tail
    n_classes = rows_logits.shape[-1]
    logits = rows_logits.reshape(-1, n_classes)[rows]
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = logits.astype(wide) - top_logit.reshape(-1, 1)[rows].astype(wide)
        if temperature != 1.0:
            shifted /= temperature
    tail = tail.astype(wide)
    tail.reshape(-1, 1)[rows] = _tail_of_shifted(shifted, top_index.reshape(-1, 1)[rows])
    return tail


def _shift(moved, top_logit, temperature):
    """s = (z - m) / T, C-contiguous. Where z - m overflows for finite z and m (possible only
    for T != 1 to matter: with T = 1 the result is -inf either way, e^s = 0), it is formed as
    2 ((z/2 - m/2) / T): halving is exact for these huge values, so s keeps the accuracy of the
    ordinary route instead of becoming -inf."""
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = np.subtract(moved, top_logit, order="C")
        if temperature != 1.0:
            overflowed = np.isinf(shifted) & np.isfinite(moved) & np.isfinite(top_logit)
            shifted /= temperature
            if overflowed.any():
                halves = (np.broadcast_to(moved * 0.5, shifted.shape)[overflowed]
                          - np.broadcast_to(top_logit * 0.5, shifted.shape)[overflowed])
                shifted[overflowed] = (halves / temperature) * 2
    return shifted


def _normaliser(x: np.ndarray, axis: int, temperature: float = 1.0) -> _Normaliser:
    """Decompose `x` along `axis` as described in the module docstring.

    The work runs with `axis` moved last and the temporaries C-contiguous, so that every sum is
    NumPy's pairwise sum (along any other axis NumPy adds sequentially); the pieces are returned
    with `axis` back in place (as views).
    """
    moved = np.moveaxis(x, axis, -1)
    top_index = np.expand_dims(np.argmax(moved, axis=-1), -1)
    top_logit = np.take_along_axis(moved, top_index, -1)
    # Overflow of x - m (e.g. -1e308 - 1e308) means -inf, whose exponential is exactly 0;
    # inf - inf (an infinite maximum) is NaN and is dealt with by the callers.
    shifted = _shift(moved, top_logit, temperature)
    with np.errstate(over="ignore", invalid="ignore"):
        exp_shifted = np.exp(shifted)
    top_exp = np.take_along_axis(exp_shifted, top_index, -1)
    np.put_along_axis(exp_shifted, top_index, 0, -1)
    tail = exp_shifted.sum(axis=-1, keepdims=True)
    np.put_along_axis(exp_shifted, top_index, top_exp, -1)
    tail = poison_tail(refine_tiny_tail(tail, moved, top_index, top_logit, temperature), top_logit)
    pieces = (top_index, top_logit, shifted, exp_shifted, tail)
    return _Normaliser(*(np.moveaxis(piece, -1, axis) for piece in pieces))


def _prepare(x, axis, temperature=1.0):
    """Validate the common arguments; return (array in the compute dtype, axis, temperature,
    output dtype, whether `x` was 0-d)."""
    x = as_float_array(x, "x")
    scalar = x.ndim == 0
    axis = check_axis(axis, max(x.ndim, 1))
    temperature = check_positive_scalar(temperature, "temperature")
    out_dtype = x.dtype
    # At least float64, which holds every temperature exactly (a Python float is one).
    x = x.astype(compute_dtype(x), copy=False)
    if scalar:  # a 0-d input is one axis of length 1, as in torch and SciPy
        x = x.reshape(1)
    return x, axis, temperature, out_dtype, scalar


def _finish(result: np.ndarray, out_dtype, scalar: bool):
    """Round once to the output dtype; a 0-d input gives NumPy's scalar."""
    with np.errstate(over="ignore"):  # beyond the output dtype's range: inf, as rounding says
        result = np.asarray(result).astype(out_dtype, copy=False)
    if scalar:
        result = result.reshape(())
    return _scalar_if_0d(result) if result.ndim == 0 else result


def logsumexp(x, axis=-1, keepdims=False):
    r"""Logarithm of the sum of exponentials along an axis, without overflow or underflow.

    $$\operatorname{logsumexp}(z) = \log \sum_j e^{z_j} = m + \operatorname{log1p}\Big(\sum_{j \ne k} e^{z_j - m}\Big)$$

    where $m = z_k$ is the largest entry.

    Parameters
    ----------
    x : array_like
        Real numbers $z$. Integers are promoted to float64. A 0-d input is an axis of length
        one: its log-sum-exp is the value itself (as `torch.logsumexp` and
        `scipy.special.logsumexp`).
    axis : int, optional
        Axis to reduce. Default: the last.
    keepdims : bool, optional
        Keep the reduced axis with length 1, so the result broadcasts against `x`.

    Returns
    -------
    ndarray or scalar
        The log-sum-exp, in the floating dtype of `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued, `axis` is not an integer, or `keepdims` is not a bool.
    ValueError
        If `axis` is out of range.

    Notes
    -----
    Factoring out the maximum keeps every exponential in $(0, 1]$, so no finite input
    overflows, and no finite input raises a RuntimeWarning; summing all but the top term and
    applying `log1p` keeps results close to $m$ within a few ulps (see the module's tolerance
    rule). Special values: an axis of all $-\infty$ (or of length 0) gives $-\infty$; any
    $+\infty$ gives $+\infty$; any NaN gives NaN (as `torch.logsumexp`). The dtype, NaN and
    tolerance rules are the module's.

    References
    ----------
    - P. Blanchard, D. J. Higham, N. J. Higham, "Accurately computing the log-sum-exp and
      softmax functions", IMA Journal of Numerical Analysis 41 (2021).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import logsumexp
    >>> z = np.array([1000.0, 1000.0])
    >>> with np.errstate(over="ignore"):
    ...     print(np.log(np.sum(np.exp(z))))
    inf
    >>> print(round(float(logsumexp(z)), 10))
    1000.6931471806
    >>> print(np.round(logsumexp(np.array([[0.0, 0.0], [1.0, -np.inf]]), axis=1), 6))
    [0.693147 1.      ]
    >>> print(float(logsumexp(np.float16(3.5))), logsumexp(np.zeros(70000, np.float16)))
    3.5 11.16
    """
    x, axis, _, out_dtype, scalar = _prepare(x, axis)
    keepdims = check_flag(keepdims, "keepdims")
    if x.shape[axis] == 0:
        shape = list(x.shape)
        shape[axis] = 1
        result = np.full(shape, -np.inf, dtype=x.dtype)
    else:
        parts = _normaliser(x, axis)
        with np.errstate(invalid="ignore"):
            result = np.where(
                np.isinf(parts.top_logit),
                parts.top_logit,
                parts.top_logit + np.log1p(parts.tail),
            )
    if not keepdims or scalar:
        result = np.squeeze(result, axis=axis)
    return _finish(result, out_dtype, scalar)


def log_softmax(x, axis=-1, temperature=1.0):
    r"""Logarithm of the softmax, computed without forming the softmax.

    $$\log p_i = \log\operatorname{softmax}(z)_i = \frac{z_i}{T} - \operatorname{logsumexp}\Big(\frac{z}{T}\Big)
    = s_i - \operatorname{log1p}(\tau)$$

    with $s = (z - \max z)/T$ and $\tau = \sum_{j \ne k} e^{s_j}$ over all but the top entry.

    Parameters
    ----------
    x : array_like
        Logits $z$. Integers are promoted to float64. A 0-d input is an axis of length one,
        whose log-probability is 0 (as torch and SciPy).
    axis : int, optional
        Axis along which the softmax normalises. Default: the last.
    temperature : float, optional
        Positive temperature $T$ dividing the logits; 1 by default.

    Returns
    -------
    ndarray or scalar
        Log-probabilities ($\le 0$), same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `axis` is out of range, or `temperature` is not a positive finite number.

    Notes
    -----
    `np.log(softmax(z))` returns $-\infty$ as soon as a probability underflows, and 0 for a
    top probability that rounds to 1. Here the top entry is $-\operatorname{log1p}(\tau)$,
    which keeps its value even when $\tau \approx 10^{-18}$, where `torch.log_softmax` and
    `scipy.special.log_softmax` return exactly 0. Special values follow torch: an axis with a
    $+\infty$, with a NaN, or made only of $-\infty$ gives NaN along that axis; single
    $-\infty$ entries give $-\infty$ for those entries. No finite input raises a
    RuntimeWarning. The dtype, NaN and tolerance rules are the module's.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import log_softmax, softmax
    >>> z = np.array([1000.0, 1.0])
    >>> with np.errstate(divide="ignore"):
    ...     print(np.log(softmax(z)))
    [   0. -inf]
    >>> print(log_softmax(z))
    [  -0. -999.]
    >>> print(f"{float(log_softmax(np.array([40.0, 0.0]))[0]):.6e}")
    -4.248354e-18
    """
    x, axis, temperature, out_dtype, scalar = _prepare(x, axis, temperature)
    if x.shape[axis] == 0:
        return x.astype(out_dtype)
    parts = _normaliser(x, axis, temperature)
    return _finish(parts.shifted - np.log1p(parts.tail), out_dtype, scalar)


def softmax(x, axis=-1, temperature=1.0):
    r"""Softmax: turn logits into probabilities that are positive and sum to one.

    $$p_i = \operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}$$

    Parameters
    ----------
    x : array_like
        Logits $z$. Integers are promoted to float64. A 0-d input is an axis of length one,
        whose probability is 1 (as torch and SciPy).
    axis : int, optional
        Axis along which the probabilities sum to one. Default: the last.
    temperature : float, optional
        Positive temperature $T$: below 1 sharpens the distribution towards the largest logit,
        above 1 flattens it towards uniform. 1 by default.

    Returns
    -------
    ndarray or scalar
        Probabilities in $[0, 1]$, same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `axis` is out of range, or `temperature` is not a positive finite number.

    Notes
    -----
    Adding a constant $c$ to every logit multiplies numerator and denominator by $e^{c/T}$,
    so the result is unchanged; the computation uses $c = -\max_j z_j$, which puts every
    exponent in $(-\infty, 0]$: nothing overflows, no finite input raises a RuntimeWarning, and
    the largest term is $e^0 = 1$. With two classes,
    $\operatorname{softmax}([a, b])_0 = \sigma(a - b)$. Special values follow torch: an axis
    with a $+\infty$, with a NaN, or made only of $-\infty$ gives NaN along that axis. The
    dtype, NaN and tolerance rules are the module's.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import softmax
    >>> print(np.round(softmax(np.array([1.0, 2.0, 3.0])), 6))
    [0.090031 0.244728 0.665241]
    >>> print(np.round(softmax(np.array([1.0, 2.0, 3.0]), temperature=10.0), 6))
    [0.30061  0.332225 0.367165]

    The naive formula overflows for large logits; the shift does not:

    >>> z = np.array([1000.0, 999.0])
    >>> with np.errstate(over="ignore", invalid="ignore"):
    ...     print(np.exp(z) / np.sum(np.exp(z)))
    [nan nan]
    >>> print(np.round(softmax(z), 6))
    [0.731059 0.268941]

    float16 logits are summed in float32, so 3000 of them along axis 0 stay normalised:

    >>> print(softmax(np.zeros((3000, 2), np.float16), axis=0)[0])
    [0.0003333 0.0003333]
    """
    x, axis, temperature, out_dtype, scalar = _prepare(x, axis, temperature)
    if x.shape[axis] == 0:
        return x.astype(out_dtype)
    parts = _normaliser(x, axis, temperature)
    # 1 + tau is the full sum: the top term is exactly e^0 = 1.
    return _finish(parts.exp_shifted / (1 + parts.tail), out_dtype, scalar)
