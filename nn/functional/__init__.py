"""``nn.functional``: the layers as functions (PyTorch's names), and the nn-specific gates.

Layers call these functions; nothing is computed twice in two places.
"""

from .activation import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    maxout,
    prelu,
    relu,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    swish,
    tanh,
)
from .attention import scaled_dot_product_attention
from .conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d
from .dropout import dropout, dropout2d
from .embedding import embedding, one_hot
from .linear import linear
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_embedding_loss,
    huber_loss,
    l1_loss,
    mse_loss,
    multi_margin_loss,
    nll_loss,
    smooth_l1_loss,
)
from .normalization import batch_norm, group_norm, layer_norm
from .pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    global_avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from .sampling import interpolate, upsample

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "avg_pool1d", "avg_pool2d", "batch_norm",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "cross_entropy", "dropout", "dropout2d", "elu",
    "embedding", "gelu", "global_avg_pool2d", "group_norm", "hinge_embedding_loss", "huber_loss",
    "interpolate", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax", "max_pool1d",
    "max_pool2d", "maxout", "mse_loss", "multi_margin_loss", "nll_loss", "one_hot", "prelu",
    "relu", "scaled_dot_product_attention", "selu", "sigmoid", "silu", "smooth_l1_loss", "softmax",
    "softplus", "swish", "tanh", "upsample"
]
