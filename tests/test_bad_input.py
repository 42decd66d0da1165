"""Bad input: a clear ValueError, IndexError or TypeError whose message names the parameter
(in backticks or quotes, or as a bare word) and says what it may be.

Each case listed in the issue has its own test; `match=` checks the parameter's name and a
word of the rule it breaks, not the whole sentence, so the wording can improve freely.
"""

from __future__ import annotations

import numpy as np
import pytest

import xentdoc

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
TARGET = np.array([0, 2])
CLASS_LOSSES = [xentdoc.cross_entropy, xentdoc.cross_entropy_grad, xentdoc.nll_loss]
SMOOTHED_LOSSES = [xentdoc.cross_entropy, xentdoc.cross_entropy_grad]
BINARY_LOSSES = [xentdoc.binary_cross_entropy, xentdoc.binary_cross_entropy_with_logits]
ALL_LOSSES = CLASS_LOSSES + BINARY_LOSSES


def _name(function):
    return function.__name__


# --------------------------------------------------------------------------------------------
# Class-index targets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", CLASS_LOSSES, ids=_name)
@pytest.mark.parametrize("bad", [3, 4, 1000])
def test_target_class_out_of_range(function, bad):
    # The message says what a class index may be: in [0, C) (here C = 3), or ignore_index.
    with pytest.raises((IndexError, ValueError), match=r"(?s)target.*\b3\b") as info:
        function(LOGITS, np.array([0, bad]))
    assert "ignore_index" in str(info.value) or "[0" in str(info.value)


@pytest.mark.parametrize("function", CLASS_LOSSES, ids=_name)
def test_negative_target(function):
    with pytest.raises((IndexError, ValueError), match=r"(?s)target.*(negative|\[0)"):
        function(LOGITS, np.array([0, -1]))


@pytest.mark.parametrize("function", CLASS_LOSSES, ids=_name)
def test_ignore_index_is_not_out_of_range(function):
    # The class out of range *is* allowed when it equals ignore_index.
    result = function(LOGITS, np.array([0, 7]), ignore_index=7)
    assert np.isfinite(result).all()
    result = function(LOGITS, np.array([-1, 1]), ignore_index=-1)
    assert np.isfinite(result).all()


@pytest.mark.parametrize("function", CLASS_LOSSES, ids=_name)
@pytest.mark.parametrize(
    ("logits", "target"),
    [
        (LOGITS, np.array([0, 1, 2])),  # N = 2 logits rows, 3 targets
        (LOGITS, np.array([[0, 1]])),  # (1, 2) target for an (N, C) input
        (np.zeros((2, 3, 4)), np.array([0, 1])),  # (N, C, d1) input needs (N, d1) targets
        (np.zeros(3), np.array([0, 1])),  # (C,) input needs a scalar target
    ],
    ids=["longer batch", "extra axis", "missing d1", "unbatched"],
)
def test_batch_shape_mismatch(function, logits, target):
    with pytest.raises(ValueError, match=r"(?s)target.*shape"):
        function(logits, target)


@pytest.mark.parametrize("function", SMOOTHED_LOSSES, ids=_name)
@pytest.mark.parametrize(
    "target",
    [
        np.array([0.0, 2.0]),  # floats holding class indices
        np.array([[0.5, 0.5]]),  # probabilities of the wrong shape
        np.array([[0.5, 0.2, 0.1], [0.1, 0.1, 0.8]]),  # a row that does not sum to 1
        np.array([[1.5, -0.5, 0.0], [0.1, 0.1, 0.8]]),  # entries outside [0, 1]
    ],
    ids=["float indices", "wrong shape", "not summing to 1", "negative entry"],
)
def test_float_targets_must_be_probabilities_of_the_input_shape(function, target):
    with pytest.raises((ValueError, TypeError), match=r"(?s)target.*(probabilit|shape|sum|distribution)"):
        function(LOGITS, target)


@pytest.mark.parametrize("function", SMOOTHED_LOSSES, ids=_name)
@pytest.mark.parametrize("ignore_index, error", [(0, ValueError), (2, ValueError), (1.5, TypeError),
                                                 (True, TypeError)])
def test_ignore_index_with_probability_targets(function, ignore_index, error):
    # torch raises for ignore_index >= 0 with float targets (tests/test_claims_losses.py).
    with pytest.raises(error, match="`ignore_index`.*(negative|integer)"):
        function(LOGITS, xentdoc.softmax(LOGITS), ignore_index=ignore_index)


def test_nll_loss_rejects_float_targets():
    with pytest.raises((ValueError, TypeError), match="target"):
        xentdoc.nll_loss(LOGITS, np.array([0.0, 2.0]))


@pytest.mark.parametrize("function", CLASS_LOSSES, ids=_name)
@pytest.mark.parametrize("target", [np.array(["a", "b"]), np.array([True, False])],
                         ids=["strings", "booleans"])
def test_target_of_the_wrong_type(function, target):
    with pytest.raises((TypeError, ValueError), match="target"):
        function(LOGITS, target)


# --------------------------------------------------------------------------------------------
# weight, reduction, label_smoothing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", CLASS_LOSSES, ids=_name)
@pytest.mark.parametrize("weight", [np.ones(2), np.ones(4), np.ones((3, 1)), np.ones((2, 3))],
                         ids=["too short", "too long", "2-D column", "per sample"])
def test_class_weight_of_the_wrong_length(function, weight):
    with pytest.raises(ValueError, match=r"(?s)weight.*(length|shape|C)"):
        function(LOGITS, TARGET, weight=weight)


@pytest.mark.parametrize("function", BINARY_LOSSES, ids=_name)
def test_binary_weight_that_does_not_broadcast(function):
    p = np.full((2, 3), 0.5)
    with pytest.raises(ValueError, match=r"(?s)weight.*(shape|broadcast)"):
        function(p, p, weight=np.ones(4))


def test_pos_weight_that_does_not_broadcast():
    x = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"(?s)pos_weight.*(shape|broadcast)"):
        xentdoc.binary_cross_entropy_with_logits(x, x, pos_weight=np.ones(2))


# Negative, NaN and infinite weights (public report, second round): accepted silently before, as
# torch accepts them. Class weights summing to 0 gave a 'mean' of -inf, pos_weight=-1 a negative
# loss: a negative weight makes the loss unbounded below. xentdoc refuses them; 0 stays allowed.
# The last tests check that torch accepts them, and that zero weights follow torch.

_PROBS = np.array([[0.7, 0.2], [0.4, 0.9]])
_BAD_WEIGHTS = {"negative": -1.0, "NaN": np.nan, "inf": np.inf, "-inf": -np.inf,
                "tiny negative": -float(np.finfo(np.float32).smallest_subnormal)}  # float32 too


def _weighted_calls(bad, reduction):
    """(parameter name, call) for every loss that takes a weight, with `bad` among its entries."""
    classes = np.array([1.0, bad, 1.0])
    element = np.array([[1.0, bad], [1.0, 1.0]])
    log_probs = np.log(xentdoc.softmax(LOGITS))
    ones = np.ones_like(_PROBS)
    return [
        ("weight", lambda: xentdoc.nll_loss(log_probs, TARGET, weight=classes, reduction=reduction)),
        ("weight", lambda: xentdoc.cross_entropy(LOGITS, TARGET, weight=classes, reduction=reduction)),
        ("weight", lambda: xentdoc.cross_entropy(LOGITS, xentdoc.softmax(LOGITS), weight=classes,
                                                 reduction=reduction)),
        ("weight", lambda: xentdoc.cross_entropy_grad(LOGITS, TARGET, weight=classes, reduction=reduction,
                                                      label_smoothing=0.1)),
        ("weight", lambda: xentdoc.binary_cross_entropy(_PROBS, ones, weight=element, reduction=reduction)),
        ("weight", lambda: xentdoc.binary_cross_entropy_with_logits(_PROBS, ones, weight=element,
                                                                    reduction=reduction)),
        ("pos_weight", lambda: xentdoc.binary_cross_entropy_with_logits(_PROBS, ones, pos_weight=bad,
                                                                        reduction=reduction)),
        ("pos_weight", lambda: xentdoc.binary_cross_entropy_with_logits(
            _PROBS, ones, pos_weight=np.array([2.0, bad], dtype=np.float32), reduction=reduction)),
    ]


@pytest.mark.parametrize("kind", list(_BAD_WEIGHTS))
@pytest.mark.parametrize("index", range(8))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_negative_or_non_finite_weights_are_refused_naming_the_parameter(kind, index, reduction):
    name, call = _weighted_calls(_BAD_WEIGHTS[kind], reduction)[index]
    with pytest.raises(ValueError, match=rf"`{name}` must hold non-negative finite numbers"):
        call()


def test_the_reported_negative_weight_cases_are_refused():
    """Class weights [1, -1] on targets [0, 1] summed to 0 and gave a 'mean' of -inf; pos_weight=-1
    gave the loss -0.894 for z = [0.5, -1], y = [1, 1]."""
    with pytest.raises(ValueError, match="`weight` must hold non-negative.*unbounded below"):
        xentdoc.cross_entropy([[2.0, 0.0], [0.0, 1.0]], [0, 1], weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="`pos_weight` must hold non-negative.*unbounded below"):
        xentdoc.binary_cross_entropy_with_logits([0.5, -1.0], [1.0, 1.0], pos_weight=-1.0)


@pytest.mark.parametrize("index", range(8))
def test_zero_and_negative_zero_weights_stay_allowed(index):
    for zero in (0.0, -0.0):
        _, call = _weighted_calls(zero, "sum")[index]
        assert np.all(np.isfinite(call()))


def _torch_weighted_calls(torch, bad, reduction):
    """The calls of `_weighted_calls` in torch.nn.functional (float64 tensors)."""
    F = torch.nn.functional
    def t(a):
        return torch.tensor(np.asarray(a, dtype=np.float64))

    classes, element = t([1.0, bad, 1.0]), t([[1.0, bad], [1.0, 1.0]])
    logits, target, probs, ones = t(LOGITS), torch.tensor(TARGET), t(_PROBS), t(np.ones_like(_PROBS))
    return [
        lambda: F.nll_loss(torch.log_softmax(logits, 1), target, weight=classes, reduction=reduction),
        lambda: F.cross_entropy(logits, target, weight=classes, reduction=reduction),
        lambda: F.cross_entropy(logits, torch.softmax(logits, 1), weight=classes, reduction=reduction),
        lambda: F.cross_entropy(logits, target, weight=classes, reduction=reduction, label_smoothing=0.1),
        lambda: F.binary_cross_entropy(probs, ones, weight=element, reduction=reduction),
        lambda: F.binary_cross_entropy_with_logits(probs, ones, weight=element, reduction=reduction),
        lambda: F.binary_cross_entropy_with_logits(probs, ones, pos_weight=t(bad), reduction=reduction),
        lambda: F.binary_cross_entropy_with_logits(probs, ones, pos_weight=t([2.0, bad]),
                                                   reduction=reduction),
    ]


@pytest.mark.parametrize("kind", list(_BAD_WEIGHTS))
@pytest.mark.parametrize("index", range(8))
def test_torch_accepts_the_weights_xentdoc_refuses(kind, index):
    """The docstrings say torch accepts them: it returns a value, without an error."""
    from conftest import require

    torch = require("torch")
    result = _torch_weighted_calls(torch, _BAD_WEIGHTS[kind], "sum")[index]()
    assert result.shape == ()


def test_torch_gives_the_reported_results_for_negative_weights():
    """What xentdoc gave too before it refused them: -inf for class weights summing to 0 under
    'mean', a negative loss for pos_weight=-1 (-softplus(-0.5) - softplus(1))."""
    from conftest import require

    torch = require("torch")
    F = torch.nn.functional
    z = torch.tensor([[2.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    weight = torch.tensor([1.0, -1.0], dtype=torch.float64)
    assert F.cross_entropy(z, torch.tensor([0, 1]), weight=weight).item() == -np.inf
    x, y = torch.tensor([0.5, -1.0], dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    loss = F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor(-1.0, dtype=torch.float64)).item()
    expected = -(np.logaddexp(0, -0.5) + np.logaddexp(0, 1.0)) / 2
    assert loss == pytest.approx(expected, rel=1e-15) and loss < 0


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("index", range(8))
def test_zero_weights_follow_torch(index, reduction):
    """Zero weights stay allowed, with torch's values (for cross_entropy_grad, torch's gradient)."""
    from conftest import require

    torch = require("torch")
    _, call = _weighted_calls(0.0, reduction)[index]
    got = np.asarray(call(), dtype=np.float64)
    if index == 3:
        logits = torch.tensor(LOGITS, requires_grad=True)
        torch.nn.functional.cross_entropy(
            logits, torch.tensor(TARGET), weight=torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64),
            reduction=reduction, label_smoothing=0.1).sum().backward()
        expected = logits.grad.numpy()
    else:
        expected = _torch_weighted_calls(torch, 0.0, reduction)[index]().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


def test_all_zero_class_weights_give_nan_for_the_mean_as_torch():
    from conftest import require

    torch = require("torch")
    weight = np.zeros(3)
    got = float(xentdoc.cross_entropy(LOGITS, TARGET, weight=weight))
    expected = torch.nn.functional.cross_entropy(torch.tensor(LOGITS), torch.tensor(TARGET),
                                                 weight=torch.tensor(weight)).item()
    assert np.isnan(got) and np.isnan(expected)


@pytest.mark.parametrize("function", ALL_LOSSES, ids=_name)
@pytest.mark.parametrize("reduction", ["average", "Mean", "", None, "elementwise_mean"])
def test_unknown_reduction(function, reduction):
    p = np.full((2, 3), 0.5)
    args = (LOGITS, TARGET) if function in CLASS_LOSSES else (p, p)
    with pytest.raises((ValueError, TypeError), match=r"(?s)^(?=.*reduction)(?=.*mean)(?=.*sum)(?=.*none)"):
        function(*args, reduction=reduction)


@pytest.mark.parametrize("function", SMOOTHED_LOSSES, ids=_name)
@pytest.mark.parametrize("label_smoothing", [-0.1, 1.5, float("nan"), float("inf")])
def test_label_smoothing_outside_unit_interval(function, label_smoothing):
    with pytest.raises(ValueError, match=r"(?s)label_smoothing.*\[0, 1\]"):
        function(LOGITS, TARGET, label_smoothing=label_smoothing)


@pytest.mark.parametrize("function", SMOOTHED_LOSSES, ids=_name)
def test_label_smoothing_of_the_wrong_type(function):
    with pytest.raises(TypeError, match="label_smoothing"):
        function(LOGITS, TARGET, label_smoothing="0.1")


@pytest.mark.parametrize("label_smoothing", [0.0, 1.0])
def test_label_smoothing_bounds_are_allowed(label_smoothing):
    assert np.isfinite(xentdoc.cross_entropy(LOGITS, TARGET, label_smoothing=label_smoothing))


# --------------------------------------------------------------------------------------------
# Binary cross-entropy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-0.1, 1.1, -1e-300, 2.0])
def test_bce_probabilities_outside_unit_interval(bad):
    with pytest.raises(ValueError, match=r"(?s)input.*\[0, 1\]"):
        xentdoc.binary_cross_entropy(np.array([0.5, bad]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("function", BINARY_LOSSES, ids=_name)
@pytest.mark.parametrize("bad", [-0.5, 1.5])
def test_bce_targets_outside_unit_interval(function, bad):
    with pytest.raises(ValueError, match=r"(?s)target.*\[0, 1\]"):
        function(np.array([0.5, 0.5]), np.array([1.0, bad]))


@pytest.mark.parametrize("function", BINARY_LOSSES, ids=_name)
def test_bce_shape_mismatch(function):
    with pytest.raises(ValueError, match=r"(?s)target.*shape"):
        function(np.full((2, 3), 0.5), np.full((3, 2), 0.5))


# --------------------------------------------------------------------------------------------
# Distributions and bases
# --------------------------------------------------------------------------------------------

P = np.array([0.2, 0.3, 0.5])


# The parameters follow the course's notation: y the data's distribution, p the model's;
# entropy's lone distribution is p, perplexity's first is y.
@pytest.mark.parametrize(
    ("function", "args", "first"),
    [
        (xentdoc.entropy, (), "p"),
        (xentdoc.perplexity, (), "y"),
        (xentdoc.perplexity, (P,), "y"),
        (xentdoc.distribution_cross_entropy, (P,), "y"),
        (xentdoc.kl_divergence, (P,), "y"),
    ],
    ids=["entropy", "perplexity", "perplexity2", "cross_entropy", "kl"],
)
def test_negative_entries_in_a_distribution(function, args, first):
    bad = np.array([0.7, -0.2, 0.5])
    with pytest.raises(ValueError, match=rf"(?s)`{first}`.*negative"):
        function(bad, *args)
    if args:
        with pytest.raises(ValueError, match=r"(?s)`p`.*negative"):
            function(P, bad)


@pytest.mark.parametrize(
    ("function", "args", "first"),
    [
        (xentdoc.entropy, (), "p"),
        (xentdoc.perplexity, (), "y"),
        (xentdoc.distribution_cross_entropy, (P,), "y"),
        (xentdoc.kl_divergence, (P,), "y"),
    ],
    ids=["entropy", "perplexity", "cross_entropy", "kl"],
)
def test_distribution_not_summing_to_one(function, args, first):
    with pytest.raises(ValueError, match=rf"(?s)`{first}`.*sum"):
        function(np.array([0.2, 0.3, 0.4]), *args)
    if args:
        with pytest.raises(ValueError, match=r"(?s)`p`.*sum"):
            function(P, np.array([0.2, 0.3, 0.4]))


def test_information_of_a_probability_outside_unit_interval():
    with pytest.raises(ValueError, match=r"(?s)\bp\b.*\[0, 1\]"):
        xentdoc.information(np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match=r"(?s)\bp\b.*\[0, 1\]"):
        xentdoc.logit(np.array([-0.1]))


@pytest.mark.parametrize("base", [0, -2, -0.5, float("nan"), float("-inf")])
@pytest.mark.parametrize(
    ("function", "args"),
    [
        (xentdoc.information, (P,)),
        (xentdoc.entropy, (P,)),
        (xentdoc.distribution_cross_entropy, (P, P)),
        (xentdoc.kl_divergence, (P, P)),
    ],
    ids=["information", "entropy", "cross_entropy", "kl"],
)
def test_base_that_is_not_positive(function, args, base):
    with pytest.raises(ValueError, match=r"(?s)base.*positive"):
        function(*args, base=base)


def test_base_one_is_rejected():
    # log_1 is undefined (division by log 1 = 0): positive, but not a base.
    with pytest.raises(ValueError, match=r"(?s)base.*1"):
        xentdoc.entropy(P, base=1)


def test_base_of_the_wrong_type():
    with pytest.raises(TypeError, match="base"):
        xentdoc.entropy(P, base="2")


# --------------------------------------------------------------------------------------------
# Arrays, axes and temperature
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus", "softmax", "log_softmax",
                                  "logsumexp"])
def test_non_numeric_input(name):
    with pytest.raises(TypeError, match=r"\bx\b"):
        getattr(xentdoc, name)(np.array(["a", "b"]))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_axis_out_of_range(name):
    with pytest.raises(ValueError, match="axis"):
        getattr(xentdoc, name)(LOGITS, axis=2)
    with pytest.raises(TypeError, match="axis"):
        getattr(xentdoc, name)(LOGITS, axis=1.0)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("temperature", [0.0, -1.0, float("inf"), float("nan")])
def test_temperature_must_be_positive(name, temperature):
    with pytest.raises(ValueError, match=r"(?s)temperature.*positive"):
        getattr(xentdoc, name)(LOGITS, temperature=temperature)


def test_loss_of_a_scalar_input():
    with pytest.raises(ValueError, match="input"):
        xentdoc.cross_entropy(np.float64(1.0), np.array(0))


# --- masked arrays: their mask would be dropped silently, so every array parameter refuses them
_Z = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
_P = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
_MASKED_CALLS = [
    # (function name, positional arguments, keyword arguments); one argument is masked in turn
    ("sigmoid", (_Z,), {}), ("log_sigmoid", (_Z,), {}), ("softplus", (_Z,), {}),
    ("logit", (_P,), {}), ("softmax", (_Z,), {}), ("log_softmax", (_Z,), {}),
    ("logsumexp", (_Z,), {}),
    ("nll_loss", (np.log(_P), np.array([0, 2])), {"weight": np.ones(3)}),
    ("cross_entropy", (_Z, np.array([0, 2])), {"weight": np.ones(3)}),
    ("cross_entropy", (_Z, _P), {}),
    ("cross_entropy_grad", (_Z, np.array([0, 2])), {}),
    ("binary_cross_entropy", (_P, np.ones_like(_P)), {"weight": np.ones_like(_P)}),
    ("binary_cross_entropy_with_logits", (_Z, np.ones_like(_Z)),
     {"weight": np.ones_like(_Z), "pos_weight": np.ones(3)}),
    ("sigmoid_focal_loss", (_Z, np.ones_like(_Z)), {}),
    ("information", (_P,), {}), ("entropy", (_P[0],), {}),
    ("distribution_cross_entropy", (_P[0], _P[1]), {}), ("kl_divergence", (_P[0], _P[1]), {}),
    ("perplexity", (_P[0],), {}),
    ("expected_calibration_error", (_P, np.array([2, 0])), {}),
    ("reliability_diagram", (_P, np.array([2, 0])), {}),
    ("fit_temperature", (_Z, np.array([2, 0])), {}),
]


def _masked_cases():
    for name, args, kwargs in _MASKED_CALLS:
        for position in range(len(args)):
            yield pytest.param(name, args, kwargs, position, id=f"{name}-arg{position}")
        for key in kwargs:
            yield pytest.param(name, args, kwargs, key, id=f"{name}-{key}")


@pytest.mark.parametrize("name, args, kwargs, masked", list(_masked_cases()))
def test_masked_arrays_are_refused(name, args, kwargs, masked):
    import inspect

    function = getattr(xentdoc, name)
    function(*args, **kwargs)  # the unmasked call is valid
    args, kwargs = list(args), dict(kwargs)
    if isinstance(masked, int):
        value = args[masked]
        parameter = list(inspect.signature(function).parameters)[masked]
        args[masked] = np.ma.array(value, mask=np.zeros(np.shape(value), bool))
    else:
        value, parameter = kwargs[masked], masked
        kwargs[masked] = np.ma.array(value, mask=np.zeros(np.shape(value), bool))
    with pytest.raises(TypeError, match=f"`{parameter}` is or holds a masked array"):
        function(*args, **kwargs)


def test_masked_training_labels_are_refused():
    from xentdoc import training

    features, labels = training.make_blobs(points_per_class=5)
    with pytest.raises(TypeError, match="`labels` is or holds a masked array"):
        training.train(features, np.ma.array(labels), steps=1)


@pytest.mark.parametrize("call", [
    lambda: xentdoc.cross_entropy([np.ma.array(row, mask=[1, 0, 0]) for row in _Z], [0, 2]),
    lambda: xentdoc.sigmoid([np.ma.array([1.0, 2.0], mask=[1, 0])]),
    lambda: xentdoc.cross_entropy(_Z, [np.ma.array(0, mask=True), 2]),
    lambda: xentdoc.cross_entropy(_Z, [0, 2], weight=[np.ma.array(1.0, mask=True)] * 3),
    lambda: xentdoc.binary_cross_entropy_with_logits(_Z, np.ones_like(_Z), pos_weight=(1.0, [np.ma.array(2.0)], 1.0)),
])
def test_masked_arrays_inside_lists_are_refused(call):
    # np.asarray of a list of masked arrays drops their masks (or raises MaskError): refuse it
    with pytest.raises(TypeError, match="is or holds a masked array"):
        call()
