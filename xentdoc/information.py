r"""Information theory of discrete distributions: surprisal, entropy, cross-entropy, KL, perplexity.

Units: natural logarithms (nats) unless `base` says otherwise; `base=2` gives bits. One bit is
$\ln 2 \approx 0.693$ nats. The convention $0 \log 0 = 0$ holds throughout: an outcome of
probability zero contributes nothing.
"""

from __future__ import annotations

import numpy as np

from xentdoc._validation import (
    as_float_array,
    check_axis,
    check_base,
    check_distribution,
    check_unit_interval,
    result_dtype,
)
from xentdoc.sigmoid import _scalar_if_0d


def _log(x: np.ndarray, base) -> np.ndarray:
    """log of `x` in `base` (None: natural), using NumPy's exact log2 and log10 where they apply."""
    with np.errstate(divide="ignore"):
        if base is None:
            return np.log(x)
        if base == 2:
            return np.log2(x)
        if base == 10:
            return np.log10(x)
        return np.log(x) / x.dtype.type(np.log(base))  # keep float32 as float32


def _in_base(nats: np.ndarray, base) -> np.ndarray:
    """Convert a quantity in nats to `base` units (None: keep nats)."""
    return nats if base is None else nats / nats.dtype.type(np.log(base))


def _read_distributions(p, q, axis):
    """Return p and q (broadcast), the axis, and check both are distributions along it."""
    p = as_float_array(p, "p")
    q = as_float_array(q, "q")
    try:
        shape = np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(f"`p` of shape {p.shape} and `q` of shape {q.shape} must broadcast.") from None
    dtype = result_dtype(p, q)
    p = np.broadcast_to(p, shape).astype(dtype, copy=False)
    q = np.broadcast_to(q, shape).astype(dtype, copy=False)
    axis = check_axis(axis, len(shape))
    check_distribution(p, axis, "p")
    check_distribution(q, axis, "q")
    return p, q, axis


def _read_distribution(p, axis):
    p = as_float_array(p, "p")
    axis = check_axis(axis, p.ndim)
    check_distribution(p, axis, "p")
    return p, axis


def information(p, base=2):
    r"""Shannon information (surprisal) of an outcome of probability $p$.

    $$I(p) = -\log_b p$$

    Parameters
    ----------
    p : array_like
        Probabilities in $[0, 1]$.
    base : float or None, optional
        Base $b$ of the logarithm: 2 (default) gives bits, None or `math.e` gives nats.

    Returns
    -------
    ndarray or scalar
        $I(p) \ge 0$; $+\infty$ for $p = 0$, 0 for $p = 1$.

    Raises
    ------
    ValueError
        If `p` has values outside $[0, 1]$ or `base` is not a positive number other than 1.

    Notes
    -----
    The rarer the outcome, the more it tells you: a fair coin's heads carries 1 bit, an
    outcome of probability 1/1024 carries 10 bits. Surprisal belongs to a single outcome;
    entropy is its average over a distribution. $I(0) = +\infty$ without a warning; NaN gives
    NaN; infinite `p` is rejected (outside $[0, 1]$).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import information
    >>> print(information(np.array([0.5, 0.25, 1 / 1024])))
    [ 1.  2. 10.]
    >>> print(float(information(0.5, base=None)))
    0.6931471805599453
    """
    p = as_float_array(p, "p")
    check_unit_interval(p, "p")
    base = check_base(base)
    return _scalar_if_0d(-_log(p, base) + 0.0)  # + 0.0 turns -0.0 (at p = 1) into 0.0


def entropy(p, axis=-1, base=None):
    r"""Shannon entropy of a discrete distribution: its expected surprisal.

    $$H(p) = -\sum_i p_i \log_b p_i$$

    Parameters
    ----------
    p : array_like
        Probabilities, non-negative and summing to 1 along `axis`.
    axis : int, optional
        Axis holding the outcomes. Default: the last.
    base : float or None, optional
        Base of the logarithm; None (default) gives nats, 2 gives bits.

    Returns
    -------
    ndarray or scalar
        $0 \le H(p) \le \log_b n$ for $n$ outcomes.

    Raises
    ------
    ValueError
        If `p` is not a distribution along `axis` or `base` is invalid.

    Notes
    -----
    With $0 \log 0 = 0$, a certain outcome has entropy 0 and the uniform distribution on $n$
    outcomes has the largest, $\log n$. Unlike `scipy.stats.entropy`, `p` is not normalised
    for you: a vector that does not sum to 1 is an error, not a silent rescaling. A NaN entry
    gives NaN for its distribution; infinite entries are rejected (not probabilities).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import entropy
    >>> print(float(entropy(np.array([0.5, 0.5]), base=2)))
    1.0
    >>> print(entropy(np.array([[1.0, 0.0], [0.9, 0.1]]), base=2).round(6))
    [0.       0.468996]
    """
    p, axis = _read_distribution(p, axis)
    base = check_base(base)
    with np.errstate(invalid="ignore"):
        terms = np.where(p > 0, -p * _log(p, base), 0)
    return _scalar_if_0d(terms.sum(axis=axis) + 0.0)


def distribution_cross_entropy(p, q, axis=-1, base=None):
    r"""Cross-entropy $H(p, q)$ of two distributions: the expected surprisal under $q$ of outcomes drawn from $p$.

    $$H(p, q) = -\sum_i p_i \log_b q_i = H(p) + D_{\mathrm{KL}}(p \,\|\, q)$$

    Not to be confused with the loss `cross_entropy`, which takes logits and targets; the loss
    averaged over a data set is $H(\hat p, q)$ with $\hat p$ the data's empirical distribution.

    Parameters
    ----------
    p : array_like
        The true distribution (the data), non-negative, summing to 1 along `axis`.
    q : array_like
        The model's distribution, same requirements; broadcasts against `p`.
    axis : int, optional
        Axis holding the outcomes. Default: the last.
    base : float or None, optional
        Base of the logarithm; None (default) gives nats, 2 gives bits.

    Returns
    -------
    ndarray or scalar
        $H(p, q) \ge H(p)$; $+\infty$ when $q$ gives probability 0 to an outcome $p$ allows.

    Raises
    ------
    ValueError
        If `p` or `q` is not a distribution along `axis`, they do not broadcast, or `base` is
        invalid.

    Notes
    -----
    $0 \log q = 0$ even where $q = 0$: outcomes the data never shows cost nothing. Where
    $p_i > 0 = q_i$ the result is $+\infty$ (the model calls possible data impossible), without
    a warning. A NaN entry gives NaN; infinite entries are rejected (not probabilities).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import distribution_cross_entropy, entropy, kl_divergence
    >>> p = np.array([0.5, 0.5])
    >>> q = np.array([0.9, 0.1])
    >>> print(float(distribution_cross_entropy(p, q, base=2)))
    1.736965594166206
    >>> print(float(entropy(p, base=2) + kl_divergence(p, q, base=2)))
    1.736965594166206
    """
    p, q, axis = _read_distributions(p, q, axis)
    base = check_base(base)
    with np.errstate(invalid="ignore"):
        terms = np.where(p > 0, -p * _log(q, base), 0)
    return _scalar_if_0d(terms.sum(axis=axis) + 0.0)


def kl_divergence(p, q, axis=-1, base=None):
    r"""Kullback-Leibler divergence $D_{\mathrm{KL}}(p \,\|\, q)$: the extra surprisal of using $q$ for data from $p$.

    $$D_{\mathrm{KL}}(p \,\|\, q) = \sum_i p_i \log_b \frac{p_i}{q_i} = H(p, q) - H(p) \ge 0$$

    Parameters
    ----------
    p, q : array_like
        Distributions as in `distribution_cross_entropy`.
    axis : int, optional
        Axis holding the outcomes. Default: the last.
    base : float or None, optional
        Base of the logarithm; None (default) gives nats, 2 gives bits.

    Returns
    -------
    ndarray or scalar
        $D_{\mathrm{KL}} \ge 0$, with equality exactly when $p = q$; $+\infty$ when $q_i = 0 < p_i$.

    Raises
    ------
    ValueError
        As for `distribution_cross_entropy`.

    Notes
    -----
    Not symmetric: $D_{\mathrm{KL}}(p\|q) \ne D_{\mathrm{KL}}(q\|p)$ in general, so it is not a
    distance. Each log-ratio is computed as $\operatorname{log1p}((p_i - q_i)/q_i)$ when
    $p_i$ and $q_i$ are within a factor of two (where $p_i - q_i$ is exact) and as
    $\log p_i - \log q_i$ otherwise, so nearly equal distributions get a precise small
    divergence. Gibbs' inequality makes the result non-negative; a negative sum can only
    be rounding, and is returned as 0. Where $p_i > 0 = q_i$ the result is $+\infty$,
    without a warning; a NaN entry gives NaN; infinite entries are rejected.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import kl_divergence
    >>> p = np.array([0.5, 0.5])
    >>> q = np.array([0.9, 0.1])
    >>> print(round(float(kl_divergence(p, q)), 6), round(float(kl_divergence(q, p)), 6))
    0.510826 0.368064
    >>> print(float(kl_divergence(p, p)))
    0.0
    """
    p, q, axis = _read_distributions(p, q, axis)
    base = check_base(base)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # discarded branches may overflow
        close = (q > 0) & (p >= 0.5 * q) & (p <= 2 * q)
        log_ratio = np.where(
            close,
            np.log1p((p - q) / np.where(q > 0, q, 1)),
            np.log(p) - np.log(q),
        )
        terms = np.where(p > 0, p * log_ratio, 0)
    divergence = _in_base(terms.sum(axis=axis), base)
    # np.maximum keeps NaN as NaN.
    return _scalar_if_0d(np.maximum(divergence, 0) + 0.0)


def perplexity(p, q=None, axis=-1):
    r"""Perplexity: the effective number of equally likely outcomes.

    $$\operatorname{PP}(p) = e^{H(p)}, \qquad \operatorname{PP}(p, q) = e^{H(p, q)}$$

    with entropies in nats (the base cancels: $2^{H_2} = e^{H_e}$).

    Parameters
    ----------
    p : array_like
        A distribution along `axis` (the data).
    q : array_like, optional
        The model's distribution. Without it, the perplexity of `p` itself.
    axis : int, optional
        Axis holding the outcomes. Default: the last.

    Returns
    -------
    ndarray or scalar
        $\operatorname{PP} \ge 1$; a uniform distribution on $n$ outcomes has perplexity $n$.

    Raises
    ------
    ValueError
        If `p` or `q` is not a distribution along `axis`.

    Notes
    -----
    A language model's perplexity is `exp` of its mean cross-entropy loss in nats, which is
    $\operatorname{PP}(\hat p, q)$ for the data's empirical distribution $\hat p$. It is
    $+\infty$ where $H(p, q)$ is (a zero of `q` where `p` is positive); NaN gives NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import perplexity
    >>> print(round(float(perplexity(np.full(6, 1 / 6))), 12))
    6.0
    >>> print(round(float(perplexity(np.array([0.5, 0.5]), np.array([0.9, 0.1]))), 6))
    3.333333
    """
    if q is None:
        nats = entropy(p, axis=axis)
    else:
        nats = distribution_cross_entropy(p, q, axis=axis)
    return _scalar_if_0d(np.exp(np.asarray(nats)))
