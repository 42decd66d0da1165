r"""Information theory of discrete distributions: surprisal, entropy, cross-entropy, KL, perplexity.

Notation (as on every page of the course): $y$ is the distribution the outcomes come from (the
data), $p$ the model's distribution; $H(y)$ is an entropy, $H(y, p)$ a cross-entropy and
$D_{\mathrm{KL}}(y \,\|\, p)$ a divergence. A lone distribution, as taken by `entropy`, is $p$.

Rules shared by every function of this module:

- **Units.** Natural logarithms (nats) unless `base` is given, as in `scipy.stats.entropy`;
  `base=2` gives bits. One bit is $\ln 2 \approx 0.693$ nats. Any finite positive base other
  than 1 is accepted and computed as $\log_b u = \ln u / \ln b$ (with NumPy's `log2` and `log10`
  for the bases 2 and 10). A base below 1 has a negative logarithm, so every quantity changes
  sign (information, entropy, cross-entropy and KL divergence are then $\le 0$); it is computed,
  not rejected, and agrees with `scipy.stats.entropy` in the tests.
- **Zeros.** $0 \log 0 = 0$: an outcome of probability zero under $y$ contributes nothing.
- **NaN.** A NaN anywhere in a distribution (in $y$ or in $p$) gives NaN for that distribution,
  as SciPy does; NaN is never read as an impossible outcome.
- **What counts as a distribution.** Entries in $[0, 1]$ (so no infinities) that sum to 1 along
  `axis`, within a tolerance that follows from rounding and does not grow with the number of
  outcomes $C$ (see `check_distribution` in `xentdoc._validation`). Rounding each entry to a
  format of unit roundoff $u$ moves the sum by at most $u$ times the sum, plus half the
  subnormal spacing for each subnormal entry; the tolerance is $4u$ times the sum plus that,
  and never less than $10^{-5}$. float64 and float32 data, also float32 values cast to
  float64, thus get $10^{-5}$; float16 data (held as float16, or cast to a wider type without
  change) get $4u = 1.95 \times 10^{-3}$, plus $2.98 \times 10^{-8}$ per subnormal entry.
  Rows summing to 1.01 or 1.0078 are rejected in every dtype and for every $C$.
  Distributions are not renormalised for you (`scipy.stats.entropy` does renormalise, and so
  hides such errors).
- **Dtypes.** Integer and boolean inputs are read as float64. Every sum is accumulated in
  float64 (or in the input's own type if it is wider), pairwise, along whichever axis holds the
  outcomes; the result is rounded once to the input's dtype (for two distributions: the wider
  of their two dtypes). Two steps would amplify float64's rounding of the sum: the perplexity
  $e^{H}$ turns an absolute error $\delta$ of $H$ into a relative error $\delta$ (so $|H|$
  times the relative error of $H$), and a base other than $e$, 2 and 10 divides by a rounded
  $\ln b$. For float64 inputs these two are computed in NumPy's long double where it is wider
  than float64 (x86: a 64-bit significand; about 7 times slower than float64 for the logs).
  The tests hold float16, float32 and float64 results within 2 ulps per unit of condition
  number of mpmath (the componentwise condition number, at least 1), plus $2 \log_2 C$ ulps
  for the pairwise sum of $C$ terms, along the last axis and others; the perplexity and the
  bases other than $e$, 2 and 10 are tested without that $\log_2 C$ allowance. Where long
  double is float64 itself (Windows, ARM), the tests hold a float64 perplexity within
  $2(\max(1, \kappa) + |H|)$ ulps, $H$ in nats, and a float64 change of base within
  $2(\max(1, \kappa) + 1)$ ulps.
- **Sums that miss 1.** The formulas are applied to the entries as given. For inputs accepted
  within the tolerance whose sum is not 1, Gibbs' inequality need not hold: the KL
  divergence may be negative by about the miss, and $H(y, p)$ below $H(y)$, consistently,
  since $D_{\mathrm{KL}}(y \,\|\, p) = H(y, p) - H(y)$ up to rounding. Nothing is clamped.
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


# Where NumPy's long double is wider than float64 (x87 80-bit: 64-bit significand), float64
# quantities whose last step amplifies the sum's rounding are computed in it (see `_work_dtype`).
_LONG_DOUBLE_IS_WIDER = np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant


def _needs_extended(base) -> bool:
    """True where float64 rounding of the sum would show in the result: a base other than e,
    2 and 10 (the sum is divided by a rounded ln b) and the perplexity (exp of the sum)."""
    return base is not None and base not in (2, 10)


def _work_dtype(dtype, extended=False) -> np.dtype:
    """The dtype sums are accumulated in: float64, or the input's own type if wider. With
    `extended`, float64 inputs go to long double where it is wider than float64: exp(H) turns
    an absolute error of H into a relative one (|H| times H's relative error), and dividing
    by a rounded ln b adds one more rounding, both above 2 ulps in float64 alone."""
    work = np.promote_types(dtype, np.float64)
    if extended and work == np.float64 and _LONG_DOUBLE_IS_WIDER:
        return np.dtype(np.longdouble)
    return work


def _log(x: np.ndarray, base) -> np.ndarray:
    """log of `x` in base 2, 10 or e (None); other bases are applied to the sum by `_in_base`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if base == 2:
            return np.log2(x)
        if base == 10:
            return np.log10(x)
        return np.log(x)


def _in_base(nats: np.ndarray, base) -> np.ndarray:
    """A quantity in nats converted to `base` units; bases 2 and 10 already used their log."""
    if base is None or base in (2, 10):
        return nats
    return nats / np.log(nats.dtype.type(base))


def _finish(values: np.ndarray, dtype):
    """Round the work-precision `values` once to `dtype` (+0.0 turns -0.0 into 0.0)."""
    with np.errstate(over="ignore"):  # beyond the range of `dtype`: +-inf, without a warning
        return _scalar_if_0d((values + 0.0).astype(dtype, copy=False))


def _rows(array: np.ndarray, axis: int, work) -> np.ndarray:
    """`array` with `axis` moved last, C-contiguous, in `work`: NumPy then sums it pairwise."""
    return np.ascontiguousarray(np.moveaxis(array, axis, -1), dtype=work)


def _read_one(p, axis, name="p", extended=False):
    """The distribution `p` (called `name` in errors) as rows in work precision, and its dtype."""
    p = as_float_array(p, name)
    axis = check_axis(axis, p.ndim)
    check_distribution(p, axis, name)
    return _rows(p, axis, _work_dtype(p.dtype, extended)), p.dtype


def _read_two(y, p, axis, extended=False):
    """Distributions `y` and `p` broadcast and checked along `axis`, as rows in work precision."""
    y = as_float_array(y, "y")
    p = as_float_array(p, "p")
    try:
        shape = np.broadcast_shapes(y.shape, p.shape)
    except ValueError:
        raise ValueError(f"`y` of shape {y.shape} and `p` of shape {p.shape} must broadcast.") from None
    axis = check_axis(axis, len(shape))
    y = np.broadcast_to(y, shape)
    p = np.broadcast_to(p, shape)
    check_distribution(y, axis, "y")
    check_distribution(p, axis, "p")
    dtype = result_dtype(y, p)
    work = _work_dtype(dtype, extended)
    return _rows(y, axis, work), _rows(p, axis, work), dtype


def _entropy_sum(p: np.ndarray, base) -> np.ndarray:
    """-sum p log p over the last axis of the work-precision rows `p`, in `base` units."""
    with np.errstate(invalid="ignore"):
        terms = np.where(p == 0, 0, -p * _log(p, base))  # NaN entries stay NaN
    return _in_base(terms.sum(axis=-1), base)


def _cross_entropy_sum(y: np.ndarray, p: np.ndarray, base) -> np.ndarray:
    """-sum y log p over the last axis of the work-precision rows, in `base` units."""
    with np.errstate(invalid="ignore"):
        # y_i = 0 contributes 0 even where p_i = 0, but a NaN p_i still poisons its row.
        terms = np.where((y == 0) & ~np.isnan(p), 0, -y * _log(p, base))
    return _in_base(terms.sum(axis=-1), base)


def information(p, base=None):
    r"""Shannon information (surprisal) of an outcome of probability $p$.

    $$I(p) = -\log_b p$$

    Parameters
    ----------
    p : array_like
        Probabilities in $[0, 1]$, any shape; float16, float32 and float64 keep their dtype,
        integers and booleans are read as float64.
    base : float or None, optional
        Base $b$ of the logarithm. None (default) gives nats, as every function of the
        package; 2 gives bits. Any finite positive number other than 1 is accepted; a base
        below 1 gives $I(p) \le 0$.

    Returns
    -------
    ndarray or scalar
        $I(p)$ elementwise, in the units of `base`, with the dtype and shape of `p`:
        $I(p) \ge 0$ for a base above 1, $+\infty$ at $p = 0$, $0$ at $p = 1$.

    Raises
    ------
    TypeError
        If `p` is not real-valued or `base` is not a number.
    ValueError
        If `p` has values outside $[0, 1]$ (infinities included), or `base` is not a finite
        positive number other than 1.

    Notes
    -----
    The rarer the outcome, the more it tells you: a fair coin's heads carries $\ln 2$ nats,
    which is 1 bit; an outcome of probability 1/1024 carries 10 bits. Surprisal belongs to a
    single outcome; `entropy` is its average over a distribution. $I(0) = +\infty$ (for a
    base below 1, $-\infty$) without a warning; NaN gives NaN; infinite `p` is rejected.
    The logarithm is taken in float64 for float16 and float32 inputs and the result rounded
    once; the tests hold it within 2 ulps per unit of condition number of mpmath.

    References
    ----------
    - C. E. Shannon, "A Mathematical Theory of Communication", Bell System Technical Journal
      27 (1948), section 6.
    - T. M. Cover, J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley (2006),
      section 2.1.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import information
    >>> print(information(np.array([0.5, 0.25, 1 / 1024]), base=2))
    [ 1.  2. 10.]
    >>> print(round(float(information(0.5)), 6))
    0.693147
    """
    p = as_float_array(p, "p")
    check_unit_interval(p, "p")
    base = check_base(base)
    surprisal = -_log(p.astype(_work_dtype(p.dtype, _needs_extended(base)), copy=False), base)
    return _finish(_in_base(surprisal, base), p.dtype)


def entropy(p, axis=-1, base=None):
    r"""Shannon entropy of a discrete distribution: its expected surprisal.

    $$H(p) = -\sum_{c=1}^{C} p_c \log_b p_c$$

    Parameters
    ----------
    p : array_like
        Any distribution (the model's, the data's, a coin's): entries in $[0, 1]$ that sum to
        1 along `axis`, within $10^{-5}$ (float16 data: $1.95 \times 10^{-3}$, see the module
        docstring), whatever $C$. Any shape with at least one dimension; the other axes index
        separate distributions.
    axis : int, optional
        Axis holding the $C$ outcomes. Default: the last.
    base : float or None, optional
        Base of the logarithm; None (default) gives nats, 2 gives bits. Any finite positive
        number other than 1; a base below 1 gives $H(p) \le 0$.

    Returns
    -------
    ndarray or scalar
        One entropy per distribution: the shape of `p` without `axis`, the dtype of `p`
        (float64 for integer input). $0 \le H(p) \le \log_b C$ for a base above 1.

    Raises
    ------
    TypeError
        If `p` is not real-valued, `axis` is not an integer or `base` is not a number.
    ValueError
        If `p` is a scalar, `axis` is out of range, `p` is not a distribution along `axis`
        (negative entries, entries above 1 or infinite, or sums away from 1), or `base` is
        invalid.

    Notes
    -----
    With $0 \log 0 = 0$, a certain outcome has entropy 0 and the uniform distribution on $C$
    outcomes has the largest, $\log C$. Unlike `scipy.stats.entropy`, `p` is not normalised
    for you: a vector that does not sum to 1 is an error, not a silent rescaling. A NaN entry
    gives NaN for its distribution (as SciPy); infinite entries are rejected. The sum runs in
    float64, pairwise, along any axis, and is rounded once to the dtype of `p`.

    References
    ----------
    - C. E. Shannon, "A Mathematical Theory of Communication", Bell System Technical Journal
      27 (1948), section 6.
    - T. M. Cover, J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley (2006),
      section 2.1.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import entropy
    >>> print(float(entropy(np.array([0.5, 0.5]), base=2)))
    1.0
    >>> print(entropy(np.array([[1.0, 0.0], [0.9, 0.1]]), base=2).round(6))
    [0.       0.468996]
    >>> print(round(float(entropy(np.full(4, 0.25))), 6))  # nats: log 4
    1.386294
    """
    base = check_base(base)
    p, dtype = _read_one(p, axis, extended=_needs_extended(base))
    return _finish(_entropy_sum(p, base), dtype)


def distribution_cross_entropy(y, p, axis=-1, base=None):
    r"""Cross-entropy $H(y, p)$: the expected surprisal under the model $p$ of outcomes drawn from $y$.

    $$H(y, p) = -\sum_{c=1}^{C} y_c \log_b p_c = H(y) + D_{\mathrm{KL}}(y \,\|\, p)$$

    Not to be confused with the loss `cross_entropy`, which takes logits and targets. Without
    class weights or label smoothing, the loss of example $n$ is $H(y_n, p_n)$, with $y_n$ its
    one-hot target and $p_n$ the softmax of its logits, so the mean loss over a data set is the
    mean of the per-example $H(y_n, p_n)$. It equals $H(\bar y, p)$, with $\bar y$ the data's
    label frequencies, only for a model that gives every example the same distribution $p$.

    Parameters
    ----------
    y : array_like
        The distribution the outcomes come from (the data): entries in $[0, 1]$ summing to 1
        along `axis`, within the tolerance described for `entropy`.
    p : array_like
        The model's distribution, same requirements; broadcasts against `y`.
    axis : int, optional
        Axis holding the $C$ outcomes, in the broadcast shape. Default: the last.
    base : float or None, optional
        Base of the logarithm; None (default) gives nats, 2 gives bits. Any finite positive
        number other than 1; a base below 1 changes the sign of the result.

    Returns
    -------
    ndarray or scalar
        One cross-entropy per pair of distributions: the broadcast shape without `axis`, in
        the wider dtype of `y` and `p`. $H(y, p) \ge H(y)$ for a base above 1 when `y` sums
        to 1 (see the module's rule on sums that miss 1); $+\infty$ when
        $p$ gives probability 0 to an outcome $y$ allows.

    Raises
    ------
    TypeError
        If `y` or `p` is not real-valued, `axis` is not an integer or `base` is not a number.
    ValueError
        If `y` or `p` is not a distribution along `axis` (the message names which), they do
        not broadcast, `axis` is out of range, or `base` is invalid.

    Notes
    -----
    $0 \log p_c = 0$ even where $p_c = 0$: outcomes the data never shows cost nothing. Where
    $y_c > 0 = p_c$ the result is $+\infty$ (the model calls possible data impossible), without
    a warning. A NaN entry of `y` or `p` gives NaN for its pair (as SciPy), also where the
    other distribution is 0; infinite entries are rejected. Mixed dtypes are computed in
    float64 (or the wider type) and rounded once.

    References
    ----------
    - T. M. Cover, J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley (2006),
      Theorem 5.4.3: a code built for $p$ costs $H(y) + D_{\mathrm{KL}}(y \,\|\, p)$ bits per
      outcome from $y$, up to one bit of rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import distribution_cross_entropy, entropy, kl_divergence
    >>> y = np.array([0.5, 0.5])
    >>> p = np.array([0.9, 0.1])
    >>> print(round(float(distribution_cross_entropy(y, p, base=2)), 12))
    1.736965594166
    >>> print(round(float(entropy(y, base=2) + kl_divergence(y, p, base=2)), 12))
    1.736965594166
    """
    base = check_base(base)
    y, p, dtype = _read_two(y, p, axis, extended=_needs_extended(base))
    return _finish(_cross_entropy_sum(y, p, base), dtype)


def kl_divergence(y, p, axis=-1, base=None):
    r"""Kullback-Leibler divergence $D_{\mathrm{KL}}(y \,\|\, p)$: the extra surprisal of using the model $p$ for data from $y$.

    $$D_{\mathrm{KL}}(y \,\|\, p) = \sum_{c=1}^{C} y_c \log_b \frac{y_c}{p_c} = H(y, p) - H(y)$$

    Parameters
    ----------
    y : array_like
        The distribution the outcomes come from (the data), as in `distribution_cross_entropy`.
    p : array_like
        The model's distribution, same requirements; broadcasts against `y`.
    axis : int, optional
        Axis holding the $C$ outcomes, in the broadcast shape. Default: the last.
    base : float or None, optional
        Base of the logarithm; None (default) gives nats, 2 gives bits. Any finite positive
        number other than 1; a base below 1 gives $D_{\mathrm{KL}} \le 0$.

    Returns
    -------
    ndarray or scalar
        One divergence per pair: the broadcast shape without `axis`, in the wider dtype of
        `y` and `p`. For a base above 1, $D_{\mathrm{KL}} \ge 0$ when `y` and `p` sum to 1,
        with 0 when $y = p$; $+\infty$ when $p_c = 0 < y_c$. Inputs accepted within the sum
        tolerance may give a slightly negative value (see Notes).

    Raises
    ------
    TypeError
        If `y` or `p` is not real-valued, `axis` is not an integer or `base` is not a number.
    ValueError
        If `y` or `p` is not a distribution along `axis` (the message names which), they do
        not broadcast, `axis` is out of range, or `base` is invalid.

    Notes
    -----
    Not symmetric: $D_{\mathrm{KL}}(y \,\|\, p) \ne D_{\mathrm{KL}}(p \,\|\, y)$ in general, so
    it is not a distance. Each log-ratio is computed as
    $\operatorname{log1p}((y_c - p_c)/p_c)$ when $y_c$ and $p_c$ are within a factor of two
    (where $y_c - p_c$ has no rounding error), and otherwise as $\log(y_c / p_c)$, or as
    $\log y_c - \log p_c$ where the ratio would overflow or underflow. Nearly equal
    distributions thus get a small divergence within a few ulps, rather than the difference of
    two rounded cross-entropies. The sum is not clamped at 0: Gibbs' inequality holds for
    distributions that sum to 1, but a `y` accepted within the tolerance may sum to slightly
    less, and then $\sum_c y_c \log(y_c / p_c)$ can be negative by about that miss, as
    ``scipy.special.rel_entr(y, p).sum()`` and ``torch.nn.functional.kl_div(log p, y,
    reduction="sum")`` are; it stays equal to `distribution_cross_entropy` minus `entropy` up
    to rounding. (``scipy.stats.entropy(y, p)`` renormalises both first.) Where
    $y_c > 0 = p_c$ the result is $+\infty$, without a warning; a NaN entry of `y` or `p`
    gives NaN for its pair; infinite entries are rejected.

    References
    ----------
    - S. Kullback, R. A. Leibler, "On Information and Sufficiency", Annals of Mathematical
      Statistics 22 (1951).
    - T. M. Cover, J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley (2006),
      section 2.3, and Theorem 2.6.3 (non-negativity).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import kl_divergence
    >>> y = np.array([0.5, 0.5])
    >>> p = np.array([0.9, 0.1])
    >>> print(round(float(kl_divergence(y, p)), 6), round(float(kl_divergence(p, y)), 6))
    0.510826 0.368064
    >>> print(float(kl_divergence(y, y)))
    0.0
    """
    base = check_base(base)
    y, p, dtype = _read_two(y, p, axis, extended=_needs_extended(base))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # discarded branches may overflow
        close = (p > 0) & (y >= 0.5 * p) & (y <= 2 * p)
        ratio = y / p
        # log(y / p) rounds once more than log y - log p cancels; where the ratio leaves the
        # normal range (overflow, underflow), fall back on the difference of logs.
        normal = (ratio >= np.finfo(ratio.dtype).smallest_normal) & (ratio < np.inf)
        log_ratio = np.where(
            close,
            np.log1p((y - p) / np.where(p > 0, p, 1)),
            np.where(normal, np.log(ratio), np.log(y) - np.log(p)),
        )
        # y_c = 0 contributes 0, but a NaN p_c still poisons its row.
        terms = np.where((y == 0) & ~np.isnan(p), 0, y * log_ratio)
    # Not clamped at 0: for inputs accepted within the sum tolerance the formula may be
    # negative by about their miss from 1, and H(y, p) - H(y) is that same sum.
    with np.errstate(divide="ignore", invalid="ignore"):
        nats = terms.sum(axis=-1)  # natural logs above, also for the bases 2 and 10
        return _finish(nats if base is None else nats / np.log(nats.dtype.type(base)), dtype)


def perplexity(y, p=None, axis=-1):
    r"""Perplexity: the effective number of equally likely outcomes.

    $$\operatorname{PP}(y) = e^{H(y)}, \qquad \operatorname{PP}(y, p) = e^{H(y, p)}$$

    with entropies in nats (the base cancels: $2^{H_2} = e^{H_e}$).

    Parameters
    ----------
    y : array_like
        A distribution along `axis`: the data's when `p` is given, else any distribution
        whose own perplexity is wanted. Requirements as in `entropy`.
    p : array_like, optional
        The model's distribution; broadcasts against `y`. Without it, the perplexity of `y`
        itself.
    axis : int, optional
        Axis holding the $C$ outcomes. Default: the last.

    Returns
    -------
    ndarray or scalar
        One perplexity per distribution (or pair), in the dtype of `y` (the wider of `y` and
        `p`). $1 \le \operatorname{PP}(y) \le C$; $\operatorname{PP}(y, p) \ge \operatorname{PP}(y)$.

    Raises
    ------
    TypeError
        If `y` or `p` is not real-valued or `axis` is not an integer.
    ValueError
        If `y` or `p` is not a distribution along `axis`, or they do not broadcast.

    Notes
    -----
    A language model's perplexity is `exp` of its mean cross-entropy loss in nats. That equals
    $\operatorname{PP}(\bar y, p)$, with $\bar y$ the data's token frequencies, only for a model
    that gives every token the same distribution $p$ (a unigram model); a model whose $p$
    depends on the input or on the tokens before has the exponential of the mean of the
    per-token cross-entropies instead. It is
    $+\infty$ where $H(y, p)$ is (a zero of `p` where `y` is positive), and where it exceeds
    the dtype's range, without a warning; a NaN entry gives NaN. The entropy is kept in
    float64 (for float64 input: long double, where it is wider) until after the exponential,
    which is rounded once; the module docstring gives the error bound the tests check.

    References
    ----------
    - F. Jelinek, R. L. Mercer, L. R. Bahl, J. K. Baker, "Perplexity - a measure of the
      difficulty of speech recognition tasks", Journal of the Acoustical Society of America
      62, S63 (1977).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import perplexity
    >>> print(round(float(perplexity(np.full(6, 1 / 6))), 12))
    6.0
    >>> print(round(float(perplexity(np.array([0.5, 0.5]), np.array([0.9, 0.1]))), 6))
    3.333333
    """
    if p is None:
        rows, dtype = _read_one(y, axis, "y", extended=True)
        nats = _entropy_sum(rows, None)
    else:
        y, p, dtype = _read_two(y, p, axis, extended=True)
        nats = _cross_entropy_sum(y, p, None)
    with np.errstate(over="ignore"):
        return _finish(np.exp(nats), dtype)
