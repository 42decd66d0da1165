"""Live cross-check against PyTorch (torch.nn.functional and autograd) on many option combinations.

Skipped when torch is not installed, unless XENTDOC_REQUIRE_OPTIONAL=1 (CI), where a missing
torch fails (``conftest.require``).

Tolerance: torch is not exact either, so the two must agree to a few ulps of the result's dtype
relative to the size of what was rounded along the way (the logits, the weights):
``|xentdoc - torch| <= K * eps * (|torch| + scale)``. Where xentdoc is deliberately more
accurate than torch (a tiny loss that torch rounds to 0, 0 * log 0 at a -inf logit, softplus
above torch's threshold of 20), the last tests compare xentdoc with mpmath instead and assert
that torch differs, so a change on either side shows up.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import reference as ref
import xentdoc
from conftest import require

K = 16
DTYPES = [np.float64, np.float32]
SHAPES = [(5,), (6, 5), (4, 5, 3), (3, 4, 2, 2)]
REDUCTIONS = ["none", "mean", "sum"]
SMOOTHINGS = [0.0, 0.1, 0.3]


@pytest.fixture(scope="module")
def torch():
    torch = require("torch")
    torch.set_num_threads(1)
    return torch


def _t(torch, array):
    return torch.from_numpy(np.array(array, copy=True))  # keeps 0-d arrays 0-d


def _logits(shape, dtype, seed):
    r = np.random.default_rng(seed)
    x = r.standard_normal(shape) * 3
    x.flat[:: 7] *= 10  # a few large logits (up to ~100): confident rows
    return x.astype(dtype)


def _class_axis(shape):
    return 0 if len(shape) == 1 else 1


def _class_targets(shape, seed):
    r = np.random.default_rng(seed)
    c = shape[_class_axis(shape)]
    batch = () if len(shape) == 1 else (shape[0],) + shape[2:]
    return r.integers(0, c, size=batch).astype(np.int64)


def _prob_targets(shape, dtype, seed):
    r = np.random.default_rng(seed)
    axis = _class_axis(shape)
    raw = r.uniform(0, 1, shape) ** 3
    return (raw / raw.sum(axis=axis, keepdims=True)).astype(dtype)


def assert_agree(got, expected, dtype, scale, what):
    got = np.asarray(got)
    expected = np.asarray(expected)
    assert got.dtype == np.dtype(dtype), f"{what}: dtype {got.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape} vs torch {expected.shape}"
    eps = np.finfo(dtype).eps
    # Below the smallest normal number torch's float32 kernels may flush to 0 where xentdoc
    # keeps a subnormal: allow a few smallest normals absolutely.
    tolerance = K * eps * (np.abs(expected).astype(np.float64) + scale) + K * np.finfo(dtype).tiny
    difference = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    bad = ~(difference <= tolerance) & ~(np.isnan(got) & np.isnan(expected))
    assert not bad.any(), (f"{what}: {bad.sum()} entries differ from torch; first at "
                           f"{np.argwhere(bad)[0].tolist()}: xentdoc {got[bad][0]!r}, torch "
                           f"{expected[bad][0]!r}")


def _loss_scale(x, weight):
    """Size of what a loss rounds: logits times the largest relative weight."""
    w = 1.0 if weight is None else float(np.max(weight) / np.min(weight))
    return w * (float(np.max(np.abs(x))) + 1)


def _combos(prob_targets, shape, target):
    ignores = [None] if prob_targets else [None, -1, "present"]
    for weighted, ignore, reduction, smoothing in itertools.product(
            [False, True], ignores, REDUCTIONS, SMOOTHINGS):
        kwargs = dict(reduction=reduction, label_smoothing=smoothing)
        t = target
        if ignore == -1:
            t = target.copy()
            if t.ndim:
                t.flat[::3] = -1
            kwargs["ignore_index"] = -1
        elif ignore == "present":
            kwargs["ignore_index"] = int(target.flat[0])
        yield weighted, t, kwargs


# --------------------------------------------------------------------------------------------
# Classification losses
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("prob_targets", [False, True], ids=["class-targets", "prob-targets"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cross_entropy_and_grad_match_torch(torch, shape, prob_targets, dtype):
    F = torch.nn.functional
    x = _logits(shape, dtype, 1)
    target = _prob_targets(shape, dtype, 2) if prob_targets else _class_targets(shape, 3)
    c = shape[_class_axis(shape)]
    for weighted, t, kwargs in _combos(prob_targets, shape, target):
        weight = np.linspace(0.3, 2.0, c).astype(dtype) if weighted else None
        what = f"{shape} {dtype.__name__} weighted={weighted} {kwargs}"
        tx = _t(torch, x).requires_grad_(True)
        tw = None if weight is None else _t(torch, weight)
        expected = F.cross_entropy(tx, _t(torch, t), weight=tw, **kwargs)
        expected.backward(torch.ones_like(expected))
        got = xentdoc.cross_entropy(x, t, weight=weight, **kwargs)
        scale = _loss_scale(x, weight)
        if kwargs["reduction"] == "sum":
            scale *= max(1, x.size // c)
        assert_agree(got, expected.detach().numpy(), dtype, scale, "cross_entropy " + what)
        grad = xentdoc.cross_entropy_grad(x, t, weight=weight, **kwargs)
        expected_grad = tx.grad.numpy()
        grad_scale = float(np.max(np.abs(expected_grad))) * (2 * float(np.max(np.abs(x))) + 1)
        assert_agree(grad, expected_grad, dtype, grad_scale, "cross_entropy_grad " + what)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_nll_loss_matches_torch(torch, shape, dtype):
    F = torch.nn.functional
    x = _logits(shape, dtype, 4)
    log_probs = np.asarray(xentdoc.log_softmax(x, axis=_class_axis(shape)))
    target = _class_targets(shape, 5)
    c = shape[_class_axis(shape)]
    for weighted, t, kwargs in _combos(False, shape, target):
        if kwargs.pop("label_smoothing"):
            continue
        weight = np.linspace(0.3, 2.0, c).astype(dtype) if weighted else None
        tw = None if weight is None else _t(torch, weight)
        expected = F.nll_loss(_t(torch, log_probs), _t(torch, t), weight=tw, **kwargs).numpy()
        got = xentdoc.nll_loss(log_probs, t, weight=weight, **kwargs)
        scale = _loss_scale(log_probs, weight) * (max(1, x.size // c) if kwargs["reduction"] == "sum" else 1)
        assert_agree(got, expected, dtype, scale, f"nll_loss {shape} weighted={weighted} {kwargs}")


def test_all_ignored_mean_is_nan_like_torch(torch):
    F = torch.nn.functional
    x = _logits((3, 4), np.float64, 6)
    t = np.full(3, -100)
    assert np.isnan(F.cross_entropy(_t(torch, x), _t(torch, t)).item())
    assert np.isnan(xentdoc.cross_entropy(x, t))
    assert np.isnan(F.nll_loss(_t(torch, x), _t(torch, t)).item())
    assert np.isnan(xentdoc.nll_loss(x, t))


# --------------------------------------------------------------------------------------------
# Binary cross-entropy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("shape", [(7,), (4, 3), (2, 3, 4)], ids=str)
def test_binary_cross_entropy_matches_torch(torch, shape, dtype):
    F = torch.nn.functional
    r = np.random.default_rng(7)
    p = r.uniform(0, 1, shape)
    p.flat[:3] = [0.0, 1.0, 1e-50]  # torch clamps each log at -100: so does xentdoc
    p = p.astype(dtype)
    for target_kind, weighted, reduction in itertools.product(["hard", "soft"], [False, True], REDUCTIONS):
        t = (r.integers(0, 2, shape) if target_kind == "hard" else r.uniform(0, 1, shape)).astype(dtype)
        weight = r.uniform(0.5, 2, shape[-1:]).astype(dtype) if weighted else None
        tw = None if weight is None else _t(torch, np.broadcast_to(weight, shape).copy())
        expected = F.binary_cross_entropy(_t(torch, p), _t(torch, t), weight=tw, reduction=reduction)
        got = xentdoc.binary_cross_entropy(p, t, weight=weight, reduction=reduction)
        scale = 2 * 100 * (p.size if reduction == "sum" else 1)
        # torch computes log(1 - p) as log1p(-p) only in some kernels: allow its rounding of 1 - p.
        assert_agree(got, expected.numpy(), dtype, scale,
                     f"binary_cross_entropy {shape} {target_kind} weighted={weighted} {reduction}")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("shape", [(7,), (4, 3), (2, 3, 4)], ids=str)
def test_binary_cross_entropy_with_logits_matches_torch(torch, shape, dtype):
    F = torch.nn.functional
    r = np.random.default_rng(8)
    x = (r.standard_normal(shape) * 4).astype(dtype)
    for target_kind, weighted, pos_weighted, reduction in itertools.product(
            ["hard", "soft"], [False, True], [False, True], REDUCTIONS):
        t = (r.integers(0, 2, shape) if target_kind == "hard" else r.uniform(0, 1, shape)).astype(dtype)
        weight = r.uniform(0.5, 2, shape).astype(dtype) if weighted else None
        # pos_weight: one per class on the last dimension, broadcast as in torch
        pos_weight = r.uniform(0.2, 5, shape[-1:]).astype(dtype) if pos_weighted else None
        expected = F.binary_cross_entropy_with_logits(
            _t(torch, x), _t(torch, t), weight=None if weight is None else _t(torch, weight),
            reduction=reduction, pos_weight=None if pos_weight is None else _t(torch, pos_weight))
        got = xentdoc.binary_cross_entropy_with_logits(x, t, weight=weight, reduction=reduction,
                                                       pos_weight=pos_weight)
        scale = 10 * (float(np.max(np.abs(x))) + 1) * (x.size if reduction == "sum" else 1)
        assert_agree(got, expected.numpy(), dtype, scale,
                     f"bce_with_logits {shape} {target_kind} w={weighted} pw={pos_weighted} {reduction}")


# --------------------------------------------------------------------------------------------
# Softmax family and sigmoid family
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("shape", [(6,), (4, 7), (3, 4, 5)], ids=str)
def test_softmax_family_matches_torch(torch, shape, dtype):
    x = _logits(shape, dtype, 9)
    tx = _t(torch, x)
    for axis in range(-1, len(shape) - 1):
        scale_rows = np.max(np.abs(x), axis=axis, keepdims=True) + 1
        for temperature in [1.0, 0.5, 4.0]:
            probs = xentdoc.softmax(x, axis=axis, temperature=temperature)
            expected = torch.softmax(tx / temperature, dim=axis).numpy()
            assert_agree(probs, expected, dtype, expected * scale_rows / temperature,
                         f"softmax axis={axis} T={temperature}")
            log_probs = xentdoc.log_softmax(x, axis=axis, temperature=temperature)
            expected = torch.log_softmax(tx / temperature, dim=axis).numpy()
            assert_agree(log_probs, expected, dtype, 2 * scale_rows / temperature,
                         f"log_softmax axis={axis} T={temperature}")
        expected = torch.logsumexp(tx, dim=axis).numpy()
        assert_agree(xentdoc.logsumexp(x, axis=axis), expected, dtype,
                     np.squeeze(scale_rows, axis), f"logsumexp axis={axis}")
        expected = torch.logsumexp(tx, dim=axis, keepdim=True).numpy()
        assert_agree(xentdoc.logsumexp(x, axis=axis, keepdims=True), expected, dtype, scale_rows,
                     f"logsumexp keepdims axis={axis}")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_sigmoid_family_matches_torch(torch, dtype):
    F = torch.nn.functional
    x = np.concatenate([np.linspace(-60, 60, 241), [-800.0, -100.0, 15.0, 19.9]]).astype(dtype)
    tx = _t(torch, x)
    scale = np.abs(x) * 0  # elementwise: a few ulps of the value itself
    assert_agree(xentdoc.sigmoid(x), torch.sigmoid(tx).numpy(), dtype, scale, "sigmoid")
    assert_agree(xentdoc.log_sigmoid(x), F.logsigmoid(tx).numpy(), dtype, scale, "log_sigmoid")
    below_threshold = x <= 20  # torch.nn.functional.softplus returns x itself above 20
    assert_agree(xentdoc.softplus(x[below_threshold]), F.softplus(tx[below_threshold]).numpy(),
                 dtype, scale[below_threshold], "softplus")
    p = np.concatenate([np.linspace(0.001, 0.999, 199), [1e-30, 0.25, 0.5, 0.75, 1 - 1e-7]]).astype(dtype)
    tp = _t(torch, p)
    # logit(p) near p = 1/2 is ill-conditioned: allow ulps of log(p) and log(1 - p).
    assert_agree(xentdoc.logit(p), torch.logit(tp).numpy(), dtype,
                 np.abs(np.log(p)) + np.abs(np.log1p(-p)), "logit")


# --------------------------------------------------------------------------------------------
# Where xentdoc is deliberately more accurate than torch: mpmath decides, torch differs
# --------------------------------------------------------------------------------------------


def test_confident_prediction_torch_rounds_to_zero(torch):
    F = torch.nn.functional
    x = np.array([[40.0, 0.0]])
    t = np.array([0])
    torch_loss = F.cross_entropy(_t(torch, x), _t(torch, t)).item()
    assert torch_loss == 0.0  # torch: log_softmax's top entry rounds to 0
    ref.assert_close_ulps(xentdoc.cross_entropy(x, t), ref.cross_entropy(x, t), np.float64)
    ref.assert_close_ulps(xentdoc.log_softmax(x), ref.log_softmax(x), np.float64)
    assert torch.log_softmax(_t(torch, x), dim=1)[0, 0].item() == 0.0


def test_bce_with_logits_torch_returns_zero_at_minus_50(torch):
    F = torch.nn.functional
    x, t = np.array([-50.0]), np.array([0.0])
    assert F.binary_cross_entropy_with_logits(_t(torch, x), _t(torch, t)).item() == 0.0
    ref.assert_close_ulps(xentdoc.binary_cross_entropy_with_logits(x, t),
                          ref.binary_cross_entropy_with_logits(x, t), np.float64)


def test_zero_log_zero_torch_gives_nan(torch):
    F = torch.nn.functional
    x = np.array([[0.0, -np.inf, 1.0]])
    t = np.array([[0.5, 0.0, 0.5]])
    assert np.isnan(F.cross_entropy(_t(torch, x), _t(torch, t)).item())
    ref.assert_close_ulps(xentdoc.cross_entropy(x, t), ref.cross_entropy(x, t), np.float64)


def test_softplus_above_torch_threshold(torch):
    F = torch.nn.functional
    x = np.array([25.0, 30.0, 35.0])
    assert np.array_equal(F.softplus(_t(torch, x)).numpy(), x)  # torch: exactly x above 20
    ref.assert_close_ulps(xentdoc.softplus(x), ref.softplus(x), np.float64)
    assert not np.array_equal(xentdoc.softplus(x), x)  # the true value is x + e^-x
