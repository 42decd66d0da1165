"""xentdoc: cross-entropy and its building blocks, in NumPy, within a few ulps of the exact value.

Every function takes NumPy arrays or array-likes and returns NumPy arrays (NumPy scalars for
0-d results). It computes in the widest floating dtype of its arguments, at least float64
(NumPy's float32 `exp` and `log` err by up to 2.7 ulps, differently on AVX-512 and AVX2 CPUs),
and returns the input's dtype (float16, float32 and float64 are kept; bools and integers become
float64), rounded once. The tests compare each result with a 60-digit mpmath reference and
allow 2 ulps per unit of condition number, 2 max(1, κ); a reduced loss (`mean` or `sum` over N
terms) is allowed 2 (max(1, κ) + 2 + ⌈log₂ N⌉) ulps, and float64 `softmax` a few ulps more
(stated in `xentdoc.softmax`). They pass under NumPy's AVX-512 and AVX2 kernels alike. The losses follow
`torch.nn.functional`; where their results differ from PyTorch's, the function's docstring
says how. Bad input raises an error that names the parameter: masked arrays too, whose mask
would otherwise be dropped.
"""

from xentdoc.binary import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    sigmoid_focal_loss,
)
from xentdoc.calibration import expected_calibration_error, fit_temperature, reliability_diagram
from xentdoc.information import (
    distribution_cross_entropy,
    entropy,
    information,
    kl_divergence,
    perplexity,
)
from xentdoc.losses import cross_entropy, cross_entropy_grad, nll_loss
from xentdoc.sigmoid import log_sigmoid, logit, sigmoid, softplus
from xentdoc.softmax import log_softmax, logsumexp, softmax

__version__ = "0.1.0"

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "logit",
    "softplus",
    "softmax",
    "log_softmax",
    "logsumexp",
    "nll_loss",
    "cross_entropy",
    "cross_entropy_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "sigmoid_focal_loss",
    "information",
    "entropy",
    "distribution_cross_entropy",
    "kl_divergence",
    "perplexity",
    "expected_calibration_error",
    "reliability_diagram",
    "fit_temperature",
]
