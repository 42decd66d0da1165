r"""Classification losses with `torch.nn.functional` semantics: NLL, cross-entropy and its gradient.

Shapes follow torch: the input is $(C)$, $(N, C)$ or $(N, C, d_1, \dots, d_k)$ with the classes
on axis 0 for a 1-D input and on axis 1 otherwise; a class-index target $t_n$ drops that axis, a
class-probability target $y_{n, c}$ keeps the input's shape. The logits are $z_{n, c}$ and the
model's probabilities $p_n = \operatorname{softmax}(z_n)$.

Rules shared by the three functions:

- dtype: computed in the widest floating dtype among `input`, `weight` and a float `target`, at
  least float64 (float16 and float32 are computed in float64: NumPy's float32 `exp` and `log`
  err by up to 2.7 ulps, at other points on AVX-512 CPUs than on AVX2 ones); the result is in
  the dtype of `input`, rounded once. No weight or target is rounded to the input's dtype before it is used.
  Per-sample losses are held in float64 (or wider) and reduced there. Rows where the
  normaliser $\tau$ is so small that its terms are subnormal, or where a gap
  $z_{n, c} - \max_j z_{n, j}$ overflows, are redone in the next wider dtype (long double where
  NumPy has one wider than float64; elsewhere such rows stay in float64).
  The classes are moved to the last axis first, so every sum is NumPy's pairwise sum.
- NaN: a NaN logit (or a $+\infty$ one) makes its sample's loss and gradient row NaN, and so
  the reduced loss, whatever the weights (a zero weight times NaN is NaN, as in torch); an
  ignored sample (`ignore_index`) contributes 0 to the loss and a zero gradient row whatever
  its logits hold. No finite input raises a RuntimeWarning.
- range: a weighted mean or a sum whose terms or partial sums overflow float64 although the
  result does not (weights near 1e308, losses near the largest float) is redone with the
  weights and terms scaled by powers of two, which is exact, so a result in range is finite.
- no classes: an (N, 0) input follows torch (every target must be `ignore_index`: 'none'
  gives zeros, 'sum' 0, 'mean' NaN; with label smoothing, NaN); an (N, 0, d1, ...) input,
  which torch refuses, raises ValueError.
- tolerance: tests/test_accuracy.py and tests/test_regressions_numerics.py compare every result
  with mpmath at 60 digits on the exact binary values of all the arguments, in float16, float32
  and float64, with mixed-dtype arguments and $(N, C, d_1, \dots)$ inputs, and check an error of
  at most $2(\max(1, \kappa) + e)$ ulps of the result's dtype: $\kappa$ is the condition number
  at that input, $e$ is 2 plus $\log_2$ of the number of summed samples for a reduction, 0
  otherwise.
"""

from __future__ import annotations

import numbers

import numpy as np

from typing import NamedTuple

from xentdoc._targets import (
    ClassTargets,
    is_probability_target,
    read_class_target,
    read_input,
    read_probability_target,
    read_weight,
)
from xentdoc._validation import (
    check_reduction,
    compute_dtype,
    extended_dtype,
    tiny_threshold,
    widest_argument_dtype,
)
from xentdoc.sigmoid import _scalar_if_0d
from xentdoc.softmax import _normaliser, poison_tail, refine_tiny_tail, tails_to_refine


def wide_dtype(dtype) -> np.dtype:
    """The dtype per-sample losses are held in: float64, or the compute dtype if wider.

    A float32 loss of 1e38 per sample can exceed float32's range before a weight or the mean
    brings it back; float64 holds it. Rows that meet a subnormal or overflowing intermediate
    are redone in the extended dtype (see `_validation.extended_dtype`).
    """
    return np.promote_types(dtype, np.float64)


def _scaled_sum(values, accumulator):
    """(S, e) with sum(values) = S * 2**e, S summed after scaling every value by 2**-e.

    2**e is the power of two just above the largest finite magnitude, so no partial sum of the
    scaled values can overflow; scaling by a power of two is exact but for values that become
    subnormal, which are below 2**-1022 of the largest one.
    """
    values = np.asarray(values, dtype=accumulator)
    largest = np.max(np.abs(values), initial=0)
    if not largest > 0 or not np.isfinite(largest):
        return np.sum(values, dtype=accumulator), 0
    exponent = int(np.frexp(largest)[1])
    return np.sum(np.ldexp(values, -exponent), dtype=accumulator), exponent


def _reduce(losses: np.ndarray, reduction: str, mean_denominator, dtype, exponent=0) -> np.ndarray:
    """Apply torch's reduction, summing in float64 (or wider) and rounding once to `dtype`.

    The reduced value is multiplied by 2**`exponent` before that rounding (a caller that scaled
    its weights down by a power of two to keep the per-sample losses in range). A sum or a
    mean's denominator that overflows although every term is finite is redone with the terms
    scaled by a power of two (`_scaled_sum`), so that a result in range comes out finite.
    """
    losses = np.asarray(losses)
    accumulator = np.promote_types(losses.dtype, np.float64)
    # Overflow here means the true result is beyond the dtype's range: inf, without a warning.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if reduction == "none":
            return _scalar_if_0d(losses.astype(dtype, copy=False))
        total = np.sum(losses, dtype=accumulator)
        if reduction == "mean":
            # An empty batch or all-ignored targets give 0/0 = NaN, as in torch.
            denominator = np.sum(mean_denominator, dtype=accumulator)
            overflowed = not (np.isfinite(total) and np.isfinite(denominator))
            total = total / denominator
            if overflowed and np.all(np.isfinite(losses)) and np.isfinite(
                    np.max(np.abs(mean_denominator), initial=0)):
                numerator, up = _scaled_sum(losses, accumulator)
                denominator, down = _scaled_sum(mean_denominator, accumulator)
                total = np.ldexp(numerator / denominator, up - down)
        elif not np.isfinite(total) and np.all(np.isfinite(losses)):
            total, up = _scaled_sum(losses, accumulator)
            total = np.ldexp(total, up)
        if exponent:
            total = np.ldexp(total, exponent)
        return np.dtype(dtype).type(total)


def _weights_scaled_down(args):
    """(args with the class weights divided by a power of two 2**e near the largest, e).

    Used when a weighted reduction overflows for finite arguments: w * (-log p) can exceed
    the range for each sample although the mean (or the sum) does not. Returns (None, 0) when
    scaling cannot help (no weight, weights below 2, or non-finite arguments).
    """
    if args.weight is None:
        return None, 0
    largest = np.max(np.abs(args.weight), initial=0)
    if args.rows.dtype.itemsize < 8:  # float32 weights times float64 losses cannot overflow
        return None, 0
    if not (np.isfinite(largest) and largest >= 2) or not np.all(np.isfinite(args.rows)):
        return None, 0
    exponent = int(np.frexp(largest)[1])
    target = args.target
    if isinstance(target, ClassTargets):
        target = target._replace(target_weight=np.ldexp(target.target_weight, -exponent))
    return args._replace(weight=np.ldexp(args.weight, -exponent), target=target), exponent


def _check_label_smoothing(label_smoothing) -> float:
    if isinstance(label_smoothing, (bool, np.bool_)) or not isinstance(label_smoothing, numbers.Real):
        raise TypeError(f"`label_smoothing` must be a number in [0, 1], got {label_smoothing!r}.")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"`label_smoothing` must lie in [0, 1], got {label_smoothing!r}.")
    return float(label_smoothing)


class _LossArguments(NamedTuple):
    """The checked arguments of a classification loss, laid out as rows of classes.

    `rows` is the input in the compute dtype with shape (M, C), classes last and C-contiguous
    (M = N d1 ... dk samples); `target` is either a (M, C) array of probabilities (compute
    dtype) or a ClassTargets whose pieces have shape (M, 1); `weight` is (1, C) or None.
    """

    rows: np.ndarray
    target: object
    weight: object
    label_smoothing: float
    input_shape: tuple
    class_axis: int
    out_dtype: np.dtype


def _to_rows(array: np.ndarray, class_axis: int) -> np.ndarray:
    """(M, C) view or copy of `array` with the class axis last (C-contiguous when copied)."""
    if array.ndim == 1:
        return array.reshape(1, -1)
    if array.ndim == 2:
        return array
    return np.moveaxis(array, class_axis, -1).reshape(-1, array.shape[class_axis])


def _from_rows(rows: np.ndarray, input_shape: tuple, class_axis: int) -> np.ndarray:
    """Inverse of `_to_rows` for an (M, C) or (M, 1) array: the class axis back in place."""
    width = rows.shape[-1]
    if len(input_shape) == 1:
        return rows.reshape((width,))
    if len(input_shape) == 2:
        return rows
    moved = (input_shape[0],) + tuple(input_shape[2:]) + (width,)
    return np.moveaxis(rows.reshape(moved), -1, class_axis)


def _check_unused_ignore_index(ignore_index) -> None:
    """With probability targets there is nothing to ignore: refuse a class as `ignore_index`.

    torch raises for any ``ignore_index >= 0`` with a floating-point target and accepts a
    negative one (the default -100 included), which it then does not use.
    """
    if isinstance(ignore_index, (bool, np.bool_)) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"`ignore_index` must be an integer, got {ignore_index!r}.")
    if ignore_index >= 0:
        raise ValueError(
            "`ignore_index` applies to class-index targets only; with probability (float) "
            f"targets it must be negative (default -100), as in torch, got {ignore_index}."
        )


def _read_loss_arguments(input, target, weight, ignore_index, reduction, label_smoothing=0.0,
                         float32_exponentials=False):
    """Validate every argument of a classification loss; return them as `_LossArguments`.

    With `float32_exponentials`, float16 and float32 logits with class-index targets and no
    wider weight are kept in float32 (see `_reduced_in_float32`); otherwise in the compute dtype.
    """
    input, class_axis = read_input(input)
    check_reduction(reduction)
    if input.shape[class_axis] == 0 and input.ndim > 2:
        raise ValueError(
            f"`input` of shape {input.shape} has no classes (C = 0 on axis 1): with extra "
            "dimensions d1, ..., dk torch refuses it too; an (N, 0) input is accepted."
        )
    label_smoothing = _check_label_smoothing(label_smoothing)
    weight = read_weight(weight, input, class_axis)
    probability = is_probability_target(target)
    if probability:
        _check_unused_ignore_index(ignore_index)
        target = read_probability_target(target, input, class_axis)
    dtype = compute_dtype(input, weight, target if probability else None)
    if float32_exponentials and not probability and widest_argument_dtype(input, weight) == np.float32:
        dtype = np.dtype(np.float32)
    if not probability:
        target = read_class_target(target, input, class_axis, weight, ignore_index, dtype)
    rows = _to_rows(input.astype(dtype, copy=False), class_axis)
    if probability:
        target = _to_rows(target.astype(dtype, copy=False), class_axis)
    else:
        target = ClassTargets(*(_to_rows(piece, class_axis) for piece in target))
    if weight is not None:
        weight = weight.astype(dtype, copy=False).reshape(1, -1)
    return _LossArguments(rows, target, weight, label_smoothing, input.shape, class_axis, input.dtype)


def _no_classes(args, reduction):
    """The loss of an (N, 0) or (0,) input, as torch gives it.

    No class index is valid, so every target is `ignore_index` (others raise IndexError when
    read): 'none' gives zeros, 'sum' 0 and 'mean' 0/0 = NaN; label smoothing spreads eps over
    C = 0 classes, NaN for every reduction. Probability targets give -0 per sample and a NaN
    mean, as torch (it divides by the number of input entries over C, 0/0).
    """
    if isinstance(args.target, ClassTargets):
        value, denominator = (np.nan if args.label_smoothing > 0 else 0.0), args.target.target_weight
    else:
        value, denominator = -0.0, np.float64(0)
    losses = np.full(args.rows.shape[:1] + (1,), value)
    losses = np.squeeze(_from_rows(losses, args.input_shape, args.class_axis), args.class_axis)
    return _reduce(losses, reduction, denominator, args.out_dtype)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    r"""Negative log-likelihood loss: pick each sample's log-probability of its target and negate.

    With `input` holding log-probabilities $\log p_{n, c}$ and class indices $t_n$,

    $$\ell_n = -w_{t_n} \log p_{n, t_n}, \qquad
    \text{mean: } \frac{\sum_n \ell_n}{\sum_{n:\, t_n \ne \text{ignore}} w_{t_n}}$$

    Parameters
    ----------
    input : array_like
        Log-probabilities, shape $(C)$, $(N, C)$ or $(N, C, d_1, \dots, d_k)$. `nll_loss` takes
        no softmax and no logarithm: pass the output of `log_softmax`.
    target : array_like of int
        Class indices $t_n \in [0, C)$, shape $()$, $(N)$ or $(N, d_1, \dots, d_k)$; entries
        equal to `ignore_index` are skipped.
    weight : array_like, optional
        One weight $w_c$ per class, shape $(C)$, finite and non-negative. Default: all ones.
        torch accepts negative weights, which make the loss unbounded below; xentdoc raises.
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
        If shapes do not match, `reduction` is unknown, or `weight` has a negative, NaN or
        infinite entry.
    IndexError
        If a target other than `ignore_index` is negative or not below $C$.

    Notes
    -----
    Same semantics as `torch.nn.functional.nll_loss`, including a `'mean'` over only ignored
    targets (or an empty batch), which is $0/0$ = NaN. With weights, the mean is a weighted
    average, not the sum divided by $N$. A NaN at a picked entry gives NaN; a $-\infty$
    log-probability at the target gives $+\infty$, and a picked $+\infty$ gives $-\infty$.
    The dtype, NaN and tolerance rules are the module's.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import log_softmax, nll_loss
    >>> log_p = np.log(np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]))
    >>> print(round(float(nll_loss(log_p, np.array([0, 2]))), 6))
    0.289909
    >>> print(np.round(nll_loss(log_p, np.array([0, 2]), reduction="none"), 6))
    [0.356675 0.223144]
    >>> print(round(float(nll_loss(log_p, np.array([0, -100]))), 6))
    0.356675
    """
    if is_probability_target(target):  # torch's nll_loss has no probability targets either
        raise TypeError("`target` of `nll_loss` must hold integer class indices, got floats.")
    args = _read_loss_arguments(input, target, weight, ignore_index, reduction)
    if args.rows.shape[1] == 0:
        return _no_classes(args, reduction)
    result = _nll_reduced(args, reduction)
    if reduction != "none" and not np.isfinite(result):
        scaled, exponent = _weights_scaled_down(args)
        if scaled is not None:  # -w_t log p_t beyond the range although the reduction is not
            result = _nll_reduced(scaled, reduction, 0 if reduction == "mean" else exponent)
    return result


def _nll_reduced(args, reduction, exponent=0):
    target = args.target
    picked = np.take_along_axis(args.rows, target.safe_index, 1).astype(wide_dtype(args.rows.dtype))
    with np.errstate(over="ignore", invalid="ignore"):
        losses = np.where(target.kept, -target.target_weight * picked, 0)
    losses = _from_rows(losses, args.input_shape, args.class_axis)
    losses = np.squeeze(losses, args.class_axis)
    return _reduce(losses, reduction, target.target_weight, args.out_dtype, exponent)


# Work on blocks of about this many bytes: each block's passes (maximum, exp, sum) then run in
# the CPU cache, so the logits are read from memory once instead of once per pass.
_BLOCK_BYTES = 1 << 20

# Up to this many classes the rows are short, and NumPy's per-row reductions (argmax, sum along
# the last axis) spend most of their time starting a loop per row. Such inputs are handled in
# transposed blocks of (C, b) instead, where every pass runs over b samples at once.
_SMALL_C = 32
_SMALL_C_BLOCK_BYTES = 1 << 20

# Below this largest logit, e^z cannot overflow even summed over ~1e12 classes.
_EXP_SAFE_TOP = {np.dtype(np.float32): 60.0, np.dtype(np.float64): 600.0}


def _tail_sum_shifted(logits, top_index, top_logit, block):
    """tau = sum over all but the top entry of e^(z - m): the safe route, one subtraction pass."""
    with np.errstate(over="ignore", invalid="ignore"):  # see softmax._normaliser
        np.subtract(logits, top_logit, out=block)
        np.exp(block, out=block)
    np.put_along_axis(block, top_index, 0, 1)
    return poison_tail(block.sum(axis=1, keepdims=True), top_logit)


def _tail_sum(logits, top_index, top_logit, block):
    """tau = sum over all but the top entry of e^(z - m), with `block` as scratch space.

    Fast route: e^(z - m) = e^z e^-m, which skips the subtraction pass. It is safe where
    0 <= m <= _EXP_SAFE_TOP: e^z cannot overflow, and with m >= 0 a term e^z only underflows
    where e^(z - m) underflows too. Rows outside that range (rare in practice) are redone on the
    safe route, and rows whose tau is tiny in the extended dtype (`refine_tiny_tail`).
    """
    safe_top = _EXP_SAFE_TOP.get(logits.dtype)
    if safe_top is None:
        tail = _tail_sum_shifted(logits, top_index, top_logit, block)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            np.exp(logits, out=block)
            np.put_along_axis(block, top_index, 0, 1)
            tail = block.sum(axis=1, keepdims=True) * np.exp(-top_logit)
        unsafe = ~((top_logit[:, 0] >= 0) & (top_logit[:, 0] <= safe_top))  # NaN counts as unsafe
        if unsafe.any():
            rows = np.flatnonzero(unsafe)
            tail[rows] = _tail_sum_shifted(
                logits[rows], top_index[rows], top_logit[rows], block[: rows.size]
            )
    return refine_tiny_tail(tail, logits, top_index, top_logit)


def _neg_log_prob_of_target_blocks(rows, safe_index):
    """-log p_t per sample of the (M, C) logits `rows`, as an (M, 1) array, block by block.

    The general route (any floating dtype, e.g. long double); float32 and float64 take
    `_neg_log_prob_of_target`.

    Per sample this is log1p(tau) - (z_t - max z), two non-negative terms: no cancellation.
    Held in float64 (or the compute dtype if wider); promoted to the extended dtype when a block
    has a tiny tau or an overflowing z_t - max z.
    """
    result = np.empty(safe_index.shape, dtype=wide_dtype(rows.dtype))
    extended = extended_dtype(result.dtype)
    rows_per_block = max(1, _BLOCK_BYTES // max(1, rows[:1].nbytes))
    scratch = np.empty((min(rows_per_block, rows.shape[0]), rows.shape[1]), dtype=rows.dtype)
    for start in range(0, rows.shape[0], rows_per_block):
        block = slice(start, start + rows_per_block)
        logits = rows[block]
        top_index = np.expand_dims(np.argmax(logits, axis=1), 1)
        top_logit = np.take_along_axis(logits, top_index, 1)
        tail = _tail_sum(logits, top_index, top_logit, scratch[: logits.shape[0]])
        target_logit = np.take_along_axis(logits, safe_index[block], 1)
        # In the wide dtype, so that z_t - m cannot overflow for float32 logits.
        with np.errstate(over="ignore", invalid="ignore"):
            target_shifted = target_logit.astype(result.dtype) - top_logit.astype(result.dtype)
        if extended != result.dtype and np.any(np.isinf(target_shifted) & np.isfinite(target_logit)
                                               & np.isfinite(top_logit)):
            target_shifted = target_logit.astype(extended) - top_logit.astype(extended)
        wider = np.result_type(tail, target_shifted)
        if wider != result.dtype:
            result = result.astype(wider)
        with np.errstate(over="ignore", invalid="ignore"):
            result[block] = np.log1p(tail) - target_shifted
    return result


def _pairwise_sum_rows(terms, out):
    """out = the sum over the first axis of `terms` (n, b), added in NumPy's pairwise order.

    Bit for bit what ``terms.T.sum(axis=1)`` gives on a C-contiguous copy of ``terms.T`` (NumPy's
    ``pairwise_sum``: below 8 terms a running sum; up to 128, eight running sums over strides of 8
    combined as a tree, then the remainder one by one; above 128, the two halves, split at a
    multiple of 8, summed recursively), but every addition runs over b samples at once. The
    terms must not be -0.0 (NumPy starts from +0.0); here they are exponentials or +0.
    """
    n = terms.shape[0]
    if n == 0:
        out[...] = 0
    elif n < 8:
        np.copyto(out, terms[0])
        for i in range(1, n):
            np.add(out, terms[i], out=out)
    elif n <= 128:
        stop = n - n % 8
        if stop == 8:
            eight = terms[:8]
        else:
            eight = terms[:8] + terms[8:16]
            for i in range(16, stop, 8):
                np.add(eight, terms[i : i + 8], out=eight)
        four = eight[0::2] + eight[1::2]  # (r0 + r1), (r2 + r3), (r4 + r5), (r6 + r7)
        np.add(four[0::2], four[1::2], out=four[:2])
        np.add(four[0], four[1], out=out)
        for i in range(stop, n):
            np.add(out, terms[i], out=out)
    else:
        half = n // 2
        half -= half % 8
        rest = np.empty_like(out)
        _pairwise_sum_rows(terms[:half], out)
        _pairwise_sum_rows(terms[half:], rest)
        np.add(out, rest, out=out)


def _top_and_raw_tail_small_c(rows, top_index, top_logit, raw_tail):
    """Fill top_index k, top_logit m and sum_{j != k} e^{z_j} (all (M,)) for rows of few classes.

    The rows are transposed block by block into (C, b) arrays: the maximum over the classes,
    the first index where it is reached (argmax's tie rule), the exponentials and the pairwise
    sum all run over b samples per call. Same values as `_top_and_raw_tail_rows`.
    """
    n_rows, n_classes = rows.shape
    block_rows = max(64, _SMALL_C_BLOCK_BYTES // (n_classes * rows.itemsize))
    block_rows = min(block_rows, n_rows)
    size = n_classes * block_rows
    logits_t = np.empty(size, rows.dtype)
    exp_t = np.empty(size, rows.dtype)
    # float32 exponentials are summed in float64 (see `_tail_dtype`): a copy to add them in.
    exp_wide = np.empty(size, raw_tail.dtype) if raw_tail.dtype != rows.dtype else None
    equal = np.empty(size, np.bool_)
    codes = np.empty(size, np.uint8)
    # Class c scores C - c where it holds the maximum: the largest score marks the first maximum.
    scores = np.arange(n_classes, 0, -1, dtype=np.uint8).reshape(-1, 1)
    best = np.empty(block_rows, np.uint8)
    flat_index = np.empty(block_rows, np.intp)
    for start in range(0, n_rows, block_rows):
        stop = min(start + block_rows, n_rows)
        b = stop - start
        z = logits_t[: n_classes * b].reshape(n_classes, b)
        e = exp_t[: n_classes * b].reshape(n_classes, b)
        eq = equal[: n_classes * b].reshape(n_classes, b)
        code = codes[: n_classes * b].reshape(n_classes, b)
        k, first, where = top_index[start:stop], best[:b], flat_index[:b]
        np.copyto(z, rows[start:stop].T)
        m = top_logit[start:stop]
        np.max(z, axis=0, out=m)  # NaN propagates, as argmax picks a NaN
        np.equal(z, m, out=eq)
        np.multiply(eq.view(np.uint8), scores, out=code)
        np.max(code, axis=0, out=first)
        # k = C - score of the first maximum. A NaN row has none (score 0): any index will do,
        # its tail is made NaN on the safe route.
        np.subtract(n_classes, first, out=k, casting="unsafe")
        np.minimum(k, n_classes - 1, out=k)
        np.multiply(k, b, out=where)
        np.add(where, np.arange(b), out=where)
        with np.errstate(over="ignore", invalid="ignore"):  # such rows are redone safely
            np.exp(z, out=e)
            e.reshape(-1)[where] = 0
            if exp_wide is not None:
                wide = exp_wide[: n_classes * b].reshape(n_classes, b)
                np.copyto(wide, e)
                e = wide
            _pairwise_sum_rows(e, raw_tail[start:stop])


def _top_and_raw_tail_rows(rows, top_index, top_logit, raw_tail):
    """As `_top_and_raw_tail_small_c`, for long rows: argmax, exp and sum along each row."""
    n_rows, n_classes = rows.shape
    block_rows = min(n_rows, max(1, _BLOCK_BYTES // max(1, n_classes * rows.itemsize)))
    scratch = np.empty((block_rows, n_classes), dtype=rows.dtype)
    offsets = np.arange(block_rows) * n_classes
    for start in range(0, n_rows, block_rows):
        stop = min(start + block_rows, n_rows)
        b = stop - start
        logits, e, k = rows[start:stop], scratch[:b], top_index[start:stop]
        np.argmax(logits, axis=1, out=k)
        with np.errstate(over="ignore", invalid="ignore"):  # such rows are redone safely
            np.exp(logits, out=e)
            e.reshape(-1)[offsets[:b] + k] = 0
            np.sum(e, axis=1, dtype=raw_tail.dtype, out=raw_tail[start:stop])
    np.copyto(top_logit, np.take_along_axis(rows, top_index[:, None], 1)[:, 0])


def _pick(rows, index):
    """rows[n, index[n, 0]] as an (M, 1) array: np.take_along_axis, by one flat gather if it can."""
    if not rows.flags.c_contiguous:
        return np.take_along_axis(rows, index, 1)
    flat = np.arange(0, rows.size, rows.shape[1])
    flat += index[:, 0]
    return rows.reshape(-1)[flat][:, None]


def _reduced_in_float32(reduction) -> bool:
    """Whether a cross-entropy of float16/float32 logits may take its exponentials in float32.

    Only for a reduction ('mean' or 'sum') of class-index targets: there the tolerance is
    2 (max(1, kappa) + 2 + log2 N) ulps, at least 6, and float32 exponentials summed in float64
    stay within it on every CPU. Each e^z_j errs by at most 2.44 ulps (NumPy 2.4's float32 exp,
    AVX-512 and AVX2 kernels alike), a relative error delta <= 2.44 * 2**-23 of tau. A sample's
    loss log1p(tau) - (z_t - m) is at least log1p(tau) >= tau / (1 + tau), so its relative error
    is at most delta, and so is that of any weighted sum or mean of such losses: 4.9 ulps of the
    float32 result, 5.4 with its last rounding. Per-sample losses ('none'), whose tolerance is
    2 max(1, kappa), take the float64 route, as every other function does.
    """
    return reduction != "none"


def _tail_dtype(dtype) -> np.dtype:
    """The dtype tau is summed in: float64 for float32 logits (their float32 exponentials are
    added and scaled in float64), else the logits' own."""
    return np.dtype(np.float64) if np.dtype(dtype) == np.float32 else np.dtype(dtype)


def _top_and_tail(rows):
    """(top_index, top_logit, tail) of the (M, C) float32 or float64 logits, each shaped (M, 1).

    tau = e^-m sum_{j != k} e^{z_j} (the fast route of `_tail_sum`) in the dtype of `rows`;
    rows whose maximum lies outside [0, _EXP_SAFE_TOP] (NaN included) are redone on the safe
    route, `_tail_sum_shifted`. Tiny tails are not refined here.
    """
    n_rows, n_classes = rows.shape
    top_index = np.empty(n_rows, np.intp)
    top_logit = np.empty(n_rows, rows.dtype)
    tail = np.empty(n_rows, _tail_dtype(rows.dtype))
    if n_classes <= _SMALL_C:
        _top_and_raw_tail_small_c(rows, top_index, top_logit, tail)
    else:
        _top_and_raw_tail_rows(rows, top_index, top_logit, tail)
    top_index, top_logit, tail = top_index[:, None], top_logit[:, None], tail[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        tail *= np.exp(-top_logit.astype(tail.dtype))
    safe_top = _EXP_SAFE_TOP[rows.dtype]
    if not (top_logit.min() >= 0 and top_logit.max() <= safe_top):  # NaN fails both
        unsafe = np.flatnonzero(~((top_logit[:, 0] >= 0) & (top_logit[:, 0] <= safe_top)))
        block_rows = max(1, _BLOCK_BYTES // max(1, n_classes * rows.itemsize))
        scratch = np.empty((min(block_rows, unsafe.size), n_classes), tail.dtype)
        for start in range(0, unsafe.size, block_rows):
            some = unsafe[start : start + block_rows]
            # z - m in the tail's dtype: exact for float32 logits held in float64.
            tail[some] = _tail_sum_shifted(rows[some].astype(tail.dtype),
                                           top_index[some], top_logit[some].astype(tail.dtype),
                                           scratch[: some.size])
    return top_index, top_logit, tail


def _neg_log_prob_of_target(rows, safe_index):
    """-log p_t per sample of the (M, C) logits `rows`, as an (M, 1) array.

    Per sample this is log1p(tau) - (z_t - max z), two non-negative terms: no cancellation.
    Held in float64 (or the compute dtype if wider). A row whose tau is tiny, or whose
    z_t - max z overflows, is redone in the extended dtype (the result is then held in it).
    """
    if rows.dtype not in _EXP_SAFE_TOP:
        return _neg_log_prob_of_target_blocks(rows, safe_index)
    wide = wide_dtype(rows.dtype)
    extended = extended_dtype(wide)
    top_index, top_logit, tail = _top_and_tail(rows)
    target_logit = _pick(rows, safe_index)
    # In the wide dtype, so that z_t - m cannot overflow for float32 logits.
    with np.errstate(over="ignore", invalid="ignore"):
        target_shifted = target_logit.astype(wide) - top_logit.astype(wide)
        result = np.log1p(tail) - target_shifted
    gap = np.empty(0, np.intp)
    tiny = tails_to_refine(tail, rows, top_index, top_logit)  # cheap unless a tail is tiny
    # Only float64 logits can overflow z_t - m in the wide dtype (float32 ones are widened).
    if extended != wide and rows.dtype == wide and np.isinf(target_shifted).any():
        gap = np.flatnonzero(np.isinf(target_shifted) & np.isfinite(target_logit)
                             & np.isfinite(top_logit))
    if tiny.size or gap.size:  # rare: redo those rows only, each in the dtype it needs
        if tiny.size:
            refined = refine_tiny_tail(tail[tiny], rows[tiny], top_index[tiny], top_logit[tiny])
            tail = tail.astype(refined.dtype)
            tail[tiny] = refined
        if gap.size:
            target_shifted = target_shifted.astype(extended)
            target_shifted[gap] = target_logit[gap].astype(extended) - top_logit[gap].astype(extended)
        some = np.union1d(tiny, gap)
        with np.errstate(over="ignore", invalid="ignore"):
            values = np.log1p(tail[some]) - target_shifted[some]
        result = result.astype(np.result_type(result, values))
        result[some] = values
    return result


def _neg_log_probs(rows):
    """-log p_c for every entry of the (M, C) logits `rows`, in float64 or wider.

    Redone in the extended dtype when z_c - max z overflows for finite logits (gaps beyond
    the largest float); tiny normalisers are refined by `_normaliser` itself.
    """
    logits = rows.astype(wide_dtype(rows.dtype), copy=False)
    parts = _normaliser(logits, 1)
    extended = extended_dtype(logits.dtype)
    if extended != logits.dtype and np.any(np.isinf(parts.shifted) & np.isfinite(logits)
                                           & np.isfinite(parts.top_logit)):
        parts = _normaliser(logits.astype(extended), 1)
    return np.log1p(parts.tail) - parts.shifted


def _times(coefficient, value):
    """coefficient * value, with 0 * inf taken as 0 (a term that does not count: 0 log 0 = 0).

    0 * NaN stays NaN: a NaN logit makes its sample's loss NaN whatever the weights, as torch.
    """
    with np.errstate(invalid="ignore", over="ignore"):  # overflow: the result is beyond the range
        return np.where((coefficient == 0) & ~np.isnan(value), 0, coefficient * value)


def _class_target_losses(args):
    """Per-sample cross-entropy for class-index targets, shape (M, 1)."""
    target, label_smoothing = args.target, args.label_smoothing
    losses = 0
    if label_smoothing < 1.0:
        neg_log_prob_target = _neg_log_prob_of_target(args.rows, target.safe_index)
        if args.weight is None and target.kept.all():
            losses = neg_log_prob_target  # what the weight 1 and the mask below give, bit for bit
        else:
            with np.errstate(invalid="ignore", over="ignore"):
                losses = np.where(target.kept, target.target_weight * neg_log_prob_target, 0)
        if label_smoothing == 0.0:
            return losses
        losses = (1 - label_smoothing) * losses
    smooth = _smoothing_terms(args)
    with np.errstate(invalid="ignore", over="ignore"):
        return losses + (label_smoothing / args.rows.shape[1]) * smooth


def _smoothing_terms(args):
    """sum_c w_c (-log p_c) per sample of class-index targets, shape (M, 1); 0 where ignored."""
    neg_log_probs = _neg_log_probs(args.rows)
    weighted = neg_log_probs if args.weight is None else _times(args.weight, neg_log_probs)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(args.target.kept, weighted.sum(axis=1, keepdims=True), 0)


def _smoothed_probabilities(target, label_smoothing, n_classes):
    if label_smoothing == 0.0:
        return target
    return target * (1 - label_smoothing) + label_smoothing / n_classes


def _probability_target_coefficients(target, weight, label_smoothing, n_classes):
    """a_c = w_c y'_c, the weight of -log p_c in the loss of a probability target."""
    smoothed = _smoothed_probabilities(target, label_smoothing, n_classes)
    return smoothed if weight is None else smoothed * weight


def _probability_target_losses(args):
    """Per-sample cross-entropy for class-probability targets, shape (M, 1)."""
    n_classes = args.rows.shape[1]
    coefficients = _probability_target_coefficients(args.target, args.weight, args.label_smoothing,
                                                    n_classes)
    # 0 log 0 = 0: a class the target never names adds nothing, even at a -inf logit.
    terms = _times(coefficients, _neg_log_probs(args.rows))
    with np.errstate(over="ignore", invalid="ignore"):
        return terms.sum(axis=1, keepdims=True)


def _mean_denominator(args):
    """What torch's 'mean' divides by: summed target weights, or the number of samples."""
    if isinstance(args.target, ClassTargets):
        return args.target.target_weight
    return np.float64(args.rows.shape[0])


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    r"""Cross-entropy loss between logits and targets: `log_softmax` followed by NLL.

    For class-index targets $t_n$, with $\varepsilon$ = `label_smoothing` and $C$ classes,

    $$\ell_n = (1 - \varepsilon)\, w_{t_n} \big(-\log p_{n, t_n}\big)
      + \frac{\varepsilon}{C} \sum_{c} w_c \big(-\log p_{n, c}\big),
      \qquad p_n = \operatorname{softmax}(z_n).$$

    For class-probability targets $y_{n, c}$ (floats, the input's shape),

    $$\ell_n = -\sum_c w_c\, y'_{n, c} \log p_{n, c}, \qquad
      y' = (1 - \varepsilon)\, y + \varepsilon / C.$$

    Parameters
    ----------
    input : array_like
        Logits $z$ (unnormalised scores), shape $(C)$, $(N, C)$ or $(N, C, d_1, \dots, d_k)$.
    target : array_like
        Either integer class indices $t_n$ of shape $()$, $(N)$ or $(N, d_1, \dots, d_k)$, or
        float class probabilities $y$ of the input's shape (non-negative, summing to 1 over the
        classes).
    weight : array_like, optional
        One weight $w_c$ per class, shape $(C)$, finite and non-negative. Default: all ones.
        torch accepts negative weights, which make the loss unbounded below; xentdoc raises.
    ignore_index : int, optional
        Class-index target value to skip (no loss, not counted by the mean). Default -100.
        With probability targets it must be negative and is not used (torch raises too).
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
        If shapes do not match, probabilities are not distributions, `reduction` is unknown,
        `label_smoothing` is outside $[0, 1]$, `ignore_index` is 0 or more with probability
        targets, or `weight` has a negative, NaN or infinite entry.
    IndexError
        If a class index other than `ignore_index` is negative or not below $C$.

    Notes
    -----
    Reductions follow `torch.nn.functional.cross_entropy`. For class-index targets `'mean'`
    divides both terms by $\sum_{n \text{ kept}} w_{t_n}$, the summed weights of the
    non-ignored targets (NaN when every target is ignored); the smoothing term carries every
    class's weight $w_c$ but shares that denominator. For probability targets `'mean'` divides
    by the number of samples $N d_1 \cdots d_k$, whatever the weights.

    The per-sample loss is computed as $\operatorname{log1p}(\tau) - (z_t - \max z)$ with
    $\tau$ the sum of the exponentials of all but the top shifted logit: two non-negative terms,
    so a confident and correct prediction keeps its tiny loss (about $4.25\times 10^{-18}$ for
    two classes 40 apart) where torch and SciPy return 0. The convention $0 \log 0 = 0$ holds:
    a class with a $-\infty$ logit and zero target probability (or zero weight) adds nothing
    (torch gives NaN); with $\varepsilon = 1$ the class-index term is absent, not
    $0 \cdot \infty$. A NaN logit gives NaN even where its coefficient is 0. A per-sample loss beyond the range of float64 (logit gaps near
    $10^{308}$) is held in long double where NumPy has one, so a mean that is in range comes
    out finite; a result beyond the range of the input's dtype is $+\infty$. The dtype, NaN and
    tolerance rules are the module's.

    References
    ----------
    - C. Szegedy et al., "Rethinking the Inception Architecture for Computer Vision",
      CVPR 2016 (label smoothing).

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import cross_entropy
    >>> z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    >>> print(round(float(cross_entropy(z, np.array([0, 1]))), 6))
    0.31854
    >>> print(round(float(cross_entropy(z, np.array([0, 1]), label_smoothing=0.1)), 6))
    0.436873

    A confident, correct prediction has a tiny but non-zero loss:

    >>> print(f"{float(cross_entropy(np.array([[40.0, 0.0]]), np.array([0]))):.6e}")
    4.248354e-18

    A float64 weight is not rounded to float16 first (1e5 is beyond float16's range):

    >>> z16 = np.zeros((2, 2), np.float16)
    >>> print(cross_entropy(z16, np.array([0, 1]), weight=np.array([1e5, 1.0])))
    0.6934
    """
    args = _read_loss_arguments(input, target, weight, ignore_index, reduction, label_smoothing,
                                float32_exponentials=_reduced_in_float32(reduction))
    if args.rows.shape[1] == 0:
        return _no_classes(args, reduction)
    result = _cross_entropy_reduced(args, reduction)
    if reduction != "none" and not np.isfinite(result):
        scaled, exponent = _weights_scaled_down(args)
        if scaled is not None:  # w (-log p) beyond the range although the reduction is not
            ratio = reduction == "mean" and isinstance(args.target, ClassTargets)
            result = _cross_entropy_reduced(scaled, reduction, 0 if ratio else exponent)
    return result


def _smoothed_mean_over_zero_weight(args):
    """torch's 'mean' with label smoothing when the kept class targets' weights sum to 0.

    torch reduces the two terms apart, each over the same sum of weights (here 0):
    (1 - eps) * sum_n w_t (-log p_t) / 0 + (eps / C) * sum_n sum_c w_c (-log p_c) / 0. The first
    is 0 / 0 = NaN when every kept weight is 0 (and 0 * NaN stays NaN at eps = 1), so the loss
    is NaN, not the +inf that the summed per-sample losses over 0 would give.
    """
    target, eps = args.target, args.label_smoothing
    with np.errstate(all="ignore"):
        nll = np.where(target.kept, target.target_weight
                       * _neg_log_prob_of_target(args.rows, target.safe_index), 0).sum()
        smooth = _smoothing_terms(args).sum()
        denominator = np.float64(0.0)
        value = (1 - eps) * (nll / denominator) + (eps / args.rows.shape[1]) * (smooth / denominator)
    return np.dtype(args.out_dtype).type(value)


def _cross_entropy_reduced(args, reduction, exponent=0):
    if reduction == "mean" and args.label_smoothing > 0 and isinstance(args.target, ClassTargets):
        with np.errstate(over="ignore"):  # a sum that overflows is not 0 either
            zero_weight = np.sum(args.target.target_weight, dtype=np.float64) == 0
        if zero_weight and args.rows.size:
            return _smoothed_mean_over_zero_weight(args)
    if args.rows.size == 0:
        losses = np.zeros(args.rows.shape[:1] + (1,), dtype=args.rows.dtype)
    elif isinstance(args.target, ClassTargets):
        losses = _class_target_losses(args)
    else:
        losses = _probability_target_losses(args)
    losses = np.squeeze(_from_rows(losses, args.input_shape, args.class_axis), args.class_axis)
    return _reduce(losses, reduction, _mean_denominator(args), args.out_dtype, exponent)


def cross_entropy_grad(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    r"""Gradient of `cross_entropy` with respect to its `input` (the logits $z$).

    For class-index targets $t_n$ without weights or smoothing, per sample,

    $$\frac{\partial \ell_n}{\partial z_{n, j}} = p_{n, j} - [j = t_n], \qquad
      p_n = \operatorname{softmax}(z_n),$$

    and in general (weights $w$, smoothing $\varepsilon$, $W = \sum_c w_c$)

    $$\frac{\partial \ell_n}{\partial z_{n, j}} = (1 - \varepsilon)\, w_{t_n} (p_{n, j} - [j = t_n])
      + \frac{\varepsilon}{C} \big(W p_{n, j} - w_j\big).$$

    For probability targets, with $a_{n, c} = w_c y'_{n, c}$ and $A_n = \sum_c a_{n, c}$:
    $\partial \ell_n / \partial z_{n, j} = A_n p_{n, j} - a_{n, j}$.

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
        Ignored samples get a zero gradient row, even when their logits are NaN or all
        $-\infty$.

    Raises
    ------
    TypeError, ValueError, IndexError
        As for `cross_entropy`.

    Notes
    -----
    The entry at the target, $p_t - 1$, is computed as $\operatorname{expm1}(\log p_t)$, and
    at the top class $A p_k - a_k$ as $p_k (A - a_k) - a_k (1 - p_k)$ with
    $1 - p_k = \tau / (1 + \tau)$, so that both keep their digits when $p$ is close to 1.
    Matches the gradient that `torch.autograd` computes for `torch.nn.functional.cross_entropy`.
    A `'mean'` over only ignored targets has a NaN loss but a zero gradient, as in torch; a
    `'mean'` whose kept targets' weights sum to 0 has an infinite or NaN loss, and the gradient
    is what torch's arithmetic gives there (entries $\pm\infty$ and NaN), not a finite number.
    $-\infty$ logits are fine (their probability, and so their gradient entry apart from the
    target term, is 0). Where a weight above 1 (or a mean over small weights) scales up a
    probability below the smallest normal number, the rows are redone in the next wider
    dtype. The dtype, NaN and tolerance rules are the module's.

    Examples
    --------
    >>> import numpy as np
    >>> from xentdoc import cross_entropy_grad, softmax
    >>> z = np.array([[2.0, 1.0, 0.1]])
    >>> print(np.round(cross_entropy_grad(z, np.array([0])), 6))
    [[-0.340999  0.242433  0.098566]]
    >>> print(np.round(softmax(z) - np.array([[1.0, 0.0, 0.0]]), 6))
    [[-0.340999  0.242433  0.098566]]
    >>> print(cross_entropy_grad(np.array([[np.nan, 0.0], [1.0, 2.0]]), np.array([-100, 0])).round(6))
    [[ 0.        0.      ]
     [-0.731059  0.731059]]
    """
    args = _read_loss_arguments(input, target, weight, ignore_index, reduction, label_smoothing)
    if args.rows.size == 0:
        return np.zeros(args.input_shape, dtype=args.out_dtype)
    scale = 1.0
    if reduction == "mean":
        with np.errstate(over="ignore", invalid="ignore"):
            denominator = np.sum(_mean_denominator(args), dtype=np.float64)
        if not np.isfinite(denominator):
            # Weights so large that their sum overflows: scale them down by a power of two
            # (the mean's gradient w_t (p - e_t) / sum w does not change).
            scaled, _ = _weights_scaled_down(args)
            if scaled is not None:
                args = scaled
                with np.errstate(over="ignore", invalid="ignore"):
                    denominator = np.sum(_mean_denominator(args), dtype=np.float64)
        if denominator == 0 and isinstance(args.target, ClassTargets) and args.target.kept.any():
            # Kept targets whose weights sum to 0: the loss is +-inf or NaN, and so is torch's
            # gradient; follow torch's arithmetic rather than return a finite number.
            return _from_rows(_gradient_over_zero_weight(args, denominator).astype(args.out_dtype),
                              args.input_shape, args.class_axis)
        # All targets ignored: the loss is NaN but nothing depends on the input (torch: zeros).
        if denominator != 0:
            with np.errstate(over="ignore"):
                scale = 1.0 / denominator
    extended = extended_dtype(args.rows.dtype)
    hard = isinstance(args.target, ClassTargets) and args.label_smoothing == 0.0
    if not hard and args.rows.dtype.itemsize < 8:
        # A p_j - a_j cancels when A p_j is close to a_j; in float32 the rounding of p_j and of
        # the product then becomes many ulps of the difference. Formed in float64 and rounded
        # once, it keeps float32's accuracy (hard labels do not need it: p_j - [j = t]).
        grad = _gradient_rows(args, args.rows.astype(extended), scale)
    else:
        grad = _gradient_rows(args, args.rows, scale)
    # A probability scaled up after it was formed: p_c below the smallest normal number keeps
    # few bits, which a factor above 1 (a weight, or a mean over small weights) brings back.
    largest = 1.0 if args.weight is None else float(np.max(np.abs(args.weight)))
    with np.errstate(over="ignore"):  # an overflowing product is > 1 all the same
        scaled_up = largest * scale > 1
    if scaled_up and extended != args.rows.dtype and grad.dtype != extended:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            gaps = args.rows - args.rows.max(axis=1, keepdims=True)
            tiny = np.any(np.isfinite(gaps) & (gaps < np.log(tiny_threshold(args.rows.dtype))))
        if tiny:
            grad = _gradient_rows(args, args.rows.astype(extended), scale)
    with np.errstate(over="ignore"):
        grad = grad.astype(args.out_dtype)
    return _from_rows(grad, args.input_shape, args.class_axis)


def _gradient_over_zero_weight(args, denominator):
    """torch's gradient of a 'mean' over class targets whose kept weights sum to 0.

    torch back-propagates 1 / 0 through its graph: the NLL term puts w_t * (-(1 - eps) / 0) at
    the target (NaN where w_t = 0, or where eps = 1), the smoothing term
    w_c * (-(eps / C) / 0) at every class; the log-softmax then gives g - p sum(g). Ignored
    samples keep zero rows.
    """
    rows, target, eps = args.rows, args.target, args.label_smoothing
    n_classes = rows.shape[1]
    parts = _normaliser(rows, 1)
    probs = parts.exp_shifted / (1 + parts.tail)
    weight = np.ones((1, n_classes)) if args.weight is None else args.weight
    with np.errstate(all="ignore"):
        upstream = np.zeros(rows.shape, np.result_type(rows, weight, np.float64))
        if eps > 0:
            upstream += weight * -((eps / n_classes) / denominator)
        at_target = target.target_weight * -((1.0 - eps) / denominator)
        picked = np.take_along_axis(upstream, target.safe_index, 1)
        np.put_along_axis(upstream, target.safe_index, picked + at_target, 1)
        grad = upstream - probs * upstream.sum(axis=1, keepdims=True)
        return np.where(target.kept, grad, 0)


def _gradient_rows(args, rows, scale):
    """The gradient of the loss for the (M, C) logits `rows`, times `scale`, in their dtype."""
    target, label_smoothing = args.target, args.label_smoothing
    n_classes = rows.shape[1]
    parts = _normaliser(rows, 1)
    probs = parts.exp_shifted / (1 + parts.tail)
    weight = None if args.weight is None else args.weight.astype(rows.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        if isinstance(target, ClassTargets) and label_smoothing == 0.0:
            target_weight = target.target_weight.astype(rows.dtype)
            grad = target_weight * probs
            # p_t - 1 = expm1(log p_t), full precision even where p_t rounds to 1.
            log_prob_target = (np.take_along_axis(parts.shifted, target.safe_index, 1)
                               - np.log1p(parts.tail))
            np.put_along_axis(grad, target.safe_index, target_weight * np.expm1(log_prob_target), 1)
        else:
            if isinstance(target, ClassTargets):
                # a_c = (eps / C) w_c + (1 - eps) w_t [c = t]
                class_weight = np.ones((1, n_classes), rows.dtype) if weight is None else weight
                coefficients = np.broadcast_to((label_smoothing / n_classes) * class_weight,
                                               rows.shape).copy()
                if label_smoothing < 1.0:
                    picked = np.take_along_axis(coefficients, target.safe_index, 1)
                    np.put_along_axis(coefficients, target.safe_index, picked + (
                        1 - label_smoothing) * target.target_weight.astype(rows.dtype), 1)
            else:
                coefficients = _probability_target_coefficients(
                    target.astype(rows.dtype), weight, label_smoothing, n_classes)
            grad = _coefficient_gradient(probs, parts, coefficients)
        if isinstance(target, ClassTargets):
            # An ignored sample does not enter the loss: zeros, even where its logits are NaN.
            grad = np.where(target.kept, grad * scale, 0)
        else:
            grad = grad * scale
        # Rows redone in the extended dtype can hold a gradient beyond the largest float of
        # `rows`: it becomes +-inf, as the exact value rounds (overflow is the answer, not a fault).
        return grad.astype(rows.dtype, copy=False)


def _coefficient_gradient(probs, parts, coefficients):
    """g_j = A p_j - a_j for the loss -sum_c a_c log p_c (A = sum_c a_c), row by row.

    At the top entry p_k is within an ulp of 1 and A p_k - a_k would keep only the absolute
    precision of 1; there it is formed as p_k (A - a_k) - a_k (1 - p_k), with
    1 - p_k = tau / (1 + tau) and A - a_k summed without a_k: two terms that keep their bits.
    """
    total = coefficients.sum(axis=1, keepdims=True)
    grad = probs * total - coefficients
    top_index = parts.top_index
    top_coefficient = np.take_along_axis(coefficients, top_index, 1)
    others = coefficients.copy()
    np.put_along_axis(others, top_index, 0, 1)
    rest = others.sum(axis=1, keepdims=True)
    top_prob = np.take_along_axis(probs, top_index, 1)
    complement = parts.tail / (1 + parts.tail)
    np.put_along_axis(grad, top_index, top_prob * rest - top_coefficient * complement, 1)
    return grad
