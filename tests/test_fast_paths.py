"""The fast paths of cross_entropy give NumPy's own values, bit for bit.

Few classes (C <= losses._SMALL_C) are handled in transposed (C, b) blocks, with a replay of
NumPy's pairwise summation order; the reference here is NumPy itself: ``sum(axis=1)`` on
C-contiguous rows, ``argmax(axis=1)``, and the row-by-row route of losses.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import xentdoc
from xentdoc import losses

CLASS_COUNTS = list(range(1, 41)) + [64, 127, 128, 129, 200, 300]


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_classes", CLASS_COUNTS)
def test_pairwise_sum_rows_is_numpys_row_sum(dtype, n_classes):
    rng = np.random.default_rng(n_classes)
    rows = np.exp(rng.normal(0, 6, size=(300, n_classes))).astype(dtype)
    out = np.empty(300, dtype)
    losses._pairwise_sum_rows(np.ascontiguousarray(rows.T), out)
    assert _same_bits(out, rows.sum(axis=1))


def _awkward_logits(rng, n_rows, n_classes, dtype):
    z = rng.normal(0, 3, size=(n_rows, n_classes))
    z[: n_rows // 4] = np.round(z[: n_rows // 4])  # ties for the maximum
    z[n_rows // 4 : n_rows // 3] = 0.0
    z[n_rows // 3, 0], z[n_rows // 3, -1] = -0.0, 0.0
    z[n_rows // 3 + 1] = -np.inf
    z[n_rows // 3 + 2, -1] = np.inf
    z[n_rows // 3 + 3, -1] = -np.inf
    z[n_rows // 3 + 4 :: 7] *= 40  # maxima outside [0, 60]: the safe route
    return z.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_classes", [1, 2, 3, 7, 8, 9, 10, 16, 17, 31, 32])
def test_transposed_blocks_match_argmax_and_row_sums(dtype, n_classes):
    rng = np.random.default_rng(n_classes)
    z = _awkward_logits(rng, 5000, n_classes, dtype)
    pieces = [(np.empty(5000, np.intp), np.empty(5000, dtype), np.empty(5000, dtype)) for _ in "ab"]
    losses._top_and_raw_tail_small_c(z, *pieces[0])
    with np.errstate(over="ignore", invalid="ignore"):
        losses._top_and_raw_tail_rows(z, *pieces[1])
    (k, m, tail), (k_ref, m_ref, tail_ref) = pieces
    assert np.array_equal(k, np.argmax(z, axis=1))
    assert np.array_equal(k_ref, np.argmax(z, axis=1))
    assert np.array_equal(m, m_ref)  # equal values (the sign of a zero maximum may differ)
    assert _same_bits(tail, tail_ref)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(4000, 3), (3000, 10), (2000, 32), (300, 9, 4)])
def test_cross_entropy_same_bits_on_both_routes(monkeypatch, dtype, shape):
    rng = np.random.default_rng(shape[1])
    z = rng.normal(0, 3, size=shape).astype(dtype)
    target = rng.integers(0, shape[1], size=(shape[0],) + shape[2:])
    target.reshape(-1)[::11] = -100
    weight = rng.uniform(0.5, 2, size=shape[1])
    cases = [dict(reduction=r) for r in ("none", "mean", "sum")] + [dict(weight=weight)]
    fast = [xentdoc.cross_entropy(z, target, **kw) for kw in cases]
    monkeypatch.setattr(losses, "_SMALL_C", 0)  # every input on the row-by-row route
    for kw, value in zip(cases, fast):
        assert _same_bits(value, xentdoc.cross_entropy(z, target, **kw)), kw
