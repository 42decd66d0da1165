r"""A small training run: softmax regression fitted by plain gradient descent.

The course's page *Gradients and training* uses this module to compare two losses on the same
model, the same data, the same learning rate and the same number of steps:

- **cross-entropy** of the softmax probabilities (`xentdoc.cross_entropy`), whose gradient with
  respect to the logits is $(p - y) / N$, with $p = \operatorname{softmax}(z)$ and $y$ the one-hot
  targets;
- **squared error** of the softmax probabilities against the one-hot targets,

$$
\ell_{\text{SE}} = \frac{1}{N} \sum_{n=1}^{N} \sum_{c=1}^{C} \bigl(p_{n,c} - y_{n,c}\bigr)^2,
\qquad p_n = \operatorname{softmax}(z_n),
$$

whose gradient carries an extra factor of the softmax Jacobian and so fades away when the model
is confidently wrong.

The model is a linear map followed by softmax: logits $z = x W + b$ for an input point $x$, with
$W$ of shape (2, 3). The data are three Gaussian blobs in the plane drawn with
`numpy.random.default_rng(seed)`, so the same seed gives the same points and the same run (with the
same NumPy). Only NumPy and `xentdoc` are used. In the code the target class indices $t_n$ are
called `labels`.

Examples
--------
>>> from xentdoc.training import make_blobs, train
>>> features, labels = make_blobs()
>>> features.shape, labels.shape
((180, 2), (180,))
>>> run = train(features, labels, loss="cross_entropy", steps=50)
>>> run.losses.shape, run.accuracies.shape
((51,), (51,))
>>> bool(run.losses[-1] < run.losses[0])
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import numbers

from xentdoc import cross_entropy, cross_entropy_grad, softmax
from xentdoc._validation import as_float_array, check_positive_scalar, refuse_masked

__all__ = [
    "BLOB_CENTERS",
    "TrainingRun",
    "confidently_wrong_weights",
    "make_blobs",
    "squared_error",
    "squared_error_grad",
    "train",
]

#: Centres of the three blobs, one row per class (class 0 on top, 1 bottom left, 2 bottom right).
BLOB_CENTERS = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])

LOSSES = ("cross_entropy", "squared_error")


def make_blobs(points_per_class: int = 60, spread: float = 1.0, seed: int = 0):
    """Three Gaussian blobs in the plane, one per class.

    Parameters
    ----------
    points_per_class : int
        Number of points drawn around each centre of `BLOB_CENTERS`.
    spread : float
        Standard deviation of each coordinate around its centre.
    seed : int
        Seed of `numpy.random.default_rng`; the same seed gives the same points.

    Returns
    -------
    features : ndarray of shape (3 * points_per_class, 2)
        The points, class 0 first, then class 1, then class 2.
    labels : ndarray of shape (3 * points_per_class,), int
        The class index of each point.

    Raises
    ------
    TypeError
        If `points_per_class` or `seed` is not an integer (bools refused), or `spread` is not
        a number.
    ValueError
        If `points_per_class` is below 1, `seed` is negative, or `spread` is not a finite
        positive number.

    Examples
    --------
    >>> features, labels = make_blobs(points_per_class=2)
    >>> labels
    array([0, 0, 1, 1, 2, 2])
    >>> features.dtype
    dtype('float64')
    """
    points_per_class = _check_integer(points_per_class, "points_per_class", minimum=1)
    spread = check_positive_scalar(spread, "spread")
    seed = _check_integer(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(BLOB_CENTERS)), points_per_class)
    noise = rng.normal(scale=spread, size=(len(labels), 2))
    return BLOB_CENTERS[labels] + noise, labels


def _check_integer(value, name, minimum):
    """`value` as an int if it is an integer (not a bool) of at least `minimum`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _check_finite(array, name):
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must hold finite numbers; found NaN or infinity.")


def _check_labels(labels, count, num_classes, name="labels"):
    """`labels` as an integer array of shape (count,) with values in [0, num_classes)."""
    refuse_masked(labels, name)
    try:
        labels = np.asarray(labels)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`{name}` must be an array of class indices: {error}") from None
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"`{name}` must hold integer class indices in [0, {num_classes}), got dtype {labels.dtype}."
        )
    if labels.shape != (count,):
        raise ValueError(
            f"`{name}` must have shape ({count},), one class index per example, got shape {labels.shape}."
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"`{name}` must hold class indices in [0, {num_classes}); found {labels.min()} to {labels.max()}."
        )
    return labels


def _check_logits_and_labels(logits, labels):
    """Logits of shape (N, C), N >= 1, real; labels of shape (N,) in [0, C)."""
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(
            f"`logits` must have shape (N, C) with N >= 1 examples and C >= 1 classes, got shape {logits.shape}."
        )
    labels = _check_labels(labels, logits.shape[0], logits.shape[1])
    return logits, labels


def _one_hot(labels, num_classes):
    """(N, C) one-hot rows, without the (C, C) identity (800 MB for C = 10,000)."""
    one_hot = np.zeros((len(labels), num_classes))
    one_hot[np.arange(len(labels)), labels] = 1.0
    return one_hot


def _probs_and_residual(logits, labels):
    """p = softmax(z) in float64 and r = p - y, with r_t = -(sum of the other p_c).

    The softmax of the exact logits runs in float64 whatever their dtype (rounding p to float16
    or float32 first would round the result twice), and r_t is not p_t - 1: where p_t is near 1
    that difference keeps only the rounding of p_t (for z = [40, 0], t = 0 it is 0 instead of
    -4.2e-18), while the other probabilities sum to it to their full relative precision.
    """
    probs = np.asarray(softmax(logits.astype(np.float64)))
    target = _one_hot(labels, logits.shape[-1]).astype(bool)
    others = np.sum(np.where(target, 0.0, probs), axis=-1, keepdims=True)
    return probs, np.where(target, -others, probs)


def squared_error(logits, labels):
    r"""Squared error of the softmax probabilities against one-hot targets, averaged over examples.

    $$
    \ell_{\text{SE}} = \frac{1}{N} \sum_{n} \sum_{c} \bigl(\operatorname{softmax}(z_n)_c - y_{n,c}\bigr)^2
    $$

    with $y_n$ the one-hot vector of the target class $t_n$. It sums over classes and averages
    over examples (the multi-class Brier score). PyTorch's ``F.mse_loss(probs, one_hot)``
    averages over classes too, so it is this value divided by $C$
    (tests/test_claims_sigmoid.py checks this with torch).

    Examples
    --------
    `logits` has shape (N, C) with N >= 1 (a real array: float16, float32 and float64 keep
    their dtype, as in the rest of the package; integers are read as float64); `labels` holds N
    integer class indices in ``range(C)``. The softmax and the sum run in float64 and the
    result is rounded once to the dtype of `logits`; the target's $p_t - 1$ is taken as minus
    the sum of the other probabilities, which keeps a confident right answer's tiny loss
    (tests/test_regressions_flags_training.py compares both functions with mpmath).

    >>> round(float(squared_error([[0.0, 0.0]], [0])), 6)    # p = (0.5, 0.5): 0.25 + 0.25
    0.5
    """
    logits, labels = _check_logits_and_labels(logits, labels)
    _, residual = _probs_and_residual(logits, labels)
    return np.mean(np.sum(residual**2, axis=-1)).astype(logits.dtype)


def squared_error_grad(logits, labels):
    r"""Gradient of `squared_error` with respect to the logits.

    With $p = \operatorname{softmax}(z)$ and $r = p - y$, the chain rule through the softmax
    Jacobian $\partial p_k / \partial z_j = p_k(\delta_{kj} - p_j)$ gives, per example,

    $$
    \frac{\partial \ell_{\text{SE}}}{\partial z_j} = \frac{2}{N}\, p_j \Bigl(r_j - \sum_k r_k\, p_k\Bigr).
    $$

    This is why the whole gradient fades when the model is confidently wrong: every entry with a
    tiny $p_j$, the target's included, is scaled down by that factor, and the entry of the class
    the model is sure of ($p_j \approx 1$) has a bracket that tends to 0, since then
    $\sum_k r_k p_k \approx r_j$.

    Examples
    --------
    Same inputs as `squared_error`; the result has the shape and dtype of `logits` (computed
    in float64, rounded once). The target's entry and that of the class the model is sure of
    are formed without cancellation, so they keep their tiny values (compared with mpmath in
    tests/test_regressions_flags_training.py); between two other classes of nearly equal
    probability, an entry keeps only the rounding of their difference.

    >>> squared_error_grad([[0.0, 0.0]], [0])
    array([[-0.5,  0.5]])
    """
    logits, labels = _check_logits_and_labels(logits, labels)
    probs, residual = _probs_and_residual(logits, labels)
    rows = np.arange(len(labels))
    bracket = residual - np.sum(residual * probs, axis=-1, keepdims=True)
    # The bracket is sum_k p_k (r_j - r_k) (the p_k sum to 1). For the class the model is
    # sure of, every term of that sum is >= 0, while r_j - sum_k r_k p_k cancels (0 instead of
    # 1.7e-17 for [40, 0], t = 1); for the target it is -sum_k r_k^2, with no cancellation.
    # (Between two other classes of nearly equal p, p_j - p_k keeps only their rounding.)
    top = np.argmax(probs, axis=-1)
    sure = top != labels
    gap = residual[rows, top][:, None] - residual
    bracket[rows[sure], top[sure]] = np.sum(probs * gap, axis=-1)[sure]
    bracket[rows, labels] = -np.sum(residual**2, axis=-1)
    return (2.0 * probs * bracket / len(labels)).astype(logits.dtype)


def confidently_wrong_weights(scale: float = 2.0):
    """Weights of a model that starts out confident and wrong on `make_blobs` data.

    Column ``k`` of the returned (2, 3) matrix is ``scale`` times the centre of blob ``k + 1``
    (cyclically), so the centre of blob ``k + 1`` gets its highest logit for class ``k``: each
    blob centre points at the class *before* its own. Most points follow their centre; the few
    near the boundaries between blobs do not, and some of those start out right. This is the
    situation a real model meets after a bad initialisation or when its labels get permuted.
    `scale` is a positive finite number (a TypeError or ValueError naming it otherwise): a
    negative one would aim each centre away from the class before its own.

    Examples
    --------
    >>> confidently_wrong_weights(scale=1.0)
    array([[-2.,  2.,  0.],
           [-1., -1.,  2.]])
    >>> features, labels = make_blobs()
    >>> top = (features @ confidently_wrong_weights()).argmax(axis=1)
    >>> [int((top == (labels + shift) % 3).sum()) for shift in (-1, 0, 1)]  # class before, own, after
    [170, 4, 6]
    """
    scale = check_positive_scalar(scale, "scale")
    next_class = np.roll(np.arange(len(BLOB_CENTERS)), -1)
    return scale * BLOB_CENTERS[next_class].T


@dataclass(frozen=True)
class TrainingRun:
    """The record of one call to `train`.

    Attributes
    ----------
    losses : ndarray of shape (steps + 1,)
        The training loss before each step and after the last one.
    accuracies : ndarray of shape (steps + 1,)
        The fraction of points whose largest logit is their own class, at the same moments.
    weights : ndarray of shape (2, 3)
        The final weights.
    bias : ndarray of shape (3,)
        The final bias.
    """

    losses: np.ndarray
    accuracies: np.ndarray
    weights: np.ndarray
    bias: np.ndarray


def train(features, labels, loss="cross_entropy", learning_rate=0.5, steps=200, initial_weights=None,
          initial_bias=None):
    r"""Fit softmax regression $z = xW + b$ by full-batch gradient descent.

    Each step computes the logits of all points, the loss and its gradient
    $G = \partial \ell / \partial z$ (shape (N, C)), then moves the parameters against it:

    $$
    W \leftarrow W - \eta\, x^\top G, \qquad b \leftarrow b - \eta \sum_n G_n .
    $$

    Parameters
    ----------
    features : array_like of shape (N, D)
        The inputs.
    labels : array_like of shape (N,), int
        The target class indices $t_n$, in ``range(3)``.
    loss : {"cross_entropy", "squared_error"}
        Which loss to minimise (see the module docstring).
    learning_rate : float
        The step size $\eta$, positive.
    steps : int
        How many gradient steps to take, non-negative.
    initial_weights : array_like of shape (D, 3), optional
        Starting weights; zeros by default.
    initial_bias : array_like of shape (3,), optional
        Starting bias; zeros by default. Passing a run's final `weights` and `bias` continues
        it: ``train(..., steps=a)`` continued for `b` steps ends exactly where
        ``train(..., steps=a + b)`` does, as each step depends only on the current parameters.

    Returns
    -------
    TrainingRun
        Per-step loss and accuracy, and the final parameters.

    Raises
    ------
    TypeError
        If `features` or `initial_weights` is not real-valued (complex included), `labels` is
        not an integer array, or `learning_rate` or `steps` is not a number of the right kind.
    ValueError
        If `loss` is unknown, `learning_rate` is not finite and positive, `steps` is negative,
        `features` is not a non-empty (N, D) array of finite numbers, `labels` does not hold N
        indices in ``range(3)``, `initial_weights` or `initial_bias` has the wrong shape or
        non-finite entries,
        or the logits overflow float64 during the run (no RuntimeWarning is raised instead).

    Examples
    --------
    From a confidently wrong start, cross-entropy is above 90% accuracy within a few dozen steps,
    while squared error is still below 40% after two hundred. The accuracy before the first
    step, after 50 steps and after 200:

    >>> import numpy as np
    >>> features, labels = make_blobs()
    >>> start = confidently_wrong_weights()
    >>> by_ce = train(features, labels, "cross_entropy", initial_weights=start)
    >>> by_se = train(features, labels, "squared_error", initial_weights=start)
    >>> print(np.round(by_ce.accuracies[[0, 50, 200]], 3))
    [0.022 0.944 0.956]
    >>> print(np.round(by_se.accuracies[[0, 50, 200]], 3))
    [0.022 0.033 0.322]
    """
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"`loss` must be one of {LOSSES}, got {loss!r}.")
    learning_rate = check_positive_scalar(learning_rate, "learning_rate")
    steps = _check_integer(steps, "steps", minimum=0)
    features = as_float_array(features, "features").astype(np.float64)
    if features.ndim != 2 or features.shape[0] == 0:
        raise ValueError(
            f"`features` must have shape (N, D) with N >= 1 points, got shape {features.shape}."
        )
    _check_finite(features, "features")
    num_classes = len(BLOB_CENTERS)
    labels = _check_labels(labels, features.shape[0], num_classes)
    if initial_weights is None:
        weights = np.zeros((features.shape[1], num_classes))
    else:
        weights = as_float_array(initial_weights, "initial_weights").astype(np.float64)
        _check_finite(weights, "initial_weights")
        if weights.shape != (features.shape[1], num_classes):
            raise ValueError(
                f"`initial_weights` must have shape ({features.shape[1]}, {num_classes}), got {weights.shape}."
            )
    if initial_bias is None:
        bias = np.zeros(num_classes)
    else:
        bias = as_float_array(initial_bias, "initial_bias").astype(np.float64)
        _check_finite(bias, "initial_bias")
        if bias.shape != (num_classes,):
            raise ValueError(f"`initial_bias` must have shape ({num_classes},), got {bias.shape}.")
    loss_fn, grad_fn = (
        (cross_entropy, cross_entropy_grad) if loss == "cross_entropy" else (squared_error, squared_error_grad)
    )

    losses, accuracies = [], []
    for step in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            logits = features @ weights + bias
        if not np.all(np.isfinite(logits)):
            raise ValueError(
                f"the logits overflowed at step {step}: the scale of `features`, `initial_weights`"
                f" and `learning_rate` ({learning_rate!r}) is too large for float64."
            )
        losses.append(float(loss_fn(logits, labels)))
        accuracies.append(float(np.mean(np.argmax(logits, axis=-1) == labels)))
        if step == steps:
            break
        grad_logits = grad_fn(logits, labels)
        with np.errstate(over="ignore", invalid="ignore"):  # caught at the next step's check
            weights = weights - learning_rate * features.T @ grad_logits
            bias = bias - learning_rate * grad_logits.sum(axis=0)
    return TrainingRun(np.array(losses), np.array(accuracies), weights, bias)
