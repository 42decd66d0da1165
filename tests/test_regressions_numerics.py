"""Regression tests of issue 13: each failing input of the issue, and the cases of the same kind
found since, named after its kind (K1 ... K4, 0-d inputs).

Every expected value is computed by ``tests/reference.py`` (mpmath at 60 digits on the exact
binary values of the inputs, weights and targets) and compared within
``K * (max(1, condition number) + extra + log2(terms))`` ulps of the result's dtype.
No warning is allowed: ``-W error`` semantics come from the ``filterwarnings`` mark below.
"""

from __future__ import annotations

import numpy as np
import pytest

import reference as ref
import xentdoc

pytestmark = pytest.mark.filterwarnings("error")

K = 2.0  # ulps per unit of condition number (the target)
REDUCTION_EXTRA = 2.0  # the division of a mean, and the final rounding to the input's dtype
HAS_LONG_DOUBLE = np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant
needs_long_double = pytest.mark.skipif(not HAS_LONG_DOUBLE,
                                       reason="no long double wider than float64 here")


def close(got, expected, dtype, extra=0.0, context=""):
    ref.assert_close_ulps(got, expected, dtype, K, extra=extra, context=context)


def repeated(row_ref: ref.Ref, count: int) -> ref.Ref:
    """The reference of a sum of `count` identical rows, from the reference of one row."""
    return ref.Ref(row_ref.value * count, row_ref.cond, count)


# --------------------------------------------------------------------------------------------
# K1: sums kept in the narrow dtype, or added sequentially along a non-last axis
# --------------------------------------------------------------------------------------------


def test_k1_cross_entropy_float16_kdim_3000_classes():
    x = np.zeros((1, 3000, 2), np.float16)  # classes on axis 1, not the last
    target = np.zeros((1, 2), int)
    got = xentdoc.cross_entropy(x, target)
    close(got, ref.cross_entropy(x, target), np.float16, REDUCTION_EXTRA)
    assert got.dtype == np.float16


def test_k1_softmax_float16_axis_0():
    x = np.zeros((3000, 2), np.float16)
    close(xentdoc.softmax(x, axis=0), ref.softmax(x, axis=0), np.float16)


@pytest.mark.parametrize("function", ["softmax", "log_softmax", "logsumexp"])
def test_k1_float16_sum_beyond_65504(function):
    x = np.zeros(70000, np.float16)
    got = getattr(xentdoc, function)(x)
    close(got, getattr(ref, function)(x), np.float16, context=function)


def test_k1_cross_entropy_float16_70000_classes():
    x = np.zeros((1, 70000), np.float16)
    close(xentdoc.cross_entropy(x, [0]), ref.cross_entropy(x, np.array([0])), np.float16,
          REDUCTION_EXTRA)


def test_k1_language_model_at_initialisation_float16():
    # vocabulary 128,256, logits N(0, 0.02) in float16: the loss is about log(128256) = 11.76.
    x = (np.random.default_rng(130).standard_normal((1, 128256)) * 0.02).astype(np.float16)
    target = np.array([17])
    got = xentdoc.cross_entropy(x, target)
    close(got, ref.cross_entropy(x, target), np.float16, REDUCTION_EXTRA)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("function", ["softmax", "log_softmax", "logsumexp"])
def test_k1_long_non_last_axis(function, dtype):
    # 4096 entries along axis 0 of a C-contiguous array: NumPy would add them one by one.
    x = (np.random.default_rng(131).standard_normal((4096, 3)) * 4).astype(dtype)
    close(getattr(xentdoc, function)(x, axis=0), getattr(ref, function)(x, axis=0), dtype,
          context=function)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_k1_cross_entropy_kdim_many_classes(dtype):
    r = np.random.default_rng(132)
    x = (r.standard_normal((2, 2000, 2)) * 3).astype(dtype)
    target = r.integers(0, 2000, size=(2, 2))
    close(xentdoc.cross_entropy(x, target, reduction="none"),
          ref.cross_entropy(x, target, reduction="none"), dtype)
    probs = r.dirichlet(np.ones(2000), size=(2, 2)).transpose(0, 2, 1)
    close(xentdoc.cross_entropy(x, probs, reduction="none"),
          ref.cross_entropy(x, probs, reduction="none"), dtype)


# --------------------------------------------------------------------------------------------
# K2: a tiny intermediate formed in the narrow dtype, then scaled up
# --------------------------------------------------------------------------------------------


def test_k2_weighted_tiny_loss_float32():
    x = np.array([[0.0, -100.0]], np.float32)
    weight = np.array([1e30, 1.0], np.float32)
    got = xentdoc.cross_entropy(x, [0], weight=weight, reduction="none")
    close(got, ref.cross_entropy(x, np.array([0]), weight=weight, reduction="none"), np.float32)


def test_k2_sum_of_2_20_tiny_losses_float32():
    count = 1 << 20
    row = np.array([[0.0, -100.0]], np.float32)
    got = xentdoc.cross_entropy(np.repeat(row, count, axis=0), np.zeros(count, int), reduction="sum")
    close(got, repeated(ref.cross_entropy(row, np.array([0]), reduction="sum"), count), np.float32,
          REDUCTION_EXTRA)


@needs_long_double
def test_k2_weighted_tiny_loss_float64():
    x = np.array([[0.0, -720.0]])
    weight = np.array([1e300, 1.0])
    got = xentdoc.cross_entropy(x, [0], weight=weight, reduction="none")
    close(got, ref.cross_entropy(x, np.array([0]), weight=weight, reduction="none"), np.float64)


@needs_long_double
def test_k2_sum_of_2_20_tiny_losses_float64():
    count = 1 << 20
    row = np.array([[0.0, -720.0]])
    got = xentdoc.cross_entropy(np.repeat(row, count, axis=0), np.zeros(count, int), reduction="sum")
    close(got, repeated(ref.cross_entropy(row, np.array([0]), reduction="sum"), count), np.float64,
          REDUCTION_EXTRA)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_k2_many_subnormal_terms_in_one_normaliser(dtype):
    # 999 terms e^-100 (float32) or e^-720 (float64), each subnormal: their rounding errors add up.
    gap = 100.0 if dtype == np.float32 else 720.0
    x = np.array([[0.0] + [-gap] * 999], dtype)
    for function in ("log_softmax", "logsumexp"):
        close(getattr(xentdoc, function)(x), getattr(ref, function)(x), dtype, context=function)
    close(xentdoc.cross_entropy(x, [0], reduction="none"),
          ref.cross_entropy(x, np.array([0]), reduction="none"), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_k2_probability_target_weighted_tiny_loss(dtype):
    gap, big = (100.0, 1e30) if dtype == np.float32 else (720.0, 1e300)
    x = np.array([[0.0, -gap]], dtype)
    probs = np.array([[1.0, 0.0]], dtype)
    weight = np.array([big, 1.0], dtype)
    if dtype == np.float64 and not HAS_LONG_DOUBLE:
        pytest.skip("no long double wider than float64 here")
    close(xentdoc.cross_entropy(x, probs, weight=weight, reduction="none"),
          ref.cross_entropy(x, probs, weight=weight, reduction="none"), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_k2_gradient_of_weighted_sum(dtype):
    gap, big = (100.0, 1e30) if dtype == np.float32 else (720.0, 1e300)
    if dtype == np.float64 and not HAS_LONG_DOUBLE:
        pytest.skip("no long double wider than float64 here")
    x = np.array([[0.0, -gap, 1.0]], dtype)
    weight = np.array([big, 1.0, 1.0], dtype)
    for target in (np.array([0]), np.array([[0.5, 0.0, 0.5]], dtype)):
        close(xentdoc.cross_entropy_grad(x, target, weight=weight, reduction="sum"),
              ref.cross_entropy_grad(x, target, weight=weight, reduction="sum"), dtype,
              REDUCTION_EXTRA)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("option", ["weight", "pos_weight", "sum"])
def test_k2_binary_with_logits_tiny_softplus(dtype, option):
    gap, big = (100.0, 1e30) if dtype == np.float32 else (720.0, 1e300)
    if dtype == np.float64 and not HAS_LONG_DOUBLE:
        pytest.skip("no long double wider than float64 here")
    x = np.array([gap, -gap, gap + 3.5, 1.0], dtype)
    y = np.array([1.0, 0.0, 1.0, 0.5], dtype)
    kwargs = {"reduction": "none"}
    if option == "weight":
        kwargs["weight"] = np.array([big, big, 3.0, 1.0], dtype)
    elif option == "pos_weight":
        kwargs["pos_weight"] = np.array([big, 1.0, big, 2.0], dtype)
    else:
        count = 1 << 16
        x, y = np.repeat(x[:3], count), np.repeat(y[:3], count)
        kwargs["reduction"] = "sum"
    got = xentdoc.binary_cross_entropy_with_logits(x, y, **kwargs)
    if option == "sum":
        single = ref.binary_cross_entropy_with_logits(x[::count], y[::count], reduction="sum")
        expected = repeated(single, count)
    else:
        expected = ref.binary_cross_entropy_with_logits(x, y, **kwargs)
    close(got, expected, dtype, REDUCTION_EXTRA if option == "sum" else 0.0)


# --------------------------------------------------------------------------------------------
# K3: weights and targets cast down to the input's dtype
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [[1e-8, 1e-8], [1e5, 1.0]])
def test_k3_float16_input_float64_weight(weight):
    x = np.zeros((2, 2), np.float16)
    target = np.array([0, 1])
    weight = np.array(weight)
    for reduction in ("mean", "sum", "none"):
        got = xentdoc.cross_entropy(x, target, weight=weight, reduction=reduction)
        assert np.asarray(got).dtype == np.float16
        extra = 0.0 if reduction == "none" else REDUCTION_EXTRA
        close(got, ref.cross_entropy(x, target, weight=weight, reduction=reduction), np.float16,
              extra, context=reduction)


def test_k3_binary_with_logits_float64_weight_on_float16():
    w = np.ones(10)
    w[0] = 7e4  # beyond float16's largest value, 65504
    x, y = np.zeros(10, np.float16), np.ones(10, np.float16)
    got = xentdoc.binary_cross_entropy_with_logits(x, y, weight=w)
    close(got, ref.binary_cross_entropy_with_logits(x, y, weight=w), np.float16, REDUCTION_EXTRA)


def test_k3_other_parameters_are_not_narrowed():
    x = np.zeros((2, 3), np.float16)
    # pos_weight beyond float16's range
    pos = np.array([7e4, 1.0, 1e-9])
    y = np.ones((2, 3), np.float16)
    close(xentdoc.binary_cross_entropy_with_logits(x, y, pos_weight=pos),
          ref.binary_cross_entropy_with_logits(x, y, pos_weight=pos), np.float16, REDUCTION_EXTRA)
    # a float64 probability target whose entries are not float16 values
    probs = np.array([[0.1, 0.2, 0.7], [1 / 3, 1 / 3, 1 / 3]])
    close(xentdoc.cross_entropy(x, probs), ref.cross_entropy(x, probs), np.float16, REDUCTION_EXTRA)
    # nll_loss and binary_cross_entropy with float64 weights beyond float16's range
    weight = np.array([1e5, 1.0, 1e-9])
    log_probs = np.full((2, 3), -1.0986, np.float16)
    target = np.array([0, 2])
    close(xentdoc.nll_loss(log_probs, target, weight=weight, reduction="sum"),
          ref.nll_loss(log_probs, target, weight=weight, reduction="sum"), np.float16, REDUCTION_EXTRA)
    p = np.full((2, 3), 0.25, np.float16)
    close(xentdoc.binary_cross_entropy(p, y, weight=weight, reduction="none"),
          ref.binary_cross_entropy(p, y, weight=np.broadcast_to(weight, (2, 3)), reduction="none"),
          np.float16)
    # float32 input, float64 weight: computed in float64, returned as float32
    x32 = np.array([[0.0, -100.0]], np.float32)
    w64 = np.array([1e300, 1.0])
    got = xentdoc.cross_entropy(x32, [0], weight=w64, reduction="none")
    assert got.dtype == np.float32 and got[0] == np.inf  # 3.7e256 is beyond float32's range
    close(xentdoc.cross_entropy_grad(x32, [0], weight=np.array([1e-30, 1.0]), reduction="sum"),
          ref.cross_entropy_grad(x32, np.array([0]), weight=np.array([1e-30, 1.0]), reduction="sum"),
          np.float32, REDUCTION_EXTRA)


# --------------------------------------------------------------------------------------------
# K4: 0 * inf and 0 * NaN left unguarded
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_row", [[np.nan, 0.0, 1.0], [-np.inf, -np.inf, -np.inf],
                                     [np.inf, 0.0, 1.0]])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2, 1.0])
def test_k4_ignored_row_has_zero_gradient(bad_row, label_smoothing):
    x = np.array([bad_row, [1.0, 2.0, 0.5]])
    target = np.array([-100, 1])
    grad = xentdoc.cross_entropy_grad(x, target, label_smoothing=label_smoothing)
    assert np.all(grad[0] == 0)
    expected = ref.cross_entropy_grad(x[1:], target[1:], label_smoothing=label_smoothing)
    close(grad[1:], expected, np.float64, REDUCTION_EXTRA)
    loss = xentdoc.cross_entropy(x, target, label_smoothing=label_smoothing)
    close(loss, ref.cross_entropy(x[1:], target[1:], label_smoothing=label_smoothing), np.float64,
          REDUCTION_EXTRA)


def test_k4_full_label_smoothing_with_minus_inf_logit():
    x = np.array([[-np.inf, 0.0]])
    assert xentdoc.cross_entropy(x, [0], label_smoothing=1.0) == np.inf
    assert ref.cross_entropy(x, np.array([0]), label_smoothing=1.0).value == ref.INF


@needs_long_double
def test_k4_full_label_smoothing_with_huge_gap():
    x = np.array([[1e308, -1e308]])
    got = xentdoc.cross_entropy(x, [1], label_smoothing=1.0)
    close(got, ref.cross_entropy(x, np.array([1]), label_smoothing=1.0), np.float64, REDUCTION_EXTRA)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_k4_no_warning_for_finite_extremes(dtype):
    big = float(np.finfo(dtype).max)
    x = np.array([[big, -big, 0.0], [-big, big, 1.0]], dtype)
    target = np.array([1, 0])
    for label_smoothing in (0.0, 0.5, 1.0):
        for reduction in ("mean", "sum", "none"):
            xentdoc.cross_entropy(x, target, label_smoothing=label_smoothing, reduction=reduction)
            xentdoc.cross_entropy_grad(x, target, label_smoothing=label_smoothing,
                                       reduction=reduction)
    xentdoc.binary_cross_entropy_with_logits(x, np.ones_like(x), weight=np.full(3, big))


# K2 again: a normaliser whose every term underflowed to exactly 0 (breaker report A4), then
# scaled up by a weight: the row must be redone wider like a subnormal one.
_UNDERFLOW_CASES = [(np.float32, [[60.0, -50.0]], 1e30), (np.float64, [[0.0, -800.0]], 1e300),
                    (np.float64, [[0.0, -745.2]], 1e300)]


@pytest.mark.parametrize("dtype, logits, big", _UNDERFLOW_CASES)
@pytest.mark.parametrize("reduction", ["sum", "none", "mean"])
@pytest.mark.parametrize("kind", ["class", "probability", "smoothing"])
def test_k2_tail_underflowed_to_zero(dtype, logits, big, reduction, kind):
    if dtype == np.float64 and not HAS_LONG_DOUBLE:
        pytest.skip("no long double wider than float64 here")
    x = np.array(logits, dtype)
    weight = np.array([big, 1.0], dtype)
    target = np.array([[1.0, 0.0]], dtype) if kind == "probability" else np.array([0])
    kwargs = {"weight": weight, "reduction": reduction}
    if kind == "smoothing":
        kwargs["label_smoothing"] = 0.25
    got = xentdoc.cross_entropy(x, target, **kwargs)
    expected = ref.cross_entropy(x, target, **kwargs)
    close(got, expected, dtype, 0.0 if reduction == "none" else REDUCTION_EXTRA, context=kind)
    if reduction == "sum" and kind == "class":
        assert got != 0  # 1.7e-18 (float32) and 3.7e-48, 2.3e-24 (float64) are in range


def test_k2_tail_underflowed_to_zero_in_k_dim_and_both_routes():
    # many classes (the long-row route) and a K-dim input: the same underflow, the same fix
    x = np.full((1, 40, 2), -50.0, np.float32)
    x[0, 0] = 60.0
    weight = np.ones(40, np.float32)
    weight[0] = 1e30
    target = np.zeros((1, 2), int)
    close(xentdoc.cross_entropy(x, target, weight=weight, reduction="sum"),
          ref.cross_entropy(x, target, weight=weight, reduction="sum"), np.float32, REDUCTION_EXTRA)


# --------------------------------------------------------------------------------------------
# Overflow of an intermediate whose result is in range (breaker report A3: temperature)
# --------------------------------------------------------------------------------------------

_TEMPERATURE_CASES = [(np.float64, [1e308, -1e308], 1e308), (np.float32, [3e38, -3e38], 4.0),
                      (np.float32, [3e38, -3e38], 1e38), (np.float64, [1.5e308, -1e308, 2.0], 3.0)]


@pytest.mark.parametrize("dtype, logits, temperature", _TEMPERATURE_CASES)
@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
def test_overflow_gap_divided_by_temperature(dtype, logits, temperature, function):
    x = np.array(logits, dtype)
    got = getattr(xentdoc, function)(x, temperature=temperature)
    close(got, getattr(ref, function)(x, temperature=temperature), dtype, context=function)
    close(getattr(xentdoc, function)(np.stack([x, x], axis=1), axis=0, temperature=temperature),
          getattr(ref, function)(np.stack([x, x], axis=1), axis=0, temperature=temperature), dtype,
          context=function + " axis 0")


# A weighted mean or a sum whose float64 accumulation overflows although the result is in
# range (breaker report A2): huge weights, or per-sample losses near the largest float.
_HUGE_WEIGHT = np.array([1e308, 1e308])


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_overflow_sum_of_huge_weights_in_mean(dtype, label_smoothing):
    x = np.zeros((2, 2), dtype)
    target = np.array([0, 0])
    got = xentdoc.cross_entropy(x, target, weight=_HUGE_WEIGHT, label_smoothing=label_smoothing)
    close(got, ref.cross_entropy(x, target, weight=_HUGE_WEIGHT, label_smoothing=label_smoothing),
          dtype, REDUCTION_EXTRA)


def test_overflow_nll_loss_huge_weights():
    x = np.full((2, 2), -1.0)
    close(xentdoc.nll_loss(x, [0, 0], weight=_HUGE_WEIGHT),
          ref.nll_loss(x, np.array([0, 0]), weight=_HUGE_WEIGHT), np.float64, REDUCTION_EXTRA)


def test_overflow_weight_times_loss_per_sample():
    # w_t (-log p_t) = 1e308 * 1e5 per sample is beyond float64; the weighted mean is 1e5
    x = np.array([[0.0, -1e5], [0.0, -1e5]])
    target = np.array([1, 1])
    weight = np.array([1e308, 1e308])
    for function in ("cross_entropy", "nll_loss"):
        got = getattr(xentdoc, function)(x, target, weight=weight)
        close(got, getattr(ref, function)(x, target, weight=weight), np.float64, REDUCTION_EXTRA,
              context=function)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_overflow_sum_of_huge_losses(reduction):
    x = np.array([[0.0, -1.7e308], [0.0, -1.7e308]])
    for target in (np.array([1, 1]), np.array([[0.0, 1.0], [0.0, 1.0]])):
        expected = ref.cross_entropy(x, target, reduction=reduction)
        got = xentdoc.cross_entropy(x, target, reduction=reduction)
        if reduction == "sum":  # 3.4e308 is beyond the range: inf is the right rounding
            assert got == np.inf and expected.value > np.finfo(np.float64).max
        else:
            close(got, expected, np.float64, REDUCTION_EXTRA)
    z, y = np.array([1.7e308, 1.7e308]), np.zeros(2)
    got = xentdoc.binary_cross_entropy_with_logits(z, y, reduction=reduction)
    if reduction == "mean":
        close(got, ref.binary_cross_entropy_with_logits(z, y, reduction=reduction), np.float64,
              REDUCTION_EXTRA)
    else:
        assert got == np.inf
    # nll_loss with terms of both signs: the partial sum overflows, the total does not
    log_probs = np.array([[-1.7e308], [-1.7e308], [1.7e308]])
    target = np.zeros(3, int)
    close(xentdoc.nll_loss(log_probs, target, reduction=reduction),
          ref.nll_loss(log_probs, target, reduction=reduction), np.float64, REDUCTION_EXTRA)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_overflow_gradient_of_mean_with_huge_weights(label_smoothing):
    # the sum of the weights overflows: no warning (the module mark makes one an error), and
    # the gradient of the mean, not zeros
    x = np.array([[0.0, 1.0], [0.0, 1.0]])
    target = np.array([0, 0])
    weight = np.array([1e308, 1.0])
    close(xentdoc.cross_entropy_grad(x, target, weight=weight, label_smoothing=label_smoothing),
          ref.cross_entropy_grad(x, target, weight=weight, label_smoothing=label_smoothing),
          np.float64, REDUCTION_EXTRA)


# --------------------------------------------------------------------------------------------
# A 'mean' whose kept weights sum to 0 (breaker report A5): the gradient follows torch's
# arithmetic (inf and NaN), as the loss is infinite or NaN, not the gradient of the sum. Weights
# are non-negative (negative ones are refused, tests/test_bad_input.py), so the kept ones are all 0.
# --------------------------------------------------------------------------------------------

_ZERO_SUM_CASES = [([[1.0, 0.0], [0.0, 2.0]], [0, 1], [0.0, 0.0]),
                   ([[1.0, 0.0], [0.0, 2.0]], [0, 0], [0.0, 1.0]),
                   ([[1.0, 0.0, 3.0], [0.0, 2.0, 1.0], [1.0, 1.0, 1.0]], [0, -100, 1], [0.0, 0.0, 5.0])]


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2, 1.0])
@pytest.mark.parametrize("logits, target, weight", _ZERO_SUM_CASES)
def test_zero_weight_sum_mean_gradient_follows_torch(logits, target, weight, label_smoothing):
    from conftest import require

    torch = require("torch")
    x, t, w = np.array(logits), np.array(target), np.array(weight)
    z = torch.tensor(x, requires_grad=True)
    torch.nn.functional.cross_entropy(z, torch.tensor(t), weight=torch.tensor(w),
                                      label_smoothing=label_smoothing).backward()
    got = xentdoc.cross_entropy_grad(x, t, weight=w, label_smoothing=label_smoothing)
    expected = z.grad.numpy()
    assert not np.isfinite(expected).all()  # the case is degenerate for torch too
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_allclose(np.nan_to_num(got, posinf=1, neginf=-1),
                               np.nan_to_num(expected, posinf=1, neginf=-1), rtol=1e-12)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2, 1.0])
@pytest.mark.parametrize("logits, target, weight", _ZERO_SUM_CASES + [
    ([[1.0, 0.0], [0.0, 2.0]], [0, -100], [0.0, 1.0])])
def test_zero_weight_sum_mean_loss_follows_torch(logits, target, weight, label_smoothing):
    # torch divides its NLL term and its smoothing term by the sum of weights apart: with every
    # kept weight 0 the NLL term is 0 / 0 = NaN, so the smoothed loss is NaN, not +inf.
    from conftest import require

    torch = require("torch")
    x, t, w = np.array(logits), np.array(target), np.array(weight)
    expected = float(torch.nn.functional.cross_entropy(
        torch.tensor(x), torch.tensor(t), weight=torch.tensor(w), label_smoothing=label_smoothing))
    got = float(xentdoc.cross_entropy(x, t, weight=w, label_smoothing=label_smoothing))
    assert not np.isfinite(expected)  # the case is degenerate for torch too
    assert got == expected or (np.isnan(got) and np.isnan(expected)), (got, expected)


# --------------------------------------------------------------------------------------------
# K4 again: a zero weight or pos_weight on a NaN input or target (breaker report A6). 0 * inf is
# 0 (a term that does not count), but NaN in gives NaN out, as torch
# --------------------------------------------------------------------------------------------


def _nan_with_zero_coefficient_cases():
    nan = np.nan
    return [
        ("binary_cross_entropy", (np.array([nan]), np.array([1.0])), {"weight": np.array([0.0])}),
        ("binary_cross_entropy", (np.array([0.5]), np.array([nan])), {"weight": np.array([0.0])}),
        ("binary_cross_entropy_with_logits", (np.array([nan]), np.array([1.0])),
         {"pos_weight": np.array([0.0])}),
        ("binary_cross_entropy_with_logits", (np.array([nan]), np.array([1.0])),
         {"weight": np.array([0.0])}),
        ("binary_cross_entropy_with_logits", (np.array([1.0]), np.array([nan])),
         {"weight": np.array([0.0])}),
        ("cross_entropy", (np.array([[nan, 0.0]]), np.array([[0.0, 1.0]])),
         {"weight": np.array([1.0, 0.0])}),
        ("cross_entropy", (np.array([[nan, 0.0]]), np.array([1])),
         {"weight": np.array([1.0, 0.0]), "label_smoothing": 0.1}),
        ("cross_entropy", (np.array([[nan, 0.0]]), np.array([1])), {"weight": np.array([1.0, 0.0])}),
    ]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("index", range(len(_nan_with_zero_coefficient_cases())))
def test_k4_zero_weight_keeps_nan(index, reduction):
    from conftest import require

    torch = require("torch")
    name, args, kwargs = _nan_with_zero_coefficient_cases()[index]
    got = getattr(xentdoc, name)(*args, reduction=reduction, **kwargs)
    try:
        expected = getattr(torch.nn.functional, name)(
            *(torch.tensor(a) for a in args), reduction=reduction,
            **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()})
    except RuntimeError as error:  # torch refuses a NaN probability: the NaN rule decides
        assert "between 0 and 1" in str(error)
    else:
        assert np.all(np.isnan(expected.numpy())), "torch gives NaN here"
    assert np.all(np.isnan(got)), (name, kwargs)
    if name == "cross_entropy":  # the gradient agrees with the loss
        assert np.all(np.isnan(xentdoc.cross_entropy_grad(*args, reduction=reduction, **kwargs)))


def test_k4_zero_coefficient_on_minus_inf_still_counts_nothing():
    # 0 log 0 = 0: a -inf logit whose class has target probability 0 (or weight 0) adds nothing
    x = np.array([[-np.inf, 0.0]])
    assert xentdoc.cross_entropy(x, np.array([[0.0, 1.0]]), weight=np.array([1.0, 0.0])) == 0
    assert xentdoc.cross_entropy(x, np.array([[0.0, 1.0]])) == 0


# --------------------------------------------------------------------------------------------
# Zero classes, C = 0 (breaker report C12): torch's result where torch gives one, else a clear
# error naming the parameter
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", ["nll", "nll-1d", "ce", "ce-weight", "ce-smoothing", "empty"])
def test_zero_classes_follow_torch(case, reduction):
    from conftest import require

    torch = require("torch")
    F = torch.nn.functional
    x, target = np.zeros((2, 0)), np.array([-100, -100])
    kwargs = {"reduction": reduction}
    if case == "nll-1d":
        x, target = np.zeros(0), np.array(-100)
    if case == "empty":
        x, target = np.zeros((0, 0)), np.zeros(0, int)
    if case == "ce-weight":
        kwargs["weight"] = np.zeros(0)
    if case == "ce-smoothing":
        kwargs["label_smoothing"] = 0.1
    ours = xentdoc.nll_loss if case.startswith("nll") else xentdoc.cross_entropy
    theirs = F.nll_loss if case.startswith("nll") else F.cross_entropy
    torch_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    expected = theirs(torch.tensor(x), torch.tensor(target), **torch_kwargs).numpy()
    got = ours(x, target, **kwargs)
    assert np.shape(got) == expected.shape
    np.testing.assert_array_equal(got, expected)
    if case.startswith("ce"):
        z = torch.tensor(x, requires_grad=True)
        theirs(z, torch.tensor(target), **torch_kwargs).sum().backward()
        grad = xentdoc.cross_entropy_grad(x, target, **kwargs)
        assert grad.shape == tuple(z.grad.shape)


def test_zero_classes_errors_name_the_parameter():
    # torch refuses an (N, 0, d1) input (a size mismatch); a class index cannot be valid
    for function in (xentdoc.nll_loss, xentdoc.cross_entropy, xentdoc.cross_entropy_grad):
        with pytest.raises(ValueError, match="`input`.*no classes"):
            function(np.zeros((2, 0, 3)), np.full((2, 3), -100))
        with pytest.raises(IndexError, match="`target`.*out of range"):
            function(np.zeros((2, 0)), np.array([0, -100]))


# --------------------------------------------------------------------------------------------
# float32 accuracy lost to float32 intermediates (breaker report B10). The bound asserted
# is 2 ulps flat, tighter than the module's (whose condition number also counts the targets'
# and the smoothing's share): with the logits' share alone these inputs have kappa < 2.4.
# --------------------------------------------------------------------------------------------


def test_float32_gradient_with_smoothing_does_not_cancel_in_float32():
    # A p_j - a_j cancelled in float32: 13.7 ulps at entry [0, 1]
    z = np.float32([[-0.3906514048576355, -0.20533648133277893, 0.2990294396877289]])
    got = xentdoc.cross_entropy_grad(z, [2], reduction="none", label_smoothing=1.0)
    expected = ref.cross_entropy_grad(z, np.array([2]), reduction="none", label_smoothing=1.0)
    assert ref.ulp_errors(got, expected.value, np.float32).max() <= 2
    z = np.float32([[0.5215749740600586, -0.49737805128097534]])
    y = np.array([[0.72412109375, 0.275634765625]], np.float32)
    got = xentdoc.cross_entropy_grad(z, y, reduction="none", label_smoothing=1.0)
    expected = ref.cross_entropy_grad(z, y, reduction="none", label_smoothing=1.0)
    assert ref.ulp_errors(got, expected.value, np.float32).max() <= 2


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_float32_gradient_random_soft_targets_and_smoothing(dtype):
    r = np.random.default_rng(140)
    for _ in range(20):
        n_classes = int(r.integers(2, 6))
        z = (r.standard_normal((3, n_classes)) * r.choice([0.5, 1.0, 3.0])).astype(dtype)
        y = r.random((3, n_classes))
        soft = (y / y.sum(axis=1, keepdims=True)).astype(dtype)
        for target, smoothing in ((r.integers(0, n_classes, 3), 0.3), (soft, 0.0), (soft, 1.0)):
            if target.dtype.kind == "f" and not np.allclose(target.sum(axis=1, dtype=float), 1, atol=1e-5):
                continue  # a float16 row rounded off its sum: not this test's subject
            got = xentdoc.cross_entropy_grad(z, target, reduction="none", label_smoothing=smoothing)
            expected = ref.cross_entropy_grad(z, target, reduction="none",
                                              label_smoothing=smoothing)
            assert ref.ulp_errors(got, expected.value, dtype).max() <= 2, (z, target, smoothing)


# --------------------------------------------------------------------------------------------
# 0-d inputs: softmax -> 1, log_softmax -> 0, logsumexp -> the value (torch and SciPy agree)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("value", [3.5, -1e4, 0.0])
def test_zero_dim_inputs(dtype, value):
    x = np.array(value, dtype)
    for function in ("softmax", "log_softmax", "logsumexp"):
        got = getattr(xentdoc, function)(x)
        assert np.shape(got) == () and np.asarray(got).dtype == dtype, function
        expected = getattr(ref, function)(x.reshape(1))
        value_ref = expected.value if function == "logsumexp" else expected.value[0]
        cond = expected.cond if function == "logsumexp" else expected.cond[0]
        close(got, ref.Ref(value_ref, cond), dtype, context=function)
        assert getattr(xentdoc, function)(x, axis=0) == got


def test_zero_dim_inputs_match_scipy_and_torch():
    import scipy.special

    from conftest import require

    torch = require("torch")
    for value in (2.0, -7.25, np.inf, -np.inf, np.nan):
        x = np.float64(value)
        ours = [xentdoc.softmax(x), xentdoc.log_softmax(x), xentdoc.logsumexp(x)]
        with np.errstate(all="ignore"):  # SciPy warns on infinite scalars; xentdoc must not
            theirs = [scipy.special.softmax(x), scipy.special.log_softmax(x),
                      scipy.special.logsumexp(x)]
        t = torch.tensor(value, dtype=torch.float64)
        torch_values = [torch.softmax(t, 0).item(), torch.log_softmax(t, 0).item(),
                        torch.logsumexp(t, 0).item()]
        for name, a, b, c in zip(["softmax", "log_softmax", "logsumexp"], ours, theirs, torch_values):
            np.testing.assert_equal(float(a), float(c), err_msg=f"{name}({value}) vs torch")
            np.testing.assert_equal(float(a), float(b), err_msg=f"{name}({value}) vs scipy")


def test_zero_dim_axis_out_of_range():
    with pytest.raises(ValueError, match="axis"):
        xentdoc.softmax(np.float64(1.0), axis=1)


# K4 again (fuzzing float64 extremes with huge weights under "mean"): the gradient is beyond
# the float64 range, rows were redone in long double, and the product or the cast back raised
# an overflow RuntimeWarning. The right answer is +-inf where the exact value overflows (the
# first case); the second stays in range, but largest weight * 1 / (sum of weights) overflowed.
_OVERFLOWING_GRADIENT_CASES = [
    ([[-8.5e307, 1.0, 5e-311, -1.0], [5e307, -1e308, np.finfo(np.float64).max, -1.70017e308]],
     [2, 2], [1.0, 1e308, 1e-300, 1e-300], 0.1),
    ([[0.0, 1.0001e308, 2.5e307, np.finfo(np.float64).max], [0.0, -1.0001, 0.999, 1.7e308]],
     [3, 2], [1e308, 1e300, 1e-300, 1e-300], 0.0),
]


@needs_long_double
@pytest.mark.parametrize("x, target, weight, label_smoothing", _OVERFLOWING_GRADIENT_CASES)
def test_k4_gradient_beyond_the_range_without_warning(x, target, weight, label_smoothing):
    x, target, weight = np.array(x), np.array(target), np.array(weight)
    got = xentdoc.cross_entropy_grad(x, target, weight=weight, label_smoothing=label_smoothing)
    expected = ref.cross_entropy_grad(x, target, weight=weight, label_smoothing=label_smoothing)
    rounded = expected.rounded(np.float64)
    finite = np.isfinite(rounded)
    assert np.array_equal(got[~finite], rounded[~finite])  # +-inf, with the right signs
    close(got[finite], ref.Ref(expected.value[finite], expected.cond[finite]), np.float64,
          REDUCTION_EXTRA)


# K3 again (breaker, second round): the temperature is an argument too. Divided into float16
# or float32 logits it was rounded to float32 first: T > 3.4e38 became inf (every row uniform),
# T < 1.4e-45 became 0 (NaN and a divide-by-zero warning), a subnormal T lost digits.
_TEMPERATURE_CASES = [
    (np.float32, [3e38, 0.0], 1e39), (np.float32, [3e38, 0.0], 4e38),
    (np.float32, [1.0, 0.0], 1e-50), (np.float32, [[1.0, 2.0], [3.0, 5.0]], 1e-300),
    (np.float32, [1e-39, 0.0], 3.3e-45), (np.float16, [60000.0, 0.0, -3.0], 1e39),
    (np.float16, [1.0, -2.0, 0.5], 1e-46),
]


@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype, x, temperature", _TEMPERATURE_CASES)
def test_k3_temperature_not_narrowed(function, dtype, x, temperature):
    x = np.array(x, dtype)
    got = getattr(xentdoc, function)(x, temperature=temperature)
    assert got.dtype == dtype
    # float16 and float32 are computed in float64, T included, and rounded once: no extra term.
    extra = 0.0
    close(got, getattr(ref, function)(x, temperature=temperature), dtype, extra,
          context=f"{function} T={temperature}")
