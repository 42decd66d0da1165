"""The worst error of float64 `xentdoc.softmax` against mpmath, beside its documented bound.

float64 `softmax` is held to 2 max(1, kappa) + 2 + ceil(log2 C) ulps (xentdoc/softmax.py says
why the additive term is there); this prints how far above 2 max(1, kappa) it really goes on
48 random rows of each C in 2, 5, 10, 64, 200 and 1000 (logits of spread 0.5 to 5), the case
where the additive term matters most (kappa near 1). Run it under each NumPy dispatch:

    python scripts/softmax_float64_error.py
    NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL" python scripts/softmax_float64_error.py
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import reference as ref  # noqa: E402  (the test suite's mpmath references)

import xentdoc  # noqa: E402

CLASS_COUNTS = [2, 5, 10, 64, 200, 1000]


def main():
    worst = None
    for n_classes in CLASS_COUNTS:
        for seed in range(8):
            rng = np.random.default_rng(1000 + seed)
            x = rng.standard_normal((6, n_classes)) * rng.choice([0.5, 1.0, 2.0, 5.0], (6, 1))
            exact = ref.softmax(x)
            errors = ref.ulp_errors(xentdoc.softmax(x), exact.value, np.float64)
            cond = np.vectorize(float)(np.asarray(exact.cond, dtype=object))
            excess = errors - 2 * np.maximum(1, cond)
            i = np.unravel_index(np.argmax(excess), excess.shape)
            if worst is None or excess[i] > worst[0]:
                worst = (excess[i], errors[i], n_classes, cond[i])
    excess, error, n_classes, cond = worst
    bound = 2 * max(1, cond) + 2 + np.ceil(np.log2(n_classes))
    print(f"largest excess over 2 max(1, kappa): {error:.2f} ulps at C = {n_classes}, "
          f"kappa = {cond:.2f} ({excess:.2f} ulps above 2 max(1, kappa); documented bound {bound:.1f})")


if __name__ == "__main__":
    main()
