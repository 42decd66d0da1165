"""Run the accuracy suite again under NumPy's AVX2 dispatch, on a CPU that has AVX-512.

NumPy picks other SIMD kernels for `exp` and `log` on an AVX-512 CPU than on an AVX2-only
one, and their float32 results differ by ulps (issue 22). `make test` runs the suite natively;
this module, run after it (`python tests/other_dispatch.py`), runs the numeric part again with
``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL"``, which makes NumPy dispatch as on an AVX2 CPU.
On an AVX2-only CPU the native run was that dispatch already, and there is nothing to add (an
AVX2 CPU cannot emulate the AVX-512 kernels). Exits with pytest's status.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AVX2_DISPATCH = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL"}
# Everything that checks numbers: the mpmath comparisons, properties, special values, bad input,
# torch's semantics, the docstrings' examples and the pages' printed outputs.
NUMERIC_TESTS = [
    "tests/test_accuracy.py", "tests/test_regressions_numerics.py", "tests/test_focal_loss.py",
    "tests/test_special_values.py", "tests/test_properties.py", "tests/test_fast_paths.py",
    "tests/test_claims_sigmoid.py", "tests/test_claims_losses.py", "tests/test_claims_information.py",
    "tests/test_regressions_information.py", "tests/test_regressions_flags_training.py",
    "tests/test_calibration.py", "tests/test_bad_input.py", "tests/test_torch_crosscheck.py",
    "tests/test_snippets.py", "xentdoc",
]


def has_avx512() -> bool:
    from numpy._core._multiarray_umath import __cpu_features__

    return bool(__cpu_features__.get("AVX512F"))


def main() -> int:
    if not has_avx512():
        print("other_dispatch: this CPU has no AVX-512; the native run used the AVX2 kernels.")
        return 0
    environment = {**os.environ, **AVX2_DISPATCH}
    command = [sys.executable, "-m", "pytest", "-q", *NUMERIC_TESTS]
    print("other_dispatch: running the numeric tests again with "
          f"NPY_DISABLE_CPU_FEATURES={AVX2_DISPATCH['NPY_DISABLE_CPU_FEATURES']!r}", flush=True)
    return subprocess.call(command, cwd=ROOT, env=environment)


if __name__ == "__main__":
    sys.exit(main())
