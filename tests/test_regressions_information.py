"""Regression tests of xentdoc.information, each named after the kind of fault it pins.

Issue 13's kinds that reach the information functions:
- K1: sums kept in the input's narrow dtype, or added sequentially along a non-last axis;
- K5: NaN read as an impossible outcome;
- K6: the clamp of the KL divergence applied after the change of base;
- K7: the "sums to one" tolerance keyed to the container's dtype, not to the data.
Issue 11's items on this module: one default unit (nats), the (y, p) notation, docstring
examples that print what they show, precision words.

Every expected value comes from mpmath (``tests/reference.py``, 60 digits, on the exact binary
values of the inputs) or from ``scipy.stats.entropy``; none is typed by hand. The accuracy
bound is issue 13's target: 2 ulps per unit of condition number (plus the pairwise-sum growth
``log2(C)`` that ``reference.assert_close_ulps`` adds for a reduction).
"""

from __future__ import annotations

import doctest
import inspect
import re
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.special
import scipy.stats

import reference as ref
from conftest import require
import xentdoc
from xentdoc._validation import SUM_TOLERANCE_FLOOR, sum_tolerance

K = 2.0  # ulps per unit of condition number (issue 13's accuracy target)
ALL_DTYPES = [np.float16, np.float32, np.float64]
BASE_FUNCTIONS = ["information", "entropy", "distribution_cross_entropy", "kl_divergence"]
INFORMATION_FUNCTIONS = BASE_FUNCTIONS + ["perplexity"]
MODULE = inspect.getmodule(xentdoc.entropy)  # xentdoc.information is the function


@contextmanager
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def rng(seed):
    return np.random.default_rng(seed)


def dirichlet(seed, shape, dtype, concentration=1.0):
    """Random distributions along the last axis of `shape`, rounded to `dtype` (rows then sum
    to 1 within that dtype's rounding)."""
    raw = rng(seed).dirichlet(np.full(shape[-1], concentration), size=shape[:-1])
    return raw.astype(dtype)


def float32_softmax_rows(seed, rows, classes):
    """Softmax rows computed entirely in float32 (max shift, exp, sum, divide), as float32."""
    z = (rng(seed).standard_normal((rows, classes)) * 3).astype(np.float32)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True, dtype=np.float32)


# --------------------------------------------------------------------------------------------
# K5: NaN is not an impossible outcome
# --------------------------------------------------------------------------------------------

NAN_CASES = [
    # (name, args): every case has a NaN in one distribution; SciPy returns NaN for each.
    ("entropy", ([np.nan, 0.5],)),
    ("perplexity", ([np.nan, 0.5],)),
    ("kl_divergence", ([np.nan, 0.5], [0.5, 0.5])),
    ("kl_divergence", ([0.5, 0.5], [np.nan, 0.5])),
    ("kl_divergence", ([1.0, 0.0], [0.5, np.nan])),  # NaN under an outcome y calls impossible
    ("distribution_cross_entropy", ([np.nan, 0.5], [0.5, 0.5])),
    ("distribution_cross_entropy", ([0.5, 0.5], [np.nan, 0.5])),
    ("distribution_cross_entropy", ([1.0, 0.0], [0.5, np.nan])),
    ("perplexity", ([np.nan, 0.5], [0.5, 0.5])),
    ("perplexity", ([1.0, 0.0], [0.5, np.nan])),
]


def _scipy_equivalent(name, args):
    """What scipy.stats.entropy returns for the same question (NaN in every case here)."""
    y = np.asarray(args[0], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        if name == "entropy":
            return scipy.stats.entropy(y)
        p = np.asarray(args[1], dtype=np.float64) if len(args) > 1 else None
        if name == "perplexity":
            return np.exp(scipy.stats.entropy(y) if p is None
                          else scipy.stats.entropy(y) + scipy.stats.entropy(y, p))
        if name == "kl_divergence":
            return scipy.stats.entropy(y, p)
        return scipy.stats.entropy(y) + scipy.stats.entropy(y, p)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize(("name", "args"), NAN_CASES,
                         ids=[f"{name}-{i}" for i, (name, _) in enumerate(NAN_CASES)])
def test_K5_nan_gives_nan_as_scipy(name, args, dtype):
    arrays = [np.asarray(a, dtype=dtype) for a in args]
    with no_warnings():
        got = getattr(xentdoc, name)(*arrays)
    assert np.isnan(_scipy_equivalent(name, args)), "the premise: SciPy returns NaN here"
    assert np.isnan(got), f"{name}{args} gave {got!r}, not NaN"
    assert np.asarray(got).dtype == dtype


@pytest.mark.parametrize(("name", "two"), [("entropy", False), ("perplexity", False),
                                           ("perplexity", True), ("kl_divergence", True),
                                           ("distribution_cross_entropy", True)])
def test_K5_nan_poisons_only_its_own_distribution(name, two):
    # Three distributions along axis 0; the middle one holds a NaN (in y, then in p).
    y = dirichlet(1, (3, 4), np.float64).T.copy()
    p = dirichlet(2, (3, 4), np.float64).T.copy()
    function = getattr(xentdoc, name)
    clean = function(y, p, axis=0) if two else function(y, axis=0)
    for target in ("y", "p") if two else ("y",):
        bad_y, bad_p = y.copy(), p.copy()
        (bad_y if target == "y" else bad_p)[2, 1] = np.nan
        with no_warnings():
            got = function(bad_y, bad_p, axis=0) if two else function(bad_y, axis=0)
        assert np.isnan(got[1]), f"{name}: NaN in {target} did not give NaN"
        np.testing.assert_array_equal(got[[0, 2]], clean[[0, 2]])


def test_K5_docstrings_state_the_nan_rule():
    for name in INFORMATION_FUNCTIONS:
        doc = getattr(xentdoc, name).__doc__
        assert re.search(r"NaN[^.]*gives NaN", doc), f"{name}'s docstring does not state the NaN rule"


# --------------------------------------------------------------------------------------------
# K6: bases below 1 are computed (not clamped, not rejected) by every function taking a base
# --------------------------------------------------------------------------------------------


def _functions_taking_base():
    return sorted(name for name in xentdoc.__all__
                  if "base" in inspect.signature(getattr(xentdoc, name)).parameters)


def test_K6_the_functions_taking_a_base_are_the_ones_tested():
    # A new function with a `base` parameter must join BASE_FUNCTIONS (and the tests below).
    assert _functions_taking_base() == sorted(BASE_FUNCTIONS)


def _call(name, y, p, base):
    function = getattr(xentdoc, name)
    if name in ("information", "entropy"):
        return function(y, base=base)
    return function(y, p, base=base)


def _reference(name, y, p, base):
    if name == "information":
        return ref.information(y, base=base)
    if name == "entropy":
        return ref.entropy(y, base=base)
    return getattr(ref, name)(y, p, base=base)


def _scipy(name, y, p, base):
    if name == "information":
        return -np.log(y) / np.log(base)
    if name == "entropy":
        return scipy.stats.entropy(y, base=base, axis=-1)
    if name == "kl_divergence":
        return scipy.stats.entropy(y, p, base=base, axis=-1)
    return scipy.stats.entropy(y, base=base, axis=-1) + scipy.stats.entropy(y, p, base=base, axis=-1)


def test_K6_kl_divergence_base_one_half_of_the_issue():
    y, p = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    got = xentdoc.kl_divergence(y, p, base=0.5)
    expected = ref.kl_divergence(y, p, base=0.5)
    assert got < 0  # was clamped to 0.0
    ref.assert_close_ulps(got, expected, np.float64, K, context="KL base 0.5")
    assert float(got) == pytest.approx(scipy.stats.entropy(y, p, base=0.5), rel=4e-16)


@pytest.mark.parametrize("base", [0.5, 0.1, 0.9, 1 / np.e, 1 - 2.0 ** -20])
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("name", BASE_FUNCTIONS)
def test_K6_bases_below_one_against_mpmath(name, dtype, base):
    y = dirichlet(3, (4, 6), dtype)
    p = dirichlet(4, (4, 6), dtype)
    if name == "information":
        y = y.ravel()
    with no_warnings():
        got = _call(name, y, p, base)
    expected = _reference(name, y, p, base)
    ref.assert_close_ulps(got, expected, dtype, K, context=f"{name} base={base}")
    assert np.all(np.asarray(got) <= 0), f"{name} with base {base} < 1 must be <= 0"
    if dtype == np.float64 and base != 1 - 2.0 ** -20:
        np.testing.assert_allclose(got, _scipy(name, y, p, base), rtol=1e-14)


@pytest.mark.parametrize("base", [0.5, 2.0])
def test_K6_nearly_equal_distributions_keep_their_sign_in_any_base(base):
    # D_KL ~ 1e-12 nats: the clamp at 0 must act in nats, before the change of base.
    y = np.array([0.2, 0.3, 0.5])
    p = np.array([0.2 + 1e-6, 0.3, 0.5 - 1e-6])
    got = xentdoc.kl_divergence(y, p, base=base)
    assert (got < 0) if base < 1 else (got > 0)
    ref.assert_close_ulps(got, ref.kl_divergence(y, p, base=base), np.float64, K)


@pytest.mark.parametrize("name", BASE_FUNCTIONS)
def test_K6_infinities_change_sign_with_the_base(name):
    y, p = np.array([0.5, 0.5]), np.array([1.0, 0.0])
    with no_warnings():
        got = _call(name, np.array([0.0, 1.0]) if name == "information" else y, p, 0.5)
    expected = ref.rounded(_reference(name, np.array([0.0, 1.0]) if name == "information" else y,
                                      p, 0.5))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", BASE_FUNCTIONS)
def test_K6_docstrings_state_the_base_rule(name):
    assert "below 1" in getattr(xentdoc, name).__doc__, f"{name}: what does a base below 1 do?"
    assert re.search(r"computed,\s+not\s+rejected", MODULE.__doc__)


# --------------------------------------------------------------------------------------------
# K7: the sum-to-one tolerance follows the data
# --------------------------------------------------------------------------------------------


def _all_accept(y):
    """Call every function (and the loss with probability targets) on the distributions `y`."""
    with no_warnings():
        results = [xentdoc.entropy(y), xentdoc.perplexity(y), xentdoc.perplexity(y, y),
                   xentdoc.distribution_cross_entropy(y, y), xentdoc.kl_divergence(y, y)]
        logits = np.zeros(np.shape(y))
        if np.ndim(y) == 1:
            logits, y = logits[None], np.asarray(y)[None]
        results.append(xentdoc.cross_entropy(logits, y))
    return results


def test_K7_float32_thirds_cast_to_float64_are_a_distribution():
    y = np.full(3, 1 / 3, np.float32).astype(np.float64)
    assert abs(y.sum() - 1) > 1e-8  # the premise: the float64 sum misses 1 by about 3e-8
    _all_accept(y)
    ref.assert_close_ulps(xentdoc.entropy(y), ref.entropy(y), np.float64, K)


@pytest.mark.parametrize("classes", [3, 10, 1000, 2 ** 15])
def test_K7_float32_softmax_rows_cast_to_float64_are_distributions(classes):
    rows = 200 if classes <= 1000 else 4
    y32 = float32_softmax_rows(classes, rows, classes)
    y = y32.astype(np.float64)
    _all_accept(y32)
    _all_accept(y)
    # scipy.stats.entropy renormalises; scipy.special.entr (-y log y) does not.
    np.testing.assert_allclose(xentdoc.entropy(y), scipy.special.entr(y).sum(axis=-1), rtol=1e-12)


def test_K7_tolerance_does_not_grow_with_the_number_of_outcomes():
    # A float32 softmax normalised by a *sequential* float32 sum over 2**17 classes misses 1
    # by more than the floor (the old rule, eps * (8 + C / 8), grew with C and accepted it).
    z = rng(7).standard_normal((1, 2 ** 17)).astype(np.float32) * 4
    e = np.exp(z)
    y32 = e / np.cumsum(e, axis=1, dtype=np.float32)[:, -1:]
    miss = abs(y32.astype(np.float64).sum() - 1)
    assert miss > SUM_TOLERANCE_FLOOR, miss  # the premise
    for y in (y32, y32.astype(np.float64)):
        with pytest.raises(ValueError, match=r"(?s)`p`.*sum to 1 \(within 1\.0e-05\)"):
            xentdoc.entropy(y)
    # The same exponentials normalised by NumPy's pairwise float32 sum pass, as float32 data.
    pairwise = e / e.sum(axis=1, keepdims=True, dtype=np.float32)
    xentdoc.entropy(pairwise.astype(np.float64))
    # The tolerance is per row: the bad row is found beside a good one.
    both = np.concatenate([pairwise, y32]).astype(np.float64)
    with pytest.raises(ValueError, match=r"(?s)`p`.*sum to 1"):
        xentdoc.entropy(both)


def test_K7_float16_data_cast_to_float64_keeps_float16_tolerance():
    y = np.full(3, 1 / 3, np.float16).astype(np.float64)
    assert abs(y.sum() - 1) > 1e-5  # the premise: beyond float64's tolerance
    _all_accept(y)
    ref.assert_close_ulps(xentdoc.entropy(y), ref.entropy(y), np.float64, K)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("via", ["own dtype", "cast to float64"])
def test_K7_rows_summing_to_1_01_are_rejected(dtype, via):
    y = np.array([[0.5, 0.25, 0.25], [0.5, 0.25, 0.26]], dtype=dtype)
    if via != "own dtype":
        y = y.astype(np.float64)
    for call in (lambda: xentdoc.entropy(y), lambda: xentdoc.kl_divergence(y, y[:1]),
                 lambda: xentdoc.perplexity(y[:1], y),
                 lambda: xentdoc.cross_entropy(np.zeros((2, 3)), y.astype(np.float64))):
        with pytest.raises(ValueError, match=r"(?s)`(p|y|target)`.*sum to 1 \(within .*\).*1\.01"):
            call()


def test_K7_scipy_renormalises_where_xentdoc_rejects():
    # The docstrings contrast the two: scipy.stats.entropy divides by the sum, xentdoc raises.
    y = np.array([0.2, 0.3, 0.4])
    assert scipy.stats.entropy(y) == pytest.approx(scipy.special.entr(y / y.sum()).sum(), rel=1e-15)
    with pytest.raises(ValueError, match=r"(?s)`p`.*sum to 1"):
        xentdoc.entropy(y)


def test_K7_float64_rows_off_by_1e_4_are_rejected():
    y = np.array([0.3, 0.3, 0.4001])  # not float32 data: the 1e-5 floor applies
    with pytest.raises(ValueError, match=r"(?s)`p`.*sum to 1 \(within 1\.0e-05\)"):
        xentdoc.entropy(y)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_K7_negative_entries_are_still_rejected(dtype):
    y = np.array([0.6, -0.1, 0.5], dtype=dtype)
    with pytest.raises(ValueError, match=r"(?s)`y`.*negative"):
        xentdoc.kl_divergence(y, np.full(3, 1 / 3))
    with pytest.raises(ValueError, match=r"(?s)`p`.*negative"):
        xentdoc.entropy(y)


def test_K7_tolerance_formula():
    # max(1e-5, 4 u * sum + subnormals * s / 2): u the unit roundoff, s the smallest subnormal.
    for dtype in ALL_DTYPES:
        info = np.finfo(dtype)
        u, s = float(info.eps) / 2, float(info.smallest_subnormal)
        for total in (1.0, 1.01):
            for subnormals in (0, 10 ** 4):
                expected = max(SUM_TOLERANCE_FLOOR, 4 * u * total + subnormals * s / 2)
                assert sum_tolerance(dtype, total, subnormals) == expected
    assert SUM_TOLERANCE_FLOOR == 1e-5
    assert sum_tolerance(np.float16) == np.finfo(np.float16).eps * 2  # 1.95e-3, whatever C


# Breaker A1: sums far from 1 accepted because the tolerance grew with C, or because float64
# values that happen to be float16-representable got a tolerance that grew with C.
A1_REJECTED = [
    ("float16 1e-4 x 100000 (sum 10)", np.full(100_000, 1e-4, np.float16)),
    ("float16 1.12e-3 x 1000 (sum 1.12)", np.full(1000, 1.12e-3, np.float16)),
    ("float64 9/8192 x 1000 (sum 1.0986)", np.full(1000, 9 / 8192)),
    ("float64 [.5, .5, 2**-7] (sum 1.0078)", np.array([0.5, 0.5, 0.0078125])),
]


@pytest.mark.parametrize(("label", "y"), A1_REJECTED, ids=[c[0] for c in A1_REJECTED])
def test_K7_breaker_A1_sums_far_from_one_are_rejected(label, y):
    assert abs(float(np.sum(y, dtype=np.float64)) - 1) > 5e-3  # the premise
    calls = [lambda: xentdoc.entropy(y), lambda: xentdoc.perplexity(y),
             lambda: xentdoc.kl_divergence(y, np.full(y.shape, 1 / y.size)),
             lambda: xentdoc.cross_entropy(np.zeros((1, y.size), y.dtype), y[None])]
    for call in calls:
        with pytest.raises(ValueError, match=r"(?s)`(p|y|target)`.*sum to 1 \(within"):
            call()


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("row", [[0.5, 0.5, 0.0078125], [0.5, 0.5, 0.0078], [0.5, 0.25, 0.26]])
def test_K7_rows_summing_to_1_0078_or_1_01_are_rejected_in_every_dtype(row, dtype):
    y = np.array(row, dtype)
    for held in (y, y.astype(np.float32), y.astype(np.float64)):
        with pytest.raises(ValueError, match=r"(?s)`p`.*sum to 1"):
            xentdoc.entropy(held)


def test_K7_float16_subnormal_entries_add_half_a_spacing_each():
    # 1/C is a float16 subnormal, 149.51 spacings of 2**-24, rounded up to 150: the C entries
    # sum to 1.0033, beyond 4u = 1.95e-3 but within 4u * sum + C * 2**-25 = 5.3e-3.
    count = round(2 ** 24 / 149.51)
    y = np.full(count, 1 / count, np.float16)
    miss = abs(float(y.sum(dtype=np.float64)) - 1)
    assert sum_tolerance(np.float16) < miss < sum_tolerance(np.float16, 1 + miss, y.size)
    for held in (y, y.astype(np.float64)):
        assert np.isfinite(xentdoc.entropy(held))


@pytest.mark.parametrize("classes", [10, 1000, 2 ** 15])
@pytest.mark.parametrize("producer", ["xentdoc", "torch"])
def test_K7_float32_softmax_rows_of_both_producers_pass_as_float64(producer, classes):
    torch = require("torch")
    rows = 200 if classes <= 1000 else 20
    z = (rng(classes).standard_normal((rows, classes)) * 3).astype(np.float32)
    if producer == "torch":
        y32 = torch.softmax(torch.from_numpy(z), dim=-1).numpy()
    else:
        y32 = xentdoc.softmax(z)
    assert y32.dtype == np.float32
    y = y32.astype(np.float64)
    got = xentdoc.entropy(y)
    np.testing.assert_allclose(got, scipy.special.entr(y).sum(axis=-1), rtol=1e-12)


# --------------------------------------------------------------------------------------------
# K1: wide, pairwise sums along any axis; one rounding; mixed dtypes in the widest type
# --------------------------------------------------------------------------------------------


def _ref_and_got(name, y, p, axis):
    function, reference = getattr(xentdoc, name), getattr(ref, name)
    if name in ("entropy", "perplexity") and p is None:
        return function(y, axis=axis), reference(y, axis=axis)
    return function(y, p, axis=axis), reference(y, p, axis=axis)


@pytest.mark.parametrize("n", [3000, 20000])
def test_K1_float16_uniform_along_axis_0(n):
    # The issue's shape: n outcomes along axis 0 in float16 (1/n rounds to float16). Summed in
    # float16 one by one, 20000 outcomes gave an entropy of 2.0 instead of 9.9.
    y = np.full((n, 2), 1 / n, np.float16)
    with no_warnings():
        got = xentdoc.entropy(y, axis=0)
    assert got.dtype == np.float16
    expected = ref.entropy(y, axis=0)
    ref.assert_close_ulps(got, expected, np.float16, K)
    assert ref.ulp_errors(got, expected.value, np.float16).max() <= 0.501  # rounded once
    if n == 3000:
        ref.assert_close_ulps(xentdoc.perplexity(y, axis=0), ref.perplexity(y, axis=0), np.float16, K)


def test_K1_float16_many_outcomes():
    # 70000 outcomes in float16: 1/70000 is a float16 subnormal; the sum must not overflow.
    y = np.full(70000, 1 / 70000, np.float16)
    with no_warnings():
        got = xentdoc.entropy(y)
    assert np.isfinite(got)
    expected = ref.entropy(y)
    ref.assert_close_ulps(got, expected, np.float16, K)
    assert ref.ulp_errors(got, expected.value, np.float16).max() <= 0.501  # rounded once


def test_K1_float64_sums_are_pairwise_along_axis_0():
    # 3000 equal terms added one by one drift by about 100 ulps; pairwise, by 1 or 2.
    y = np.full((3000, 2), 1 / 3000)
    for name in ("entropy", "distribution_cross_entropy"):
        got, expected = _ref_and_got(name, y, None if name == "entropy" else y, 0)
        ref.assert_close_ulps(got, expected, np.float64, K, context=name)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("name", ["entropy", "perplexity", "distribution_cross_entropy",
                                  "kl_divergence", "perplexity2"])
def test_K1_every_dtype_and_axis_against_mpmath(name, axis, dtype):
    # 3-D inputs, the outcomes on `axis`.
    shape = [3, 4, 5]
    y = np.moveaxis(dirichlet(10, (3, 4, 5), dtype, 0.5), -1, axis)
    p = np.moveaxis(dirichlet(11, (3, 4, 5), dtype, 0.5), -1, axis)
    name, two = ("perplexity", True) if name == "perplexity2" else (name, name not in ("entropy", "perplexity"))
    with no_warnings():
        got, expected = _ref_and_got(name, y, p if two else None, axis)
    assert np.asarray(got).dtype == dtype and np.shape(got) == tuple(np.delete(shape, -1))
    ref.assert_close_ulps(got, expected, dtype, K, context=f"{name} axis={axis}")


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("name", ["entropy", "distribution_cross_entropy", "perplexity"])
def test_K1_narrow_results_are_rounded_once(name, dtype):
    # Well-conditioned sums (non-negative terms) computed in float64 and rounded once to the
    # narrow dtype: within half an ulp, plus the float64 error (a few 2**-53, far below 1e-3 ulp).
    y = dirichlet(12, (50, 8), dtype)
    p = dirichlet(13, (50, 8), dtype)
    got, expected = _ref_and_got(name, y, None if name == "entropy" else p, -1)
    errors = ref.ulp_errors(got, expected.value, dtype)
    assert errors.max() <= 0.501, errors.max()


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_K1_information_of_narrow_probabilities(dtype):
    tiny = np.finfo(dtype).smallest_subnormal
    p = np.concatenate([[tiny, 2 * tiny], dirichlet(14, (1, 60), dtype)[0], [1 - np.finfo(dtype).epsneg]]
                       ).astype(dtype)
    for base in (None, 2, 10, 3.0):
        got = xentdoc.information(p, base=base)
        assert got.dtype == dtype
        ref.assert_close_ulps(got, ref.information(p, base=base), dtype, K, context=f"base={base}")


@pytest.mark.parametrize(("y_dtype", "p_dtype", "result"), [
    (np.float16, np.float64, np.float64),
    (np.float64, np.float16, np.float64),
    (np.float16, np.float32, np.float32),
    (np.float32, np.float64, np.float64),
    (np.int64, np.float16, np.float64),
])
@pytest.mark.parametrize("name", ["distribution_cross_entropy", "kl_divergence", "perplexity"])
def test_K1_mixed_dtypes_are_computed_in_the_widest(name, y_dtype, p_dtype, result):
    if y_dtype == np.int64:
        y = np.array([[0, 1, 0], [1, 0, 0]], dtype=np.int64)  # one-hot rows
    else:
        y = dirichlet(15, (6, 7), y_dtype)
    p = dirichlet(16, (6, 7) if y_dtype != np.int64 else (2, 3), p_dtype)
    got, expected = _ref_and_got(name, y, p, -1)
    assert np.asarray(got).dtype == result
    ref.assert_close_ulps(got, expected, result, K, context=f"{name} {y_dtype} {p_dtype}")


# --------------------------------------------------------------------------------------------
# Issue 11: one default unit (nats), agreement with scipy.stats.entropy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BASE_FUNCTIONS)
def test_units_default_base_is_none_meaning_nats(name):
    parameter = inspect.signature(getattr(xentdoc, name)).parameters["base"]
    assert parameter.default is None
    assert re.search(r"None \(default\) gives\s+nats", getattr(xentdoc, name).__doc__)


@pytest.mark.parametrize("base", ["default", 2])
def test_units_every_function_agrees_with_scipy_stats_entropy(base):
    y = dirichlet(20, (8, 6), np.float64)
    p = dirichlet(21, (8, 6), np.float64)
    kw = {} if base == "default" else {"base": base}
    h_y = scipy.stats.entropy(y, axis=-1, **kw)
    kl = scipy.stats.entropy(y, p, axis=-1, **kw)
    rtol = 1e-14
    np.testing.assert_allclose(xentdoc.entropy(y, **kw), h_y, rtol=rtol)
    np.testing.assert_allclose(xentdoc.kl_divergence(y, p, **kw), kl, rtol=rtol)
    np.testing.assert_allclose(xentdoc.distribution_cross_entropy(y, p, **kw), h_y + kl, rtol=rtol)
    # information(p_c) is the cross-entropy of the one-hot distribution at c: scipy's
    # entropy(one_hot, p) (its own entropy is 0).
    one_hot = np.eye(6)
    np.testing.assert_allclose(xentdoc.information(p[0], **kw),
                               scipy.stats.entropy(one_hot, p[0], axis=-1, **kw), rtol=rtol)
    # Perplexity has no base: exp of the entropies in nats, whatever base scipy used.
    nats = 1.0 if base == "default" else np.log(base)
    np.testing.assert_allclose(xentdoc.perplexity(y), np.exp(h_y * nats), rtol=rtol)
    np.testing.assert_allclose(xentdoc.perplexity(y, p), np.exp((h_y + kl) * nats), rtol=rtol)


def test_units_information_default_is_nats():
    p = dirichlet(22, (1, 9), np.float64)[0]
    np.testing.assert_array_equal(xentdoc.information(p), xentdoc.information(p, base=None))
    ref.assert_close_ulps(xentdoc.information(p), ref.information(p, base=None), np.float64, K)
    # One bit is ln 2 nats: the fair coin.
    assert float(xentdoc.information(0.5)) == float(np.log(2))
    assert float(xentdoc.information(0.5, base=2)) == 1.0


# --------------------------------------------------------------------------------------------
# Issue 11: notation, docstring examples, precision words
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "parameters"), [
    ("information", ["p", "base"]),
    ("entropy", ["p", "axis", "base"]),
    ("distribution_cross_entropy", ["y", "p", "axis", "base"]),
    ("kl_divergence", ["y", "p", "axis", "base"]),
    ("perplexity", ["y", "p", "axis"]),
])
def test_notation_parameters_follow_the_course(name, parameters):
    assert list(inspect.signature(getattr(xentdoc, name)).parameters) == parameters


def test_notation_keywords_work_and_mean_y_then_p():
    y, p = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    assert xentdoc.kl_divergence(p=p, y=y) == xentdoc.kl_divergence(y, p)
    assert xentdoc.kl_divergence(p=p, y=y) != xentdoc.kl_divergence(p, y)
    assert xentdoc.distribution_cross_entropy(p=p, y=y) == xentdoc.distribution_cross_entropy(y, p)
    assert xentdoc.perplexity(y=y, p=p) == xentdoc.perplexity(y, p)


def test_docstring_examples_pass_without_the_number_flag():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    tests = finder.find(MODULE)
    assert sum(len(test.examples) for test in tests) >= 10
    for test in tests:
        runner.run(test, out=lambda text: None)
    assert runner.failures == 0, f"{runner.failures} docstring examples print something else"


def test_docstrings_use_no_precision_words_that_no_test_checks():
    texts = [MODULE.__doc__] + [getattr(xentdoc, name).__doc__ for name in INFORMATION_FUNCTIONS]
    for text in texts:
        for word in ("exact", "true value", "correctly rounded", "precise"):
            assert word not in text.lower(), f"precision word {word!r} in a docstring"


# --------------------------------------------------------------------------------------------
# Breaker A7: no clamp of a KL divergence that is negative because the input missed 1
# --------------------------------------------------------------------------------------------

A7_CASES = [
    ("float16 y summing to 0.99951", np.array([0.5, 0.4995], np.float16), np.array([0.5, 0.5])),
    ("float32 thirds cast to float64", np.full(3, 1 / 3, np.float32).astype(np.float64),
     np.full(3, 1 / 3)),
    ("float64 y 5e-6 short of 1", np.array([0.3, 0.3, 0.399995]), np.array([0.25, 0.35, 0.4])),
    ("float64 y 5e-6 short of 1, near p", np.array([0.5, 0.499995]), np.array([0.5, 0.5])),
]


@pytest.mark.parametrize(("label", "y", "p"), A7_CASES, ids=[c[0] for c in A7_CASES])
def test_A7_kl_of_tolerated_inputs_is_the_unclamped_sum_as_scipy_and_torch(label, y, p):
    torch = require("torch")
    y64, p64 = y.astype(np.float64), p.astype(np.float64)
    got = xentdoc.kl_divergence(y, p)
    assert got.dtype == np.float64
    with_scipy = scipy.special.rel_entr(y64, p64).sum()
    with_torch = torch.nn.functional.kl_div(torch.log(torch.from_numpy(p64)), torch.from_numpy(y64),
                                            reduction="sum").item()
    ref.assert_close_ulps(got, ref.kl_divergence(y, p), np.float64, K, context=label)
    np.testing.assert_allclose(got, with_scipy, rtol=1e-12, atol=1e-300)
    # torch forms y (log y - log p), which cancels: agreement to 1e-15 absolute.
    np.testing.assert_allclose(got, with_torch, rtol=1e-10, atol=1e-15)
    assert (got < 0) == (with_scipy < 0)
    # KL = H(y, p) - H(y) up to rounding (the three are consistent; none is clamped).
    h_y = xentdoc.entropy(y64)
    h_yp = xentdoc.distribution_cross_entropy(y, p)
    assert abs((h_yp - h_y) - got) <= 8 * np.finfo(np.float64).eps * (abs(h_yp) + abs(h_y))
    for base in (2, 0.5):
        ref.assert_close_ulps(xentdoc.kl_divergence(y, p, base=base),
                              ref.kl_divergence(y, p, base=base), np.float64, K)


def test_A7_breaker_case_is_negative_and_cross_entropy_below_entropy():
    y, p = np.array([0.5, 0.4995], np.float16), np.array([0.5, 0.5])
    expected = ref.kl_divergence(y, p)
    assert expected.value < 0  # the premise: y sums to 0.99951 (accepted: float16 data)
    got = xentdoc.kl_divergence(y, p)
    assert got < 0
    assert xentdoc.distribution_cross_entropy(y, p) < xentdoc.entropy(y.astype(np.float64))


# --------------------------------------------------------------------------------------------
# Breaker B11: perplexity and bases other than e, 2, 10 within 2 ulps per unit of condition
# number (no log2 C allowance): float64 computed in long double where it is wider
# --------------------------------------------------------------------------------------------

INFO_MODULE = __import__("sys").modules["xentdoc.information"]


def _ulps_over_bound(got, expected, extra=0.0):
    """Error in float64 ulps divided by 2 (max(1, cond) + extra): at most 1 passes."""
    errors = np.atleast_1d(ref.ulp_errors(got, expected.value, np.float64))
    cond = np.atleast_1d(np.asarray(expected.cond, dtype=object))
    extra = np.broadcast_to(extra, errors.shape)
    return max(float(e) / (K * (max(1.0, float(c)) + float(x))) for e, c, x in zip(errors, cond, extra))


def _b11_rows():
    r = rng(111)
    for classes in (4, 64, 1000):
        for trial in range(8 if classes < 1000 else 2):
            y = r.dirichlet(np.full(classes, [0.3, 1.0, 10.0][trial % 3]))
            yield classes, y, r.dirichlet(np.ones(classes))
    # The breaker's inputs.
    yield 4, np.array([0.246, 0.335, 0.149, 0.27]), np.array([0.25, 0.25, 0.25, 0.25])
    yield 3, np.array([0.309, 0.338, 0.353]), np.array([0.2, 0.3, 0.5])


@pytest.mark.parametrize("extended", [True, False], ids=["platform", "float64-only fallback"])
def test_B11_perplexity_and_other_bases_within_the_stated_bound(extended, monkeypatch):
    if not extended:  # what a platform whose long double is float64 computes
        monkeypatch.setattr(INFO_MODULE, "_LONG_DOUBLE_IS_WIDER", False)
    strict = extended and np.finfo(np.longdouble).nmant > 52
    worst = {}
    for classes, y, p in _b11_rows():
        for two in (False, True):
            got = xentdoc.perplexity(y, p) if two else xentdoc.perplexity(y)
            expected = ref.perplexity(y, p) if two else ref.perplexity(y)
            h = abs(float(mpmath_log(expected.value)))
            worst["perplexity"] = max(worst.get("perplexity", 0),
                                      _ulps_over_bound(got, expected, 0 if strict else h))
        for base in (3, 0.5, np.e, 7.5):
            for name in ("entropy", "distribution_cross_entropy", "kl_divergence", "information"):
                got = _call(name, y, p, base)
                expected = _reference(name, y, p, base)
                worst[name] = max(worst.get(name, 0), _ulps_over_bound(got, expected, 0 if strict else 1))
    assert max(worst.values()) <= 1, worst


def test_B11_breaker_inputs_within_two_ulps_per_condition_number():
    if np.finfo(np.longdouble).nmant <= 52:
        pytest.skip("long double is float64 here: the fallback bound is tested above")
    y = np.array([0.246, 0.335, 0.149, 0.27])
    assert _ulps_over_bound(xentdoc.perplexity(y), ref.perplexity(y)) <= 0.5  # 0.43 ulp measured
    y = np.array([0.309, 0.338, 0.353])
    assert _ulps_over_bound(xentdoc.entropy(y, base=3), ref.entropy(y, base=3)) <= 0.5


def mpmath_log(value):
    import mpmath

    return mpmath.log(value)
