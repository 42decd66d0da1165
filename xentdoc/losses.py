r"""Classification losses with `torch.nn.functional` semantics: NLL, cross-entropy and its gradient.

Shapes follow torch: the input is $(C)$, $(N, C)$ or $(N, C, d_1, \dots, d_k)$ with the classes
on axis 0 for a 1-D input and on axis 1 otherwise; a class-index target drops that axis, a
class-probability target keeps the input's shape.
"""

from __future__ import annotations

import numbers

import numpy as np

from xentdoc._targets import (
    is_probability_target,
    read_class_target,
    read_input,
    read_probability_target,
    read_weight,
)
from xentdoc._validation import check_reduction
from xentdoc.sigmoid import _scalar_if_0d
from xentdoc.softmax import _normaliser, log_softmax, poison_tail


def wide_dtype(dtype) -> np.dtype:
    """The dtype per-sample losses are computed in: float64 for narrower floats.

    A float32 loss of 1e38 per sample can exceed float32's range before a weight or the mean
    brings it back; float64 holds it. For float64 inputs, a per-sample loss beyond ~1.8e308 is inf.
    """
    return np.promote_types(dtype, np.float64)


def _reduce(losses: np.ndarray, reduction: str, mean_denominator, dtype) -> np.ndarray:
    """Apply torch's reduction, summing in float64 and rounding once to `dtype`."""
    # Overflow here means the true result is beyond the dtype's range: inf, without a warning.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if reduction == "none":
            return _scalar_if_0d(losses.astype(dtype, copy=False))
        total = np.sum(losses, dtype=np.float64)
        if reduction == "mean":
            # An empty batch or all-ignored targets give 0/0 = NaN, as in torch.
            total = total / np.sum(mean_denominator, dtype=np.float64)
        return np.dtype(dtype).type(total)


def _check_label_smoothing(label_smoothing) -> float:
    if isinstance(label_smoothing, (bool, np.bool_)) or not isinstance(label_smoothing, numbers.Real):
        raise TypeError(f"`label_smoothing` must be a number in [0, 1], got {label_smoothing!r}.")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"`label_smoothing` must lie in [0, 1], got {label_smoothing!r}.")
    return float(label_smoothing)


def _read_loss_arguments(input, target, weight, ignore_index, reduction, label_smoothing=0.0):
    """Validate every argument of a classification loss; return the checked pieces."""
    input, class_axis = read_input(input)
    check_reduction(reduction)
    label_smoothing = _check_label_smoothing(label_smoothing)
    weight = read_weight(weight, input, class_axis)
    if is_probability_target(target):
        target = read_probability_target(target, input, class_axis)
    else:
        target = read_class_target(target, input, class_axis, weight, ignore_index)
    return input, class_axis, target, weight, label_smoothing


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    r"""Negative log-likelihood loss: pick each sample's log-probability of its target and negate.

    $$\ell_n = -w_{y_n}\, x_{n, y_n}, \qquad
    \text{mean: } \frac{\sum_n \ell_n}{\sum_{n:\, y_n \ne \text{ignore}} w_{y_n}}$$

    Parameters
    ----------
    input : array_like
        Log-probabilities, shape $(C)$, $(N, C)$ or $(N, C, d_1, \dots, d_k)$. `nll_loss` takes
        no softmax and no logarithm: pass the output of `log_softmax`.
    target : array_like of int
        Class indices in $[0, C)$, shape $()$, $(N)$ or $(N, d_1, \dots, d_k)$; entries equal to
        `ignore_index` are skipped.
    weight : array_like, optional
        One weight per class, shape $(C)$. Default: all ones.
    ignore_index : int, optional
        Target value that contributes neither to the loss nor to the mean's denominator.
        Default: -100, as in torch.
    reduction : {'mean', 'sum', 'none'}, optional
        `'none'` returns one loss per sample (0 where ignored); `'sum'` adds them; `'mean'`
        (default) divides the sum by the summed weights of the non-ignored targets.

    Returns
    -------
    ndarray or scalar
        The loss, in the floating dtype of `input`.

    Raises
    ------
    TypeError
        If `target` is not integer, or `input`/`weight` are not real-valued.
    ValueError
        If shapes do not match or `reduction` is unknown.
    IndexError
        If a target other than `ignore_index` is negative or not below $C$.

    Notes
    -----
    Same semantics as `torch.nn.functional.nll_loss`, including a `'mean'` over only ignored
    targets (or an empty batch), which is $0/0$ = NaN. With weights, the mean is a weighted
    average, not the sum divided by $N$. A NaN at a picked entry gives NaN; a $-\infty$
    log-probability at the target gives $+\infty$, and a picked $+\infty$ gives $-\infty$.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import log_softmax, nll_loss
    >>> log_probs = np.log(np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]))
    >>> print(nll_loss(log_probs, np.array([0, 2])).round(6))
    0.289909
    >>> print(nll_loss(log_probs, np.array([0, 2]), reduction="none").round(6))
    [0.356675 0.223144]
    >>> print(nll_loss(log_probs, np.array([0, -100])).round(6))
    0.356675
    """
    if is_probability_target(target):  # torch's nll_loss has no probability targets either
        raise TypeError("`target` of `nll_loss` must hold integer class indices, got floats.")
    input, class_axis, target, weight, _ = _read_loss_arguments(
        input, target, weight, ignore_index, reduction
    )
    picked = np.take_along_axis(input, target.safe_index, class_axis).astype(wide_dtype(input.dtype))
    with np.errstate(over="ignore", invalid="ignore"):
        losses = np.where(target.kept, -target.target_weight * picked, 0)
    return _reduce(np.squeeze(losses, class_axis), reduction, target.target_weight, input.dtype)


# Work on blocks of about this many bytes: each block's shift, exp and sum then run in the CPU
# cache, so the logits are read from memory once instead of once per pass.
_BLOCK_BYTES = 1 << 20

# Below this largest logit, e^x cannot overflow even summed over ~1e12 classes.
_EXP_SAFE_TOP = {np.dtype(np.float32): 60.0, np.dtype(np.float64): 600.0}


def _tail_sum_shifted(logits, top_index, top_logit, block):
    """tau = sum over all but the top entry of e^(x - m): the safe route, one subtraction pass."""
    with np.errstate(over="ignore", invalid="ignore"):  # see softmax._normaliser
        np.subtract(logits, top_logit, out=block)
        np.exp(block, out=block)
    np.put_along_axis(block, top_index, 0, 1)
    return poison_tail(block.sum(axis=1, keepdims=True), top_logit)


def _tail_sum(logits, top_index, top_logit, block):
    """tau = sum over all but the top entry of e^(x - m), with `block` as scratch space.

    Fast route: e^(x - m) = e^x e^-m, which skips the subtraction pass. It is exact where
    0 <= m <= _EXP_SAFE_TOP: e^x cannot overflow, and with m >= 0 a term e^x only underflows
    where e^(x - m) underflows too, so nothing that counts is lost. Rows outside that range
    (rare in practice) are redone on the safe route.
    """
    safe_top = _EXP_SAFE_TOP.get(logits.dtype)
    if safe_top is None:
        return _tail_sum_shifted(logits, top_index, top_logit, block)
    with np.errstate(over="ignore", invalid="ignore"):
        np.exp(logits, out=block)
        np.put_along_axis(block, top_index, 0, 1)
        tail = block.sum(axis=1, keepdims=True) * np.exp(-top_logit)
    unsafe = ~((top_logit >= 0) & (top_logit <= safe_top))  # NaN counts as unsafe
    if unsafe.any():
        rows = np.flatnonzero(unsafe.reshape(unsafe.shape[0], -1).any(axis=1))
        tail[rows] = _tail_sum_shifted(
            logits[rows], top_index[rows], top_logit[rows], block[: rows.size]
        )
    return tail


def _neg_log_prob_of_target(input, class_axis, safe_index):
    """-log softmax(input)[target] per sample (class axis kept, length 1), block by block.

    Per sample this is log1p(tau) - (x_y - max x), two non-negative terms: no cancellation.
    """
    if class_axis == 0:  # a single sample of shape (C,): treat as a batch of one
        return _neg_log_prob_of_target(input[None], 1, safe_index[None])[0]
    result = np.empty(safe_index.shape, dtype=wide_dtype(input.dtype))
    rows_per_block = max(1, _BLOCK_BYTES // max(1, input[:1].nbytes))
    scratch = np.empty((min(rows_per_block, input.shape[0]),) + input.shape[1:], dtype=input.dtype)
    for start in range(0, input.shape[0], rows_per_block):
        rows = slice(start, start + rows_per_block)
        logits = input[rows]
        top_index = np.expand_dims(np.argmax(logits, axis=1), 1)
        top_logit = np.take_along_axis(logits, top_index, 1)
        tail = _tail_sum(logits, top_index, top_logit, scratch[: logits.shape[0]])
        # In the wide dtype, so that x_y - m cannot overflow for float32 logits.
        target_logit = np.take_along_axis(logits, safe_index[rows], 1).astype(result.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            target_shifted = target_logit - top_logit.astype(result.dtype)
            result[rows] = np.log1p(tail) - target_shifted
    return result


def _class_target_losses(input, class_axis, target, weight, label_smoothing):
    """Per-sample cross-entropy for class-index targets (class axis kept, length 1)."""
    neg_log_prob_target = _neg_log_prob_of_target(input, class_axis, target.safe_index)
    with np.errstate(invalid="ignore"):
        losses = np.where(target.kept, target.target_weight * neg_log_prob_target, 0)
    if label_smoothing == 0.0:
        return losses
    neg_log_probs = -np.asarray(log_softmax(input.astype(wide_dtype(input.dtype)), axis=class_axis))
    with np.errstate(over="ignore", invalid="ignore"):
        weighted = neg_log_probs if weight is None else weight * neg_log_probs
        smooth = np.where(target.kept, weighted.sum(axis=class_axis, keepdims=True), 0)
    n_classes = input.shape[class_axis]
    return (1 - label_smoothing) * losses + (label_smoothing / n_classes) * smooth


def _smoothed_probabilities(target, label_smoothing, n_classes):
    if label_smoothing == 0.0:
        return target
    return target * (1 - label_smoothing) + label_smoothing / n_classes


def _probability_target_coefficients(target, weight, label_smoothing, n_classes):
    """a_c = w_c * t'_c, the weight of log p_c in the loss of a probability target."""
    smoothed = _smoothed_probabilities(target, label_smoothing, n_classes)
    return smoothed if weight is None else smoothed * weight


def _mean_denominator(input, class_axis, target):
    """What torch's 'mean' divides by: summed target weights, or the number of samples."""
    if hasattr(target, "target_weight"):
        return target.target_weight
    return np.float64(input.size // max(input.shape[class_axis], 1) if input.size else 0)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    r"""Cross-entropy loss between logits and targets: `log_softmax` followed by NLL.

    For class-index targets $y_n$, with $\varepsilon$ = `label_smoothing` and $C$ classes,

    $$\ell_n = (1 - \varepsilon)\, w_{y_n} \big(-\log p_{n, y_n}\big)
      + \frac{\varepsilon}{C} \sum_{c} w_c \big(-\log p_{n, c}\big),
      \qquad p_n = \operatorname{softmax}(x_n).$$

    For class-probability targets $t_n$ (floats, the input's shape),

    $$\ell_n = -\sum_c w_c\, t'_{n, c} \log p_{n, c}, \qquad
      t' = (1 - \varepsilon)\, t + \varepsilon / C.$$

    Parameters
    ----------
    input : array_like
        Logits (unnormalised scores), shape $(C)$, $(N, C)$ or $(N, C, d_1, \dots, d_k)$.
    target : array_like
        Either integer class indices of shape $()$, $(N)$ or $(N, d_1, \dots, d_k)$, or float
        class probabilities of the input's shape (non-negative, summing to 1 over the classes).
    weight : array_like, optional
        One weight per class, shape $(C)$. Default: all ones.
    ignore_index : int, optional
        Class-index target value to skip (no loss, not counted by the mean). Default -100.
        Not used with probability targets.
    reduction : {'mean', 'sum', 'none'}, optional
        How to combine the per-sample losses; see Notes for what `'mean'` divides by.
    label_smoothing : float, optional
        $\varepsilon \in [0, 1]$: mixes the target with the uniform distribution over classes.

    Returns
    -------
    ndarray or scalar
        The loss, in the floating dtype of `input`.

    Raises
    ------
    TypeError
        If an argument has the wrong type (e.g. a boolean target).
    ValueError
        If shapes do not match, probabilities are not distributions, `reduction` is unknown or
        `label_smoothing` is outside $[0, 1]$.
    IndexError
        If a class index other than `ignore_index` is negative or not below $C$.

    Notes
    -----
    Reductions follow `torch.nn.functional.cross_entropy` exactly. For class-index targets
    `'mean'` divides both terms by $\sum_{n \text{ kept}} w_{y_n}$, the summed weights of the
    non-ignored targets (NaN when every target is ignored); the smoothing term carries every
    class's weight $w_c$ but shares that denominator. For probability targets `'mean'` divides
    by the number of samples $N d_1 \cdots d_k$, whatever the weights.

    The per-sample loss is computed as $\operatorname{log1p}(\tau) - (x_y - \max x)$ with
    $\tau$ the sum of the exponentials of all but the top shifted logit: two non-negative terms,
    so a confident and correct prediction keeps its tiny loss (about $4.25\times 10^{-18}$ for
    two classes 40 apart) where torch and SciPy return 0. The convention $0 \log 0 = 0$ holds:
    a class with a $-\infty$ logit and zero target probability adds nothing (torch gives NaN).
    A $+\infty$ or NaN logit gives a NaN loss for its sample. Per-sample losses of float32
    inputs are held in float64, so a mean stays exact even when single losses exceed float32's
    range; for float64 inputs a per-sample loss beyond about 1.8e308 (logit gaps that large) is
    $+\infty$, and so is its reduction. No finite input raises a RuntimeWarning.

    References
    ----------
    - C. Szegedy et al., "Rethinking the Inception Architecture for Computer Vision",
      CVPR 2016 (label smoothing).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import cross_entropy
    >>> logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    >>> print(cross_entropy(logits, np.array([0, 1])).round(6))
    0.31854
    >>> print(cross_entropy(logits, np.array([0, 1]), label_smoothing=0.1).round(6))
    0.436873

    A confident, correct prediction has a tiny but non-zero loss:

    >>> print(float(cross_entropy(np.array([[40.0, 0.0]]), np.array([0]))))
    4.248354255291589e-18
    """
    input, class_axis, target, weight, label_smoothing = _read_loss_arguments(
        input, target, weight, ignore_index, reduction, label_smoothing
    )
    if input.size == 0:
        losses = np.zeros(np.delete(input.shape, class_axis), dtype=input.dtype)
        return _reduce(losses, reduction, _mean_denominator(input, class_axis, target), input.dtype)
    if isinstance(target, np.ndarray):  # probabilities; class indices come as ClassTargets
        log_probs = log_softmax(input.astype(wide_dtype(input.dtype)), axis=class_axis)
        n_classes = input.shape[class_axis]
        coefficients = _probability_target_coefficients(target, weight, label_smoothing, n_classes)
        # 0 log 0 = 0: a class the target never names adds nothing, even at a -inf logit.
        with np.errstate(over="ignore", invalid="ignore"):
            terms = np.where(coefficients == 0, 0, coefficients * log_probs)
            losses = -terms.sum(axis=class_axis, keepdims=True)
    else:
        losses = _class_target_losses(input, class_axis, target, weight, label_smoothing)
    losses = np.squeeze(losses, class_axis)
    return _reduce(losses, reduction, _mean_denominator(input, class_axis, target), input.dtype)


def cross_entropy_grad(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    r"""Gradient of `cross_entropy` with respect to its `input` (the logits).

    For class-index targets without weights or smoothing, per sample,

    $$\frac{\partial \ell_n}{\partial x_{n, j}} = p_{n, j} - [j = y_n], \qquad
      p_n = \operatorname{softmax}(x_n),$$

    and in general (weights $w$, smoothing $\varepsilon$, $W = \sum_c w_c$)

    $$\frac{\partial \ell_n}{\partial x_{n, j}} = (1 - \varepsilon)\, w_{y_n} (p_{n, j} - [j = y_n])
      + \frac{\varepsilon}{C} \big(W p_{n, j} - w_j\big).$$

    For probability targets, with $a_{n, c} = w_c t'_{n, c}$:
    $\partial \ell_n / \partial x_{n, j} = p_{n, j} \sum_c a_{n, c} - a_{n, j}$.

    Parameters
    ----------
    input, target, weight, ignore_index, reduction, label_smoothing
        As for `cross_entropy`.

    Returns
    -------
    ndarray
        The gradient, same shape and floating dtype as `input`. For `'mean'` and `'sum'` it is
        the gradient of the scalar loss; for `'none'` it is the gradient of the sum of the
        per-sample losses, whose entry for sample $n$ is the gradient of $\ell_n$ alone.
        Ignored samples get zero gradient.

    Raises
    ------
    TypeError, ValueError, IndexError
        As for `cross_entropy`.

    Notes
    -----
    The entry at the target, $p_{y} - 1$, is computed as
    $\operatorname{expm1}(\log p_y)$ so that it keeps full precision when $p_y$ is close to 1.
    Matches the gradient that `torch.autograd` computes for `torch.nn.functional.cross_entropy`.
    A `'mean'` over only ignored targets has a NaN loss but a zero gradient, as in torch. A
    sample with a NaN or $+\infty$ logit gets a NaN gradient; $-\infty$ logits are fine (their
    probability, and so their gradient entry apart from the target term, is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import cross_entropy_grad, softmax
    >>> logits = np.array([[2.0, 1.0, 0.1]])
    >>> print(cross_entropy_grad(logits, np.array([0])).round(6))
    [[-0.340999  0.242433  0.098566]]
    >>> print((softmax(logits) - np.array([[1.0, 0.0, 0.0]])).round(6))
    [[-0.340999  0.242433  0.098566]]
    """
    input, class_axis, target, weight, label_smoothing = _read_loss_arguments(
        input, target, weight, ignore_index, reduction, label_smoothing
    )
    if input.size == 0:
        return np.zeros_like(input)
    parts = _normaliser(input, class_axis)
    probs = parts.exp_shifted / (1 + parts.tail)
    n_classes = input.shape[class_axis]
    with np.errstate(invalid="ignore"):
        if isinstance(target, np.ndarray):  # probabilities; class indices come as ClassTargets
            coefficients = _probability_target_coefficients(target, weight, label_smoothing, n_classes)
            grad = probs * coefficients.sum(axis=class_axis, keepdims=True) - coefficients
        else:
            grad = target.target_weight * probs
            # p_y - 1 = expm1(log p_y), exact even when p_y rounds to 1.
            log_prob_target = np.take_along_axis(parts.shifted, target.safe_index, class_axis) - np.log1p(parts.tail)
            np.put_along_axis(grad, target.safe_index, target.target_weight * np.expm1(log_prob_target), class_axis)
            if label_smoothing:
                class_weight = weight if weight is not None else read_weight(
                    np.ones(n_classes, input.dtype), input, class_axis
                )
                smooth_grad = probs * class_weight.sum() - class_weight
                grad = (1 - label_smoothing) * grad + (label_smoothing / n_classes) * np.where(
                    target.kept, smooth_grad, 0
                )
    if reduction == "mean":
        denominator = np.sum(_mean_denominator(input, class_axis, target), dtype=np.float64)
        # All targets ignored: the loss is NaN but nothing depends on the input (torch: zeros).
        if denominator != 0:
            grad = grad / denominator
    return grad.astype(input.dtype, copy=False)
