r"""The logistic sigmoid and its relatives: log-sigmoid, softplus and logit.

Each is computed so that no finite input overflows and the result stays within a few ulps of
the mathematical value (tests/test_accuracy.py and tests/test_claims_sigmoid.py check this against
mpmath), including deep in the tails where the textbook formulas return 0, 1 or ±inf. float16
and float32 inputs are computed in float64 and rounded once to their own dtype, so the result
does not depend on which SIMD kernels NumPy picks for float32 `exp` and `log` on this CPU. Where a
result is subnormal (below about 2.2e-308 in float64), an ulp is the fixed spacing of subnormal
numbers, so "a few ulps" there is an absolute, not a relative, bound.

The mathematics writes the argument as $z$ (a logit) and a probability as $p$; the parameters
keep the names `x` and `p`.
"""

from __future__ import annotations

import numpy as np

from xentdoc._validation import as_float_array, check_unit_interval, compute_dtype


def _scalar_if_0d(result: np.ndarray):
    """Return NumPy's scalar for a 0-d result, as NumPy's own ufuncs do."""
    return result[()]


def _widened(x: np.ndarray) -> np.ndarray:
    """`x` in the dtype the functions here compute in: float64 for float16 and float32 input
    (NumPy's float32 `exp` and `log` err by up to 2.7 ulps, differently on each CPU; see
    `_validation._LEAST_COMPUTE_DTYPE`), the result being rounded once to the dtype of `x`."""
    return x.astype(compute_dtype(x), copy=False)


def sigmoid(x):
    r"""Logistic sigmoid: map any real number $z$ to a probability.

    $$\sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}$$

    In real arithmetic $0 < \sigma(z) < 1$; in floating point the result can round to 0 or 1
    (see Notes).

    Parameters
    ----------
    x : array_like
        The logits $z$, real numbers. Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        $\sigma(z)$, same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued.

    Notes
    -----
    The two forms above are equal in real arithmetic; in floating point the first overflows
    `exp(-z)` for very negative $z$ and the second overflows for very positive $z$. With
    $t = e^{-|z|} \in (0, 1]$, which never overflows,

    $$\sigma(z) = \begin{cases} 1/(1 + t) & z \ge 0 \\ t/(1 + t) & z < 0 \end{cases}$$

    The result is within a few ulps of $\sigma(z)$. Where $\sigma(z)$ is subnormal
    ($z$ below about -708 in float64, -87 in float32) an ulp is the spacing of subnormal
    numbers, so the relative error grows as the value shrinks; $\sigma(-745)$ still returns
    the smallest positive float64, 5e-324, rather than 0.

    At the other end, in float64, $1 + t$ rounds to 1 once $t$ is below $2^{-53}$, half the
    spacing of the float64 numbers just above 1, that is from $z = 53 \log 2 \approx 36.74$ on,
    and the result is exactly 1.0. (The float64 nearest to $\sigma(z)$ is 1.0 only from
    $z = 54 \log 2 \approx 37.43$; in between this function is one ulp above it.) A float32
    input is computed in float64 and rounded once, so its result is 1.0 from
    $z = 25 \log 2 \approx 17.33$, where the float32 nearest to $\sigma(z)$ becomes 1.0;
    `torch.sigmoid`, computing in float32, returns 1.0 from $24 \log 2 \approx 16.64$. For
    $1 - \sigma(z)$ use `sigmoid(-x)`, which keeps its precision. $\sigma(\pm\infty)$ is 1 or
    0; NaN gives NaN.

    `torch.sigmoid` and `scipy.special.expit` agree with this function to within a few ulps
    wherever the result is a normal number. Below $z \approx -709.78$ in float64 ($-88.72$ in
    float32), where $e^{-z}$ overflows, they return 0 and this function a subnormal number.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import sigmoid
    >>> print(sigmoid(np.array([-2.0, 0.0, 2.0])))
    [0.11920292 0.5        0.88079708]

    The naive formula overflows for very negative logits and returns 0 where $\sigma(z)$ is
    still a positive (subnormal) float64; this one does not:

    >>> with np.errstate(over="ignore"):
    ...     print(1 / (1 + np.exp(-np.array([-720.0]))))
    [0.]
    >>> print(f"{float(sigmoid(-720.0)):.4e}")
    2.0322e-313
    >>> print(float(sigmoid(-40.0)))
    4.248354255291589e-18

    From about 36.74 on the result is 1.0; the complement keeps its precision:

    >>> print(float(sigmoid(36.8)), float(sigmoid(-36.8)))
    1.0 1.042228790559592e-16
    """
    x = as_float_array(x, "x")
    wide = _widened(x)
    # exp(-|x|) lies in (0, 1]: no overflow for any input.
    exp_neg_abs = np.exp(-np.abs(wide))
    denominator = 1 + exp_neg_abs
    with np.errstate(invalid="ignore"):  # NaN in, NaN out, silently
        result = np.where(wide >= 0, 1 / denominator, exp_neg_abs / denominator)
    with np.errstate(under="ignore"):
        return _scalar_if_0d(result.astype(x.dtype, copy=False))


def softplus(x):
    r"""Softplus: a smooth version of $\max(z, 0)$.

    $$\operatorname{softplus}(z) = \log(1 + e^{z})$$

    Parameters
    ----------
    x : array_like
        Real numbers $z$. Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        $\log(1 + e^z)$, positive in real arithmetic (it rounds to 0 for $z$ below about -745
        in float64), same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued.

    Notes
    -----
    Computed as

    $$\operatorname{softplus}(z) = \max(z, 0) + \operatorname{log1p}\left(e^{-|z|}\right)$$

    which never overflows and stays within a few ulps at both ends: for very negative $z$ the
    value is about $e^{z}$ (not 0; subnormal below about -708 in float64, where an ulp is
    the subnormal spacing), for very positive $z$ it is about $z + e^{-z}$. By default
    `torch.nn.functional.softplus` returns $z$ itself above its `threshold` of 20, an error
    of $e^{-z}$, up to about $2\times 10^{-9}$, which is visible in float64.
    softplus$(+\infty) = +\infty$, softplus$(-\infty) = 0$, NaN gives NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import softplus
    >>> print(softplus(np.array([-1.0, 0.0, 1.0])))
    [0.31326169 0.69314718 1.31326169]

    The naive formula overflows; softplus(z) tends to z:

    >>> with np.errstate(over="ignore"):
    ...     print(np.log(1 + np.exp(np.array([1000.0]))))
    [inf]
    >>> print(float(softplus(1000.0)))
    1000.0
    >>> print(float(softplus(-50.0)))
    1.9287498479639178e-22
    """
    x = as_float_array(x, "x")
    wide = _widened(x)
    with np.errstate(invalid="ignore"):
        result = np.maximum(wide, 0) + np.log1p(np.exp(-np.abs(wide)))
    with np.errstate(over="ignore", under="ignore"):
        return _scalar_if_0d(result.astype(x.dtype, copy=False))


def log_sigmoid(x):
    r"""Logarithm of the sigmoid, computed without forming the sigmoid.

    $$\log \sigma(z) = -\operatorname{softplus}(-z) = -\log(1 + e^{-z})$$

    Parameters
    ----------
    x : array_like
        The logits $z$, real numbers. Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        $\log\sigma(z)$, negative in real arithmetic (it rounds to -0.0 for $z$ above about
        745 in float64), same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued.

    Notes
    -----
    `np.log(sigmoid(x))` fails twice: for very negative $z$ the sigmoid underflows to 0 and
    the log to $-\infty$, although $\log\sigma(z) \approx z$ is an ordinary number; and for
    large positive $z$ the sigmoid rounds to 1 and the log to 0, although
    $\log\sigma(z) \approx -e^{-z}$ is not 0. Through softplus both ends stay within a few ulps.
    $\log\sigma(+\infty) = 0$, $\log\sigma(-\infty) = -\infty$, NaN gives NaN.
    `torch.nn.functional.logsigmoid` gives the same values to within 1 ulp in float32 and
    3 ulps in float64, on 600,001 points of $[-30, 30]$ and in the tails
    (tests/test_claims_sigmoid.py).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import log_sigmoid, sigmoid
    >>> with np.errstate(divide="ignore"):
    ...     print(np.log(sigmoid(np.array([-800.0, 40.0]))))
    [-inf   0.]
    >>> print(log_sigmoid(np.array([-800.0, 40.0])))
    [-8.00000000e+02 -4.24835426e-18]
    """
    x = as_float_array(x, "x")
    return _scalar_if_0d(-np.asarray(softplus(-x)))


def logit(p):
    r"""Logit (log-odds): the inverse of the sigmoid.

    $$\operatorname{logit}(p) = \log\frac{p}{1 - p}, \qquad \sigma(\operatorname{logit}(p)) = p$$

    Parameters
    ----------
    p : array_like
        Probabilities $p$ in $[0, 1]$. Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        The log-odds, same shape and floating dtype as `p`; $-\infty$ at 0 and $+\infty$ at 1.

    Raises
    ------
    TypeError
        If `p` is not real-valued.
    ValueError
        If any entry of `p` lies outside $[0, 1]$.

    Notes
    -----
    Near $p = 1/2$ the ratio $p/(1-p)$ is close to 1 and its logarithm loses relative
    precision, so for $p \in [1/4, 3/4]$ the logit is computed as

    $$\operatorname{logit}(p) = \operatorname{log1p}\left(\frac{2p - 1}{1 - p}\right)$$

    in which $2p - 1$ is computed without rounding error. The result is within a few ulps of
    the logit. NaN gives NaN.

    `torch.logit` (without `eps`) agrees to within a few ulps away from $p = 1/2$ but loses
    relative precision near it: in float64 its relative error exceeds 1e-12 at
    $p = 1/2 \pm 10^{-5}$, where this function stays within a few ulps.
    `scipy.special.logit` returns NaN outside $[0, 1]$, where this raises.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import logit, sigmoid
    >>> print(logit(np.array([0.0, 0.25, 0.5, 0.9, 1.0])))
    [       -inf -1.09861229  0.          2.19722458         inf]
    >>> print(float(sigmoid(logit(0.3))))
    0.3
    """
    p = as_float_array(p, "p")
    check_unit_interval(p, "p")
    wide = _widened(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus_p = 1 - wide
        near_half = np.log1p((2 * wide - 1) / one_minus_p)
        far_from_half = np.log(wide / one_minus_p)
        result = np.where((wide >= 0.25) & (wide <= 0.75), near_half, far_from_half)
    return _scalar_if_0d(result.astype(p.dtype, copy=False))
