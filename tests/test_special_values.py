"""Special values: no RuntimeWarning for any finite input; NaN and +-inf as each docstring states.

The expected values here are limits, not rounded numbers: sigmoid(+inf) = 1, logit(0) = -inf,
a probability-zero outcome carries +inf surprisal, and so on. Where a docstring states a
convention (NaN along a softmax axis holding +inf, torch's clamp of each log at -100 in
binary_cross_entropy), the test pins exactly that statement.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import xentdoc

DTYPES = [np.float64, np.float32]


def extreme_finite(dtype) -> np.ndarray:
    info = np.finfo(dtype)
    values = [info.max, -info.max, info.max / 2, -info.max / 2, info.smallest_subnormal,
              -info.smallest_subnormal, info.smallest_normal, 0.0, -0.0, 1.0, -1.0, 745.0,
              -745.0, 800.0, -800.0, 1e4, -1e4]
    if dtype == np.float64:
        values += [1e308, -1e308, 1e-320, -1e-320]
    return np.array(values, dtype=dtype)


def extreme_probabilities(dtype) -> np.ndarray:
    info = np.finfo(dtype)
    return np.array([0.0, 1.0, info.smallest_subnormal, info.smallest_normal, 1 - info.epsneg,
                     0.5, info.epsneg, 0.25, 0.75], dtype=dtype)


class no_warnings:
    """Turn every warning into an error, with NumPy's default error state (underflow ignored)."""

    def __enter__(self):
        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")
        self._err = np.errstate(divide="warn", over="warn", invalid="warn", under="ignore")
        self._err.__enter__()

    def __exit__(self, *exc):
        self._err.__exit__(*exc)
        return self._catch.__exit__(*exc)


# --------------------------------------------------------------------------------------------
# No RuntimeWarning for any finite input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus"])
def test_elementwise_no_warning(name, dtype):
    x = extreme_finite(dtype)
    with no_warnings():
        result = getattr(xentdoc, name)(x)
    assert not np.isnan(result).any()


@pytest.mark.parametrize("dtype", DTYPES)
def test_logit_no_warning(dtype):
    p = extreme_probabilities(dtype)
    with no_warnings():
        result = xentdoc.logit(p)
    assert not np.isnan(result).any()


def _logit_rows(dtype):
    x = extreme_finite(dtype)
    rows = [x, x[::-1], np.roll(x, 3), np.full_like(x, x[0]), np.full_like(x, x[1])]
    return np.stack(rows)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
@pytest.mark.parametrize("axis", [0, -1])
def test_softmax_family_no_warning(name, dtype, axis):
    x = _logit_rows(dtype)
    with no_warnings():
        result = getattr(xentdoc, name)(x, axis=axis)
        if name != "logsumexp":
            result_t = getattr(xentdoc, name)(x, axis=axis, temperature=1e-3)
            assert not np.isnan(result_t).any()
    assert not np.isnan(result).any()


def _all_losses(x, targets, weight, reduction, label_smoothing):
    """Call every classification loss (class and probability targets) and its gradient."""
    n, c = x.shape
    probs = np.zeros_like(x)
    probs[np.arange(n), targets] = 1
    kwargs = dict(weight=weight, reduction=reduction, label_smoothing=label_smoothing)
    results = []
    for target in (targets, probs):
        results.append(xentdoc.cross_entropy(x, target, **kwargs))
        results.append(xentdoc.cross_entropy_grad(x, target, **kwargs))
    log_probs = np.asarray(xentdoc.log_softmax(x))
    results.append(xentdoc.nll_loss(log_probs, targets, weight=weight, reduction=reduction))
    return results


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_losses_no_warning(dtype, reduction, label_smoothing, weighted):
    # Extreme logits whose losses are representable: no warning, and no NaN or inf.
    big = np.finfo(dtype).max / 16
    tiny = np.finfo(dtype).smallest_subnormal
    x = np.array([[big, 0.0, -big, 1.0], [tiny, -tiny, 0.0, -big], [-big, -big, 745.0, -800.0],
                  [big, big, big, big]], dtype=dtype)
    targets = np.array([1, 3, 0, 2])
    weight = np.array([0.5, 1.0, 2.0, 1.5], dtype=dtype) if weighted else None
    with no_warnings():
        results = _all_losses(x, targets, weight, reduction, label_smoothing)
    for result in results:
        assert np.isfinite(result).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_losses_no_warning_when_the_loss_overflows(dtype, reduction, label_smoothing):
    # The issue: "no RuntimeWarning for any finite input", even where the true loss is beyond
    # the largest float and the answer is +inf.
    big = np.finfo(dtype).max
    x = np.array([[big, -big], [big, -big], [-big, big]], dtype=dtype)
    targets = np.array([1, 1, 0])
    with no_warnings():
        results = _all_losses(x, targets, None, reduction, label_smoothing)
    assert np.isinf(results[0]).all()
    assert not np.isnan(results[1]).any()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_binary_losses_no_warning(dtype, reduction):
    x = extreme_finite(dtype) / 4  # losses up to 3/4 of the largest float (pos_weight 3)
    p = extreme_probabilities(dtype)
    with no_warnings():
        for target_value in (0.0, 1.0, 0.5):
            loss = xentdoc.binary_cross_entropy_with_logits(
                x, np.full_like(x, target_value), reduction="none",
                pos_weight=np.array(3.0, dtype=dtype))
            assert np.isfinite(loss).all()
            loss = xentdoc.binary_cross_entropy_with_logits(
                x, np.full_like(x, target_value), reduction=reduction, weight=np.full_like(x, 0.5))
            assert not np.isnan(loss).any()
            loss = xentdoc.binary_cross_entropy(p, np.full_like(p, target_value), reduction=reduction)
            assert np.isfinite(loss).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_binary_losses_no_warning_when_the_loss_overflows(dtype, reduction):
    big = np.finfo(dtype).max
    x = np.array([big, -big], dtype=dtype)
    with no_warnings():
        weighted = xentdoc.binary_cross_entropy_with_logits(
            x, np.array([0.0, 1.0], dtype=dtype), weight=np.full_like(x, 2.0), reduction=reduction)
        positive = xentdoc.binary_cross_entropy_with_logits(
            x, np.array([1.0, 1.0], dtype=dtype), pos_weight=np.array(3.0, dtype=dtype),
            reduction=reduction)
        summed = xentdoc.binary_cross_entropy_with_logits(
            x, np.array([0.0, 1.0], dtype=dtype), reduction="sum")
    assert np.isinf(weighted).all() and np.isinf(positive).any() and np.isinf(summed)

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("base", [None, 2, 10, 3.0])
def test_information_functions_no_warning(dtype, base):
    tiny = np.finfo(dtype).smallest_subnormal
    p = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 - tiny, tiny, 0.0]], dtype=dtype)
    q = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.0, 0.5]], dtype=dtype)
    with no_warnings():
        xentdoc.information(extreme_probabilities(dtype), base=base)
        assert not np.isnan(xentdoc.entropy(p, base=base)).any()
        assert not np.isnan(xentdoc.distribution_cross_entropy(p, q, base=base)).any()
        assert not np.isnan(xentdoc.kl_divergence(p, q, base=base)).any()
        assert not np.isnan(xentdoc.perplexity(p)).any()
        assert not np.isnan(xentdoc.perplexity(p, q)).any()


def test_kl_divergence_with_a_subnormal_q_entry_no_warning():
    # Found by the property tests: (p - q) / q overflowed inside a discarded np.where branch.
    p = np.array([1.0, 0.0])
    q = np.array([2.2250738585e-311, 1.0])
    with no_warnings():
        kl = xentdoc.kl_divergence(p, q)
    assert np.isfinite(kl) and kl > 700


# --------------------------------------------------------------------------------------------
# Infinities and NaN
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise_at_infinity_and_nan(dtype):
    x = np.array([np.inf, -np.inf, np.nan], dtype=dtype)
    with no_warnings():
        expected = {
            "sigmoid": [1.0, 0.0, np.nan],
            "log_sigmoid": [0.0, -np.inf, np.nan],
            "softplus": [np.inf, 0.0, np.nan],
        }
        for name, values in expected.items():
            got = getattr(xentdoc, name)(x)
            assert got.dtype == dtype
            np.testing.assert_array_equal(got, np.array(values, dtype=dtype), err_msg=name)
        got = xentdoc.logit(np.array([0.0, 1.0, np.nan], dtype=dtype))
    np.testing.assert_array_equal(got, np.array([-np.inf, np.inf, np.nan], dtype=dtype))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_axis_with_plus_inf_or_nan_is_nan(name):
    # Stated in the docstrings: "an axis with a +inf, with a NaN, or made only of -inf gives
    # NaN along that axis" (as torch).
    x = np.array([[np.inf, 0.0, 1.0], [np.nan, 0.0, 1.0], [-np.inf, -np.inf, -np.inf],
                  [0.0, 1.0, 2.0]])
    with no_warnings():
        got = getattr(xentdoc, name)(x)
    assert np.isnan(got[:3]).all()
    assert np.isfinite(got[3]).all()


def test_minus_inf_entries_of_softmax():
    x = np.array([[-np.inf, 0.0, np.log(3.0)]])
    with no_warnings():
        probs = xentdoc.softmax(x)
        log_probs = xentdoc.log_softmax(x)
    assert probs[0, 0] == 0.0 and log_probs[0, 0] == -np.inf
    np.testing.assert_allclose(probs[0, 1:], [0.25, 0.75], rtol=1e-15)


def test_logsumexp_special_values():
    x = np.array([[-np.inf, -np.inf], [np.inf, 0.0], [np.nan, 0.0], [np.inf, -np.inf]])
    with no_warnings():
        got = xentdoc.logsumexp(x)
        empty = xentdoc.logsumexp(np.zeros((2, 0)))
    np.testing.assert_array_equal(got, [-np.inf, np.inf, np.nan, np.inf])
    np.testing.assert_array_equal(empty, [-np.inf, -np.inf])


def test_cross_entropy_nan_and_plus_inf_logit_give_nan_for_that_sample():
    x = np.array([[np.nan, 0.0], [np.inf, 0.0], [1.0, 0.0]])
    with no_warnings():
        loss = xentdoc.cross_entropy(x, np.array([0, 0, 0]), reduction="none")
    assert np.isnan(loss[:2]).all() and np.isfinite(loss[2])


def test_zero_log_zero_with_minus_inf_logit():
    # A class with a -inf logit and target probability 0 adds nothing (torch: nan).
    x = np.array([[0.0, -np.inf, 1.0]])
    target = np.array([[0.5, 0.0, 0.5]])
    with no_warnings():
        loss = xentdoc.cross_entropy(x, target)
        grad = xentdoc.cross_entropy_grad(x, target)
        finite_part = xentdoc.cross_entropy(x[:, [0, 2]], target[:, [0, 2]])
    assert loss == finite_part
    assert np.isfinite(grad).all() and grad[0, 1] == 0


def test_minus_inf_logit_named_by_target_gives_infinite_loss():
    x = np.array([[0.0, -np.inf]])
    with no_warnings():
        assert xentdoc.cross_entropy(x, np.array([1])) == np.inf
        assert xentdoc.cross_entropy(x, np.array([[0.5, 0.5]])) == np.inf


def test_mean_over_all_ignored_is_nan():
    x = np.array([[1.0, 2.0], [0.0, 3.0]])
    target = np.array([-100, -100])
    with no_warnings():
        assert np.isnan(xentdoc.cross_entropy(x, target))
        assert np.isnan(xentdoc.nll_loss(x, target))
        assert xentdoc.cross_entropy(x, target, reduction="sum") == 0
        np.testing.assert_array_equal(xentdoc.cross_entropy_grad(x, target, reduction="sum"), 0)


def test_bce_with_logits_at_infinite_logits():
    # Stated in the docstring: 0 when the target agrees, +inf when it does not; NaN gives NaN.
    x = np.array([np.inf, -np.inf, np.inf, -np.inf, np.nan])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    with no_warnings():
        got = xentdoc.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_array_equal(got, [0.0, 0.0, np.inf, np.inf, np.nan])


def test_bce_clamps_each_log_at_minus_100():
    p = np.array([0.0, 1.0, 0.0, 1.0])
    t = np.array([1.0, 0.0, 0.0, 1.0])
    with no_warnings():
        got = xentdoc.binary_cross_entropy(p, t, reduction="none")
    np.testing.assert_array_equal(got, [100.0, 100.0, 0.0, 0.0])


def test_information_special_values():
    with no_warnings():
        got = xentdoc.information(np.array([0.0, 1.0, np.nan]))
        assert xentdoc.entropy(np.array([0.0, 1.0, 0.0])) == 0
        assert xentdoc.kl_divergence(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == np.inf
        assert xentdoc.distribution_cross_entropy(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == np.inf
        assert xentdoc.kl_divergence(np.array([1.0, 0.0]), np.array([0.5, 0.5])) > 0
        assert xentdoc.perplexity(np.array([1.0, 0.0])) == 1
    np.testing.assert_array_equal(got[:2], [np.inf, 0.0])
    assert not np.signbit(got[1])
    assert np.isnan(got[2])


# --------------------------------------------------------------------------------------------
# Each docstring states its NaN and infinity behaviour (the issue asks for it)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", xentdoc.__all__)
def test_docstring_states_nan_and_inf_behaviour(name):
    doc = getattr(xentdoc, name).__doc__ or ""
    assert re.search(r"\bNaN\b", doc), f"{name}'s docstring does not say what NaN input gives"
    assert re.search(r"inf(ty|inite)?\b", doc), f"{name}'s docstring does not say what +-inf gives"
