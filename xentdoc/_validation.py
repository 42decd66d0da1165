"""Input checks shared by every public function.

Each check turns bad input into an error that names the parameter and says what it may be,
before any arithmetic can produce a silently wrong number or a traceback from inside NumPy.
"""

from __future__ import annotations

import numbers

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def _holds_masked(value) -> bool:
    """Whether `value` is a masked array, or a list or tuple with one inside (at any depth)."""
    if isinstance(value, np.ma.MaskedArray):
        return True
    return isinstance(value, (list, tuple)) and any(_holds_masked(item) for item in value)


def refuse_masked(value, name: str) -> None:
    """Raise for a NumPy masked array, also inside a list or tuple: its mask would be dropped.

    NumPy's ufuncs keep a mask elementwise, but what a mask means inside a loss (skip the entry?
    the sample? count it in a mean?) is not defined, so xentdoc asks the caller to decide.
    """
    if _holds_masked(value):
        raise TypeError(
            f"`{name}` is or holds a masked array, whose mask xentdoc does not read: pass "
            f"`{name}.filled(value)` or `{name}.compressed()`, or use `ignore_index` or zero "
            f"weights to leave samples out of a loss."
        )


def as_float_array(value, name: str) -> np.ndarray:
    """Return `value` as a floating array: float16/32/64 kept, bools and integers made float64.

    Raises TypeError for masked arrays (`refuse_masked`) and for anything not real numbers.
    """
    refuse_masked(value, name)
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
    """Return `reduction` if it is one of torch's three reductions (a string, not an array)."""
    if not isinstance(reduction, str):
        raise TypeError(
            f"`reduction` must be one of the strings 'none', 'mean' or 'sum', got {reduction!r}."
        )
    if reduction not in REDUCTIONS:
        raise ValueError(f"`reduction` must be 'none', 'mean' or 'sum', got {reduction!r}.")
    return str(reduction)


def check_flag(value, name: str) -> bool:
    """Return `value` as a bool if it is one (Python or NumPy bool); anything else is an error.

    Strings ("no" is truthy), arrays (ambiguous) and numbers are refused rather than read by
    their truth value.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"`{name}` must be True or False, got {value!r}.")


def real_to_float(value) -> float:
    """A real number as a float; an integer beyond the float64 range becomes +-inf (not finite),
    so that the caller's range check names the parameter instead of an OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def check_positive_scalar(value, name: str) -> float:
    """Return `value` as a float that is finite and strictly positive."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a positive number, got {value!r}.")
    number = real_to_float(value)
    if not (np.isfinite(number) and number > 0):
        raise ValueError(f"`{name}` must be a positive finite number, got {value!r}.")
    return number


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


# The smallest tolerance for "sums to 1", whatever the precision: scikit-learn settled on about
# 1e-5 after reports of float32 probabilities being rejected, and torch accepts such targets.
# It covers every float32 distribution (4 u = 2.4e-7 for float32) and the float64 sum's own
# rounding, and still rejects a float64 row off by 1e-4.
SUM_TOLERANCE_FLOOR = 1e-5

# How many unit roundoffs u of the data's precision a sum may miss 1 by: u for rounding each
# entry (|sum of the rounding errors| <= u * sum), u for a producer's rounded normaliser (e / S
# with S rounded once), and 2 u of margin for the float64 sum and a last rounding.
SUM_TOLERANCE_ROUNDINGS = 4


def sum_tolerance(dtype, total=1.0, subnormals=0):
    """How far from 1 the sum `total` of a distribution held in precision `dtype` may be.

    ``max(1e-5, 4 * u * total + subnormals * s / 2)``, with ``u`` the unit roundoff of `dtype`
    (half its machine epsilon) and ``s`` its smallest subnormal: rounding C entries to `dtype`
    moves their sum by at most ``u`` times the sum for normal entries and ``s / 2`` for each
    subnormal one, however large C is; a producer that normalised in `dtype` adds about ``u``.
    Nothing here grows with C. float64 and float32 data get the floor, 1e-5 (float32: 4 u is
    2.4e-7); float16 data get ``4 u = 2 eps = 1.95e-3`` (plus ``2.98e-8`` per subnormal entry).
    The arguments may be arrays (one entry per distribution).
    """
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    unit = float(info.eps) / 2
    tolerance = np.maximum(
        SUM_TOLERANCE_FLOOR,
        SUM_TOLERANCE_ROUNDINGS * unit * np.asarray(total, np.float64)
        + np.asarray(subnormals, np.float64) * (float(info.smallest_subnormal) / 2),
    )
    return float(tolerance) if np.ndim(tolerance) == 0 else tolerance


def is_float16_data(array: np.ndarray, axis: int) -> np.ndarray:
    """Per distribution along `axis`: True where every entry survives a round trip through float16.

    float16 data cast to float32 or float64 (``half_tensor.float()``) keep float16's rounding,
    which the 1e-5 floor does not cover; a row of float64 arithmetic is float16-representable
    by accident only when its entries are short dyadic numbers (0.5, 0.25, 2**-7, ...), and then
    float16's tolerance, 1.95e-3, still rejects sums such as 1.0078 or 1.01. NaN counts as
    surviving. float32 data need no such test: the floor covers them.
    """
    if array.dtype == np.float16:
        return np.ones(np.delete(array.shape, axis), dtype=bool)
    if np.finfo(array.dtype).bits < 16:  # pragma: no cover - no narrower float in NumPy
        return np.zeros(np.delete(array.shape, axis), dtype=bool)
    with np.errstate(all="ignore"):
        exact = (array.astype(np.float16).astype(array.dtype) == array) | np.isnan(array)
    return np.all(exact, axis=axis)


def check_distribution(array: np.ndarray, axis: int, name: str) -> None:
    """Raise unless `array` holds probability distributions along `axis`: entries in [0, 1], sums 1.

    The sum of each distribution, computed in float64, must lie within `sum_tolerance` of 1:
    1e-5 for float64 and float32 data (also float32 data cast to float64); for float16 data
    (held as float16, or cast to a wider type without change) ``4 u = 1.95e-3`` plus half the
    float16 subnormal spacing per subnormal entry. The tolerance does not grow with the number
    of outcomes C. A distribution with a NaN entry is not checked for its sum: it passes, to
    give NaN downstream.
    """
    if np.any(array < 0):
        raise ValueError(f"`{name}` must be a probability distribution: it has negative entries.")
    if np.any(array > 1):
        raise ValueError(f"`{name}` must be a probability distribution: it has entries above 1.")
    totals = np.sum(array, axis=axis, dtype=np.float64)
    miss = np.abs(totals - 1.0)
    # NaN totals fail these comparisons and pass on, to propagate as NaN results.
    if not np.any(miss > SUM_TOLERANCE_FLOOR):  # within every tolerance: no need to look further
        return
    half = np.finfo(np.float16)
    subnormals = np.count_nonzero((array > 0) & (array < half.smallest_normal), axis=axis)
    tolerance = np.where(
        is_float16_data(array, axis),
        sum_tolerance(np.float16, totals, subnormals),
        SUM_TOLERANCE_FLOOR,
    )
    bad = miss > tolerance
    if np.any(bad):
        first = tuple(np.argwhere(bad)[0]) if np.ndim(bad) else ()
        worst = float(totals[first])
        tolerance = float(tolerance[first])
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

# float16 and float32 inputs are computed in float64 and rounded once at the end (issue 22).
# NumPy's float32 `exp` and `log` are not correctly rounded, and which SIMD kernel runs depends
# on the CPU: up to 2.44 and 2.74 ulps, with other errors at other points on an AVX-512 CPU
# than on an AVX2 one, so a float32 result built from them could not be held to 2 ulps per
# unit of condition number on every machine. float64's errors, 2**-29 of a float32 ulp, vanish
# in that last rounding. (float16 arithmetic would also overflow NumPy's sums at 65504.)
_LEAST_COMPUTE_DTYPE = np.float64

# float64 rows that meet a subnormal or overflowing intermediate are redone in x87's 80-bit
# long double where NumPy has one (64-bit significand, exponents to 1e-4951); on platforms
# whose long double is float64 itself there is no wider type and those rows stay in float64.
_LONG_DOUBLE_IS_WIDER = np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant


def widest_argument_dtype(*values) -> np.dtype:
    """The widest floating dtype among `values`, at least float32. Integer and boolean
    arguments count as no floating dtype (None is skipped)."""
    floats = [np.asarray(v).dtype for v in values if v is not None]
    floats = [d for d in floats if d.kind == "f"]
    return np.result_type(np.float32, *floats)


def compute_dtype(*values) -> np.dtype:
    """The dtype a computation on `values` runs in: the widest floating dtype among them,
    at least float64 (see `_LEAST_COMPUTE_DTYPE`)."""
    return np.promote_types(widest_argument_dtype(*values), _LEAST_COMPUTE_DTYPE)


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
