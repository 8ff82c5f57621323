"""Reconstruction losses shared by the autoencoder notebooks."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .checks import check_tensor, validate_args

__all__ = ["reconstruction_bce"]


def _bce_args(x_hat, x) -> None:
    check_tensor("x_hat", x_hat, ndim=range(2, 8), floating=True, min_value=0.0, max_value=1.0, min_len=1)
    check_tensor("x", x, ndim=range(2, 8), floating=True, min_value=0.0, max_value=1.0, min_len=1)
    if x_hat.shape != x.shape:
        raise ValueError(
            f"x_hat and x must have the same shape, got {tuple(x_hat.shape)} and {tuple(x.shape)}"
        )


@validate_args(_bce_args)
def reconstruction_bce(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over pixels and averaged over images (notebook 02).

    ``x_hat`` holds probabilities (a sigmoid output) and ``x`` targets in [0, 1], both
    shaped N×… with the same shape. Summing over pixels keeps the loss on the scale of
    the per-image log-likelihood, so its size does not depend on the image size.
    """
    return F.binary_cross_entropy(x_hat, x, reduction="sum") / x.shape[0]
