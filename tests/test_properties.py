"""Property tests (hypothesis): identities every input must satisfy.

Invariance of softmax/log_softmax/cross_entropy to a constant shift, probabilities summing to
one, H(p, q) = H(p) + KL(p || q), Gibbs' inequality KL >= 0 with 0 only for p = q,
sigmoid(a - b) == softmax([a, b])[0], cross_entropy_grad == softmax - onehot, and a
finite-difference check of the gradient.

Every test runs with ``derandomize=True`` (examples drawn from a fixed seed, no example
database), so a run in CI is deterministic; the number of examples stays moderate to keep the
suite fast. Tolerances are in ulps (``np.finfo(dtype).eps`` multiples) scaled by the size of
the quantities involved, because each identity compares two differently rounded computations.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import xentdoc

# Every input drawn here is finite: the issue forbids any RuntimeWarning for finite input.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
EPS = np.finfo(np.float64).eps


def logits(max_classes=8, bound=1e4, min_classes=1):
    """(N, C) float64 logits with |x| <= bound (finite)."""
    shapes = st.tuples(st.integers(1, 4), st.integers(min_classes, max_classes))
    return shapes.flatmap(lambda shape: hnp.arrays(
        np.float64, shape,
        elements=st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)))


@st.composite
def logits_and_targets(draw, max_classes=8, bound=1e4):
    x = draw(logits(max_classes, bound))
    n, c = x.shape
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return x, target


@st.composite
def distributions(draw, size=None, allow_zeros=True, min_size=1, max_size=8):
    """A float64 probability vector: non-negative weights normalised to sum to 1."""
    n = size if size is not None else draw(st.integers(min_size, max_size))
    low = 0.0 if allow_zeros else 1e-3
    weights = np.array(draw(st.lists(st.floats(low, 1.0), min_size=n, max_size=n)))
    assume(weights.sum() > 1e-3)
    p = weights / weights.sum()
    return p


@st.composite
def distribution_pairs(draw, q_positive=True):
    n = draw(st.integers(1, 8))
    p = draw(distributions(size=n))
    q = draw(distributions(size=n, allow_zeros=not q_positive))
    return p, q


shifts = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def _close(a, b, scale, ulps=64):
    """|a - b| <= ulps * eps * scale elementwise (scale: the size of the rounded quantities)."""
    a, b = np.asarray(a), np.asarray(b)
    tolerance = ulps * EPS * np.maximum(scale, np.finfo(np.float64).tiny)
    return np.all(np.abs(a - b) <= tolerance)


# --------------------------------------------------------------------------------------------
# Shift invariance and normalisation
# --------------------------------------------------------------------------------------------


@DETERMINISTIC
@given(x=logits(bound=100.0), shift=shifts)
def test_softmax_invariant_to_a_constant_shift(x, shift):
    shifted = x + shift
    # Rounding x + shift changes each logit by up to ulp(|x| + |shift|): that is the tolerance.
    scale = np.abs(x) + abs(shift) + 1
    a, b = xentdoc.softmax(x), xentdoc.softmax(shifted)
    assert _close(a, b, a * scale.max() * 4 + EPS)


@DETERMINISTIC
@given(x=logits(bound=100.0), shift=shifts)
def test_log_softmax_invariant_to_a_constant_shift(x, shift):
    scale = np.abs(x).max() + abs(shift) + 1
    assert _close(xentdoc.log_softmax(x), xentdoc.log_softmax(x + shift), scale * 4)


@DETERMINISTIC
@given(data=logits_and_targets(bound=100.0), shift=shifts)
def test_cross_entropy_invariant_to_a_constant_shift(data, shift):
    x, target = data
    scale = np.abs(x).max() + abs(shift) + 1
    a = xentdoc.cross_entropy(x, target, reduction="none")
    b = xentdoc.cross_entropy(x + shift, target, reduction="none")
    assert _close(a, b, scale * 4)


@DETERMINISTIC
@given(x=logits(max_classes=40), temperature=st.floats(0.01, 100.0))
def test_softmax_sums_to_one_and_is_a_distribution(x, temperature):
    probs = xentdoc.softmax(x, temperature=temperature)
    assert np.all(probs >= 0) and np.all(probs <= 1)
    assert np.all(np.abs(probs.sum(axis=-1) - 1) <= 4 * EPS * x.shape[-1])
    # exp(log_softmax) is softmax
    assert _close(np.exp(xentdoc.log_softmax(x, temperature=temperature)), probs, probs + EPS, ulps=8 * 1e4)


@DETERMINISTIC
@given(x=logits(max_classes=40))
def test_log_softmax_is_x_minus_logsumexp(x):
    lse = xentdoc.logsumexp(x, keepdims=True)
    assert np.all(xentdoc.log_softmax(x) <= 0)
    scale = np.abs(x).max(axis=-1, keepdims=True) + 1
    assert _close(xentdoc.log_softmax(x), x - lse, scale * 2)
    assert np.all(lse >= x.max(axis=-1, keepdims=True))


@DETERMINISTIC
@given(a=st.floats(-1e3, 1e3), b=st.floats(-1e3, 1e3))
def test_sigmoid_of_difference_is_two_class_softmax(a, b):
    # Exact when a - b is exact (Sterbenz) and close otherwise: a - b rounds once.
    probs = xentdoc.softmax(np.array([a, b]))
    s = xentdoc.sigmoid(np.float64(a) - np.float64(b))
    scale = (abs(a) + abs(b) + 1) * max(s * (1 - s), EPS)
    assert abs(probs[0] - s) <= 8 * EPS * (s + scale)
    assert abs(probs[1] - xentdoc.sigmoid(np.float64(b) - np.float64(a))) <= 8 * EPS * (probs[1] + scale)


@DETERMINISTIC
@given(x=st.floats(-1e4, 1e4))
def test_sigmoid_relatives(x):
    s = xentdoc.sigmoid(x)
    assert 0 <= s <= 1
    # log sigmoid(x) = -softplus(-x) and softplus(x) - softplus(-x) = x (to rounding of x)
    assert xentdoc.log_sigmoid(x) == -xentdoc.softplus(-x)
    assert abs(xentdoc.softplus(x) - xentdoc.softplus(-x) - x) <= 4 * EPS * (abs(x) + 1)
    if 1e-300 < s < 1:
        assert abs(xentdoc.logit(s) - x) <= 8 * EPS * (abs(x) + 1) / max(1 - s, EPS) + 1e-300


# --------------------------------------------------------------------------------------------
# Information theory
# --------------------------------------------------------------------------------------------


@DETERMINISTIC
@given(pq=distribution_pairs(q_positive=True))
def test_cross_entropy_is_entropy_plus_kl(pq):
    p, q = pq
    h_pq = xentdoc.distribution_cross_entropy(p, q)
    h_p = xentdoc.entropy(p)
    kl = xentdoc.kl_divergence(p, q)
    scale = np.sum(p * np.abs(np.log(q))) + np.sum(np.where(p > 0, p * np.abs(np.log(np.where(p > 0, p, 1))), 0)) + 1
    assert abs(h_pq - (h_p + kl)) <= 16 * EPS * scale * len(p)


@DETERMINISTIC
@given(pq=distribution_pairs(q_positive=False))
def test_kl_is_non_negative(pq):
    p, q = pq
    assert xentdoc.kl_divergence(p, q) >= 0
    assert xentdoc.distribution_cross_entropy(p, q) >= xentdoc.entropy(p) - 8 * EPS * len(p)


@DETERMINISTIC
@given(p=distributions())
def test_kl_is_zero_for_equal_distributions(p):
    assert xentdoc.kl_divergence(p, p) == 0
    assert xentdoc.distribution_cross_entropy(p, p) == pytest.approx(xentdoc.entropy(p), abs=1e-15)


@DETERMINISTIC
@given(pq=distribution_pairs(q_positive=True))
def test_kl_is_positive_for_different_distributions(pq):
    p, q = pq
    assume(np.any(p != q))
    assert xentdoc.kl_divergence(p, q) > 0


@DETERMINISTIC
@given(p=distributions(), base=st.sampled_from([2, 10, 3.5]))
def test_bases_convert_by_a_constant(p, base):
    nats = xentdoc.entropy(p)
    assert xentdoc.entropy(p, base=base) == pytest.approx(nats / np.log(base), rel=1e-14, abs=1e-300)
    assert xentdoc.perplexity(p) == pytest.approx(np.exp(nats), rel=1e-14)
    assert 1 - 1e-12 <= xentdoc.perplexity(p) <= len(p) * (1 + 1e-12)


# --------------------------------------------------------------------------------------------
# Gradient
# --------------------------------------------------------------------------------------------


@DETERMINISTIC
@given(data=logits_and_targets(bound=50.0))
def test_cross_entropy_grad_is_softmax_minus_onehot(data):
    x, target = data
    n, c = x.shape
    onehot = np.zeros_like(x)
    onehot[np.arange(n), target] = 1
    expected = xentdoc.softmax(x) - onehot
    grad_sum = xentdoc.cross_entropy_grad(x, target, reduction="sum")
    grad_mean = xentdoc.cross_entropy_grad(x, target)  # mean over N samples
    assert _close(grad_sum, expected, 1.0, ulps=8)
    assert _close(grad_mean, expected / n, 1.0 / n, ulps=8)
    # probability targets equal to the one-hot rows give the same gradient
    assert _close(xentdoc.cross_entropy_grad(x, onehot, reduction="sum"), expected, 1.0, ulps=8)


def _loss_options():
    return st.fixed_dictionaries({
        "reduction": st.sampled_from(["mean", "sum"]),
        "label_smoothing": st.sampled_from([0.0, 0.1, 0.35]),
        "weighted": st.booleans(),
        "probabilities": st.booleans(),
    })


@DETERMINISTIC
@given(data=logits_and_targets(bound=5.0), options=_loss_options())
def test_cross_entropy_grad_matches_central_differences(data, options):
    x, target = data
    n, c = x.shape
    kwargs = dict(reduction=options["reduction"], label_smoothing=options["label_smoothing"])
    if options["weighted"]:
        kwargs["weight"] = np.linspace(0.5, 2.0, c)
    if options["probabilities"]:
        rows = np.abs(np.sin(np.arange(n * c).reshape(n, c) + x)) + 0.1
        target = rows / rows.sum(axis=1, keepdims=True)
    grad = xentdoc.cross_entropy_grad(x, target, **kwargs)
    step = 1e-6
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += step
        minus[index] -= step
        up = xentdoc.cross_entropy(plus, target, **kwargs)
        down = xentdoc.cross_entropy(minus, target, **kwargs)
        numeric[index] = (up - down) / (plus[index] - minus[index])
    # Central differences: truncation O(step^2), rounding O(eps * loss / step).
    loss = abs(float(xentdoc.cross_entropy(x, target, **kwargs))) + 1
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8 * loss * n * c)


@DETERMINISTIC
@given(x=hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-30, 30)),
       t=st.floats(0, 1), pos_weight=st.floats(0.1, 10))
def test_bce_with_logits_equals_bce_of_sigmoid(x, t, pos_weight):
    target = np.full_like(x, t)
    with_logits = xentdoc.binary_cross_entropy_with_logits(x, target, reduction="none")
    on_probs = xentdoc.binary_cross_entropy(xentdoc.sigmoid(x), target, reduction="none")
    # sigmoid(x) rounds once: a relative change eps in p moves -log p by about eps and
    # -log(1 - p) by eps * p / (1 - p) <= eps * e^|x|.
    assert np.all(np.abs(with_logits - on_probs) <= 4 * EPS * (np.exp(np.abs(x)) + with_logits))
    # pos_weight scales the positive term only
    weighted = xentdoc.binary_cross_entropy_with_logits(x, target, reduction="none", pos_weight=pos_weight)
    positive = xentdoc.binary_cross_entropy_with_logits(x, np.ones_like(x), reduction="none")
    negative = xentdoc.binary_cross_entropy_with_logits(x, np.zeros_like(x), reduction="none")
    np.testing.assert_allclose(weighted, pos_weight * t * positive + (1 - t) * negative,
                               rtol=1e-13, atol=1e-300)
