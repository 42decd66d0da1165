"""xentdoc.calibration against independent references: a loop-based ECE written from Guo et al.'s
definition, fractions.Fraction for the bin edges, scipy.optimize.minimize_scalar and mpmath for the
temperature, torch for the NLL it minimises."""

import functools
from fractions import Fraction

import numpy as np
import pytest

import xentdoc
from xentdoc.calibration import expected_calibration_error, fit_temperature, reliability_diagram

scipy_optimize = pytest.importorskip("scipy.optimize")
torch = pytest.importorskip("torch")


def exact_edges(n_bins):
    """The float64 nearest each m / n_bins: float() of a Fraction is correctly rounded."""
    return [float(Fraction(m, n_bins)) for m in range(n_bins + 1)]


def loop_ece(probs, labels, n_bins):
    """ECE by the book: for each bin (lo, hi], |mean correct - mean confidence| weighted by its share."""
    total = 0.0
    edges = exact_edges(n_bins)
    n = len(labels)
    for m in range(n_bins):
        members = []
        for i in range(n):
            conf = max(probs[i])
            in_bin = edges[m] < conf <= edges[m + 1] or (m == 0 and conf == 0.0)
            if in_bin:
                members.append(i)
        if not members:
            continue
        conf = sum(max(probs[i]) for i in members) / len(members)
        acc = sum(int(np.argmax(probs[i]) == labels[i]) for i in members) / len(members)
        total += len(members) / n * abs(acc - conf)
    return total


def random_problem(seed, n=500, c=4, scale=3.0):
    rng = np.random.default_rng(seed)
    logits = scale * rng.normal(size=(n, c))
    labels = rng.integers(0, c, size=n)
    return logits, labels


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_bins", [1, 10, 15, 37])
def test_ece_matches_a_loop_over_the_definition(seed, n_bins):
    logits, labels = random_problem(seed)
    probs = xentdoc.softmax(logits)
    assert expected_calibration_error(probs, labels, n_bins) == pytest.approx(
        loop_ece(probs, labels, n_bins), abs=1e-12)


def test_confidences_on_bin_edges_go_to_the_bin_they_close():
    probs = np.array([[0.5, 0.5], [0.6, 0.4], [0.8, 0.2], [1.0, 0.0]])
    labels = np.array([0, 0, 1, 0])
    diagram = reliability_diagram(probs, labels, n_bins=5)
    assert diagram.counts.tolist() == loop_counts(probs, 5)
    assert expected_calibration_error(probs, labels, 5) == pytest.approx(loop_ece(probs, labels, 5))


def loop_counts(probs, n_bins):
    edges = exact_edges(n_bins)
    return [sum(edges[m] < max(row) <= edges[m + 1] for row in probs) for m in range(n_bins)]


def test_the_reported_edge_case_five_sixths_goes_to_the_bin_it_closes():
    """Public report, second round: linspace's edge 5/6 is one ulp below the float 5 / 6, which
    went to the top bin: counts [0 0 0 0 0 8] and ECE 0.1125."""
    probs = np.array([[5 / 6, 1 / 6]] * 6 + [[0.95, 0.05]] * 2)
    labels = [0] * 6 + [1, 1]
    diagram = reliability_diagram(probs, labels, n_bins=6)
    assert diagram.counts.tolist() == [0, 0, 0, 0, 6, 2]
    # The ECE of these floats, exactly: six right at fl(5/6), two wrong at fl(0.95).
    exact = Fraction(6, 8) * (1 - Fraction(5 / 6)) + Fraction(2, 8) * Fraction(0.95)
    assert expected_calibration_error(probs, labels, n_bins=6) == pytest.approx(float(exact), rel=4e-16)
    assert expected_calibration_error(probs, labels, n_bins=6) == pytest.approx(0.3625, rel=1e-15)


def _rows_with_confidences(confidences, n_columns=101):
    """Rows [c, r, ..., r] with r = (1 - c) / 100 < c, in the dtype of `confidences`: confidence
    c, prediction 0, for c >= 1/100 (C = 101 columns, so r is below c)."""
    confidences = np.asarray(confidences)
    rest = (1 - confidences.astype(np.float64)) / (n_columns - 1)
    rest = np.repeat(rest.astype(confidences.dtype)[:, None], n_columns - 1, axis=1)
    return np.concatenate([confidences[:, None], rest], axis=1)


def _nearest(value, dtype):
    """The float of `dtype` nearest the Fraction `value`, ties to even, by exact arithmetic: the
    candidates are the float64-rounded value in `dtype` and its neighbours there."""
    dtype = np.dtype(dtype)
    guess = np.array(float(value), dtype=dtype)
    candidates = [np.nextafter(guess, dtype.type(-1)), guess, np.nextafter(guess, dtype.type(2))]
    distances = [abs(Fraction(float(c)) - value) for c in candidates]
    best = min(distances)
    ties = [c for c, d in zip(candidates, distances) if d == best]
    return ties[0] if len(ties) == 1 else next(c for c in ties if c.view(f"u{dtype.itemsize}") % 2 == 0)


@functools.cache
def _interior_edges(n_bins, dtype):
    """The nearest m / n_bins in `dtype`, m = 1..n_bins-1, as Fractions."""
    return tuple(Fraction(float(_nearest(Fraction(m, n_bins), dtype))) for m in range(1, n_bins))


def _fraction_bin(confidence, n_bins, dtype=np.float64):
    """The bin of `confidence` by exact rational arithmetic: the number of interior edges (the
    nearest m / n_bins in `dtype`) strictly below it, as Fractions."""
    c = Fraction(float(confidence))
    return sum(edge < c for edge in _interior_edges(n_bins, np.dtype(dtype)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("n_bins", range(1, 101))
def test_every_edge_and_its_neighbours_go_to_the_bin_exact_arithmetic_gives(n_bins, dtype):
    """Every edge m / M for M <= 100: the edges are the correctly rounded m / M, a confidence on an
    edge (the nearest m / M in the dtype of `probs`) goes to the bin that edge closes, and one
    ulp above or below it to the bin exact rational arithmetic gives. Each group puts one
    confidence in each bin it reaches, so the counts and the bins' mean confidences say where
    each one went."""
    edges = [float(Fraction(m, n_bins)) for m in range(n_bins + 1)]
    on_edge = np.array([_nearest(Fraction(m, n_bins), dtype) for m in range(1, n_bins + 1)], dtype=dtype)
    above = np.nextafter(on_edge[:-1], dtype(2))  # m = 1..M-1: bin m
    below = np.nextafter(on_edge, dtype(0))  # m = 1..M: bin m - 1
    labels = np.zeros(n_bins, dtype=int)
    for group, expected_bins in [(on_edge, range(n_bins)), (above, range(1, n_bins)),
                                 (below, range(n_bins))]:
        assert [_fraction_bin(c, n_bins, dtype) for c in group] == list(expected_bins)
        if not len(group):  # no interior edge for M = 1
            continue
        diagram = reliability_diagram(_rows_with_confidences(group), labels[:len(group)], n_bins)
        assert diagram.bin_edges.tolist() == edges == exact_edges(n_bins)
        expected_counts = np.zeros(n_bins, dtype=int)
        expected_counts[list(expected_bins)] = 1
        np.testing.assert_array_equal(diagram.counts, expected_counts)
        np.testing.assert_array_equal(diagram.confidence[list(expected_bins)], group.astype(np.float64))


def test_float32_confidence_on_an_edge():
    """np.float32(0.8) lies 1.2e-8 above 4/5 and is the float32 edge: it closes bin (3/5, 4/5]."""
    probs = np.array([[0.8, 0.2]], dtype=np.float32)
    assert Fraction(float(probs[0, 0])) > Fraction(4, 5)
    assert reliability_diagram(probs, [0], n_bins=5).counts.tolist() == [0, 0, 0, 1, 0]
    assert reliability_diagram(probs.astype(np.float64), [0], n_bins=5).counts.tolist() == [0, 0, 0, 0, 1]


def test_binning_a_million_confidences_is_vectorised():
    """The exact rule costs a searchsorted: a million confidences on 1000 edges stay fast and agree
    with an exact count of the edges below each (every 1000th checked with Fractions)."""
    import time

    rng = np.random.default_rng(5)
    n_bins = 1000
    confidence = np.concatenate([rng.uniform(0.5, 1.0, 999_000),
                                 np.array(exact_edges(n_bins)[500:])[rng.integers(0, 501, 1000)]])
    probs = np.stack([confidence, 1 - confidence], axis=1)
    start = time.perf_counter()
    diagram = reliability_diagram(probs, np.zeros(len(probs), dtype=int), n_bins)
    assert time.perf_counter() - start < 5.0
    sample = confidence[::1000]
    reference = np.bincount([_fraction_bin(c, n_bins) for c in sample], minlength=n_bins)
    sampled = reliability_diagram(np.stack([sample, 1 - sample], axis=1),
                                  np.zeros(len(sample), dtype=int), n_bins)
    np.testing.assert_array_equal(sampled.counts, reference)
    assert diagram.counts.sum() == len(probs)


def test_reliability_diagram_bins_are_consistent():
    logits, labels = random_problem(7, n=2000)
    probs = xentdoc.softmax(logits)
    diagram = reliability_diagram(probs, labels, n_bins=10)
    assert diagram.counts.sum() == len(labels)
    filled = diagram.counts > 0
    # Each filled bin's mean confidence lies inside the bin; empty bins are NaN.
    assert np.all(diagram.confidence[filled] > diagram.bin_edges[:-1][filled])
    assert np.all(diagram.confidence[filled] <= diagram.bin_edges[1:][filled])
    assert np.all(np.isnan(diagram.confidence[~filled]) & np.isnan(diagram.accuracy[~filled]))
    # The count-weighted accuracy is the overall accuracy.
    overall = np.mean(probs.argmax(1) == labels)
    assert np.nansum(diagram.counts * diagram.accuracy) / len(labels) == pytest.approx(overall)


def test_a_calibrated_sampler_has_small_ece_and_a_scaled_one_large():
    # Labels drawn from the model's own probabilities: calibrated by construction.
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(20000, 3)) * 2
    probs = xentdoc.softmax(logits)
    labels = (rng.random((len(probs), 1)) > probs.cumsum(1)).sum(1)
    assert expected_calibration_error(probs, labels) < 0.02
    assert expected_calibration_error(xentdoc.softmax(4 * logits), labels) > 0.1


def torch_nll(logits, labels, temperature):
    z = torch.tensor(logits, dtype=torch.float64) / temperature
    return float(torch.nn.functional.cross_entropy(z, torch.tensor(labels)))


@pytest.mark.parametrize("seed, scale", [(0, 0.3), (1, 1.0), (2, 3.0), (3, 8.0)])
def test_fit_temperature_matches_scipy_on_torch_nll(seed, scale):
    rng = np.random.default_rng(seed)
    true_logits = rng.normal(size=(1500, 5))
    probs = xentdoc.softmax(true_logits)
    labels = (rng.random((len(probs), 1)) > probs.cumsum(1)).sum(1)
    logits = scale * true_logits
    got = fit_temperature(logits, labels)
    reference = scipy_optimize.minimize_scalar(
        lambda log_t: torch_nll(logits, labels, np.exp(log_t)),
        bounds=(np.log(0.05), np.log(20.0)), method="bounded", options={"xatol": 1e-10})
    assert np.log(got) == pytest.approx(reference.x, abs=1e-5)
    assert torch_nll(logits, labels, got) <= reference.fun + 1e-12
    assert got == pytest.approx(scale, rel=0.15)  # the labels came from the unscaled logits


def test_fit_temperature_returns_the_bound_when_the_minimum_lies_outside():
    logits, labels = random_problem(0, scale=50.0)  # random labels: the best T is huge
    assert fit_temperature(logits, labels, bounds=(0.5, 2.0)) == pytest.approx(2.0, rel=1e-8)


def test_temperature_scaling_keeps_predictions():
    logits, labels = random_problem(3)
    t = fit_temperature(logits, labels)
    np.testing.assert_array_equal(xentdoc.softmax(logits, temperature=t).argmax(1), logits.argmax(1))


GOOD_PROBS = np.array([[0.7, 0.3], [0.2, 0.8]])
GOOD_LABELS = np.array([0, 1])


@pytest.mark.parametrize("function", [expected_calibration_error, reliability_diagram])
@pytest.mark.parametrize("probs, labels, n_bins, error, match", [
    (GOOD_PROBS[0], GOOD_LABELS, 15, ValueError, r"`probs` must have shape \(N, C\)"),
    (np.zeros((0, 2)), np.zeros(0, int), 15, ValueError, "`probs` must hold at least one example"),
    (np.ones((2, 1)), GOOD_LABELS, 15, ValueError, "`probs` must have at least 2 classes"),
    ([[np.nan, 0.5], [0.5, 0.5]], GOOD_LABELS, 15, ValueError, "`probs` must be finite"),
    ([[0.7, 0.7], [0.5, 0.5]], GOOD_LABELS, 15, ValueError, "`probs` must be a probability distribution"),
    ([[1.5, -0.5], [0.5, 0.5]], GOOD_LABELS, 15, ValueError, "`probs` must be a probability distribution"),
    ([["a", "b"], ["c", "d"]], GOOD_LABELS, 15, TypeError, "`probs` must be an array of real numbers"),
    (GOOD_PROBS, [0.0, 1.0], 15, TypeError, "`labels` must be integer class indices"),
    (GOOD_PROBS, [0, 1, 1], 15, ValueError, r"`labels` must have shape \(2,\)"),
    (GOOD_PROBS, [0, 2], 15, ValueError, r"`labels` must be class indices in \[0, 1\]"),
    (GOOD_PROBS, [-1, 0], 15, ValueError, r"`labels` must be class indices in \[0, 1\]"),
    (GOOD_PROBS, GOOD_LABELS, 0, ValueError, "`n_bins` must be a positive integer"),
    (GOOD_PROBS, GOOD_LABELS, 2.5, TypeError, "`n_bins` must be a positive integer"),
    (GOOD_PROBS, GOOD_LABELS, True, TypeError, "`n_bins` must be a positive integer"),
])
def test_calibration_bad_input(function, probs, labels, n_bins, error, match):
    with pytest.raises(error, match=match):
        function(probs, labels, n_bins)


@pytest.mark.parametrize("logits, labels, kwargs, error, match", [
    ([1.0, 2.0], [0], {}, ValueError, r"`logits` must have shape \(N, C\)"),
    ([[1.0, np.inf]], [0], {}, ValueError, "`logits` must be finite"),
    ([[1.0, 2.0]], [0.5], {}, TypeError, "`labels` must be integer class indices"),
    ([[1.0, 2.0]], [3], {}, ValueError, "`labels` must be class indices"),
    ([[1.0, 2.0]], [0], {"bounds": (2.0, 1.0)}, ValueError, "`bounds` must be two finite temperatures"),
    ([[1.0, 2.0]], [0], {"bounds": (0.0, 1.0)}, ValueError, "`bounds` must be two finite temperatures"),
    ([[1.0, 2.0]], [0], {"bounds": (1.0, np.inf)}, ValueError, "`bounds` must be two finite temperatures"),
    ([[1.0, 2.0]], [0], {"bounds": 3.0}, ValueError, r"`bounds` must be a pair \(low, high\)"),
    ([[1.0, 2.0]], [0], {"bounds": ("a", 2.0)}, TypeError, "`bounds` must hold two positive numbers"),
    ([[1.0, 2.0]], [0], {"xtol": 0.0}, ValueError, "`xtol` must be a positive finite number"),
    ([[1.0, 2.0]], [0], {"xtol": "small"}, TypeError, "`xtol` must be a positive number"),
])
def test_fit_temperature_bad_input(logits, labels, kwargs, error, match):
    with pytest.raises(error, match=match):
        fit_temperature(logits, labels, **kwargs)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("scale", [1e300, np.finfo(np.float64).max])
def test_fit_temperature_with_huge_logits_no_overflow(scale):
    # Every label is its row's argmax, so the loss falls as T falls: the minimiser is the lower
    # bound. z / T overflowed for T < 1 (a RuntimeWarning, then NaN losses misled the search).
    logits = np.array([[scale, 0.0], [0.0, scale], [scale, -scale]])
    got = xentdoc.fit_temperature(logits, [0, 1, 0], bounds=(1e-10, 1.0))
    assert got == pytest.approx(1e-10, rel=1e-8)


@pytest.mark.parametrize("xtol", [1e-16, 1e-300, 5e-324])
def test_fit_temperature_stops_when_float64_cannot_narrow_the_bracket(xtol, monkeypatch):
    """An xtol below the spacing of log T ran the search forever (breaker, third round)."""
    logits, labels = random_problem(1)
    calls = []
    real_softmax = xentdoc.calibration.softmax

    def counted(*args, **kwargs):
        calls.append(1)
        if len(calls) > 100:  # about 55 halvings of log(400) reach float64's spacing
            raise RuntimeError("fit_temperature does not stop")
        return real_softmax(*args, **kwargs)

    monkeypatch.setattr(xentdoc.calibration, "softmax", counted)
    got = fit_temperature(logits, labels, xtol=xtol)
    reference = scipy_optimize.minimize_scalar(
        lambda log_t: torch_nll(logits, labels, np.exp(log_t)),
        bounds=(np.log(0.05), np.log(20.0)), method="bounded", options={"xatol": 1e-10})
    assert np.log(got) == pytest.approx(reference.x, abs=1e-5)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"bounds": (1.0, 10**400)}, ValueError, "`bounds` must be two finite temperatures"),
    ({"bounds": (-10**400, 1.0)}, ValueError, "`bounds` must be two finite temperatures"),
    ({"xtol": 10**400}, ValueError, "`xtol` must be a positive finite number"),
])
def test_fit_temperature_integers_beyond_float64_raise_naming_the_parameter(kwargs, error, match):
    """A TypeError from np.isfinite before (breaker, third round)."""
    with pytest.raises(error, match=match):
        fit_temperature([[1.0, 2.0]], [0], **kwargs)


@pytest.mark.parametrize("function", [expected_calibration_error, reliability_diagram])
def test_calibration_ragged_labels_and_huge_n_bins_raise_naming_the_parameter(function):
    """NumPy's own 'inhomogeneous shape' and 'Maximum allowed size' errors before."""
    with pytest.raises(TypeError, match="`labels` must be an array of integer class indices"):
        function(GOOD_PROBS, [0, [1]])
    for n_bins in (10**30, 2**62):
        with pytest.raises(ValueError, match="`n_bins` = .* is too large"):
            function(GOOD_PROBS, GOOD_LABELS, n_bins)


@pytest.mark.parametrize("logits", [np.zeros((4, 3)), np.array([[5.0, 5.0], [-3.0, -3.0]])])
def test_fit_temperature_on_a_loss_that_does_not_change_with_t_returns_the_lower_bound(logits):
    """The docstring's claim; torch's NLL is the same at every T for rows of equal logits."""
    labels = np.arange(len(logits)) % logits.shape[1]
    values = {torch_nll(logits, labels, t) for t in (0.05, 0.3, 1.0, 7.0, 20.0)}
    assert len(values) == 1
    assert fit_temperature(logits, labels, bounds=(0.05, 20.0)) == pytest.approx(0.05, rel=1e-8)


@pytest.mark.parametrize("logits, labels, bounds", [
    ([[np.finfo(np.float64).max, 0.0]], [1], (0.05, 1.5)),
    ([[np.finfo(np.float64).max, 0.0], [0.0, 1.0]], [1, 1], (0.05, 3.0)),
])
def test_fit_temperature_moves_away_from_temperatures_whose_loss_overflows(logits, labels, bounds):
    """Both inner points of the first bracket had a loss beyond float64 (inf) and the tie sent the
    search to the lower bound, where the loss is beyond float64; in mpmath (torch gives NaN there,
    from z / T = inf) the loss falls all the way to the upper bound, where it is finite."""
    import mpmath

    def mp_nll(t):
        rows = [[mpmath.mpf(float(v)) / mpmath.mpf(float(t)) for v in row] for row in logits]
        return mpmath.fsum(mpmath.log(mpmath.fsum(mpmath.exp(v - max(row)) for v in row)) + max(row)
                           - row[label] for row, label in zip(rows, labels)) / len(labels)

    grid = np.exp(np.linspace(np.log(bounds[0]), np.log(bounds[1]), 41))
    nll = [mp_nll(t) for t in grid]
    top = mpmath.mpf(float(np.finfo(np.float64).max))
    assert nll[0] > top and nll[-1] < top and all(b < a for a, b in zip(nll, nll[1:]))
    logits = np.array(logits)
    got = fit_temperature(logits, labels, bounds=bounds)
    assert got == pytest.approx(bounds[1], rel=1e-8)


def test_a_tie_predicts_the_first_of_the_tied_classes():
    """The module docstring's rule for ties: [0.4, 0.4, 0.2] is right for t = 0 only (not for
    t = 1, though class 1 has the same top probability); [0.25, 0.5, 0.25] for t = 1."""
    probs = np.array([[0.4, 0.4, 0.2]] * 2 + [[0.25, 0.5, 0.25]])
    diagram = reliability_diagram(probs, [0, 1, 1], n_bins=1)
    assert diagram.accuracy[0] == pytest.approx(2 / 3, rel=1e-15)
    diagram = reliability_diagram(probs, [1, 1, 1], n_bins=1)
    assert diagram.accuracy[0] == pytest.approx(1 / 3, rel=1e-15)


# --------------------------------------------------------------------------------------------
# fit_temperature against mpmath (public report, second round): the golden-section search compared
# rounded losses on a flat minimum and stopped about sqrt(eps) away, 8.5e-8 relative for the
# reported case whatever xtol. The reference is the root of the loss's derivative in beta = 1/T,
# found by mpmath.findroot at 50 digits on the exact binary values of the logits.
# --------------------------------------------------------------------------------------------

EPS = np.finfo(np.float64).eps


def mp_optimal_temperature(logits, labels, bounds=(0.05, 20.0)):
    """T* = 1/beta* with sum_n sum_c p_{n,c}(beta) (z_{n,c} - z_{n,t_n}) = 0, in mpmath. The logits
    are divided by s = max |z| first (exact at 50 digits), so that the root u* = s beta* and the
    slope are of order 1 whatever the scale; T* = s / u*."""
    import mpmath

    with mpmath.workdps(50):
        logits = np.asarray(logits, dtype=np.float64)
        scale = mpmath.mpf(float(np.max(np.abs(logits))))
        rows = [[mpmath.mpf(float(v)) / scale for v in row] for row in logits]

        def slope(u):
            total = mpmath.mpf(0)
            for row, label in zip(rows, labels):
                top = max(row)
                weights = [mpmath.exp(u * (v - top)) for v in row]
                total += mpmath.fsum(w * (v - row[label]) for w, v in zip(weights, row)) / mpmath.fsum(weights)
            return total

        low, high = scale / mpmath.mpf(float(bounds[1])), scale / mpmath.mpf(float(bounds[0]))
        assert slope(low) < 0 < slope(high)  # the optimum lies inside the bounds
        while high / low > 2:  # narrow a wide bracket first, by bisection in log u
            middle = mpmath.sqrt(low * high)
            low, high = (middle, high) if slope(middle) < 0 else (low, middle)
        return scale / mpmath.findroot(slope, (low, high), solver="anderson")


def _calibrated_problem(seed, n, c, scale):
    rng = np.random.default_rng(seed)
    true_logits = rng.normal(size=(n, c))
    probs = xentdoc.softmax(true_logits)
    return scale * true_logits, (rng.random((n, 1)) > probs.cumsum(1)).sum(1)


_REPORTED = (np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 0.5]]), np.array([0, 0, 1]))
MP_TEMPERATURE_CASES = {
    "reported": (*_REPORTED, (0.05, 20.0)),
    "integers": (np.array([[3, 1, 0], [0, 2, 2], [1, 1, 4], [5, 0, 1]]), np.array([0, 2, 2, 1]), (0.05, 20.0)),
    **{f"seed{seed}-n{n}-c{c}-x{scale}": (*_calibrated_problem(seed, n, c, scale), (0.05, 20.0))
       for seed, n, c, scale in [(0, 50, 3, 0.3), (1, 200, 5, 1.0), (2, 100, 4, 3.0),
                                 (3, 300, 10, 8.0), (4, 40, 2, 15.0), (5, 60, 3, 0.06)]},
    # Logits near the float64 maximum (differences beyond it) and tiny ones, the optimum far out.
    "logits-near-1e307": (1e307 * _REPORTED[0], _REPORTED[1], (1e306, 1.7e308)),
    "logits-near-1e-296": (1e-296 * _REPORTED[0], _REPORTED[1], (1e-300, 1e-290)),
    # The widest bounds: b / a and a * b overflow (the bracket's geometric mean gave inf).
    "widest-bounds": (*_REPORTED, (5e-324, np.finfo(np.float64).max)),
}


@pytest.fixture(scope="module")
def mp_optima():
    pytest.importorskip("mpmath")
    return {name: mp_optimal_temperature(z, t, bounds) for name, (z, t, bounds) in MP_TEMPERATURE_CASES.items()}


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", list(MP_TEMPERATURE_CASES))
def test_fit_temperature_meets_its_stated_precision_against_mpmath(name, mp_optima):
    """The docstring's precision: within xtol / 2 relative at the default xtol, 4 eps with xtol=1e-16."""
    import mpmath

    logits, labels, bounds = MP_TEMPERATURE_CASES[name]
    reference = mp_optima[name]
    for xtol, bound in [(1e-9, 5e-10 + 4 * EPS), (1e-14, 5e-15 + 4 * EPS), (1e-16, 4 * EPS)]:
        got = fit_temperature(logits, labels, bounds=bounds, xtol=xtol)
        error = float(abs(mpmath.mpf(got) - reference) / reference)
        assert error <= bound, (name, xtol, got, mpmath.nstr(reference, 20), error)


def test_fit_temperature_reported_case():
    """5.198108416477339 before; mpmath's optimum is 5.1981088603569017."""
    got = fit_temperature(*_REPORTED, xtol=1e-16)
    assert got == pytest.approx(5.1981088603569017, rel=4 * EPS)
    assert fit_temperature(*_REPORTED) == pytest.approx(5.1981088603569017, rel=5e-10)


def test_fit_temperature_default_xtol_takes_33_softmax_evaluations(monkeypatch):
    """The docstring's cost: 33 evaluations for the default bounds and xtol, at most 56 for the
    narrowest bracket (neighbouring floats)."""
    calls = []
    real_softmax = xentdoc.calibration.softmax

    def counted(*args, **kwargs):
        calls.append(1)
        return real_softmax(*args, **kwargs)

    monkeypatch.setattr(xentdoc.calibration, "softmax", counted)
    fit_temperature(*_REPORTED)
    assert len(calls) == 33
    calls.clear()
    fit_temperature(*_REPORTED, xtol=5e-324)
    assert len(calls) <= 56
