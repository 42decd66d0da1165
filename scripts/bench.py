"""Time xentdoc.cross_entropy against PyTorch and SciPy on one thread.

What is timed: the mean cross-entropy of logits of shape (N, C) with integer class targets
(``reduction="mean"``), in float32 and float64, for

- ``xentdoc.cross_entropy(logits, target)``;
- ``torch.nn.functional.cross_entropy`` on CPU with ``torch.set_num_threads(1)`` (tensors made
  from the same NumPy arrays once, outside the timed region; no autograd);
- ``scipy.special.log_softmax`` followed by ``np.take_along_axis`` (the gather) and ``mean``.

Each timing is the best of several repeats (``timeit.Timer.repeat``, minimum per call), which is
the least noisy estimate of what the code costs. The table shows the times, the ratios
xentdoc/torch and xentdoc/scipy, and the geometric mean of xentdoc/torch over all rows. The
targets are a geometric mean of at most 1.25 and xentdoc faster than SciPy on every shape.

Run it with threads limited, for a fair single-thread comparison:

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python scripts/bench.py

The script also sets these variables itself before importing NumPy or torch. The kernels timed
here are elementwise (exp, log, max, sum, gather), not BLAS: ``OPENBLAS_CORETYPE`` does not
affect them. torch is optional: without it the torch columns are left empty.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402
import scipy.special  # noqa: E402

import xentdoc  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:  # torch is an optional extra
    torch = None

SHAPES = [(4096, 1000), (65536, 10), (256, 32000), (64, 50257)]
DTYPES = [np.float32, np.float64]


def best_time(function, repeat: int, min_seconds: float = 0.05) -> float:
    """Best time per call in seconds: calls per repeat chosen so one repeat lasts min_seconds."""
    timer = timeit.Timer(function)
    number = 1
    while True:
        if timer.timeit(number) >= min_seconds or number >= 1 << 16:
            break
        number *= 2
    return min(timer.repeat(repeat=repeat, number=number)) / number


def scipy_cross_entropy(logits, target):
    log_probs = scipy.special.log_softmax(logits, axis=1)
    return -np.take_along_axis(log_probs, target[:, None], axis=1).mean()


def run(shapes, dtypes, repeat: int, check: bool = True):
    rows = []
    for shape in shapes:
        for dtype in dtypes:
            rng = np.random.default_rng(0)
            logits = (rng.standard_normal(shape) * 3).astype(dtype)
            target = rng.integers(0, shape[1], size=shape[0])
            t_xentdoc = best_time(lambda: xentdoc.cross_entropy(logits, target), repeat)
            t_scipy = best_time(lambda: scipy_cross_entropy(logits, target), repeat)
            t_torch = math.nan
            if torch is not None:
                logits_t, target_t = torch.from_numpy(logits), torch.from_numpy(target)
                with torch.no_grad():
                    t_torch = best_time(
                        lambda: torch.nn.functional.cross_entropy(logits_t, target_t), repeat)
                    if check:
                        expected = torch.nn.functional.cross_entropy(logits_t, target_t).item()
                        got = float(xentdoc.cross_entropy(logits, target))
                        assert abs(got - expected) <= 1e-4 * abs(expected), (shape, dtype, got, expected)
            rows.append((shape, np.dtype(dtype).name, t_xentdoc, t_torch, t_scipy))
    return rows


def report(rows) -> str:
    header = (f"{'shape':>14} {'dtype':>8} {'xentdoc ms':>11} {'torch ms':>9} {'scipy ms':>9} "
              f"{'xentdoc/torch':>14} {'xentdoc/scipy':>14}")
    lines = [header, "-" * len(header)]
    ratios = []
    for shape, dtype, t_x, t_t, t_s in rows:
        ratio_torch = t_x / t_t
        if not math.isnan(ratio_torch):
            ratios.append(ratio_torch)
        lines.append(f"{str(shape):>14} {dtype:>8} {t_x * 1e3:11.3f} {t_t * 1e3:9.3f} "
                     f"{t_s * 1e3:9.3f} {ratio_torch:14.2f} {t_x / t_s:14.2f}")
    if ratios:
        geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        lines.append(f"geometric mean of xentdoc/torch: {geomean:.2f} (target <= 1.25)")
    slower = [f"{shape} {dtype}" for shape, dtype, t_x, _, t_s in rows if t_x >= t_s]
    lines.append("faster than scipy on every shape" if not slower
                 else "slower than scipy on: " + ", ".join(slower))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="repeats per timing (best is kept)")
    parser.add_argument("--quick", action="store_true", help="the two smallest shapes, 3 repeats")
    args = parser.parse_args(argv)
    if torch is not None:
        torch.set_num_threads(1)
    shapes = SHAPES[1:2] + SHAPES[3:] if args.quick else SHAPES
    repeat = 3 if args.quick else args.repeat
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, "
          f"torch {torch.__version__ if torch is not None else 'not installed'}, one thread")
    print(report(run(shapes, DTYPES, repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
