"""Regression tests for the breaker's findings C13 (array-valued or non-bool flags) and D14, D15
(the training module's parameters), each named after its finding.

Expected values come from torch (``F.mse_loss`` on the softmax, autograd for the gradient) or
from the package's own cross-checked functions; error messages must name the parameter.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import xentdoc
from conftest import require
from xentdoc._validation import check_flag
from xentdoc.training import make_blobs, squared_error, squared_error_grad, train

REDUCTION_FUNCTIONS = [name for name in xentdoc.__all__
                       if "reduction" in inspect.signature(getattr(xentdoc, name)).parameters]


def _arguments(name):
    if name.startswith("binary") or name == "sigmoid_focal_loss":
        return np.full(3, 0.25), np.ones(3)
    if name == "nll_loss":
        return np.log(np.full((2, 3), 1 / 3)), np.array([0, 1])
    return np.zeros((2, 3)), np.array([0, 1])


# --------------------------------------------------------------------------------------------
# C13: flags
# --------------------------------------------------------------------------------------------


def test_C13_every_function_with_a_reduction_is_tested():
    assert sorted(REDUCTION_FUNCTIONS) == sorted(["nll_loss", "cross_entropy", "cross_entropy_grad",
                                                  "binary_cross_entropy",
                                                  "binary_cross_entropy_with_logits",
                                                  "sigmoid_focal_loss"])


@pytest.mark.parametrize("name", REDUCTION_FUNCTIONS)
@pytest.mark.parametrize("reduction", [np.array(["mean", "sum"]), np.array(["mean"]), None, 1, b"sum"],
                         ids=["array2", "array1", "None", "int", "bytes"])
def test_C13_reduction_that_is_not_a_string_is_a_type_error_naming_it(name, reduction):
    with pytest.raises(TypeError, match=r"`reduction` must be one of the strings"):
        getattr(xentdoc, name)(*_arguments(name), reduction=reduction)


@pytest.mark.parametrize("name", REDUCTION_FUNCTIONS)
def test_C13_reduction_strings_still_work(name):
    function = getattr(xentdoc, name)
    args = _arguments(name)
    np.testing.assert_array_equal(function(*args, reduction=np.str_("sum")), function(*args, reduction="sum"))
    with pytest.raises(ValueError, match=r"`reduction` must be 'none', 'mean' or 'sum', got 'total'"):
        function(*args, reduction="total")


@pytest.mark.parametrize("value", [np.array([True, False]), "no", "", 1, 0, None, np.array(True)])
def test_C13_check_flag_refuses_what_is_not_a_bool(value):
    with pytest.raises(TypeError, match=r"`keepdims` must be True or False"):
        check_flag(value, "keepdims")


def test_C13_check_flag_accepts_bools():
    assert check_flag(True, "keepdims") is True
    assert check_flag(np.False_, "keepdims") is False


@pytest.mark.parametrize("value", [np.array([True, False]), "no"])
def test_C13_logsumexp_keepdims_must_be_a_bool(value):
    with pytest.raises(TypeError, match=r"`keepdims` must be True or False"):
        xentdoc.logsumexp(np.zeros((2, 3)), keepdims=value)


# --------------------------------------------------------------------------------------------
# D14: labels of the training module
# --------------------------------------------------------------------------------------------

BAD_LABELS = [
    ([-1], ValueError, r"`labels` must hold class indices in \[0, 2\)"),
    ([2], ValueError, r"`labels` must hold class indices in \[0, 2\)"),
    ([-100], ValueError, r"`labels` must hold class indices"),
    ([0.0], TypeError, r"`labels` must hold integer class indices"),
    ([True], TypeError, r"`labels` must hold integer class indices"),
    ([0, 1], ValueError, r"`labels` must have shape \(1,\)"),
    ([[0]], ValueError, r"`labels` must have shape \(1,\)"),
]


@pytest.mark.parametrize(("labels", "error", "message"), BAD_LABELS,
                         ids=[repr(b[0]) for b in BAD_LABELS])
@pytest.mark.parametrize("function", [squared_error, squared_error_grad])
def test_D14_squared_error_validates_labels(function, labels, error, message):
    with pytest.raises(error, match=message):
        function([[0.0, 3.0]], labels)


def test_D14_squared_error_refuses_lengths_that_only_broadcast():
    with pytest.raises(ValueError, match=r"`labels` must have shape \(2,\)"):
        squared_error([[0.0, 0.0], [5.0, 0.0]], [0])


@pytest.mark.parametrize("logits", [np.zeros((0, 3)), np.zeros((2, 0)), np.zeros(3), np.zeros((1, 2, 3))])
def test_D14_squared_error_needs_a_non_empty_matrix(logits):
    with pytest.raises(ValueError, match=r"`logits` must have shape \(N, C\)"):
        squared_error(logits, np.zeros(len(logits), int))


@pytest.mark.parametrize("labels", [np.full(9, -1), np.full(9, -100), np.full(9, 3), np.full(9, 1.0)])
@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_D14_train_validates_labels(loss, labels):
    features, _ = make_blobs(points_per_class=3)
    with pytest.raises((ValueError, TypeError), match=r"`labels` must hold"):
        train(features, labels, loss=loss, steps=1)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_D14_squared_error_keeps_the_float_dtype_and_matches_torch(dtype):
    torch = require("torch")
    rng = np.random.default_rng(14)
    logits = (rng.standard_normal((7, 3)) * 2).astype(dtype)
    labels = rng.integers(0, 3, 7)
    z = torch.tensor(logits.astype(np.float64), requires_grad=True)
    probs = torch.softmax(z, dim=-1)
    one_hot = torch.nn.functional.one_hot(torch.from_numpy(labels), 3).double()
    # F.mse_loss averages over the N*C entries; squared_error sums classes, averages examples.
    expected = torch.nn.functional.mse_loss(probs, one_hot) * 3
    expected.backward()
    got, grad = squared_error(logits, labels), squared_error_grad(logits, labels)
    assert got.dtype == dtype and grad.dtype == dtype and grad.shape == logits.shape
    tolerance = {np.float16: 2e-3, np.float32: 2e-6, np.float64: 1e-13}[dtype]
    np.testing.assert_allclose(float(got), expected.item(), rtol=tolerance)
    np.testing.assert_allclose(grad.astype(np.float64), z.grad.numpy(), rtol=tolerance,
                               atol=tolerance * np.abs(z.grad.numpy()).max())
    assert squared_error(np.zeros((1, 2), np.int64), [0]).dtype == np.float64


# --------------------------------------------------------------------------------------------
# D15: the other parameters
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(points_per_class=4)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"learning_rate": np.inf}, ValueError, r"`learning_rate` must be a positive finite"),
    ({"learning_rate": 0.0}, ValueError, r"`learning_rate` must be a positive finite"),
    ({"learning_rate": "0.1"}, TypeError, r"`learning_rate` must be a positive number"),
    ({"learning_rate": None}, TypeError, r"`learning_rate` must be a positive number"),
    ({"learning_rate": np.array([0.1, 0.2])}, TypeError, r"`learning_rate` must be a positive number"),
    ({"steps": True}, TypeError, r"`steps` must be an integer"),
    ({"steps": 2.0}, TypeError, r"`steps` must be an integer"),
    ({"steps": -1}, ValueError, r"`steps` must be an integer >= 0"),
    ({"loss": np.array(["cross_entropy"])}, ValueError, r"`loss` must be one of"),
    ({"initial_weights": np.full((2, 3), np.inf)}, ValueError, r"`initial_weights` must hold finite"),
    ({"initial_weights": np.zeros((2, 3), complex)}, TypeError, r"`initial_weights` must be an array of real"),
    ({"initial_weights": np.zeros((3, 3))}, ValueError, r"`initial_weights` must have shape \(2, 3\)"),
])
def test_D15_train_parameters_give_clear_errors(blobs, kwargs, error, message):
    features, labels = blobs
    with pytest.raises(error, match=message):
        train(features, labels, **{"steps": 2, **kwargs})


@pytest.mark.parametrize(("features", "error", "message"), [
    (np.zeros((12, 2), complex), TypeError, r"`features` must be an array of real"),
    (np.full((12, 2), np.nan), ValueError, r"`features` must hold finite"),
    (np.zeros((0, 2)), ValueError, r"`features` must have shape \(N, D\) with N >= 1"),
    (np.zeros(12), ValueError, r"`features` must have shape \(N, D\)"),
])
def test_D15_train_features_give_clear_errors(blobs, features, error, message):
    labels = blobs[1] if len(features) else np.zeros(0, int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning, no "Mean of empty slice"
        with pytest.raises(error, match=message):
            train(features, labels, steps=2)


@pytest.mark.parametrize("kwargs", [{"initial_weights": np.full((2, 3), 1e308)},
                                    {"learning_rate": 1e308, "steps": 3}])
def test_D15_finite_inputs_that_overflow_raise_a_clear_error_not_a_warning(blobs, kwargs):
    features, labels = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"the logits overflowed at step \d+"):
            train(features, labels, **{"steps": 2, **kwargs})


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"spread": "1"}, TypeError, r"`spread` must be a positive number"),
    ({"spread": None}, TypeError, r"`spread` must be a positive number"),
    ({"spread": np.array([1.0, 2.0])}, TypeError, r"`spread` must be a positive number"),
    ({"spread": np.inf}, ValueError, r"`spread` must be a positive finite"),
    ({"spread": 0}, ValueError, r"`spread` must be a positive finite"),
    ({"seed": -1}, ValueError, r"`seed` must be an integer >= 0"),
    ({"seed": 1.5}, TypeError, r"`seed` must be an integer"),
    ({"seed": True}, TypeError, r"`seed` must be an integer"),
    ({"points_per_class": True}, TypeError, r"`points_per_class` must be an integer"),
    ({"points_per_class": 0}, ValueError, r"`points_per_class` must be an integer >= 1"),
    ({"points_per_class": 2.0}, TypeError, r"`points_per_class` must be an integer"),
])
def test_D15_make_blobs_parameters_give_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_blobs(**kwargs)


def test_D15_valid_calls_are_unchanged():
    # The same seed gives the same points (NumPy's generator), and numpy integers are accepted.
    a = make_blobs(points_per_class=np.int64(3), spread=np.float32(0.5), seed=np.uint8(4))
    b = make_blobs(points_per_class=3, spread=0.5, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = train(*b, steps=np.int64(5), learning_rate=np.float64(0.5))
    assert run.losses.shape == (6,) and np.all(np.isfinite(run.losses))


def test_training_continued_from_its_parameters_ends_where_one_longer_run_does():
    features, labels = xentdoc.training.make_blobs(points_per_class=5, spread=1.5, seed=1)
    whole = xentdoc.training.train(features, labels, steps=30)
    first = xentdoc.training.train(features, labels, steps=12)
    rest = xentdoc.training.train(features, labels, steps=18, initial_weights=first.weights,
                                  initial_bias=first.bias)
    np.testing.assert_array_equal(rest.weights, whole.weights)
    np.testing.assert_array_equal(rest.bias, whole.bias)
    np.testing.assert_array_equal(np.concatenate([first.losses, rest.losses[1:]]), whole.losses)


@pytest.mark.parametrize("bias, error", [(np.zeros(2), ValueError), (np.array([0.0, np.nan, 0.0]), ValueError),
                                         ("abc", TypeError)])
def test_training_rejects_a_bad_initial_bias(bias, error):
    features, labels = xentdoc.training.make_blobs(points_per_class=2)
    with pytest.raises(error, match="initial_bias"):
        xentdoc.training.train(features, labels, steps=1, initial_bias=bias)


# --------------------------------------------------------------------------------------------
# Breaker, third round: squared_error and its gradient against mpmath
# --------------------------------------------------------------------------------------------


def _mp_squared_error_and_grad(logits, labels):
    """(loss, gradient) of the squared error at the exact logits, at mpmath's 60 digits."""
    import reference as ref
    from mpmath import mp

    def value_and_grad(z):
        n, c = z.shape
        loss, grad = ref.ZERO, np.empty(z.shape, dtype=object)
        for i in range(n):
            top = max(z[i])
            e = [mp.exp(v - top) for v in z[i]]
            total = mp.fsum(e)
            p = [v / total for v in e]
            r = [p[j] - (1 if j == labels[i] else 0) for j in range(c)]
            loss += mp.fsum(v * v for v in r) / n
            s = mp.fsum(r[k] * p[k] for k in range(c))
            for j in range(c):
                grad[i, j] = 2 * p[j] * (r[j] - s) / n
        return loss, grad

    z = ref.to_mp(logits)
    loss, grad = value_and_grad(z)
    # Condition numbers sum_i |z_i d f / d z_i| / |f| by central differences at 60 digits.
    h = mp.mpf(10) ** -25
    loss_cond, grad_cond = ref.ZERO, np.zeros(z.shape, dtype=object)
    for index in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[index] += h
        down[index] -= h
        (l_up, g_up), (l_down, g_down) = value_and_grad(up), value_and_grad(down)
        loss_cond += abs(z[index] * (l_up - l_down) / (2 * h))
        for other in np.ndindex(z.shape):
            grad_cond[other] += abs(z[index] * (g_up[other] - g_down[other]) / (2 * h))
    loss_ref = ref.Ref(loss, ref._cond(loss_cond, loss))
    grad_ref = ref.Ref(grad, np.array([[ref._cond(grad_cond[i, j], grad[i, j])
                                        for j in range(z.shape[1])] for i in range(z.shape[0])],
                                      dtype=object))
    return loss_ref, grad_ref


_CONFIDENT_LOGITS = [
    (np.float64, [[40.0, 0.0]], [0]),                      # confidently right: 2 sigma(-40)^2
    (np.float64, [[40.0, 0.0]], [1]),                      # confidently wrong
    (np.float64, [[30.0, -2.0, 1.0], [0.5, 25.0, -1.0]], [0, 2]),
    (np.float64, [[0.3, -0.2, 0.1], [2.0, 1.0, -1.0]], [1, 0]),
    (np.float32, [[12.0, 0.0]], [0]),
    (np.float32, [[12.0, 0.0, -3.0], [1.0, 9.0, 0.0]], [0, 0]),
    (np.float16, [[5.0, 0.0]], [0]),
    (np.float16, [[3.0, 0.0, 1.0]], [1]),
]


@pytest.mark.parametrize("dtype, logits, labels", _CONFIDENT_LOGITS)
def test_squared_error_and_grad_against_mpmath(dtype, logits, labels):
    """p_t - 1 was formed from the rounded p_t (the loss of [[40, 0]], label 0, came out half its
    value, and its gradient too), and float16/float32 logits had their softmax rounded to their
    dtype before the float64 sum: the results were rounded twice."""
    import reference as ref
    logits = np.array(logits, dtype)
    loss_ref, grad_ref = _mp_squared_error_and_grad(logits, labels)
    ref.assert_close_ulps(squared_error(logits, labels), loss_ref, dtype, 2.0, extra=2.0,
                          context="squared_error")
    ref.assert_close_ulps(squared_error_grad(logits, labels), grad_ref, dtype, 2.0, extra=2.0,
                          context="squared_error_grad")


@pytest.mark.parametrize("scale, error", [(np.inf, ValueError), (-2.0, ValueError), (0.0, ValueError),
                                          ("2", TypeError), (np.array([1.0, 2.0]), TypeError),
                                          (10**400, ValueError)])
def test_confidently_wrong_weights_checks_its_scale(scale, error):
    """np.inf gave NaN weights and a RuntimeWarning, "2" and arrays NumPy's own errors."""
    from xentdoc.training import confidently_wrong_weights
    with pytest.raises(error, match="`scale` must be a positive"):
        confidently_wrong_weights(scale)


@pytest.mark.parametrize("call", [
    lambda: make_blobs(spread=10**400),
    lambda: train(*make_blobs(points_per_class=2), learning_rate=10**400),
    lambda: xentdoc.softmax(np.zeros(2), temperature=10**400),
    lambda: xentdoc.entropy(np.array([0.5, 0.5]), base=10**400),
])
def test_integers_beyond_float64_raise_the_error_naming_the_parameter(call):
    """An OverflowError ('int too large to convert to float') before."""
    with pytest.raises(ValueError, match="must be a positive finite number"):
        call()
