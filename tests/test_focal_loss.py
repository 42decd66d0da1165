"""xentdoc.sigmoid_focal_loss against mpmath, against torchvision's formula in torch, and on bad input.

The mpmath reference evaluates, at 60 digits on the exact binary value of every argument,

    loss = alpha_t * (1 - p_t)**gamma * (-log p_t)

with -log p_t = y softplus(-z) + (1 - y) softplus(z), 1 - p_t = y sigma(-z) + (1 - y) sigma(z) and
alpha_t = alpha y + (1 - alpha)(1 - y) (1 when alpha < 0), the definition of Lin et al. (2017)
in the form torchvision.ops.sigmoid_focal_loss computes. The error is measured in ulps of the
result's dtype and must stay within K * (max(1, cond) + extra) ulps, cond being the condition
number in the logits (and in soft targets); labels 0 and 1, alpha and gamma are exact, so they
add nothing to it.

torchvision is not a dependency: `torchvision_sigmoid_focal_loss` below writes its formula
(torchvision/ops/focal_loss.py in pytorch/vision) with torch.nn.functional, as that source does.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from mpmath import mpf

import reference as ref
import xentdoc
from conftest import require

K = 2.0  # ulps per unit of condition number, as in tests/test_accuracy.py
REDUCTION_EXTRA = 2.0
GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
ALPHAS = [0.25, -1.0, 1.0, 0.0]


def adversarial_logits(dtype):
    """Logits from -1e3 to 1e3: the tails where sigma rounds to 0 or 1, 0, tiny ones, ordinary ones."""
    tiny = 1e-300 if dtype == np.float64 else 1e-40
    magnitudes = [1e3, 745.0, 700.0, 100.0, 88.0, 40.0, 37.0, 20.0, 17.0, 5.0, 1.0, 0.5, 0.01,
                  1e-8, tiny]
    values = np.array([0.0] + magnitudes + [-m for m in magnitudes])
    values = np.concatenate([values, np.random.default_rng(0).standard_normal(20) * 4])
    return values.astype(dtype)


def mp_focal(x, y, alpha, gamma, with_target=False):
    """(loss, condition numerator) in mpmath for one element."""
    gamma = mpf(gamma)
    sp_neg, sp_pos = ref._softplus(-x), ref._softplus(x)
    s_neg, s_pos = ref._sigmoid(-x), ref._sigmoid(x)
    ce = y * sp_neg + (1 - y) * sp_pos
    q = y * s_neg + (1 - y) * s_pos                      # 1 - p_t
    a = ref.ONE if alpha < 0 else mpf(alpha) * y + (1 - mpf(alpha)) * (1 - y)
    modulating = q ** gamma if q != 0 else (ref.ONE if gamma == 0 else ref.ZERO)
    loss = a * modulating * ce
    # d/dx: ce' = -y sigma(-x) + (1 - y) sigma(x); q' = (1 - 2y) sigma(x) sigma(-x)
    d_ce = -y * s_neg + (1 - y) * s_pos
    d_q = (1 - 2 * y) * s_pos * s_neg
    d_x = a * (modulating * d_ce + (gamma * q ** (gamma - 1) * d_q * ce if gamma != 0 else 0))
    numerator = abs(x * d_x)
    if with_target:
        d_a = ref.ZERO if alpha < 0 else 2 * mpf(alpha) - 1
        d_ce_y = sp_neg - sp_pos
        d_q_y = s_neg - s_pos
        d_y = (d_a * modulating * ce + a * modulating * d_ce_y
               + (a * gamma * q ** (gamma - 1) * d_q_y * ce if gamma != 0 else 0))
        numerator += abs(y * d_y)
    return loss, numerator


def reference(x, y, alpha, gamma, reduction="none", with_target=False):
    xs, ys = ref.to_mp(x), ref.to_mp(y)
    values, nums = [], []
    for index in np.ndindex(xs.shape):
        loss, numerator = mp_focal(xs[index], ys[index], alpha, gamma, with_target)
        values.append(loss)
        nums.append(numerator)
    if reduction == "none":
        value, cond = np.empty(xs.shape, object), np.empty(xs.shape, object)
        for index, v, n in zip(np.ndindex(xs.shape), values, nums):
            value[index], cond[index] = v, ref._cond(n, v)
        return ref.Ref(value, cond)
    total, numerator = mpmath.fsum(values), mpmath.fsum(nums)
    if reduction == "sum":
        return ref.Ref(total, ref._cond(numerator, total), len(values))
    return ref.Ref(total / len(values), ref._cond(numerator, total), len(values))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_labels_against_mpmath(dtype, gamma, alpha):
    x = adversarial_logits(dtype)
    for label in (0.0, 1.0):
        y = np.full_like(x, label)
        got = xentdoc.sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma)
        ref.assert_close_ulps(got, reference(x, y, alpha, gamma), dtype, K,
                              context=f"focal y={label} gamma={gamma} alpha={alpha}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("gamma", [0.5, 2.0])
def test_soft_targets_against_mpmath(dtype, gamma):
    x = adversarial_logits(dtype)
    y = np.random.default_rng(1).choice([0.3, 0.9, 1e-3, 0.5], size=x.shape).astype(dtype)
    got = xentdoc.sigmoid_focal_loss(x, y, gamma=gamma)
    ref.assert_close_ulps(got, reference(x, y, 0.25, gamma, with_target=True), dtype, K,
                          context=f"focal soft gamma={gamma}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_reductions_against_mpmath(dtype, reduction):
    x = adversarial_logits(dtype)
    y = np.random.default_rng(2).choice([0.0, 1.0], size=x.shape).astype(dtype)
    got = xentdoc.sigmoid_focal_loss(x, y, reduction=reduction)
    ref.assert_close_ulps(got, reference(x, y, 0.25, 2.0, reduction), dtype, K,
                          extra=REDUCTION_EXTRA, context=f"focal {reduction}")


def test_float16_input_keeps_its_dtype_and_is_rounded_once():
    x = np.array([-8.0, -1.0, 0.0, 0.5, 3.0, 11.0], dtype=np.float16)
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0], dtype=np.float16)
    got = xentdoc.sigmoid_focal_loss(x, y)
    assert got.dtype == np.float16
    ref.assert_close_ulps(got, reference(x, y, 0.25, 2.0), np.float16, K, context="focal float16")


def test_mixed_dtypes_use_the_widest_and_return_the_input_dtype():
    x = np.array([0.3, -2.0, 40.0], dtype=np.float32)
    y = np.array([1.0, 0.3, 1.0], dtype=np.float64)   # not rounded to float32 first
    got = xentdoc.sigmoid_focal_loss(x, y)
    assert got.dtype == np.float32
    ref.assert_close_ulps(got, reference(x, y, 0.25, 2.0, with_target=True), np.float32, K,
                          context="focal mixed")


# --------------------------------------------------------------------------------------------
# torchvision's formula, written in torch as its source does
# --------------------------------------------------------------------------------------------


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    torch = require("torch")
    F = torch.nn.functional
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("soft", [False, True])
def test_matches_torchvision_formula_on_ordinary_inputs(alpha, gamma, reduction, soft):
    torch = require("torch")
    rng = np.random.default_rng(3)
    z = rng.standard_normal((6, 5)) * 3
    y = rng.uniform(size=z.shape) if soft else rng.integers(0, 2, size=z.shape).astype(np.float64)
    expected = torchvision_sigmoid_focal_loss(torch.tensor(z), torch.tensor(y), alpha, gamma,
                                              reduction).numpy()
    got = xentdoc.sigmoid_focal_loss(z, y, alpha=alpha, gamma=gamma, reduction=reduction)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    # float32 arguments: within float32's precision of the float64 formula (torch's own float32
    # run of the formula loses more where the loss is small, so it is not the yardstick here).
    z32, y32 = z.astype(np.float32), y.astype(np.float32)
    expected32 = torchvision_sigmoid_focal_loss(torch.tensor(z32, dtype=torch.float64),
                                                torch.tensor(y32, dtype=torch.float64), alpha, gamma,
                                                reduction).numpy()
    got32 = xentdoc.sigmoid_focal_loss(z32, y32, alpha=alpha, gamma=gamma, reduction=reduction)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, expected32, rtol=2 * np.finfo(np.float32).eps, atol=0)


def _torchvision_one_minus_p_t(z, y):
    """1 - p_t as torchvision's formula forms it, in float32."""
    torch = require("torch")
    z, y = torch.tensor(z, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    p = torch.sigmoid(z)
    return (1 - (p * y + (1 - p) * (1 - y))).numpy()


def test_torchvision_one_minus_p_t_is_0_in_float32_from_16_6_for_y_1_and_minus_17_3_for_y_0():
    """The docstring's thresholds, on every float32 step of 0.001 around them."""
    z = np.arange(16.0, 18.0, 0.001, dtype=np.float32)
    q1 = _torchvision_one_minus_p_t(z, np.ones_like(z))                 # y = 1, z > 0
    first = z[np.argmax(q1 == 0)]
    assert 16.6 <= first < 16.7 and np.all(q1[z >= first] == 0) and np.all(q1[z < first] > 0)
    q0 = _torchvision_one_minus_p_t(-z, np.zeros_like(z))               # y = 0, z < 0
    first = -z[np.argmax(q0 == 0)]
    assert -17.4 < first <= -17.3 and np.all(q0[-z <= first] == 0) and np.all(q0[-z > first] > 0)


def test_torch_float32_bce_with_logits_rounds_the_negative_term_to_0_from_minus_14_6():
    """The docstring's claim: for y = 0 torchvision's float32 loss is 0 from z of about -14.6."""
    torch = require("torch")
    F = torch.nn.functional
    z = -np.arange(14.0, 18.0, 0.001, dtype=np.float32)
    ce = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.zeros(z.size), reduction="none").numpy()
    first = z[np.argmax(ce == 0)]
    assert -14.6 <= first < -14.5 and np.all(ce[z <= first] == 0) and np.all(ce[z > first] > 0)
    theirs = torchvision_sigmoid_focal_loss(torch.tensor(z), torch.zeros(z.size)).numpy()
    assert np.all(theirs[z <= first] == 0)
    assert np.all(xentdoc.sigmoid_focal_loss(z, np.zeros_like(z)) > 0)


def test_torchvision_formula_loses_the_loss_where_p_t_rounds_to_1_in_float32():
    """torchvision's float32 loss is 0 far on the correct side; xentdoc's keeps its value."""
    torch = require("torch")
    z = np.array([16.5, 16.7, 18.0, 20.0, -16.7, -20.0], dtype=np.float32)
    y = np.array([1.0, 1.0, 1.0, 1.0, 0.0, 0.0], dtype=np.float32)
    theirs = torchvision_sigmoid_focal_loss(torch.tensor(z), torch.tensor(y)).numpy()
    ours = xentdoc.sigmoid_focal_loss(z, y)
    assert theirs[0] > 0 and np.all(theirs[1:] == 0)
    assert np.all(ours > 0)
    ref.assert_close_ulps(ours, reference(z, y, 0.25, 2.0), np.float32, K, context="focal far")


def test_torchvision_parameter_names_are_not_accepted_as_keywords():
    """xentdoc keeps `input` and `target` (as its other losses); torchvision's `inputs`, `targets` raise."""
    z, y = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    np.testing.assert_array_equal(xentdoc.sigmoid_focal_loss(input=z, target=y),
                                  xentdoc.sigmoid_focal_loss(z, y))
    with pytest.raises(TypeError, match="inputs"):
        xentdoc.sigmoid_focal_loss(inputs=z, targets=y)


# --------------------------------------------------------------------------------------------
# Special cases: gamma = 0 and alpha < 0 give binary cross-entropy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_gamma_0_without_alpha_is_binary_cross_entropy_with_logits(dtype, reduction):
    x = adversarial_logits(dtype)
    y = np.random.default_rng(4).choice([0.0, 1.0, 0.3], size=x.shape).astype(dtype)
    got = xentdoc.sigmoid_focal_loss(x, y, alpha=-1, gamma=0, reduction=reduction)
    bce = xentdoc.binary_cross_entropy_with_logits(x, y, reduction=reduction)
    assert np.asarray(got).dtype == np.asarray(bce).dtype == dtype
    np.testing.assert_allclose(got, bce, rtol=4 * np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("alpha", [0.25, 0.9])
def test_gamma_0_with_alpha_is_bce_weighted_by_alpha_t(alpha):
    x = adversarial_logits(np.float64)
    y = np.random.default_rng(5).choice([0.0, 1.0], size=x.shape)
    weight = np.where(y == 1, alpha, 1 - alpha)
    got = xentdoc.sigmoid_focal_loss(x, y, alpha=alpha, gamma=0)
    bce = xentdoc.binary_cross_entropy_with_logits(x, y, weight=weight, reduction="none")
    # atol: a subnormal result (|z| near 745) may differ by one subnormal spacing.
    tiny = float(np.finfo(np.float64).smallest_subnormal)
    np.testing.assert_allclose(got, bce, rtol=4 * np.finfo(np.float64).eps, atol=2 * tiny)


def test_every_negative_alpha_means_no_weighting():
    x = adversarial_logits(np.float64)
    y = np.random.default_rng(6).choice([0.0, 1.0], size=x.shape)
    unweighted = xentdoc.sigmoid_focal_loss(x, y, alpha=-1)
    for alpha in (-0.5, -1e-9, -3.0, -10**400):
        np.testing.assert_array_equal(xentdoc.sigmoid_focal_loss(x, y, alpha=alpha), unweighted)


def test_infinite_logits_and_nan():
    z = np.array([np.inf, np.inf, -np.inf, -np.inf, np.nan, 1.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, np.nan])
    got = xentdoc.sigmoid_focal_loss(z, y, alpha=-1)
    np.testing.assert_array_equal(got[:4], [0.0, np.inf, 0.0, np.inf])
    assert np.all(np.isnan(got[4:]))
    # a weight of 0 (alpha = 1 on a negative, alpha = 0 on a positive) makes even an infinite loss 0
    np.testing.assert_array_equal(xentdoc.sigmoid_focal_loss(z[:4], y[:4], alpha=1.0), [0.0, 0.0, 0.0, np.inf])
    np.testing.assert_array_equal(xentdoc.sigmoid_focal_loss(z[:4], y[:4], alpha=0.0), [0.0, np.inf, 0.0, 0.0])


# --------------------------------------------------------------------------------------------
# Bad input: a ValueError or TypeError that names the parameter
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, match", [
    ({"gamma": -0.5}, ValueError, "`gamma` must be a finite number >= 0"),
    ({"gamma": np.inf}, ValueError, "`gamma`"),
    ({"gamma": np.nan}, ValueError, "`gamma`"),
    ({"gamma": "2"}, TypeError, "`gamma` must be a real number"),
    ({"gamma": True}, TypeError, "`gamma`"),
    ({"alpha": 1.5}, ValueError, r"`alpha` must be a weight in \[0, 1\], or negative"),
    ({"alpha": np.nan}, ValueError, "`alpha`"),
    ({"alpha": None}, TypeError, "`alpha` must be a real number"),
    ({"gamma": 10**400}, ValueError, "`gamma` must be a finite number >= 0"),  # OverflowError before
    ({"alpha": 10**400}, ValueError, "`alpha` must be a weight in"),
    ({"reduction": "avg"}, ValueError, "`reduction` must be 'none', 'mean' or 'sum'"),
    ({"reduction": None}, TypeError, "`reduction`"),
])
def test_bad_parameters_raise_naming_them(kwargs, error, match):
    with pytest.raises(error, match=match):
        xentdoc.sigmoid_focal_loss(np.zeros(3), np.ones(3), **kwargs)


def test_bad_arrays_raise_naming_them():
    with pytest.raises(ValueError, match="`target` must have the same shape as `input`"):
        xentdoc.sigmoid_focal_loss(np.zeros(3), np.ones(4))
    with pytest.raises(ValueError, match="`target` must hold probabilities in \\[0, 1\\]"):
        xentdoc.sigmoid_focal_loss(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(TypeError, match="`input` must be an array of real numbers"):
        xentdoc.sigmoid_focal_loss(np.zeros(2, dtype=complex), np.ones(2))


# Breaker, second round: a large gamma where p_t is close to 1 and the loss still in range
# (z near log gamma for y = 0). A power of the rounded sigma multiplied its rounding by gamma.
_LARGE_GAMMA_CASES = [(np.float64, 12.815510557964274, 1e6), (np.float64, 15.420680743952367, 1e8),
                      (np.float64, 14.189295598122413, 3e4), (np.float32, 24.328436, 1e11),
                      (np.float64, 9.21044036697651, 1e4), (np.float32, 5.0, 150.0)]


@pytest.mark.parametrize("label", [0.0, 1.0])
@pytest.mark.parametrize("dtype, logit, gamma", _LARGE_GAMMA_CASES)
def test_large_gamma_near_certainty_against_mpmath(dtype, logit, gamma, label):
    z = np.array([logit if label == 0.0 else -logit, 0.5, -2.0], dtype)
    y = np.full_like(z, label)
    got = xentdoc.sigmoid_focal_loss(z, y, alpha=-1, gamma=gamma)
    ref.assert_close_ulps(got, reference(z, y, -1, gamma), dtype, K,
                          context=f"focal gamma={gamma} y={label}")


# Breaker, third round: a soft target near 0 on the side where p_t is small, with a large gamma
# (gamma p_t near 1, so the loss is well conditioned). 1 - p_t was formed as a sum close to 1,
# whose absolute rounding the power multiplied by gamma: 7.7 ulps at condition number 2 for
# gamma = 1e5 in float64, 2e8 ulps at gamma = 1e12, 1.4e4 ulps in float32 at gamma = 1e14.
_SOFT_LARGE_GAMMA_CASES = [(np.float64, 30.0, 1e-5, 1e5), (np.float64, 40.0, 1e-12, 1e12),
                           (np.float32, 30.0, 1e-10, 1e10), (np.float32, 40.0, 1e-14, 1e14)]


@pytest.mark.parametrize("dtype, logit, target, gamma", _SOFT_LARGE_GAMMA_CASES)
@pytest.mark.parametrize("alpha", [-1.0, 0.25])
def test_soft_target_large_gamma_against_mpmath(dtype, logit, target, gamma, alpha):
    z = np.array([logit, logit, 2 * logit, 0.5], dtype)
    y = np.array([target, 2 * target, target, target], dtype)
    got = xentdoc.sigmoid_focal_loss(z, y, alpha=alpha, gamma=gamma)
    ref.assert_close_ulps(got, reference(z, y, alpha, gamma, with_target=True), dtype, K,
                          context=f"focal soft y={target} gamma={gamma}")


def test_targets_outside_0_1_raise_here_while_torchvision_formula_returns_a_negative_loss():
    """The docstring's claim: torch's BCE with logits accepts y = 2, and the formula goes negative."""
    torch = require("torch")
    z, y = np.array([0.5, 3.0]), np.array([2.0, -1.0])
    theirs = torchvision_sigmoid_focal_loss(torch.tensor(z), torch.tensor(y), alpha=-1).numpy()
    assert theirs[0] < 0 and np.all(np.isfinite(theirs))
    with pytest.raises(ValueError, match=r"`target` must hold probabilities in \[0, 1\]"):
        xentdoc.sigmoid_focal_loss(z, y, alpha=-1)
