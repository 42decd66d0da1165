"""Claims of the pages about PyTorch's losses (index.md, cross-entropy.md, gradients.md,
binary-cross-entropy.md).

Each test runs torch on what a page says about it, where the page's own snippets do not already
show it (the page snippets run in tests/test_snippets.py). Expected values come from closed forms
computed independently of torch (NumPy, or mpmath for the rounding claims), never typed in.
Skipped without torch, failed under XENTDOC_REQUIRE_OPTIONAL=1 (``conftest.require``).
"""

from __future__ import annotations

import inspect
import re

import mpmath
import numpy as np
import pytest

import xentdoc
from conftest import require


@pytest.fixture(scope="module")
def torch():
    torch = require("torch")
    torch.set_num_threads(1)
    return torch


def _t(torch, array):
    return torch.from_numpy(np.array(array, copy=True))


# ---- index.md --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits"])
def test_losses_take_torchs_parameters_but_the_deprecated_ones(torch, name):
    """'The losses take the parameters of their torch.nn.functional counterparts, in the same
    order, except the deprecated size_average and reduce.'"""
    torch_function = getattr(torch.nn.functional, name)
    torch_parameters = list(inspect.signature(torch_function).parameters)
    deprecated = ["size_average", "reduce"]
    assert set(deprecated) <= set(torch_parameters)
    for parameter in deprecated:  # torch's own documentation calls them deprecated
        assert re.search(parameter + r" \(bool, optional\): Deprecated", torch_function.__doc__)
    expected = [p for p in torch_parameters if p not in deprecated]
    assert list(inspect.signature(getattr(xentdoc, name)).parameters) == expected


# ---- cross-entropy.md -----------------------------------------------------------------------


def test_probability_targets_refuse_ignore_index_in_torch(torch):
    """'PyTorch and xentdoc refuse an ignore_index of 0 or more with probability targets.'"""
    F = torch.nn.functional
    z = np.random.default_rng(0).normal(size=(4, 3))
    y = xentdoc.softmax(np.random.default_rng(1).normal(size=(4, 3)))
    for ignore_index in (-100, -101, -1, 0, 1, 2, 3, 100):
        try:
            expected = F.cross_entropy(_t(torch, z), _t(torch, y), ignore_index=ignore_index).item()
        except RuntimeError as error:
            assert "ignore_index" in str(error)
            assert ignore_index >= 0
            for function in (xentdoc.cross_entropy, xentdoc.cross_entropy_grad):
                with pytest.raises(ValueError, match="`ignore_index`"):
                    function(z, y, ignore_index=ignore_index)
        else:
            assert ignore_index < 0
            assert expected == pytest.approx(-(y * xentdoc.log_softmax(z)).sum(axis=1).mean(),
                                             rel=1e-14)
            # A negative ignore_index is accepted and not used, as in torch.
            assert xentdoc.cross_entropy(z, y, ignore_index=ignore_index) == pytest.approx(
                expected, rel=1e-14)


def test_torch_logsumexp_absorbs_the_small_term(torch):
    """The aside: torch's log-softmax of (40, 0) is (z - 40) - log(1 + e^-40), and the sum rounds
    to 1, so the target's entry and the loss are 0, not log1p(e^-40)."""
    F = torch.nn.functional
    z = np.array([[40.0, 0.0]])
    assert torch.logsumexp(_t(torch, z), dim=1).item() == 40.0
    assert torch.exp(_t(torch, z) - 40.0).sum().item() == 1.0
    assert F.log_softmax(_t(torch, z), dim=1).tolist() == [[0.0, -40.0]]
    assert F.cross_entropy(_t(torch, z), _t(torch, [0])).item() == 0.0
    with mpmath.workdps(40):  # local precision: reference.py's global mp.dps stays as it is
        exact = float(mpmath.log1p(mpmath.exp(-40)))
    assert exact > 0
    assert float(xentdoc.cross_entropy(z, np.array([0]))) == pytest.approx(exact, rel=1e-15)


def test_the_asides_small_losses_are_the_reference_rounded_to_float64():
    """cross-entropy.md and binary-cross-entropy.md: 'here xentdoc's result is the 60-digit mpmath
    reference rounded to float64' (the suite's general bound is 2 max(1, kappa) ulps, more for a
    reduction)."""
    with mpmath.workdps(60):
        ce = float(mpmath.log1p(mpmath.exp(-40)))      # two classes, target logit 40 above
        bce = float(mpmath.log1p(mpmath.exp(-50)))     # z = -50, y = 0: softplus(-50)
    assert float(xentdoc.cross_entropy(np.array([[40.0, 0.0]]), np.array([0]))) == ce
    assert float(xentdoc.binary_cross_entropy_with_logits(-50.0, 0.0)) == bce


@pytest.mark.parametrize("weight", [[1 / 0.7, 1 / 0.2, 1 / 0.1], [1.0, 2.0, 5.0]])
def test_class_weights_move_the_minimum_in_torch(torch, weight):
    """'With class weights the loss is smallest at p_c ∝ w_c π_c, not at p_c = π_c.'"""
    F = torch.nn.functional
    frequency = np.array([0.7, 0.2, 0.1])
    targets = _t(torch, np.repeat([0, 1, 2], [70, 20, 10]))
    weight = np.array(weight)

    def gradient_at(probabilities):
        logits = torch.tensor(np.tile(np.log(probabilities), (100, 1)), requires_grad=True)
        F.cross_entropy(logits, targets, weight=_t(torch, weight)).backward()
        return logits.grad.sum(dim=0).numpy()

    closed_form = weight * frequency / (weight * frequency).sum()
    assert np.abs(gradient_at(closed_form)).max() < 1e-14
    assert np.abs(gradient_at(frequency)).max() > 1e-2  # the frequencies are not the minimum


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_one_hot_and_index_targets_with_weight_in_torch(torch, reduction):
    """'One-hot rows and class indices with weight agree under none and sum; under mean the index
    form divides by the sum of the targets' weights, the probability form by N.'"""
    F = torch.nn.functional
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 4)) * 3
    t = rng.integers(0, 4, size=6)
    w = rng.uniform(0.1, 5.0, size=4)
    per_example = -w[t] * xentdoc.log_softmax(z)[np.arange(6), t]
    expected_index = {"none": per_example, "sum": per_example.sum(),
                      "mean": per_example.sum() / w[t].sum()}[reduction]
    expected_one_hot = per_example.sum() / 6 if reduction == "mean" else expected_index
    index = F.cross_entropy(_t(torch, z), _t(torch, t), weight=_t(torch, w), reduction=reduction)
    one_hot = F.cross_entropy(_t(torch, z), _t(torch, np.eye(4)[t]), weight=_t(torch, w), reduction=reduction)
    np.testing.assert_allclose(index.numpy(), expected_index, rtol=1e-13)
    np.testing.assert_allclose(one_hot.numpy(), expected_one_hot, rtol=1e-13)


# ---- binary-cross-entropy.md ----------------------------------------------------------------


def test_torch_clamps_each_logarithm_at_minus_100(torch):
    """'PyTorch clamps each logarithm at -100': a soft target 0.5 at p = 0 costs 0.5 * 100."""
    F = torch.nn.functional
    p = np.array([0.0, 1.0, 0.0, 1e-50])
    y = np.array([0.5, 0.25, 1.0, 1.0])
    with np.errstate(divide="ignore"):
        clamped = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))
    got = F.binary_cross_entropy(_t(torch, p), _t(torch, y), reduction="none").numpy()
    np.testing.assert_allclose(got, clamped, rtol=1e-15)
    np.testing.assert_allclose(xentdoc.binary_cross_entropy(p, y, reduction="none"), clamped, rtol=1e-15)


def test_torch_weighted_clamp_is_100_times_the_weight(torch):
    """'An unweighted element never costs more than 100, a weighted one 100 w_n.'"""
    F = torch.nn.functional
    p, y, w = np.array([0.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0]), np.array([3.0, 0.25, 7.0])
    got = F.binary_cross_entropy(_t(torch, p), _t(torch, y), weight=_t(torch, w), reduction="none")
    np.testing.assert_array_equal(got.numpy(), np.array([100.0, 100.0, 0.0]) * w)
    np.testing.assert_array_equal(xentdoc.binary_cross_entropy(p, y, weight=w, reduction="none"), got.numpy())


def test_torch_bce_mean_divides_the_weighted_terms_by_the_count(torch):
    """'"mean" averages the w_n l_n: it divides by the number of elements, not by the sum of the
    weights as cross_entropy's mean over class targets does.'"""
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    p, y, w = rng.uniform(0.05, 0.95, size=(4, 3)), rng.integers(0, 2, size=(4, 3)).astype(float), rng.uniform(0.1, 5, size=(4, 3))
    terms = -w * (y * np.log(p) + (1 - y) * np.log1p(-p))
    expected = float(mpmath.fsum(terms.ravel().tolist()) / terms.size)
    for got in (F.binary_cross_entropy(_t(torch, p), _t(torch, y), weight=_t(torch, w)).item(),
                F.binary_cross_entropy_with_logits(_t(torch, xentdoc.logit(p)), _t(torch, y), weight=_t(torch, w)).item(),
                float(xentdoc.binary_cross_entropy(p, y, weight=w))):
        assert got == pytest.approx(expected, rel=1e-13)
        assert got != pytest.approx(float(terms.sum() / w.sum()), rel=1e-6)


def test_torch_pos_weight_broadcasts_along_the_last_axis(torch):
    """'`pos_weight` has one entry per label, because it broadcasts along the last axis.'"""
    F = torch.nn.functional
    rng = np.random.default_rng(4)
    z, y = rng.normal(size=(5, 3)) * 2, rng.integers(0, 2, size=(5, 3)).astype(float)
    pos_weight = np.array([1.0, 9.0, 0.5])
    expected = pos_weight * y * xentdoc.softplus(-z) + (1 - y) * xentdoc.softplus(z)   # column j uses entry j
    got = F.binary_cross_entropy_with_logits(_t(torch, z), _t(torch, y), pos_weight=_t(torch, pos_weight),
                                             reduction="none").numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    np.testing.assert_allclose(xentdoc.binary_cross_entropy_with_logits(z, y, pos_weight=pos_weight, reduction="none"),
                               expected, rtol=1e-13)


def test_torch_bce_with_logits_is_one_minus_y_times_z_minus_log_sigmoid(torch):
    """'PyTorch computes (1 - y) z - log σ(z)': at z = -50, y = 0 that is -50 + 50 = 0 in float64."""
    F = torch.nn.functional
    z = _t(torch, np.array([-50.0, -20.0, -3.0, 0.5, 3.0, 20.0, 50.0, -700.0]))
    for target in (0.0, 1.0, 0.3):
        y = torch.full_like(z, target)
        got = F.binary_cross_entropy_with_logits(z, y, reduction="none")
        assert torch.equal(got, (1 - y) * z - F.logsigmoid(z)), target
    assert F.logsigmoid(_t(torch, np.array(-50.0))).item() == -50.0
    assert F.binary_cross_entropy_with_logits(_t(torch, np.array(-50.0)), _t(torch, np.array(0.0))).item() == 0.0


@pytest.mark.parametrize("positives, pos_weight", [(10, 9.0), (10, 1.0), (25, 3.0), (40, 0.5)])
def test_pos_weight_multiplies_the_optimal_odds_in_torch(torch, positives, pos_weight):
    """'pos_weight multiplies the optimal odds by w+: 10% positives and w+ = 9 give σ = 0.5.'"""
    F = torch.nn.functional
    targets = _t(torch, np.array([1.0] * positives + [0.0] * (100 - positives)))
    frequency = positives / 100

    def gradient_at(probability):
        z = torch.full((100,), float(np.log(probability / (1 - probability))), dtype=torch.float64,
                       requires_grad=True)
        F.binary_cross_entropy_with_logits(
            z, targets, pos_weight=torch.tensor(pos_weight, dtype=torch.float64)).backward()
        return z.grad.sum().item()

    odds = pos_weight * frequency / (1 - frequency)
    assert abs(gradient_at(odds / (1 + odds))) < 1e-14
    if pos_weight != 1.0:
        assert abs(gradient_at(frequency)) > 1e-2  # the frequency is not the minimum


def test_sigmoid_rounds_to_one_between_53_and_54_ln2():
    """'xentdoc.sigmoid returns 1.0 from z ≈ 36.7 (e^-z < 2^-53); the float nearest σ(z) is 1 only
    from 54 ln 2 ≈ 37.4; in between, xentdoc's 1.0 is one float above it.'"""
    below = np.nextafter(53 * np.log(2), 0)
    above = np.nextafter(53 * np.log(2), 100)
    assert xentdoc.sigmoid(below) < 1.0 and xentdoc.sigmoid(above) == 1.0
    with mpmath.workdps(50):
        for z in (37.0, 37.4):
            nearest = float(1 / (1 + mpmath.exp(-mpmath.mpf(z))))
            assert nearest == 1 - 2.0**-53 and xentdoc.sigmoid(z) == 1.0
        for z in (37.5, 40.0):
            assert float(1 / (1 + mpmath.exp(-mpmath.mpf(z)))) == 1.0 == xentdoc.sigmoid(z)
