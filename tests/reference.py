"""Reference implementations of every xentdoc function in mpmath, and the error measure.

Provenance: every reference value in the test suite is computed here with mpmath at
60 significant decimal digits (``mp.dps = 60``, about 200 bits), from the *exact* binary
value of each float input (``mpf(float(x))`` is exact for float16/32/64). Nothing is typed
in by hand. The formulas avoid cancellation that 60 digits could not absorb: ``log1p``
wherever ``1 + tiny`` appears, and the log-sum-exp split as ``max + log1p(sum of the others)``
so that the top entry of a log-softmax keeps its tiny value (``-4.2e-18`` for ``[40, 0]``).

Each function returns a :class:`Ref` holding the value and the *condition number* of the
problem at that input, both computed in mpmath:

    cond(f, x) = sum_i |x_i * df/dx_i| / |f(x)|

(the componentwise relative condition number: how much a relative change of one part in
2**53 in every input can move the result, in relative terms). A backward-stable
implementation has a relative error of at most a small multiple of ``max(1, cond) * eps``;
:func:`assert_close_ulps` checks ``error_in_ulps <= k * (max(1, cond) + extra)``.

The losses follow ``torch.nn.functional``'s documented semantics (weights, ``ignore_index``,
label smoothing, class-probability targets, the three reductions), with the two deliberate
differences of xentdoc: ``0 * log 0 = 0`` (a ``-inf`` logit with target probability 0 adds
nothing) and no clamping to 0 of tiny losses. ``binary_cross_entropy`` keeps torch's clamp of
each logarithm at -100.
"""

from __future__ import annotations

from dataclasses import dataclass
import mpmath
import numpy as np
from mpmath import mp, mpf

mp.dps = 60

INF = mpf("inf")
NAN = mpf("nan")
ZERO = mpf(0)
ONE = mpf(1)


# --------------------------------------------------------------------------------------------
# Conversion and containers
# --------------------------------------------------------------------------------------------


def to_mp(array) -> np.ndarray:
    """An object array of mpf holding the exact values of the float (or int) array `array`."""
    array = np.asarray(array)
    out = np.empty(array.shape, dtype=object)
    for index in np.ndindex(array.shape):
        value = array[index]
        out[index] = mpf(float(value)) if array.dtype.kind == "f" else mpf(int(value))
    return out


def _obj(shape) -> np.ndarray:
    return np.empty(shape, dtype=object)


@dataclass
class Ref:
    """A reference value (object array of mpf, or an mpf) and its condition number."""

    value: object
    cond: object
    # How many floating-point terms a reduction adds up (0 for none): the bound grows with it.
    terms: int = 0

    def rounded(self, dtype=np.float64) -> np.ndarray:
        """The reference rounded to the nearest `dtype` value."""
        return rounded(self, dtype)


def _isnan(v) -> bool:
    return mpmath.isnan(v)


def _isinf(v) -> bool:
    return mpmath.isinf(v)


def _cond(numerator, value):
    """numerator / |value| with the conventions cond(0) = inf unless numerator is 0."""
    if _isnan(value) or _isinf(value):
        return ZERO
    if value == 0:
        return ZERO if numerator == 0 else INF
    return numerator / abs(value)


def _xlogy(x, y):
    """x * log(y) with 0 * log(anything) = 0 (the convention of information theory)."""
    if x == 0:
        return ZERO
    return x * mpmath.log(y)


# --------------------------------------------------------------------------------------------
# Elementwise functions of one variable (sigmoid.py)
# --------------------------------------------------------------------------------------------


def _elementwise(x, value_fn, cond_fn) -> Ref:
    xs = to_mp(x)
    values, conds = _obj(xs.shape), _obj(xs.shape)
    for index in np.ndindex(xs.shape):
        v = value_fn(xs[index])
        values[index] = v
        conds[index] = cond_fn(xs[index], v)
    if xs.shape == ():
        return Ref(values[()], conds[()])
    return Ref(values, conds)


def _sigmoid(x):
    if _isnan(x):
        return NAN
    if x == INF:
        return ONE
    if x == -INF:
        return ZERO
    return 1 / (1 + mpmath.exp(-x))


def _softplus(x):
    """log(1 + e^x), accurate for every x."""
    if _isnan(x):
        return NAN
    if x == INF:
        return INF
    if x == -INF:
        return ZERO
    if x > 0:
        return x + mpmath.log1p(mpmath.exp(-x))
    return mpmath.log1p(mpmath.exp(x))


def sigmoid(x) -> Ref:
    # d sigma/dx = sigma (1 - sigma): cond = |x| (1 - sigma(x)) = |x| sigma(-x).
    return _elementwise(x, _sigmoid, lambda x, v: ZERO if _isinf(x) or _isnan(x) else abs(x) * _sigmoid(-x))


def log_sigmoid(x) -> Ref:
    # log sigma(x) = -softplus(-x); derivative sigma(-x).
    def cond(x, v):
        if _isinf(x) or _isnan(x):
            return ZERO
        return _cond(abs(x) * _sigmoid(-x), v)

    return _elementwise(x, lambda x: -_softplus(-x), cond)


def softplus(x) -> Ref:
    def cond(x, v):
        if _isinf(x) or _isnan(x):
            return ZERO
        return _cond(abs(x) * _sigmoid(x), v)

    return _elementwise(x, _softplus, cond)


def _logit(p):
    if _isnan(p) or p < 0 or p > 1:
        return NAN
    if p == 0:
        return -INF
    if p == 1:
        return INF
    return mpmath.log(p) - mpmath.log1p(-p)


def logit(p) -> Ref:
    # d logit/dp = 1 / (p (1 - p)): cond = 1 / ((1 - p) |logit p|).
    def cond(p, v):
        if _isinf(v) or _isnan(v):
            return ZERO
        return _cond(1 / (1 - p), v)

    return _elementwise(p, _logit, cond)


# --------------------------------------------------------------------------------------------
# Softmax family (softmax.py): one row at a time, along the last axis
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """log-softmax pieces of one row of logits, computed without cancellation."""

    logits: list
    log_probs: list  # x_j - logsumexp(x)
    probs: list  # softmax
    complements: list  # 1 - softmax, as the sum of the other probabilities
    lse: object


def _row(xs) -> _Row:
    xs = list(xs)
    n = len(xs)
    if any(_isnan(v) for v in xs):
        nan = [NAN] * n
        return _Row(xs, nan, nan, nan, NAN)
    top = max(xs)
    if top == -INF:  # every entry -inf: 0/0, no distribution
        nan = [NAN] * n
        return _Row(xs, nan, nan, nan, -INF)
    if top == INF:
        # The limit of a logit growing to +inf: all mass on the +inf entries, shared equally.
        count = sum(1 for v in xs if v == INF)
        probs = [ONE / count if v == INF else ZERO for v in xs]
        log_probs = [-mpmath.log(count) if v == INF else -INF for v in xs]
        return _Row(xs, log_probs, probs, [1 - p for p in probs], INF)
    k = xs.index(top)
    shifted = [v - top for v in xs]  # <= 0, -inf allowed
    others = mpmath.fsum(mpmath.exp(s) for j, s in enumerate(shifted) if j != k)
    log_total = mpmath.log1p(others)
    log_probs = [s - log_total for s in shifted]
    probs = [mpmath.exp(lp) for lp in log_probs]
    total = 1 + others
    # 1 - p_j = (total - e^{s_j}) / total: for j != k, e^{s_j} <= total / 2, no cancellation;
    # for the top entry it is others / total, never formed as a difference.
    complements = [others / total if j == k else (total - mpmath.exp(s)) / total
                   for j, s in enumerate(shifted)]
    return _Row(xs, log_probs, probs, complements, top + log_total)


def _row_conds(row: _Row, kind: str):
    """Componentwise condition numbers of softmax / log_softmax / logsumexp of one row."""
    xs, probs = row.logits, row.probs
    n = len(xs)
    finite = [not _isinf(v) for v in xs]
    if kind == "logsumexp":
        if _isnan(row.lse) or _isinf(row.lse):
            return ZERO
        num = mpmath.fsum(abs(xs[i]) * probs[i] for i in range(n) if finite[i])
        return _cond(num, row.lse)
    conds = []
    spread = mpmath.fsum(abs(xs[i]) * probs[i] for i in range(n) if finite[i])
    for j in range(n):
        if _isnan(probs[j]) or not finite[j]:
            conds.append(ZERO)
            continue
        # d z_j / d x_i = delta_ij - p_i for z = log_softmax; softmax multiplies by p_j.
        # (A condition number needs a few correct digits only: the difference is fine here.)
        num = abs(xs[j]) * row.complements[j] + (spread - abs(xs[j]) * probs[j])
        if kind == "softmax":
            conds.append(num)  # relative: (p_j * num) / p_j
        else:
            conds.append(_cond(num, row.log_probs[j]))
    return conds


def _softmax_like(x, axis, temperature, kind):
    x = np.asarray(x)
    xs = to_mp(x)
    # The condition number with respect to the logits; a temperature T != 1 is one more input
    # and, as f depends on x / T only, |T df/dT| equals the logits' share again.
    factor = 1
    if temperature != 1:
        xs = xs / mpf(float(temperature))  # x / T in exact arithmetic, not rounded floats
        factor = 2
    moved = np.moveaxis(xs, axis, -1)
    outer = moved.shape[:-1]
    if kind == "logsumexp":
        values, conds = _obj(outer), _obj(outer)
        for index in np.ndindex(outer):
            row = _row(moved[index])
            values[index] = row.lse
            conds[index] = _row_conds(row, kind) * factor
        if outer == ():
            return Ref(values[()], conds[()])
        return Ref(values, conds)
    values, conds = _obj(moved.shape), _obj(moved.shape)
    for index in np.ndindex(outer):
        row = _row(moved[index])
        values[index] = np.array(row.probs if kind == "softmax" else row.log_probs, dtype=object)
        conds[index] = np.array([c * factor for c in _row_conds(row, kind)], dtype=object)
    return Ref(np.moveaxis(values, -1, axis), np.moveaxis(conds, -1, axis))


def softmax(x, axis=-1, temperature=1.0) -> Ref:
    return _softmax_like(x, axis, temperature, "softmax")


def log_softmax(x, axis=-1, temperature=1.0) -> Ref:
    return _softmax_like(x, axis, temperature, "log_softmax")


def logsumexp(x, axis=-1) -> Ref:
    return _softmax_like(x, axis, 1.0, "logsumexp")


# --------------------------------------------------------------------------------------------
# Losses (losses.py), torch.nn.functional semantics
# --------------------------------------------------------------------------------------------

# Weights and targets enter every loss term with the same sign (positive weights, targets in
# [0, 1]), so their share of the condition number is at most 1 each, and "mean" divides by a
# sum of positive weights (1 more): the bound adds this constant to the logits' share.
OTHER_ARGS_COND = 3


def _class_layout(input_shape):
    """(number of classes, list of (index into target, index of the class row of input))."""
    if len(input_shape) == 1:
        return input_shape[0], [((), (slice(None),))]
    rest = (input_shape[0],) + tuple(input_shape[2:])
    positions = [(index, (index[0], slice(None)) + tuple(index[1:])) for index in np.ndindex(rest)]
    return input_shape[1], positions


def _finite_abs(v):
    return ZERO if _isinf(v) or _isnan(v) else abs(v)


def cross_entropy_parts(input, target, weight=None, ignore_index=-100, reduction="mean",
                        label_smoothing=0.0, log_probs_given=False):
    """Reference loss, its gradient with respect to `input`, and their condition numbers.

    Every row loss is written -sum_c a_c log p_c with effective class weights a_c >= 0:
    class targets a_c = (1 - eps) w_t [c = t] + (eps / C) w_c (torch's label smoothing),
    probability targets a_c = w_c ((1 - eps) t_c + eps / C); terms with a_c = 0 are 0
    (0 log 0 = 0). Its gradient is g_j = A p_j - a_j = p_j (A - a_j) - a_j (1 - p_j) with
    A = sum_c a_c, and 1 - p_j formed without cancellation.

    Returns (value, cond, grad, grad_cond, terms): value is the reduced loss (an object
    array for reduction="none"), grad the gradient of value (of its sum for "none").
    With log_probs_given=True (nll_loss), `input` holds log-probabilities.
    """
    input = np.asarray(input)
    target = np.asarray(target)
    n_classes, positions = _class_layout(input.shape)
    xs = to_mp(input)
    ws = [ONE] * n_classes if weight is None else list(to_mp(weight))
    eps = mpf(float(label_smoothing))
    prob_targets = target.dtype.kind == "f"
    ts = to_mp(target) if prob_targets else None
    target_shape = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()

    rows = []  # (target index, input slicer, loss, cond numerator, grad, grad cond numerators)
    denominator = ZERO
    for t_index, slicer in positions:
        row_x = list(xs[slicer])
        if prob_targets:
            a = [ws[c] * (ts[slicer][c] * (1 - eps) + eps / n_classes) for c in range(n_classes)]
            denominator += 1
        else:
            t = int(target[t_index])
            if t == ignore_index:
                rows.append((t_index, slicer, ZERO, ZERO, None, None))
                continue
            a = [eps / n_classes * ws[c] for c in range(n_classes)]
            a[t] += (1 - eps) * ws[t]
            denominator += ws[t]
        if log_probs_given:  # nll_loss: -sum_c a_c input_c, a linear function of input
            loss = -mpmath.fsum(a[c] * row_x[c] for c in range(n_classes) if a[c] != 0)
            numerator = mpmath.fsum(abs(a[c] * row_x[c]) for c in range(n_classes) if a[c] != 0)
            rows.append((t_index, slicer, loss, numerator, None, None))
            continue
        row = _row(row_x)
        loss = -mpmath.fsum(a[c] * row.log_probs[c] for c in range(n_classes) if a[c] != 0)
        total = mpmath.fsum(a)
        grad, grad_numerators = [], []
        spread = mpmath.fsum(_finite_abs(row_x[i]) * row.probs[i] for i in range(n_classes))
        for j in range(n_classes):
            p_j, q_j = row.probs[j], row.complements[j]
            pos, neg = p_j * (total - a[j]), a[j] * q_j
            grad.append(pos - neg)
            # d g_j / d x_i = A p_j (delta_ij - p_i); weights, targets and eps move pos and
            # neg by at most twice their own size.
            x_part = total * p_j * (_finite_abs(row_x[j]) * q_j + spread
                                    - _finite_abs(row_x[j]) * p_j)
            grad_numerators.append(x_part + 2 * (pos + neg))
        numerator = mpmath.fsum(_finite_abs(row_x[j]) * abs(grad[j]) for j in range(n_classes))
        rows.append((t_index, slicer, loss, numerator, grad, grad_numerators))

    if reduction == "mean":
        scale = ONE / denominator if denominator != 0 else NAN
    else:
        scale = ONE
    if reduction == "none":
        value, cond = _obj(target_shape), _obj(target_shape)
        for t_index, _, loss, numerator, _, _ in rows:
            value[t_index] = loss
            cond[t_index] = _cond(numerator, loss) + OTHER_ARGS_COND
        if target_shape == ():
            value, cond = value[()], cond[()]
    else:
        total_loss = mpmath.fsum(r[2] for r in rows)
        value = total_loss if reduction == "sum" else total_loss * scale
        cond = _cond(mpmath.fsum(r[3] for r in rows), total_loss) + OTHER_ARGS_COND
    grad = _obj(input.shape)
    grad_cond = _obj(input.shape)
    grad[...] = ZERO
    grad_cond[...] = ZERO
    for _, slicer, _, _, g, g_num in rows:
        if g is None:
            continue
        grad[slicer] = np.array([gj * scale for gj in g], dtype=object)
        grad_cond[slicer] = np.array([_cond(n, gj) + 1 for n, gj in zip(g_num, g)], dtype=object)
    return value, cond, grad, grad_cond, len(rows)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0) -> Ref:
    value, cond, _, _, terms = cross_entropy_parts(input, target, weight, ignore_index,
                                                   reduction, label_smoothing)
    return Ref(value, cond, 0 if reduction == "none" else terms)


def cross_entropy_grad(input, target, weight=None, ignore_index=-100, reduction="mean",
                       label_smoothing=0.0) -> Ref:
    """Gradient of cross_entropy (of the sum of the losses for reduction="none")."""
    _, _, grad, grad_cond, _ = cross_entropy_parts(input, target, weight, ignore_index,
                                                   reduction, label_smoothing)
    return Ref(grad, grad_cond)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean") -> Ref:
    value, cond, _, _, terms = cross_entropy_parts(input, target, weight, ignore_index,
                                                   reduction, 0.0, log_probs_given=True)
    return Ref(value, cond, 0 if reduction == "none" else terms)


# --------------------------------------------------------------------------------------------
# Binary cross-entropy (binary.py)
# --------------------------------------------------------------------------------------------

MINUS_100 = mpf(-100)


def _reduce_flat(values, conds_num, reduction, shape):
    if reduction == "none":
        out, cond = _obj(shape), _obj(shape)
        for index, v, num in zip(np.ndindex(shape), values, conds_num):
            out[index] = v
            cond[index] = _cond(num, v) + OTHER_ARGS_COND
        if shape == ():
            return Ref(out[()], cond[()])
        return Ref(out, cond)
    total = mpmath.fsum(values)
    numerator = mpmath.fsum(conds_num)
    if reduction == "sum":
        return Ref(total, _cond(numerator, total) + OTHER_ARGS_COND, len(values))
    count = len(values)
    if count == 0:
        return Ref(NAN, ZERO)
    mean = total / count
    return Ref(mean, _cond(numerator / count, mean) + OTHER_ARGS_COND, count)


def binary_cross_entropy(input, target, weight=None, reduction="mean") -> Ref:
    """-w (y max(log x, -100) + (1 - y) max(log(1 - x), -100)), torch's clamp included."""
    input, target = np.asarray(input), np.asarray(target)
    shape = np.broadcast_shapes(input.shape, target.shape,
                                () if weight is None else np.shape(weight))
    xs = to_mp(np.broadcast_to(input, shape))
    ys = to_mp(np.broadcast_to(target, shape))
    ws = to_mp(np.broadcast_to(np.ones(()) if weight is None else weight, shape))
    values, nums = [], []
    for index in np.ndindex(shape):
        x, y, w = xs[index], ys[index], ws[index]
        log_x = max(mpmath.log(x), MINUS_100) if x > 0 else MINUS_100
        log_1mx = max(mpmath.log1p(-x), MINUS_100) if x < 1 else MINUS_100
        loss = -w * (_mul0(y, log_x) + _mul0(1 - y, log_1mx))
        # d/dx = -w (y / x - (1 - y) / (1 - x)) where the clamp is not active.
        d_x = ZERO
        if x > 0 and mpmath.log(x) > MINUS_100:
            d_x += y / x
        if x < 1 and mpmath.log1p(-x) > MINUS_100:
            d_x -= (1 - y) / (1 - x)
        num = abs(w) * abs(x * d_x) + abs(w * y * (log_x - log_1mx))
        values.append(loss)
        nums.append(num)
    return _reduce_flat(values, nums, reduction, shape)


def _mul0(a, b):
    return ZERO if a == 0 else a * b


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None) -> Ref:
    """w (pos_weight y softplus(-x) + (1 - y) softplus(x)), exact for every x."""
    input, target = np.asarray(input), np.asarray(target)
    shapes = [input.shape, target.shape]
    if weight is not None:
        shapes.append(np.shape(weight))
    if pos_weight is not None:
        shapes.append(np.shape(pos_weight))
    shape = np.broadcast_shapes(*shapes)
    xs = to_mp(np.broadcast_to(input, shape))
    ys = to_mp(np.broadcast_to(target, shape))
    ws = to_mp(np.broadcast_to(np.ones(()) if weight is None else weight, shape))
    ps = to_mp(np.broadcast_to(np.ones(()) if pos_weight is None else pos_weight, shape))
    values, nums = [], []
    for index in np.ndindex(shape):
        x, y, w, pw = xs[index], ys[index], ws[index], ps[index]
        sp_neg, sp_pos = _softplus(-x), _softplus(x)
        loss = w * (_mul0(pw * y, sp_neg) + _mul0(1 - y, sp_pos))
        d_x = -pw * y * _sigmoid(-x) + (1 - y) * _sigmoid(x)
        d_y = pw * sp_neg - sp_pos
        num = abs(w) * (abs(x * d_x) + abs(y * d_y) + abs(pw * y * sp_neg))
        values.append(loss)
        nums.append(num)
    return _reduce_flat(values, nums, reduction, shape)


# --------------------------------------------------------------------------------------------
# Information theory (information.py)
# --------------------------------------------------------------------------------------------


def _log_base(base):
    return ONE if base is None else mpmath.log(mpf(float(base)))


def information(p, base=2) -> Ref:
    lb = _log_base(base)

    def value(p):
        if _isnan(p):
            return NAN
        return -mpmath.log(p) / lb  # p = 0: +inf, or -inf for a base below 1

    def cond(p, v):
        if _isinf(v) or _isnan(v):
            return ZERO
        base_part = ZERO if base is None else 1 / abs(lb)
        return _cond(1 / abs(lb), v) + base_part

    return _elementwise(p, value, cond)


def _dist_rows(arrays, axis):
    moved = [np.moveaxis(to_mp(a), axis, -1) for a in arrays]
    for index in np.ndindex(moved[0].shape[:-1]):
        yield index, [m[index] for m in moved]


def _dist_reduce(arrays, axis, base, row_fn, scale_cond_by_value=False):
    arrays = [np.asarray(a) for a in arrays]
    shape = np.moveaxis(np.empty(np.broadcast_shapes(*[a.shape for a in arrays])), axis, -1).shape[:-1]
    arrays = [np.broadcast_to(a, np.broadcast_shapes(*[a.shape for a in arrays])) for a in arrays]
    lb = _log_base(base)
    values, conds = _obj(shape), _obj(shape)
    for index, rows in _dist_rows(arrays, axis):
        value, numerator = row_fn(*rows)
        values[index] = value / lb
        base_part = ZERO if base is None else 1 / abs(lb)
        conds[index] = _cond(numerator, value) + base_part
    if shape == ():
        return Ref(values[()], conds[()], len(rows[0]))
    return Ref(values, conds, len(rows[0]))


def _entropy_row(p):
    value = -mpmath.fsum(_xlogy(pi, pi) for pi in p)
    # d/dp_i of -p_i log p_i = -(log p_i + 1)
    numerator = mpmath.fsum(ZERO if pi == 0 else abs(pi * (mpmath.log(pi) + 1)) for pi in p)
    return value, numerator


def _cross_entropy_row(p, q):
    terms = []
    numerator = ZERO
    for pi, qi in zip(p, q):
        if pi == 0:
            continue
        terms.append(-pi * mpmath.log(qi) if qi > 0 else INF)
        if qi > 0:
            numerator += abs(pi * mpmath.log(qi)) + abs(pi)
    return mpmath.fsum(terms), numerator


def _kl_row(p, q):
    terms = []
    numerator = ZERO
    with mpmath.workdps(150):  # KL of near-equal distributions cancels: keep 150 digits here
        for pi, qi in zip(p, q):
            if pi == 0:
                continue
            if qi == 0:
                terms.append(INF)
                continue
            log_ratio = mpmath.log(pi) - mpmath.log(qi)
            terms.append(pi * log_ratio)
            numerator += abs(pi * (log_ratio + 1)) + abs(pi)
        value = mpmath.fsum(terms)
    return +value, +numerator


def entropy(p, axis=-1, base=None) -> Ref:
    return _dist_reduce([p], axis, base, _entropy_row)


def distribution_cross_entropy(p, q, axis=-1, base=None) -> Ref:
    return _dist_reduce([p, q], axis, base, _cross_entropy_row)


def kl_divergence(p, q, axis=-1, base=None) -> Ref:
    return _dist_reduce([p, q], axis, base, _kl_row)


def perplexity(p, q=None, axis=-1) -> Ref:
    """exp(H(p)) or exp(H(p, q)); cond(exp(H)) = |H| cond(H) = |H'| . |p| (the numerator)."""
    inner = entropy(p, axis) if q is None else distribution_cross_entropy(p, q, axis)
    h = np.asarray(inner.value, dtype=object)
    c = np.asarray(inner.cond, dtype=object)
    values, conds = _obj(h.shape), _obj(h.shape)
    for index in np.ndindex(h.shape):
        values[index] = mpmath.exp(h[index])
        conds[index] = c[index] * abs(h[index]) if not _isinf(h[index]) else ZERO
    if h.shape == ():
        return Ref(values[()], conds[()], inner.terms)
    return Ref(values, conds, inner.terms)


# --------------------------------------------------------------------------------------------
# The error measure
# --------------------------------------------------------------------------------------------


def ulp(value, dtype) -> mpf:
    """The spacing of `dtype` at the real number `value` (the subnormal spacing below tiny)."""
    info = np.finfo(dtype)
    smallest = mpf(float(info.smallest_subnormal))
    magnitude = abs(value)
    if magnitude < mpf(float(info.smallest_normal)) or magnitude == 0:
        return smallest
    exponent = int(mpmath.floor(mpmath.log(magnitude, 2)))
    # log(...,2) can be off by one next to a power of two: correct it.
    if mpf(2) ** exponent > magnitude:
        exponent -= 1
    elif mpf(2) ** (exponent + 1) <= magnitude:
        exponent += 1
    max_exponent = int(info.maxexp) - 1
    return mpf(2) ** (min(exponent, max_exponent) - (info.nmant))


def ulp_errors(got, ref_value, dtype) -> np.ndarray:
    """|got - ref| in ulps of `dtype` at ref, elementwise (inf when the kinds disagree)."""
    got = np.asarray(got)
    ref_value = np.asarray(ref_value, dtype=object)
    got, ref_value = np.broadcast_arrays(got, ref_value)
    errors = np.zeros(got.shape, dtype=np.float64)
    max_finite = mpf(float(np.finfo(dtype).max))
    for index in np.ndindex(got.shape):
        g, r = float(got[index]), ref_value[index]
        if _isnan(r) or np.isnan(g):
            errors[index] = 0.0 if (_isnan(r) and np.isnan(g)) else np.inf
            continue
        if _isinf(r) or abs(r) > max_finite * (1 + mpf(2) ** -(np.finfo(dtype).nmant + 1)):
            # The true value is outside the range: the correctly rounded result is +-inf.
            errors[index] = 0.0 if (np.isinf(g) and (g > 0) == (r > 0)) else np.inf
            continue
        if np.isinf(g):
            errors[index] = np.inf
            continue
        errors[index] = float(abs(mpf(g) - r) / ulp(r, dtype))
    return errors


def _describe(index, got, ref, cond, bound, error):
    return (f"at index {index}: got {float(got)!r}, mpmath (dps=60) says {mpmath.nstr(ref, 20)}; "
            f"error {error:.3g} ulps > bound {bound:.3g} (condition number {mpmath.nstr(cond, 5)})")


def assert_close_ulps(got, ref: Ref, dtype, k=4.0, extra=0.0, context=""):
    """Assert |got - ref| <= k * (max(1, cond) + extra + log2(terms)) ulps, elementwise.

    `extra` covers rounding that the condition number does not see (a final division, the
    rounding of inputs converted between dtypes); `terms` (set by the reference of a
    reduction) adds the growth of the rounding error of a pairwise sum.
    """
    got = np.asarray(got)
    assert got.dtype == np.dtype(dtype), f"{context}: dtype {got.dtype}, expected {np.dtype(dtype)}"
    value = np.asarray(ref.value, dtype=object)
    assert got.shape == value.shape, f"{context}: shape {got.shape}, expected {value.shape}"
    cond = np.broadcast_to(np.asarray(ref.cond, dtype=object), value.shape)
    errors = ulp_errors(got, value, dtype)
    sum_growth = float(np.ceil(np.log2(ref.terms))) if ref.terms > 1 else 0.0
    failures = []
    for index in np.ndindex(value.shape):
        c = cond[index]
        c = float(c) if not _isinf(c) else np.inf
        bound = k * (max(1.0, c) + extra + sum_growth)
        if not errors[index] <= bound:
            failures.append(_describe(index, got[index], value[index], cond[index], bound,
                                      errors[index]))
    assert not failures, f"{context}: {len(failures)} entries off, first: " + "; ".join(failures[:3])
    return errors


def rounded(ref: Ref, dtype=np.float64) -> np.ndarray:
    """The reference value rounded to nearest `dtype` value (for display and exact checks)."""
    value = np.asarray(ref.value, dtype=object)
    out = np.empty(value.shape, dtype=np.float64)
    for index in np.ndindex(value.shape):
        out[index] = _round_nearest(value[index])
    return out.astype(dtype)


def _round_nearest(v) -> float:
    """mpf -> nearest float64 (mpmath's float() truncates toward zero)."""
    if _isnan(v):
        return float("nan")
    if _isinf(v):
        return float(v)
    from mpmath.libmp import to_float, round_nearest

    return to_float(mpf(v)._mpf_, rnd=round_nearest)
