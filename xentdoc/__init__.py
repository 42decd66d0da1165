"""xentdoc: cross-entropy and its building blocks, computed exactly with NumPy.

Every function takes NumPy arrays or array-likes and returns NumPy arrays (NumPy scalars for
0-d results); float32 stays float32, float64 stays float64, integers are promoted to float64.
The losses follow `torch.nn.functional`; where PyTorch rounds a result that can be computed
exactly, xentdoc returns the exact value and its docstring says so.
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
