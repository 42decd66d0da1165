r"""The logistic sigmoid and its relatives: log-sigmoid, softplus and logit.

Each is computed so that no finite input overflows and the result keeps full relative precision,
including deep in the tails where the textbook formulas return 0, 1 or ±inf.
"""

from __future__ import annotations

import numpy as np

from xentdoc._validation import as_float_array, check_unit_interval


def _scalar_if_0d(result: np.ndarray):
    """Return NumPy's scalar for a 0-d result, as NumPy's own ufuncs do."""
    return result[()]


def sigmoid(x):
    r"""Logistic sigmoid: squash any real number into the open interval (0, 1).

    $$\sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}$$

    Parameters
    ----------
    x : array_like
        Real numbers (logits). Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        $\sigma(x)$, same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued.

    Notes
    -----
    Both forms above are exact in real arithmetic; in floating point the first overflows
    `exp(-x)` for very negative `x` and the second overflows for very positive `x`. Using
    $t = e^{-|x|} \in (0, 1]$, which never overflows,

    $$\sigma(x) = \begin{cases} 1/(1 + t) & x \ge 0 \\ t/(1 + t) & x < 0 \end{cases}$$

    keeps a relative error of a few ulps everywhere, so tiny probabilities such as
    $\sigma(-745) \approx 5\times 10^{-324}$ are not lost. $\sigma(\pm\infty)$ is 1 or 0;
    NaN gives NaN. Matches `torch.sigmoid` (and `scipy.special.expit`).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import sigmoid
    >>> print(sigmoid(np.array([-2.0, 0.0, 2.0])))
    [0.11920292 0.5        0.88079708]

    The naive formula overflows in the far tail; this one does not:

    >>> with np.errstate(over="ignore"):
    ...     print(1 / (1 + np.exp(-np.array([-800.0]))))
    [0.]
    >>> print(float(sigmoid(-40.0)))
    4.248354255291589e-18
    """
    x = as_float_array(x, "x")
    # exp(-|x|) lies in (0, 1]: no overflow for any input.
    exp_neg_abs = np.exp(-np.abs(x))
    denominator = 1 + exp_neg_abs
    with np.errstate(invalid="ignore"):  # NaN in, NaN out, silently
        result = np.where(x >= 0, 1 / denominator, exp_neg_abs / denominator)
    return _scalar_if_0d(result.astype(x.dtype, copy=False))


def softplus(x):
    r"""Softplus: the smooth version of $\max(x, 0)$.

    $$\operatorname{softplus}(x) = \log(1 + e^{x})$$

    Parameters
    ----------
    x : array_like
        Real numbers. Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        $\log(1 + e^x) > 0$, same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued.

    Notes
    -----
    Computed as

    $$\operatorname{softplus}(x) = \max(x, 0) + \operatorname{log1p}\left(e^{-|x|}\right)$$

    which never overflows and keeps full relative precision at both ends: for very negative
    $x$ the value is $e^{x}$ (not 0), for very positive $x$ it is $x + e^{-x}$. Note that
    `torch.nn.functional.softplus` returns exactly $x$ above its `threshold` of 20, an error of
    about $2\times 10^{-9}$ that is visible in float64. softplus$(+\infty) = +\infty$,
    softplus$(-\infty) = 0$, NaN gives NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import softplus
    >>> print(softplus(np.array([-1.0, 0.0, 1.0])))
    [0.31326169 0.69314718 1.31326169]

    The naive formula overflows; softplus(x) tends to x:

    >>> with np.errstate(over="ignore"):
    ...     print(np.log(1 + np.exp(np.array([1000.0]))))
    [inf]
    >>> print(float(softplus(1000.0)))
    1000.0
    >>> print(float(softplus(-50.0)))
    1.9287498479639178e-22
    """
    x = as_float_array(x, "x")
    with np.errstate(invalid="ignore"):
        result = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    return _scalar_if_0d(result)


def log_sigmoid(x):
    r"""Logarithm of the sigmoid, computed without forming the sigmoid.

    $$\log \sigma(x) = -\operatorname{softplus}(-x) = -\log(1 + e^{-x})$$

    Parameters
    ----------
    x : array_like
        Real numbers (logits). Integers are promoted to float64.

    Returns
    -------
    ndarray or scalar
        $\log\sigma(x) < 0$, same shape and floating dtype as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued.

    Notes
    -----
    `np.log(sigmoid(x))` fails twice: for very negative $x$ the sigmoid underflows to 0 and
    the log to $-\infty$ (the true value is about $x$), and for large positive $x$ the sigmoid
    rounds to 1 and the log to 0 (the true value is about $-e^{-x}$). Through softplus both
    ends keep full precision. $\log\sigma(+\infty) = 0$, $\log\sigma(-\infty) = -\infty$,
    NaN gives NaN. Same values as `torch.nn.functional.logsigmoid`, more precise in the tails.

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
        Probabilities in $[0, 1]$. Integers are promoted to float64.

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

    in which $2p - 1$ is exact. NaN gives NaN. `torch.logit` (without `eps`) gives the same
    values; `scipy.special.logit` returns NaN outside $[0, 1]$ where this raises.

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
    with np.errstate(divide="ignore", invalid="ignore"):
        one_minus_p = 1 - p
        near_half = np.log1p((2 * p - 1) / one_minus_p)
        far_from_half = np.log(p / one_minus_p)
        result = np.where((p >= 0.25) & (p <= 0.75), near_half, far_from_half)
    return _scalar_if_0d(result.astype(p.dtype, copy=False))
