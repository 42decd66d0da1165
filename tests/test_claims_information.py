"""What the information-theory page, the cheat sheet and the home page say about SciPy and PyTorch.

Each test runs the library and compares it with an mpmath reference (tests/reference.py) or with
the library's own per-example results, never with typed-in values:

- information-theory.md, "In SciPy and PyTorch": both libraries work in nats;
  ``scipy.stats.entropy(y, p)`` is the KL divergence, not the cross-entropy, and it rescales its
  inputs to sum to 1; ``torch.nn.functional.kl_div`` takes the model's log-probabilities first and
  the data's distribution second, and its "batchmean" is the mean KL over a batch;
  ``F.cross_entropy`` with probability targets is H(y, p) in nats.
- cheat-sheet.md, "Losses": the "mean" reduction divides by the sum of the targets' weights for
  class-index targets (over the targets not ignored; none left gives NaN) and by N for probability
  targets; ``binary_cross_entropy`` clamps each logarithm at -100.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import reference as ref
from conftest import require

RNG = np.random.default_rng(20240611)
DISTRIBUTIONS = [RNG.dirichlet(np.full(5, alpha)) for alpha in (0.3, 1.0, 5.0)]
PAIRS = [(RNG.dirichlet(np.ones(4)), RNG.dirichlet(np.ones(4))) for _ in range(3)]


@pytest.fixture(scope="module")
def scipy_stats():
    require("scipy")
    import scipy.stats

    return scipy.stats


@pytest.fixture(scope="module")
def torch():
    torch = require("torch")
    torch.set_num_threads(1)
    return torch


def _reference_cross_entropy_of_logits(z, y):
    """-sum_c y_c log softmax(z)_c in mpmath (nats)."""
    zs, ys = ref.to_mp(z), ref.to_mp(y)
    lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs))
    return -mpmath.fsum(yc * (zc - lse) for yc, zc in zip(ys, zs))


# --- SciPy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("y", DISTRIBUTIONS, ids=["peaked", "flat-ish", "near-uniform"])
@pytest.mark.parametrize("base", [None, 2])
def test_scipy_entropy_is_in_nats_unless_given_a_base(scipy_stats, y, base):
    got = np.float64(scipy_stats.entropy(y) if base is None else scipy_stats.entropy(y, base=base))
    ref.assert_close_ulps(got, ref.entropy(y, base=base), np.float64, k=8, context=f"base={base}")


@pytest.mark.parametrize(("y", "p"), PAIRS)
def test_scipy_entropy_of_two_distributions_is_kl_not_cross_entropy(scipy_stats, y, p):
    got = np.float64(scipy_stats.entropy(y, p))
    ref.assert_close_ulps(got, ref.kl_divergence(y, p), np.float64, k=8)
    # The cross-entropy differs from it by H(y) > 0: far more than rounding.
    cross = float(ref.distribution_cross_entropy(y, p).value)
    assert abs(float(got) - cross) > 0.1 * float(ref.entropy(y).value)


@pytest.mark.parametrize("scale", [0.5, 3.0, 1000.0])
def test_scipy_entropy_rescales_its_input_to_sum_to_1(scipy_stats, scale):
    y = DISTRIBUTIONS[1]
    got = np.float64(scipy_stats.entropy(scale * y))
    ref.assert_close_ulps(got, ref.entropy(y), np.float64, k=8, extra=4)


@pytest.mark.parametrize("scale", [0.5, 3.0, 1000.0])
def test_scipy_entropy_rescales_the_second_distribution_too(scipy_stats, scale):
    y, p = PAIRS[0]
    got = np.float64(scipy_stats.entropy(y, scale * p))
    ref.assert_close_ulps(got, ref.kl_divergence(y, p), np.float64, k=8, extra=4)


# --- PyTorch -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("y", "p"), PAIRS)
def test_torch_kl_div_takes_the_models_log_probabilities_first(torch, y, p):
    import torch.nn.functional as F

    got = F.kl_div(torch.log(torch.from_numpy(p)), torch.from_numpy(y), reduction="sum").item()
    forward = float(ref.kl_divergence(y, p).value)   # D_KL(y || p)
    reverse = float(ref.kl_divergence(p, y).value)   # D_KL(p || y)
    assert got == pytest.approx(forward, rel=1e-12, abs=1e-15)
    assert abs(forward - reverse) > 1e-3, "pick distributions whose two KL divergences differ"
    assert got != pytest.approx(reverse, rel=1e-6)


def test_torch_kl_div_batchmean_is_the_mean_kl_over_the_batch(torch):
    import torch.nn.functional as F

    y = np.stack([pair[0] for pair in PAIRS])
    p = np.stack([pair[1] for pair in PAIRS])
    got = F.kl_div(torch.log(torch.from_numpy(p)), torch.from_numpy(y), reduction="batchmean").item()
    expected = mpmath.fsum(ref.kl_divergence(y[n], p[n]).value for n in range(len(y))) / len(y)
    assert got == pytest.approx(float(expected), rel=1e-12)
    # The default reduction, "mean", divides by the number of entries instead: not a KL divergence
    # (torch 2.13 warns that a future major release will make it behave like "batchmean").
    with pytest.warns(UserWarning, match="batchmean"):
        default = F.kl_div(torch.log(torch.from_numpy(p)), torch.from_numpy(y)).item()
    assert default == pytest.approx(float(expected) / y.shape[1], rel=1e-12)


def test_torch_cross_entropy_with_probability_targets_is_h_y_p_in_nats(torch):
    import torch.nn.functional as F

    z = RNG.normal(size=(4, 5)) * 3
    y = RNG.dirichlet(np.ones(5), size=4)
    got = F.cross_entropy(torch.from_numpy(z), torch.from_numpy(y), reduction="none").numpy()
    for n in range(4):
        expected = float(_reference_cross_entropy_of_logits(z[n], y[n]))
        assert got[n] == pytest.approx(expected, rel=1e-13), n


@pytest.mark.parametrize("y", DISTRIBUTIONS, ids=["peaked", "flat-ish", "near-uniform"])
def test_torch_categorical_entropy_is_in_nats(torch, y):
    got = torch.distributions.Categorical(probs=torch.from_numpy(y)).entropy().item()
    assert got == pytest.approx(float(ref.entropy(y).value), rel=1e-13)


# --- The cheat sheet's reduction rules and clamp, as PyTorch has them ---------------------------------


def test_torch_mean_of_class_targets_divides_by_the_targets_weights(torch):
    import torch.nn.functional as F

    z = torch.from_numpy(RNG.normal(size=(6, 4)))
    t = torch.tensor([0, 3, 1, -100, 3, 2])
    w = torch.tensor([0.5, 2.0, 1.0, 4.0], dtype=torch.float64)
    per_example = F.cross_entropy(z, t, weight=w, reduction="none").numpy()
    kept = t.numpy() != -100
    denominator = mpmath.fsum(ref.to_mp(w.numpy()[t.numpy()[kept]]))
    expected = mpmath.fsum(ref.to_mp(per_example)) / denominator
    mean = F.cross_entropy(z, t, weight=w, reduction="mean").item()
    assert mean == pytest.approx(float(expected), rel=1e-14)
    assert mean != pytest.approx(float(mpmath.fsum(ref.to_mp(per_example)) / len(t)), rel=1e-6)
    everything_ignored = torch.full((6,), -100)
    assert np.isnan(F.cross_entropy(z, everything_ignored, weight=w, reduction="mean").item())


def test_torch_mean_of_probability_targets_divides_by_n(torch):
    import torch.nn.functional as F

    z = torch.from_numpy(RNG.normal(size=(6, 4)))
    y = torch.from_numpy(RNG.dirichlet(np.ones(4), size=6))
    w = torch.tensor([0.5, 2.0, 1.0, 4.0], dtype=torch.float64)
    per_example = F.cross_entropy(z, y, weight=w, reduction="none").numpy()
    mean = F.cross_entropy(z, y, weight=w, reduction="mean").item()
    assert mean == pytest.approx(float(mpmath.fsum(ref.to_mp(per_example)) / 6), rel=1e-14)


def test_torch_binary_cross_entropy_clamps_each_log_at_minus_100(torch):
    import torch.nn.functional as F

    # log(0) = -inf and log(1e-50) = -115.1 are both clamped: the loss of a wrong certainty is 100.
    p = np.array([0.0, 1e-50, 1.0, 1.0 - 2.0**-53])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    got = F.binary_cross_entropy(torch.from_numpy(p), torch.from_numpy(y), reduction="none").numpy()
    exact_p = ref.to_mp(p)
    for index in range(len(p)):
        log_likelihood = mpmath.log(exact_p[index]) if y[index] == 1 else mpmath.log1p(-exact_p[index])
        expected = -max(log_likelihood, mpmath.mpf(-100))
        assert got[index] == pytest.approx(float(expected), rel=1e-14), index
