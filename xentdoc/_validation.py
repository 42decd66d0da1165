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
    """Return `base` (None for natural logarithms) if it is a finite positive number other than 1.

    Bases between 0 and 1 are valid (their logarithm is negative, so information-theoretic
    quantities change sign); xentdoc.information computes them rather than rejecting them.
    """
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


# The smallest tolerance for "sums to 1", whatever the precision (issue 13's yardstick). It
# accepts float32 softmax rows of up to several thousand classes even once cast to float64,
# and still rejects a float64 row off by 1e-4. For comparison, scikit-learn's log_loss only warns,
# with np.allclose(total, 1, rtol=sqrt(eps of the dtype)): 1.5e-8 for float64.
SUM_TOLERANCE_FLOOR = 1e-5

# Narrower types a distribution's entries may have passed through (narrowest last).
_NARROWER_FLOATS = (np.float64, np.float32, np.float16)


def sum_tolerance(dtype, count: int):
    """How far the sum of `count` probabilities held in precision `dtype` may stray from 1.

    ``max(1e-5, eps * (8 + count / 8))`` with ``eps`` the machine epsilon of `dtype`: the
    rounding of each entry moves the sum by at most eps / 2, and a producer that normalised
    in that precision (a softmax) adds a few eps more, growing slowly with the count. For
    float64 this is 1e-5 for any realistic count; for float32, 1e-5 up to about 600 entries;
    for float16, 8.1e-3 for 2 entries. `dtype` may also be an array of epsilons (one per row).
    """
    eps = np.asarray(dtype if isinstance(dtype, np.ndarray) else np.finfo(dtype).eps, np.float64)
    tolerance = np.maximum(SUM_TOLERANCE_FLOOR, eps * (8 + max(count, 1) / 8))
    return float(tolerance) if np.ndim(tolerance) == 0 else tolerance


def data_epsilon(array: np.ndarray, axis: int) -> np.ndarray:
    """Per distribution along `axis`: the epsilon of the narrowest float type that holds it.

    float16 or float32 when every entry of that row survives a round trip through the type
    unchanged (NaN counts as surviving), else the epsilon of the array's own dtype. This keys
    the sum tolerance to the data rather than to the container: float32 values cast to
    float64 keep float32's tolerance.
    """
    own = np.finfo(array.dtype)
    eps = np.full(np.delete(array.shape, axis), own.eps, dtype=np.float64)
    for narrow in _NARROWER_FLOATS:
        if np.finfo(narrow).bits >= own.bits:
            continue
        with np.errstate(all="ignore"):
            exact = (array.astype(narrow).astype(array.dtype) == array) | np.isnan(array)
        eps = np.where(np.all(exact, axis=axis), np.finfo(narrow).eps, eps)
    return eps


def check_distribution(array: np.ndarray, axis: int, name: str) -> None:
    """Raise unless `array` holds probability distributions along `axis`: entries in [0, 1], sums 1.

    The sum of each distribution (computed in float64) must lie within
    ``sum_tolerance(eps, C)`` of 1, with ``eps`` from `data_epsilon` (the precision the data
    went through, not only the container's) and C the length of `axis`. A distribution with
    a NaN entry is not checked for its sum: it passes, to give NaN downstream.
    """
    if np.any(array < 0):
        raise ValueError(f"`{name}` must be a probability distribution: it has negative entries.")
    if np.any(array > 1):
        raise ValueError(f"`{name}` must be a probability distribution: it has entries above 1.")
    count = array.shape[axis]
    totals = np.sum(array, axis=axis, dtype=np.float64)
    miss = np.abs(totals - 1.0)
    # NaN totals fail these comparisons and pass on, to propagate as NaN results.
    if not np.any(miss > SUM_TOLERANCE_FLOOR):  # within every tolerance: no need to look further
        return
    tolerance = sum_tolerance(data_epsilon(array, axis), count)
    bad = miss > tolerance
    if np.any(bad):
        first = np.argwhere(bad)[0] if np.ndim(bad) else ()
        worst = float(totals[tuple(first)])
        tolerance = float(np.asarray(tolerance)[tuple(first)])
        raise ValueError(
            f"`{name}` must be a probability distribution along axis {axis}: "
            f"its entries must sum to 1 (within {tolerance:.1e}); one sums to {worst:.6g}."
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
