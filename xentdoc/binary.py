r"""Binary cross-entropy, on probabilities and on logits, with `torch.nn.functional` semantics.

Each element is an independent yes/no question, so these losses also serve multi-label
classification: one sigmoid and one binary cross-entropy per label.
"""

from __future__ import annotations

import numpy as np

from xentdoc._validation import (
    as_float_array,
    check_reduction,
    check_unit_interval,
    compute_dtype,
    extended_dtype,
    tiny_threshold,
)
from xentdoc.losses import _reduce
from xentdoc.sigmoid import softplus

# torch clamps each log at -100 so that a probability of exactly 0 or 1 gives a finite loss.
LOG_CLAMP = -100.0


def _times(coefficient, value):
    """coefficient * value, with 0 * inf taken as 0 (a term the target does not name)."""
    with np.errstate(invalid="ignore", over="ignore"):  # overflow: the true value is beyond range
        return np.where(coefficient == 0, 0, coefficient * value)


def _read_binary(input, target, weight, reduction, pos_weight=None):
    """Checked arguments, each in its own dtype, and the dtype the loss is computed in."""
    input = as_float_array(input, "input")
    target = as_float_array(target, "target")
    check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"`target` must have the same shape as `input` {input.shape}, got {target.shape}."
        )
    check_unit_interval(target, "target")
    if weight is not None:
        weight = _broadcast_to(weight, input.shape, "weight")
    if pos_weight is not None:
        pos_weight = _broadcast_to(pos_weight, input.shape, "pos_weight")
    # The widest floating dtype of the arguments, at least float32: nothing is narrowed.
    dtype = compute_dtype(input, target, weight, pos_weight)
    return input, target, weight, pos_weight, dtype


def _broadcast_to(value, shape, name):
    array = as_float_array(value, name)
    try:
        np.broadcast_shapes(array.shape, shape)
    except ValueError:
        raise ValueError(
            f"`{name}` of shape {array.shape} must broadcast to the input's shape {shape}."
        ) from None
    if np.broadcast_shapes(array.shape, shape) != shape:
        raise ValueError(
            f"`{name}` of shape {array.shape} must broadcast to the input's shape {shape} "
            "without enlarging it."
        )
    return array


def _finish(losses, weight, reduction, dtype):
    losses = np.asarray(losses)
    losses = losses.astype(np.promote_types(losses.dtype, np.float64), copy=False)
    if weight is not None:
        losses = _times(weight, losses)
    return _reduce(losses, reduction, np.float64(losses.size), dtype)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    r"""Binary cross-entropy between predicted probabilities and targets.

    $$\ell = -w\,\big[\, t \log p + (1 - t) \log(1 - p) \,\big]$$

    with each logarithm clamped at $-100$, as in torch.

    Parameters
    ----------
    input : array_like
        Predicted probabilities $p \in [0, 1]$, any shape.
    target : array_like
        Target probabilities $t \in [0, 1]$ (usually 0 or 1), same shape as `input`.
    weight : array_like, optional
        Weights broadcasting to the input's shape (e.g. one per element or per label).
    reduction : {'mean', 'sum', 'none'}, optional
        `'mean'` (default) divides the sum by the number of elements.

    Returns
    -------
    ndarray or scalar
        The loss, in the floating dtype of `input`.

    Raises
    ------
    TypeError
        If an argument is not real-valued.
    ValueError
        If `input` or `target` has values outside $[0, 1]$, shapes differ, `weight` does not
        broadcast, or `reduction` is unknown.

    Notes
    -----
    Matches `torch.nn.functional.binary_cross_entropy`, including its clamp: "BCELoss clamps
    its log function outputs to be greater than or equal to -100", so a confidently wrong
    prediction of exactly 0 or 1 costs 100, not infinity. $\log(1 - p)$ is computed as
    `log1p(-p)`, exact for small $p$. Prefer `binary_cross_entropy_with_logits` when you have
    logits: forming $p = \sigma(x)$ first rounds $p$ to 1 for $x \gtrsim 37$ and loses the loss.
    NaN in `input` or `target` gives NaN; infinite inputs are rejected (outside $[0, 1]$).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import binary_cross_entropy
    >>> p = np.array([0.9, 0.2, 0.6])
    >>> t = np.array([1.0, 0.0, 1.0])
    >>> print(binary_cross_entropy(p, t).round(6))
    0.2798
    >>> print(binary_cross_entropy(np.array([0.0]), np.array([1.0])))
    100.0
    """
    input, target, weight, _, dtype = _read_binary(input, target, weight, reduction)
    check_unit_interval(input, "input")
    p, y = input.astype(dtype, copy=False), target.astype(dtype, copy=False)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), LOG_CLAMP)
        log_one_minus_p = np.maximum(np.log1p(-p), LOG_CLAMP)
    losses = -(y * log_p + (1 - y) * log_one_minus_p)
    return _finish(losses, weight, reduction, input.dtype)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    r"""Binary cross-entropy on logits: sigmoid and binary cross-entropy in one stable step.

    $$\ell = w\,\big[\, \rho\, t \operatorname{softplus}(-x) + (1 - t) \operatorname{softplus}(x) \,\big]$$

    since $-\log\sigma(x) = \operatorname{softplus}(-x)$ and
    $-\log(1 - \sigma(x)) = \operatorname{softplus}(x)$; $\rho$ is `pos_weight`.

    Parameters
    ----------
    input : array_like
        Logits $x$, any shape.
    target : array_like
        Target probabilities $t \in [0, 1]$, same shape as `input`.
    weight : array_like, optional
        Weights broadcasting to the input's shape.
    reduction : {'mean', 'sum', 'none'}, optional
        `'mean'` (default) divides the sum by the number of elements.
    pos_weight : array_like, optional
        Weight $\rho$ of the positive term, broadcasting to the input's shape, usually one per
        class on the last axis: $\rho > 1$ raises recall on a rare positive class (for example
        negatives / positives).

    Returns
    -------
    ndarray or scalar
        The loss, in the floating dtype of `input`.

    Raises
    ------
    TypeError
        If an argument is not real-valued.
    ValueError
        If `target` has values outside $[0, 1]$, shapes differ, `weight` or `pos_weight` does
        not broadcast, or `reduction` is unknown.

    Notes
    -----
    Same semantics as `torch.nn.functional.binary_cross_entropy_with_logits`. torch evaluates
    $(1 - t)x + (1 + (\rho - 1)t)\operatorname{softplus}(-x)$, which cancels for a confident
    correct negative: at $x = -50, t = 0$ it returns 0 where the loss is
    $\operatorname{softplus}(-50) \approx 1.93\times 10^{-22}$. The form above adds two
    non-negative terms and keeps it. With infinite logits the loss is 0 when the target agrees
    and $+\infty$ when it does not (torch gives NaN); NaN gives NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import binary_cross_entropy_with_logits
    >>> x = np.array([2.0, -1.0, 0.5])
    >>> t = np.array([1.0, 0.0, 1.0])
    >>> print(binary_cross_entropy_with_logits(x, t).round(6))
    0.304756
    >>> print(float(binary_cross_entropy_with_logits(-50.0, 0.0)))
    1.9287498479639178e-22
    """
    input, target, weight, pos_weight, dtype = _read_binary(input, target, weight, reduction,
                                                             pos_weight)
    # softplus(-|z|) is subnormal from |z| of about 87 (float32) or 708 (float64): its lost
    # bits matter once a weight above 1 scales it up, or once many such terms are summed.
    extended = extended_dtype(dtype)
    if extended != dtype and (reduction == "sum" or _largest(weight) > 1 or _largest(pos_weight) > 1):
        with np.errstate(invalid="ignore"):
            far = np.abs(input) > -np.log(tiny_threshold(dtype))
        if np.any(far & np.isfinite(input)):
            dtype = extended
    z, y = input.astype(dtype, copy=False), target.astype(dtype, copy=False)
    positive_weight = 1 if pos_weight is None else pos_weight.astype(dtype, copy=False)
    neg_log_p = np.asarray(softplus(-z))  # -log sigma(z)
    neg_log_one_minus_p = np.asarray(softplus(z))  # -log(1 - sigma(z))
    with np.errstate(over="ignore"):  # a sum beyond the dtype's range is inf
        losses = _times(positive_weight * y, neg_log_p) + _times(1 - y, neg_log_one_minus_p)
    return _finish(losses, weight, reduction, input.dtype)


def _largest(weight) -> float:
    """The largest |weight| (0 for None), to tell whether it can scale a tiny term up."""
    if weight is None or weight.size == 0:
        return 0.0
    with np.errstate(invalid="ignore"):
        return float(np.nanmax(np.abs(weight))) if not np.all(np.isnan(weight)) else 0.0
