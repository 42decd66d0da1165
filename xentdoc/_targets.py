"""Reading the (input, target, weight) triple of a classification loss, with torch's shape rules.

The class axis is 0 for an input of shape (C,) and 1 for (N, C) or (N, C, d1, ..., dk); a
class-index target has the input's shape without that axis, a class-probability target has the
input's shape.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from xentdoc._validation import as_float_array, check_distribution, refuse_masked


class ClassTargets(NamedTuple):
    """Class-index targets, with the ignored positions masked out."""

    safe_index: np.ndarray  # target with ignored entries replaced by class 0, class axis kept (length 1)
    kept: np.ndarray  # True where the target is not ignore_index, class axis kept (length 1)
    target_weight: np.ndarray  # weight[target] where kept, else 0, class axis kept (length 1)


def class_axis_of(input: np.ndarray) -> int:
    """The class axis of a loss input; raise for a scalar input."""
    if input.ndim == 0:
        raise ValueError("`input` must have shape (C,), (N, C) or (N, C, d1, ..., dk); got a scalar.")
    return 0 if input.ndim == 1 else 1


def read_input(input) -> tuple[np.ndarray, int]:
    """Return the float input array and its class axis."""
    input = as_float_array(input, "input")
    return input, class_axis_of(input)


def check_weight_values(weight: np.ndarray, name: str) -> None:
    """Raise a ValueError naming `name` unless every entry of `weight` is finite and >= 0.

    xentdoc refuses what torch accepts here. A negative weight makes the loss unbounded below
    (a weight of -1 on a class rewards pushing its probability to 0, and the loss falls
    without end), which is never what training wants: with class weights summing to 0 torch's
    'mean' gives -inf, and ``pos_weight=-1`` a negative loss. NaN and infinite weights give
    NaN or infinite losses whatever the inputs. A weight of 0 is allowed: it leaves a term out
    (all kept weights 0 give torch's 0/0 = NaN for 'mean').
    """
    if np.all(weight >= 0) and np.all(np.isfinite(weight)):
        return
    bad = float(weight[~((weight >= 0) & np.isfinite(weight))].flat[0])
    reason = ("a negative weight makes the loss unbounded below (torch accepts it, xentdoc does "
              "not); use 0 to leave a term out" if bad < 0 else "it would make the loss NaN or infinite")
    raise ValueError(f"`{name}` must hold non-negative finite numbers, got {bad!r}: {reason}.")


def read_weight(weight, input: np.ndarray, class_axis: int):
    """Return `weight` as an array broadcasting along the class axis, or None.

    Its entries must be finite and non-negative (`check_weight_values`).
    """
    if weight is None:
        return None
    weight = as_float_array(weight, "weight")
    n_classes = input.shape[class_axis]
    if weight.shape != (n_classes,):
        raise ValueError(
            f"`weight` must be a 1-D array of length C = {n_classes} (one weight per class), "
            f"got shape {weight.shape}."
        )
    check_weight_values(weight, "weight")
    # Kept in its own dtype: the computation runs in the widest one (never narrowed first).
    shape = [1] * input.ndim
    shape[class_axis] = n_classes
    return weight.reshape(shape)


def is_probability_target(target) -> bool:
    """Float targets are class probabilities; integer targets are class indices (as in torch)."""
    refuse_masked(target, "target")
    return np.asarray(target).dtype.kind == "f"


def read_probability_target(target, input: np.ndarray, class_axis: int) -> np.ndarray:
    """Return float targets checked to be class probabilities of the input's shape."""
    target = np.asarray(target)
    if target.shape != input.shape:
        raise ValueError(
            "`target` of floats is read as class probabilities and must have the input's shape "
            f"{input.shape}, got {target.shape}; class indices must be integers."
        )
    check_distribution(target, class_axis, "target")
    return target


def _all_in_range_and_kept(target: np.ndarray, n_classes: int, ignore_index) -> bool:
    """Whether every class index lies in [0, C) and none equals ignore_index (from min and max)."""
    low, high = int(target.min()), int(target.max())
    return 0 <= low and high < n_classes and not low <= ignore_index <= high


def read_class_target(target, input: np.ndarray, class_axis: int, weight, ignore_index,
                      dtype=None) -> ClassTargets:
    """Return class-index targets checked against the input's shape and number of classes.

    `target_weight` is in `dtype` (default: the input's), which must be at least as wide as the
    weight's dtype so that no weight is narrowed before it is used.
    """
    dtype = input.dtype if dtype is None else np.dtype(dtype)
    refuse_masked(target, "target")
    target = np.asarray(target)
    if target.dtype.kind not in "iu":
        raise TypeError(
            "`target` must hold integer class indices, or floats that are class probabilities "
            f"of the input's shape; got dtype {target.dtype}."
        )
    if isinstance(ignore_index, (bool, np.bool_)) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"`ignore_index` must be an integer, got {ignore_index!r}.")
    batch_shape = input.shape[:class_axis] + input.shape[class_axis + 1 :]
    if target.shape != batch_shape:
        raise ValueError(
            f"`target` of class indices must have shape {batch_shape} for an input of shape "
            f"{input.shape}, got {target.shape}."
        )
    n_classes = input.shape[class_axis]
    if target.size and _all_in_range_and_kept(target, n_classes, ignore_index):
        # The common case, checked with two passes instead of six: nothing ignored, all valid.
        safe_index = np.expand_dims(target.astype(np.intp), class_axis)
        kept = np.ones(safe_index.shape, np.bool_)
        if weight is None:
            target_weight = np.ones(safe_index.shape, dtype)
        else:
            target_weight = np.take_along_axis(weight, safe_index, class_axis).astype(dtype, copy=False)
        return ClassTargets(safe_index, kept, target_weight)
    kept = target != ignore_index
    if np.any(kept & (target < 0)):
        raise IndexError(
            f"`target` has a negative class index {int(target[kept & (target < 0)].flat[0])}; "
            f"class indices must lie in [0, {n_classes}) or equal ignore_index={ignore_index}."
        )
    if np.any(kept & (target >= n_classes)):
        raise IndexError(
            f"`target` has class index {int(target[kept & (target >= n_classes)].flat[0])}, out of "
            f"range: class indices must lie in [0, {n_classes}) or equal ignore_index={ignore_index}."
        )
    safe_index = np.expand_dims(np.where(kept, target, 0).astype(np.intp), class_axis)
    kept = np.expand_dims(kept, class_axis)
    if weight is None or n_classes == 0:  # C = 0: every target is ignored, nothing to pick
        target_weight = kept.astype(dtype)
    else:
        # weight has the input's ndim with length 1 off the class axis, so it broadcasts here.
        picked_weight = np.take_along_axis(weight, safe_index, class_axis)
        target_weight = np.where(kept, picked_weight, 0).astype(dtype, copy=False)
    return ClassTargets(safe_index, kept, target_weight)
