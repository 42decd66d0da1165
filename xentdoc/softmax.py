r"""Softmax, log-softmax and log-sum-exp along one axis, stable and precise.

All three rest on one decomposition of the logits $x$ along the axis. With $m = \max_j x_j$
reached at index $k$ and the shifted logits $s_j = x_j - m \le 0$,

$$\sum_j e^{x_j} = e^{m}\,(1 + \tau), \qquad \tau = \sum_{j \ne k} e^{s_j},$$

so $\operatorname{logsumexp}(x) = m + \operatorname{log1p}(\tau)$. Summing the tail $\tau$
without the top entry's $e^0 = 1$ is what keeps tiny results exact: for two classes 40 apart,
$\tau = e^{-40}$ and $\log(1 + \tau)$ is $4.25\times 10^{-18}$, where $\log(\sum_j e^{s_j})$
would round $1 + \tau$ to 1 and return 0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from xentdoc._validation import as_float_array, check_axis, check_positive_scalar
from xentdoc.sigmoid import _scalar_if_0d


class _Normaliser(NamedTuple):
    """Pieces of the log-normaliser along one axis (shapes keep that axis, length 1 for reductions)."""

    top_index: np.ndarray  # index k of a maximum along the axis
    top_logit: np.ndarray  # m = x[k]
    shifted: np.ndarray  # s = (x - m) / temperature, every entry <= 0
    exp_shifted: np.ndarray  # e^s
    tail: np.ndarray  # tau = sum of e^s over all entries but k


def poison_tail(tail: np.ndarray, top_logit: np.ndarray) -> np.ndarray:
    """Make tau NaN where the maximum is +inf (or NaN): softmax is then undefined on the whole axis."""
    return np.where(np.isnan(top_logit) | (top_logit == np.inf), np.nan, tail)


def _normaliser(x: np.ndarray, axis: int, temperature: float = 1.0) -> _Normaliser:
    """Decompose `x` along `axis` as described in the module docstring."""
    top_index = np.expand_dims(np.argmax(x, axis=axis), axis)
    top_logit = np.take_along_axis(x, top_index, axis)
    # Overflow of x - m (e.g. -1e308 - 1e308) means -inf, whose exponential is exactly 0;
    # inf - inf (an infinite maximum) is NaN and is dealt with by the callers.
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = x - top_logit
        if temperature != 1.0:
            shifted /= temperature
        exp_shifted = np.exp(shifted)
    top_exp = np.take_along_axis(exp_shifted, top_index, axis)
    np.put_along_axis(exp_shifted, top_index, 0, axis)
    tail = poison_tail(exp_shifted.sum(axis=axis, keepdims=True), top_logit)
    np.put_along_axis(exp_shifted, top_index, top_exp, axis)
    return _Normaliser(top_index, top_logit, shifted, exp_shifted, tail)


def _prepare(x, axis, temperature=1.0):
    """Validate the common arguments; return (array, axis, temperature)."""
    x = as_float_array(x, "x")
    axis = check_axis(axis, x.ndim)
    temperature = check_positive_scalar(temperature, "temperature")
    return x, axis, temperature


def logsumexp(x, axis=-1, keepdims=False):
    r"""Logarithm of the sum of exponentials along an axis, without overflow or underflow.

    $$\operatorname{logsumexp}(x) = \log \sum_j e^{x_j} = m + \log\Big(1 + \sum_{j \ne k} e^{x_j - m}\Big)$$

    where $m = x_k$ is the largest entry.

    Parameters
    ----------
    x : array_like
        Real numbers, at least one dimension. Integers are promoted to float64.
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
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `x` is a scalar or `axis` is out of range.

    Notes
    -----
    Factoring out the maximum keeps every exponential in $(0, 1]$, so no finite input
    overflows; summing all but the top term and applying `log1p` keeps results close to
    $m$ exact to the last bit. Special values: an axis of all $-\infty$ (or of length 0)
    gives $-\infty$; any $+\infty$ gives $+\infty$; any NaN gives NaN (as `torch.logsumexp`).

    References
    ----------
    - P. Blanchard, D. J. Higham, N. J. Higham, "Accurately computing the log-sum-exp and
      softmax functions", IMA Journal of Numerical Analysis 41 (2021).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import logsumexp
    >>> x = np.array([1000.0, 1000.0])
    >>> with np.errstate(over="ignore"):
    ...     print(np.log(np.sum(np.exp(x))))
    inf
    >>> print(float(logsumexp(x)))
    1000.6931471805599
    >>> print(logsumexp(np.array([[0.0, 0.0], [1.0, -np.inf]]), axis=1))
    [0.69314718 1.        ]
    """
    x, axis, _ = _prepare(x, axis)
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
    if not keepdims:
        result = np.squeeze(result, axis=axis)
    return _scalar_if_0d(result)


def log_softmax(x, axis=-1, temperature=1.0):
    r"""Logarithm of the softmax, computed without forming the softmax.

    $$\log\operatorname{softmax}(x)_i = \frac{x_i}{T} - \operatorname{logsumexp}\Big(\frac{x}{T}\Big)
    = s_i - \operatorname{log1p}(\tau)$$

    with $s = (x - \max x)/T$ and $\tau = \sum_{j \ne k} e^{s_j}$ over all but the top entry.

    Parameters
    ----------
    x : array_like
        Logits, at least one dimension. Integers are promoted to float64.
    axis : int, optional
        Axis along which the softmax normalises. Default: the last.
    temperature : float, optional
        Positive temperature $T$ dividing the logits; 1 by default.

    Returns
    -------
    ndarray
        Log-probabilities ($\le 0$), same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `x` is a scalar, `axis` is out of range, or `temperature` is not a positive finite
        number.

    Notes
    -----
    `np.log(softmax(x))` returns $-\infty$ as soon as a probability underflows, and 0 for a
    top probability that rounds to 1. Here the top entry is $-\operatorname{log1p}(\tau)$,
    exact even when $\tau \approx 10^{-18}$, where `torch.log_softmax` and
    `scipy.special.log_softmax` return exactly 0. Special values follow torch: an axis with a
    $+\infty$, with a NaN, or made only of $-\infty$ gives NaN along that axis; single
    $-\infty$ entries give $-\infty$ for those entries.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import log_softmax, softmax
    >>> x = np.array([1000.0, 1.0])
    >>> with np.errstate(divide="ignore"):
    ...     print(np.log(softmax(x)))
    [   0. -inf]
    >>> print(log_softmax(x))
    [   0. -999.]
    >>> print(float(log_softmax(np.array([40.0, 0.0]))[0]))
    -4.248354255291589e-18
    """
    x, axis, temperature = _prepare(x, axis, temperature)
    if x.shape[axis] == 0:
        return x.copy()
    parts = _normaliser(x, axis, temperature)
    return parts.shifted - np.log1p(parts.tail)


def softmax(x, axis=-1, temperature=1.0):
    r"""Softmax: turn logits into probabilities that are positive and sum to one.

    $$\operatorname{softmax}(x)_i = \frac{e^{x_i / T}}{\sum_j e^{x_j / T}}$$

    Parameters
    ----------
    x : array_like
        Logits, at least one dimension. Integers are promoted to float64.
    axis : int, optional
        Axis along which the probabilities sum to one. Default: the last.
    temperature : float, optional
        Positive temperature $T$: below 1 sharpens the distribution towards the largest logit,
        above 1 flattens it towards uniform. 1 by default.

    Returns
    -------
    ndarray
        Probabilities in $[0, 1]$, same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `x` is a scalar, `axis` is out of range, or `temperature` is not a positive finite
        number.

    Notes
    -----
    Adding a constant $c$ to every logit multiplies numerator and denominator by $e^{c/T}$,
    so the result is unchanged; the computation uses $c = -\max_j x_j$, which puts every
    exponent in $(-\infty, 0]$: nothing overflows and the largest term is exactly 1. Each
    probability then has a relative error of a few ulps. With two classes,
    $\operatorname{softmax}([a, b])_0 = \sigma(a - b)$. Special values follow torch: an axis
    with a $+\infty$, with a NaN, or made only of $-\infty$ gives NaN along that axis.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import softmax
    >>> print(softmax(np.array([1.0, 2.0, 3.0])))
    [0.09003057 0.24472847 0.66524096]
    >>> print(softmax(np.array([1.0, 2.0, 3.0]), temperature=10.0))
    [0.30060961 0.33222499 0.3671654 ]

    The naive formula overflows for large logits; the shift makes it exact:

    >>> x = np.array([1000.0, 999.0])
    >>> with np.errstate(over="ignore", invalid="ignore"):
    ...     print(np.exp(x) / np.sum(np.exp(x)))
    [nan nan]
    >>> print(softmax(x))
    [0.73105858 0.26894142]
    """
    x, axis, temperature = _prepare(x, axis, temperature)
    if x.shape[axis] == 0:
        return x.copy()
    parts = _normaliser(x, axis, temperature)
    # 1 + tau is the full sum: the top term is exactly e^0 = 1.
    return parts.exp_shifted / (1 + parts.tail)
