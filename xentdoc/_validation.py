"""Input checks shared by every public function.

Each check turns bad input into an error that names the parameter and says what it may be,
before any arithmetic can produce a silently wrong number or a traceback from inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def as_float_array(value, name: str) -> np.ndarray:
    """Return `value` as a floating array: float16/32/64 kept, bools and integers made float64."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists, for instance
        raise TypeError(f"`{name}` must be an array of real numbers: {error}") from None
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    raise TypeError(
        f"`{name}` must be an array of real numbers (float or integer), got dtype {array.dtype}."
    )


def check_axis(axis, ndim: int, name: str = "axis") -> int:
    """Return `axis` as a non-negative axis index of an array with `ndim` dimensions."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {axis!r}.")
    if ndim == 0:
        raise ValueError(f"`{name}` needs an input with at least one dimension; got a scalar.")
    if not -ndim <= axis < ndim:
        raise ValueError(f"`{name}` must lie in [{-ndim}, {ndim - 1}] for this input, got {axis}.")
    return int(axis) % ndim


def check_reduction(reduction) -> str:
    """Return `reduction` if it is one of torch's three reductions."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"`reduction` must be 'none', 'mean' or 'sum', got {reduction!r}.")
    return reduction


def check_positive_scalar(value, name: str) -> float:
    """Return `value` as a float that is finite and strictly positive."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a positive number, got {value!r}.")
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"`{name}` must be a positive finite number, got {value!r}.")
    return value


def check_base(base):
    """Return `base` (None for natural logarithms) if it is a positive number other than 1."""
    if base is None:
        return None
    base = check_positive_scalar(base, "base")
    if base == 1:
        raise ValueError("`base` must be a positive number other than 1, or None; got 1.")
    return base


def check_unit_interval(array: np.ndarray, name: str) -> None:
    """Raise unless every entry of `array` lies in [0, 1] (NaN passes and propagates)."""
    if np.any(array < 0) or np.any(array > 1):
        raise ValueError(f"`{name}` must hold probabilities in [0, 1]; found values outside.")


def sum_tolerance(dtype, count: int) -> float:
    """How far a sum of `count` rounded probabilities may stray from 1."""
    return float(np.finfo(dtype).eps) * max(count, 1) * 16 + float(np.sqrt(np.finfo(dtype).eps))


def check_distribution(array: np.ndarray, axis: int, name: str) -> None:
    """Raise unless `array` holds probability distributions along `axis`: entries >= 0, sums 1."""
    if np.any(array < 0):
        raise ValueError(f"`{name}` must be a probability distribution: it has negative entries.")
    if np.any(array > 1):
        raise ValueError(f"`{name}` must be a probability distribution: it has entries above 1.")
    totals = np.sum(array, axis=axis, dtype=np.float64)
    tolerance = sum_tolerance(array.dtype, array.shape[axis])
    # NaN totals fail this comparison and pass on, to propagate as NaN results.
    if np.any(np.abs(totals - 1.0) > tolerance):
        raise ValueError(
            f"`{name}` must be a probability distribution along axis {axis}: "
            f"its entries must sum to 1 (within {tolerance:.1e})."
        )


def result_dtype(*arrays: np.ndarray):
    """The floating dtype of a computation mixing `arrays` (float32 only when all are float32)."""
    return np.result_type(*arrays, np.float16)


# --------------------------------------------------------------------------------------------
# The dtype rule of the softmax family, the losses and the binary losses (issue 13)
# --------------------------------------------------------------------------------------------

# NumPy's float16 ufuncs round every operation to float16 and its float16 sums overflow at
# 65504: the arithmetic of a float16 input runs in float32 and is rounded once at the end.
_LEAST_COMPUTE_DTYPE = np.float32

# float64 rows that meet a subnormal or overflowing intermediate are redone in x87's 80-bit
# long double where NumPy has one (64-bit significand, exponents to 1e-4951); on platforms
# whose long double is float64 itself there is no wider type and those rows stay in float64.
_LONG_DOUBLE_IS_WIDER = np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant


def compute_dtype(*values) -> np.dtype:
    """The dtype a computation on `values` runs in: the widest floating dtype among them,
    at least float32. Integer and boolean arguments count as no floating dtype (None is skipped)."""
    floats = [np.asarray(v).dtype for v in values if v is not None]
    floats = [d for d in floats if d.kind == "f"]
    return np.result_type(_LEAST_COMPUTE_DTYPE, *floats)


def extended_dtype(dtype) -> np.dtype:
    """The next wider floating dtype: float64 for float32, long double (where wider) for float64."""
    dtype = np.dtype(dtype)
    if dtype.itemsize < 8:
        return np.dtype(np.float64)
    if dtype == np.float64 and _LONG_DOUBLE_IS_WIDER:
        return np.dtype(np.longdouble)
    return dtype


def tiny_threshold(dtype) -> float:
    """Below this a sum of exponentials may hold subnormal terms: 2**(nmant + 1) * smallest_normal."""
    info = np.finfo(dtype)
    return float(info.smallest_normal) * 2.0 ** (info.nmant + 1)
