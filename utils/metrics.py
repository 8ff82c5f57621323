"""Image-quality metrics (introduced in notebook 01; PSNR is used from notebook 03 on)."""

from __future__ import annotations

import torch

from .checks import check_positive_float, check_tensor

__all__ = ["per_image_squared_error", "psnr"]


def _pair(x, y, x_name: str, y_name: str) -> None:
    check_tensor(x_name, x, ndim=range(2, 6), floating=True, min_len=1)
    check_tensor(y_name, y, ndim=range(2, 6), floating=True, min_len=1)
    if x.shape != y.shape:
        raise ValueError(
            f"{x_name} and {y_name} must have the same shape, got {tuple(x.shape)} and {tuple(y.shape)}"
        )


def per_image_squared_error(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Squared error summed over each image's pixels: shape N (notebook 02).

    Averaged over a test set, this is the reconstruction error of Hinton &
    Salakhutdinov (2006) for pixels in [0, 1].
    """
    _pair(x, target, "x", "target")
    return (x.float() - target.float()).pow(2).flatten(1).sum(1)


def psnr(x: torch.Tensor, target: torch.Tensor, *, peak: float = 1.0) -> torch.Tensor:
    """Peak signal-to-noise ratio per image in dB: 10·log10(peak² / MSE) (notebook 03).

    A perfect reconstruction gives ``inf``.
    """
    _pair(x, target, "x", "target")
    check_positive_float("peak", peak)
    mse = (x.float() - target.float()).pow(2).flatten(1).mean(1)
    return 10.0 * torch.log10(peak**2 / mse)
