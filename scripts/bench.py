"""Time xentdoc.cross_entropy against the NumPy floor, PyTorch and SciPy on one thread.

What is timed: the mean cross-entropy of logits of shape (N, C) with integer class targets
(``reduction="mean"``), in float32 and float64, for

- ``xentdoc.cross_entropy(logits, target)``;
- the NumPy floor: what any NumPy implementation must do, one ``np.exp`` pass over the logits
  (into a preallocated buffer) plus one sum per row;
- ``torch.nn.functional.cross_entropy`` on CPU with ``torch.set_num_threads(1)`` (tensors made
  from the same NumPy arrays once, outside the timed region; no autograd);
- ``scipy.special.log_softmax`` followed by ``np.take_along_axis`` (the gather) and ``mean``.

The commands are timed in turn, round after round (A B C D, A B C D, ...), so that a drift of
the machine's speed hits all of them alike; each time is the best round (minimum per call). The
table shows the ratios xentdoc/floor, xentdoc/torch and xentdoc/scipy. The targets: at most 1.25
times the floor for C >= 1000, at most 1.6 times for fewer classes, and faster than SciPy on
every shape, in both dtypes. On a CPU with AVX-512 the script runs twice, each in its own
process: natively, and with NumPy dispatching as on an AVX2 CPU
(``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL"``), and prints both tables. The first line names the SIMD level that
NumPy's dispatcher found (its baseline and the extensions it uses on this CPU): NumPy's exp is
much faster with AVX-512 than with AVX2, so ratios to torch differ between machines.

Run it with threads limited, for a fair single-thread comparison:

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python scripts/bench.py

The script also sets these variables itself before importing NumPy or torch. torch is optional:
without it the torch column is left empty.
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


def calls_per_round(function, min_seconds: float) -> int:
    """How many calls make one round last about min_seconds."""
    timer = timeit.Timer(function)
    number = 1
    while timer.timeit(number) < min_seconds and number < 1 << 16:
        number *= 2
    return number


def alternating_best_times(functions, rounds: int, min_seconds: float = 0.05) -> list:
    """Best time per call of each function, timed in turn round after round (A B A B ...)."""
    timers = [timeit.Timer(f) for f in functions]
    numbers = [calls_per_round(f, min_seconds) for f in functions]
    best = [math.inf] * len(functions)
    for _ in range(rounds):
        for i, (timer, number) in enumerate(zip(timers, numbers)):
            best[i] = min(best[i], timer.timeit(number) / number)
    return best


def scipy_cross_entropy(logits, target):
    log_probs = scipy.special.log_softmax(logits, axis=1)
    return -np.take_along_axis(log_probs, target[:, None], axis=1).mean()


def numpy_floor(logits, buffer):
    """One exp pass over the logits and one sum per row: the least any NumPy route does."""
    np.exp(logits, out=buffer)
    return buffer.sum(axis=1)


def simd_level() -> str:
    """The SIMD baseline NumPy was built for and the dispatched extensions this CPU runs."""
    try:
        from numpy._core._multiarray_umath import (
            __cpu_baseline__,
            __cpu_dispatch__,
            __cpu_features__,
        )
    except ImportError:  # NumPy < 2
        from numpy.core._multiarray_umath import (  # type: ignore[no-redef]
            __cpu_baseline__,
            __cpu_dispatch__,
            __cpu_features__,
        )
    found = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    flags = [name for name in ("AVX2", "AVX512F", "AVX512_SKX", "FMA3") if __cpu_features__.get(name)]
    return (f"NumPy SIMD: baseline {' '.join(__cpu_baseline__) or 'none'}, dispatched "
            f"{' '.join(found) or 'none'} (CPU has {', '.join(flags) or 'no AVX'})")


def run(shapes, dtypes, rounds: int, check: bool = True):
    rows = []
    for shape in shapes:
        for dtype in dtypes:
            rng = np.random.default_rng(0)
            logits = (rng.standard_normal(shape) * 3).astype(dtype)
            target = rng.integers(0, shape[1], size=shape[0])
            buffer = np.empty_like(logits)
            functions = [lambda: xentdoc.cross_entropy(logits, target),
                         lambda: numpy_floor(logits, buffer),
                         lambda: scipy_cross_entropy(logits, target)]
            if torch is not None:
                logits_t, target_t = torch.from_numpy(logits), torch.from_numpy(target)
                functions.append(lambda: torch.nn.functional.cross_entropy(logits_t, target_t))
                if check:
                    expected = torch.nn.functional.cross_entropy(logits_t, target_t).item()
                    got = float(xentdoc.cross_entropy(logits, target))
                    assert abs(got - expected) <= 1e-4 * abs(expected), (shape, dtype, got, expected)
            if torch is not None:
                with torch.no_grad():
                    times = alternating_best_times(functions, rounds)
            else:
                times = alternating_best_times(functions, rounds) + [math.nan]
            t_xentdoc, t_floor, t_scipy, t_torch = times
            rows.append((shape, np.dtype(dtype).name, t_xentdoc, t_floor, t_torch, t_scipy))
    return rows


def floor_target(shape) -> float:
    """The accepted ratio to the NumPy floor: 1.25 for C >= 1000, where exp dominates, and 1.6
    for fewer classes, where the per-row work (argmax, gather, log1p) weighs as much."""
    return 1.25 if shape[1] >= 1000 else 1.6


def report(rows) -> str:
    header = (f"{'shape':>14} {'dtype':>8} {'xentdoc ms':>11} {'floor ms':>9} {'torch ms':>9} "
              f"{'scipy ms':>9} {'/floor':>7} {'/torch':>7} {'/scipy':>7}")
    lines = [header, "-" * len(header)]
    for shape, dtype, t_x, t_f, t_t, t_s in rows:
        lines.append(f"{str(shape):>14} {dtype:>8} {t_x * 1e3:11.3f} {t_f * 1e3:9.3f} "
                     f"{t_t * 1e3:9.3f} {t_s * 1e3:9.3f} {t_x / t_f:7.2f} {t_x / t_t:7.2f} "
                     f"{t_x / t_s:7.2f}")
    ratios = [t_x / t_t for _, _, t_x, _, t_t, _ in rows if not math.isnan(t_t)]
    if ratios:
        geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        lines.append(f"geometric mean of xentdoc/torch: {geomean:.2f}")
    over = [f"{shape} {dtype} ({t_x / t_f:.2f} > {floor_target(shape)})"
            for shape, dtype, t_x, t_f, _, _ in rows if t_x > floor_target(shape) * t_f]
    lines.append("within the floor targets on every shape (1.25x for C >= 1000, 1.6x below)"
                 if not over else "above the floor target on: " + ", ".join(over))
    slower = [f"{shape} {dtype}" for shape, dtype, t_x, _, _, t_s in rows if t_x >= t_s]
    lines.append("faster than scipy on every shape" if not slower
                 else "slower than scipy on: " + ", ".join(slower))
    return "\n".join(lines)


def each_dispatch(argv) -> int:
    """Run this script once per NumPy dispatch this CPU offers, each in its own process."""
    import subprocess
    from pathlib import Path

    # The test suite's switch to NumPy's AVX2 kernels, and its test for AVX-512: one copy.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from other_dispatch import AVX2_DISPATCH, has_avx512

    command = [sys.executable, __file__, "--this-dispatch", *argv]
    runs = [("native dispatch", {})]
    if has_avx512():
        runs.append(("AVX2 dispatch (AVX-512 disabled)", AVX2_DISPATCH))
    else:
        print("this CPU has no AVX-512: its native dispatch is the AVX2 one\n")
    status = 0
    for title, extra in runs:
        print(f"== {title} ==", flush=True)
        status |= subprocess.call(command, env={**os.environ, **extra})
        print(flush=True)
    return status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds of alternating timings (best is kept)")
    parser.add_argument("--quick", action="store_true", help="the two smallest shapes, 3 repeats")
    parser.add_argument("--this-dispatch", action="store_true",
                        help="time under the dispatch of this process only (default: each in turn)")
    args = parser.parse_args(argv)
    if not args.this_dispatch:
        return each_dispatch([a for a in (argv if argv is not None else sys.argv[1:])])
    if torch is not None:
        torch.set_num_threads(1)
    shapes = SHAPES[1:2] + SHAPES[3:] if args.quick else SHAPES
    repeat = 3 if args.quick else args.repeat
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, "
          f"torch {torch.__version__ if torch is not None else 'not installed'}, one thread")
    print(simd_level())
    print("ratios are measured within this run, the commands timed in turn (A B C D, A B C D)")
    print(report(run(shapes, DTYPES, repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
