r"""Binary cross-entropy, on probabilities and on logits, with `torch.nn.functional` semantics.

Each element is an independent yes/no question, so these losses also serve multi-label
classification: one sigmoid and one binary cross-entropy per label. The logit is $z$, the
model's probability $p = \sigma(z)$, the target $y \in [0, 1]$ (usually a label 0 or 1).

`sigmoid_focal_loss` (Lin et al. 2017, with torchvision's semantics) scales the loss on logits
by $(1 - p_t)^\gamma$; its dtype rule is in its docstring (one dtype wider throughout), the NaN
rule below holds for it too.

Rules shared by the two binary cross-entropies:

- dtype: computed in the widest floating dtype among `input`, `target`, `weight` and
  `pos_weight`, at least float64 (float16 and float32 are computed in float64, as in
  `xentdoc.losses`); the result is in the
  dtype of `input`, rounded once. No argument is rounded to the input's dtype before it is used.
  Element losses are held in float64 (or wider) and reduced there. Where $|z|$ is so large that
  a softplus term is subnormal and a weight above 1 (or a sum) would scale its lost bits up,
  the computation runs in the next wider dtype (long double, where NumPy has one wider than
  float64).
- NaN: a NaN in `input` or `target` gives NaN for that element, whatever its weight or
  `pos_weight` (0 times NaN is NaN, as in torch), and so for a reduction.
  No finite input raises a RuntimeWarning.
- tolerance: tests/test_accuracy.py and tests/test_regressions_numerics.py compare every result
  with mpmath at 60 digits on the exact binary values of all the arguments, in float16, float32
  and float64 and with mixed-dtype arguments, and check an error of at most
  $2(\max(1, \kappa) + e)$ ulps of the result's dtype ($\kappa$ the condition number at that
  input; $e$ is 2 plus $\log_2$ of the number of summed elements for a reduction, 0 otherwise).
"""

from __future__ import annotations

import numbers

import numpy as np

from xentdoc._targets import check_weight_values
from xentdoc._validation import (
    as_float_array,
    check_reduction,
    check_unit_interval,
    compute_dtype,
    extended_dtype,
    widest_argument_dtype,
    real_to_float,
    tiny_threshold,
)
from xentdoc.losses import _reduce
from xentdoc.sigmoid import sigmoid, softplus

# torch clamps each log at -100 so that a probability of exactly 0 or 1 gives a finite loss.
LOG_CLAMP = -100.0


def _times(coefficient, value):
    """coefficient * value, with 0 * inf taken as 0 (a term the target does not name).

    0 * NaN stays NaN: a NaN input or target gives NaN whatever its weight, as in torch.
    """
    with np.errstate(invalid="ignore", over="ignore"):  # overflow: the result is beyond the range
        return np.where((coefficient == 0) & ~np.isnan(value), 0, coefficient * value)


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
    # The widest floating dtype of the arguments, at least float64: nothing is narrowed.
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
    check_weight_values(array, name)  # weight and pos_weight: finite and >= 0 (torch: any)
    return array


def _finish(losses, weight, reduction, dtype):
    losses = np.asarray(losses)
    losses = losses.astype(np.promote_types(losses.dtype, np.float64), copy=False)
    if weight is not None:
        losses = _times(weight, losses)
    return _reduce(losses, reduction, np.float64(losses.size), dtype)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    r"""Binary cross-entropy between predicted probabilities and targets.

    $$\ell = -w\,\big[\, y \log p + (1 - y) \log(1 - p) \,\big]$$

    with each logarithm clamped at $-100$, as in torch.

    Parameters
    ----------
    input : array_like
        Predicted probabilities $p \in [0, 1]$, any shape.
    target : array_like
        Targets $y \in [0, 1]$ (usually 0 or 1), same shape as `input`.
    weight : array_like, optional
        Weights $w$ broadcasting to the input's shape (e.g. one per element or per label),
        finite and non-negative; 0 leaves an element out. torch accepts negative weights,
        which make the loss unbounded below; xentdoc raises a ValueError.
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
        broadcast or has a negative, NaN or infinite entry, or `reduction` is unknown.

    Notes
    -----
    Matches `torch.nn.functional.binary_cross_entropy`, including its clamp: "BCELoss clamps
    its log function outputs to be greater than or equal to -100", so a confidently wrong
    prediction of exactly 0 or 1 costs 100, not infinity. $\log(1 - p)$ is computed as
    `log1p(-p)`, which keeps its relative precision for small $p$. Prefer
    `binary_cross_entropy_with_logits` when you have logits: forming $p = \sigma(z)$ first
    rounds $p$ to 1 for $z \gtrsim 37$ and loses the loss. NaN in `input` or `target` gives
    NaN; infinite inputs are rejected (outside $[0, 1]$). The dtype, NaN and tolerance rules are the module's.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import binary_cross_entropy
    >>> p = np.array([0.9, 0.2, 0.6])
    >>> y = np.array([1.0, 0.0, 1.0])
    >>> print(round(float(binary_cross_entropy(p, y)), 6))
    0.279777
    >>> print(float(binary_cross_entropy(np.array([0.0]), np.array([1.0]))))
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

    $$\ell = w\,\big[\, \rho\, y \operatorname{softplus}(-z) + (1 - y) \operatorname{softplus}(z) \,\big]$$

    since $-\log\sigma(z) = \operatorname{softplus}(-z)$ and
    $-\log(1 - \sigma(z)) = \operatorname{softplus}(z)$; $\rho$ is `pos_weight`.

    Parameters
    ----------
    input : array_like
        Logits $z$, any shape.
    target : array_like
        Targets $y \in [0, 1]$, same shape as `input`.
    weight : array_like, optional
        Weights $w$ broadcasting to the input's shape, finite and non-negative (as for
        `binary_cross_entropy`: torch accepts negative ones, xentdoc raises a ValueError).
    reduction : {'mean', 'sum', 'none'}, optional
        `'mean'` (default) divides the sum by the number of elements.
    pos_weight : array_like, optional
        Weight $\rho$ of the positive term, broadcasting to the input's shape, usually one per
        class on the last axis: $\rho > 1$ raises recall on a rare positive class (for example
        negatives / positives). Finite and non-negative: torch accepts a negative $\rho$,
        which gives a negative loss (``pos_weight=-1``, $z = [0.5, -1]$, $y = [1, 1]$: -0.894)
        that falls without bound as $z \to -\infty$; xentdoc raises a ValueError.

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
        not broadcast or has a negative, NaN or infinite entry, or `reduction` is unknown.

    Notes
    -----
    Same semantics as `torch.nn.functional.binary_cross_entropy_with_logits`. torch evaluates
    $(1 - y)z + (1 + (\rho - 1)y)\operatorname{softplus}(-z)$, which cancels for a confident
    correct negative: at $z = -50, y = 0$ it returns 0 where the loss is
    $\operatorname{softplus}(-50) \approx 1.93\times 10^{-22}$. The form above adds two
    non-negative terms and keeps it. With infinite logits the loss is 0 when the target agrees
    and $+\infty$ when it does not (torch gives NaN); NaN gives NaN. The dtype, NaN and
    tolerance rules are the module's.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import binary_cross_entropy_with_logits
    >>> z = np.array([2.0, -1.0, 0.5])
    >>> y = np.array([1.0, 0.0, 1.0])
    >>> print(round(float(binary_cross_entropy_with_logits(z, y)), 6))
    0.304756
    >>> print(f"{float(binary_cross_entropy_with_logits(-50.0, 0.0)):.6e}")
    1.928750e-22
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


def _check_focal_parameters(alpha, gamma):
    """`alpha` and `gamma` of `sigmoid_focal_loss` as floats, or a ValueError/TypeError naming them."""
    for name, value in (("alpha", alpha), ("gamma", gamma)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"`{name}` must be a real number, got {value!r}.")
    alpha_value, gamma_value = real_to_float(alpha), real_to_float(gamma)
    if not np.isfinite(gamma_value) or gamma_value < 0:
        raise ValueError(f"`gamma` must be a finite number >= 0, got {gamma!r}.")
    if np.isnan(alpha_value) or alpha_value > 1:
        raise ValueError(
            f"`alpha` must be a weight in [0, 1], or negative for no weighting, got {alpha!r}."
        )
    return alpha_value, gamma_value


def sigmoid_focal_loss(input, target, alpha=0.25, gamma=2.0, reduction="none"):
    r"""Focal loss on logits: binary cross-entropy scaled down where the model is already right.

    With $p = \sigma(z)$ and $p_t$ the probability the model gives to what happened
    ($p_t = p$ for $y = 1$, $1 - p$ for $y = 0$),

    $$\ell = -\alpha_t\,(1 - p_t)^{\gamma}\log p_t ,
    \qquad \alpha_t = \alpha y + (1 - \alpha)(1 - y),$$

    in nats. For a soft target $y \in [0, 1]$ it is, as in torchvision,
    $\alpha_t (1 - p_t)^\gamma$ times the binary cross-entropy of $z$ and $y$, with
    $p_t = p y + (1 - p)(1 - y)$.

    Parameters
    ----------
    input : array_like
        Logits $z$, any shape, a floating dtype (integers are read as float64).
    target : array_like
        Targets $y \in [0, 1]$ (labels 0 and 1, or soft), same shape as `input`.
    alpha : float, optional
        Weight $\alpha$ of the positive examples, $1 - \alpha$ of the negatives; at most 1.
        A negative `alpha` means no weighting ($\alpha_t = 1$). Default 0.25, torchvision's.
    gamma : float, optional
        The focusing parameter $\gamma \ge 0$, finite; 0 gives binary cross-entropy
        (times $\alpha_t$). Default 2.
    reduction : {'none', 'mean', 'sum'}, optional
        `'none'` (default, as in torchvision) returns one loss per element; `'mean'` divides
        the sum by the number of elements, as torchvision's does. Lin et al. divide an image's
        sum by the number of anchors assigned to an object instead: for that, take `'sum'` and
        divide by the number of positives.

    Returns
    -------
    ndarray or scalar
        The loss in nats, in the floating dtype of `input`; the shape of `input` for
        `'none'`, a scalar otherwise.

    Raises
    ------
    TypeError
        If an argument is not real-valued, or `alpha` or `gamma` is not a real number.
    ValueError
        If `target` has values outside $[0, 1]$, the shapes differ, `gamma` is negative or not
        finite, `alpha` is above 1 or NaN, or `reduction` is unknown.

    Notes
    -----
    Lin, Goyal, Girshick, He and Dollár, "Focal Loss for Dense Object Detection" (ICCV 2017,
    arXiv:1708.02002), eq. (5). The semantics (argument order, defaults, $\alpha < 0$ for no
    weighting, the soft-target formula, the reductions) are those of
    `torchvision.ops.sigmoid_focal_loss` (torchvision/ops/focal_loss.py in pytorch/vision),
    whose first two parameters are named `inputs` and `targets`; here they are `input` and
    `target`, as in xentdoc's other losses, so a call by keyword with torchvision's names raises
    a TypeError. That function computes `p = sigmoid(z)`,
    `ce = binary_cross_entropy_with_logits(z, y)`, `p_t = p * y + (1 - p) * (1 - y)` and
    `alpha_t * ce * (1 - p_t) ** gamma`. Here an unknown `reduction`, $\gamma < 0$,
    $\alpha > 1$ and targets outside $[0, 1]$ raise a ValueError (for $y = 2$ that formula
    returns a negative loss, as torch's `binary_cross_entropy_with_logits` accepts any
    target); the version of that source read for this function
    (pytorch/vision commit 148ddaaa5d27abc8300dbb4e689d1aea31892930) checks none of them
    (later releases may check more; torchvision is not installed here to compare).

    Computed from the logit, never from a rounded probability: the binary cross-entropy term
    $y\operatorname{softplus}(-z) + (1 - y)\operatorname{softplus}(z)$ (which is $-\log p_t$
    for labels 0 and 1) and $1 - p_t = y\,\sigma(-z) + (1 - y)\,\sigma(z)$, sums of
    non-negative terms with no cancellation; $(1 - p_t)^\gamma$ is
    $\exp(\gamma \log(1 - p_t))$ with that log taken as $-\operatorname{softplus}(\pm z)$ for
    a label and as $\operatorname{log1p}(-p_t)$ for a soft target with $p_t < 1/2$, so it keeps
    its relative precision where $p_t$ itself would round to 1 and for large $\gamma$.
    torchvision's `1 - p_t` is 0 where $p_t$ rounds to 1: in float32 from
    $z \approx 16.6$ for $y = 1$ and from $z \approx -17.3$ for $y = 0$; for $y = 0$ its loss is 0
    even sooner, from $z \approx -14.6$, because torch's float32
    `binary_cross_entropy_with_logits` (torch 2.13) rounds that small term to 0.
    Everything runs in the dtype one step wider than the widest argument (float64 for float32
    or float16, long double for float64 where NumPy has a wider one) and is rounded once to the
    dtype of `input`. tests/test_focal_loss.py compares the result with mpmath at 60 digits in
    float32 and float64, for logits from $\pm 10^{3}$ to tiny ones, within
    $2\max(1, \kappa)$ ulps ($\kappa$ the condition number in $z$, and in $y$ for soft targets),
    with soft targets and $\gamma$ up to $10^{14}$, and on ordinary inputs with
    torchvision's formula, transcribed there in torch (torchvision itself is not installed).
    With infinite logits the loss is 0 when the label agrees and $+\infty$ when it does not
    (0 if its $\alpha_t$ is 0); NaN in `input` or `target` gives NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import sigmoid_focal_loss, binary_cross_entropy_with_logits
    >>> z = np.array([2.0, -1.0, 0.5])
    >>> y = np.array([1.0, 1.0, 0.0])
    >>> print(np.round(sigmoid_focal_loss(z, y), 6))
    [0.000451 0.175467 0.283059]

    With $\gamma = 0$ and no weighting it is binary cross-entropy:

    >>> print(np.round(sigmoid_focal_loss(z, y, alpha=-1, gamma=0), 6))
    [0.126928 1.313262 0.974077]
    >>> print(np.round(binary_cross_entropy_with_logits(z, y, reduction="none"), 6))
    [0.126928 1.313262 0.974077]

    A confident correct positive at $z = 20$ in float32 keeps its tiny loss,
    $0.25\,\sigma(-20)^2 \operatorname{softplus}(-20)$:

    >>> print(f"{float(sigmoid_focal_loss(np.float32(20.0), np.float32(1.0))):.4e}")
    2.1891e-27
    """
    alpha, gamma = _check_focal_parameters(alpha, gamma)
    input, target, _, _, _ = _read_binary(input, target, None, reduction)
    work = extended_dtype(widest_argument_dtype(input, target))
    z, y = input.astype(work, copy=False), target.astype(work, copy=False)
    not_y = 1 - y
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        softplus_neg, softplus_pos = np.asarray(softplus(-z)), np.asarray(softplus(z))
        neg_log_p_t = _times(y, softplus_neg) + _times(not_y, softplus_pos)
        sigma_neg, sigma_pos = np.asarray(sigmoid(-z)), np.asarray(sigmoid(z))
        one_minus_p_t = y * sigma_neg + not_y * sigma_pos
        if gamma == 0:
            modulating = np.power(one_minus_p_t, work.type(gamma))  # 1, also for 0 and inf
        else:
            # M = exp(gamma log(1 - p_t)), with log(1 - p_t) to full relative precision: a power
            # of a rounded base multiplies its rounding by gamma. For a label, 1 - p_t is
            # sigma(-z) (y = 1) or sigma(z) (y = 0), whose log is -softplus(+-z), even where
            # sigma rounds to 1 (the power was 417 ulps off at gamma = 1e6). For a soft target
            # with p_t < 1/2 it is log1p(-p_t), p_t being a sum of non-negative terms: the sum
            # 1 - p_t lies near 1 there, and its absolute rounding cost 7.7 ulps at gamma = 1e5
            # for y = 1e-5, z = 30 in float64 (2e8 ulps at gamma = 1e12).
            p_t = y * sigma_pos + not_y * sigma_neg
            soft = np.where(p_t < 0.5, np.log1p(-p_t), np.log(one_minus_p_t))
            hard = -np.where(y == 1, softplus_pos, softplus_neg)
            log_base = np.where((y == 0) | (y == 1), hard, soft)
            modulating = np.exp(work.type(gamma) * log_base)
        losses = modulating * neg_log_p_t
        if alpha >= 0:
            losses = _times(alpha * y + (1 - alpha) * not_y, losses)  # weight 0: loss 0, even inf
    return _finish(losses, None, reduction, input.dtype)
