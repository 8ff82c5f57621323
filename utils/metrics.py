"""How close an image is to its target: squared error, PSNR and SSIM (introduced in notebook 02).

* :func:`per_image_squared_error` — the reconstruction error of Hinton & Salakhutdinov (2006).
* :func:`psnr` — peak signal-to-noise ratio per image, in dB (notebook 03).
* :func:`batch_ssim` — structural similarity per image (scikit-image) (notebook 04; inside
  :func:`quality` from notebook 03).
* :func:`quality` — mean PSNR and mean SSIM of a batch (notebook 03).
"""

from __future__ import annotations

import numpy as np
import torch
from skimage.metrics import structural_similarity

from .checks import check_images, check_positive_float, check_tensor

__all__ = ["batch_ssim", "check_image_pair", "per_image_squared_error", "psnr", "quality"]


def _pair(x, y, x_name: str, y_name: str) -> None:
    check_tensor(x_name, x, ndim=range(2, 6), floating=True, min_len=1)
    check_tensor(y_name, y, ndim=range(2, 6), floating=True, min_len=1)
    if x.shape != y.shape:
        raise ValueError(
            f"{x_name} and {y_name} must have the same shape, got {tuple(x.shape)} and {tuple(y.shape)}"
        )


def check_image_pair(x, target, x_name: str = "x", target_name: str = "target") -> None:
    """Two non-empty batches of images N×C×H×W in [0, 1] with the same shape (notebook 03)."""
    check_images(x_name, x)
    check_images(target_name, target)
    _pair(x, target, x_name, target_name)


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


def batch_ssim(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """SSIM of each image against its target, shape N (notebook 04; :func:`quality` uses it in 03).

    Uses ``skimage.metrics.structural_similarity`` with ``data_range=1.0`` and its default
    7×7 uniform window; 1.0 means identical images.
    """
    check_image_pair(x, target)
    a, b = (t.detach().cpu().double().numpy() for t in (x, target))
    scores = [
        np.mean([structural_similarity(ai[c], bi[c], data_range=1.0) for c in range(a.shape[1])])
        for ai, bi in zip(a, b, strict=True)
    ]
    return torch.tensor(scores, dtype=torch.float32)


def quality(x: torch.Tensor, target: torch.Tensor, *, peak: float = 1.0) -> dict[str, float]:
    """Mean over images of PSNR (dB, ``peak`` = 1.0) and SSIM: ``{"psnr": .., "ssim": ..}`` (notebook 03).

    PSNR is computed per image and then averaged; an exact copy (infinite PSNR) is an error,
    because it would make the mean infinite.
    """
    check_image_pair(x, target)
    p = psnr(x, target, peak=peak)
    if not torch.isfinite(p).all():
        raise ValueError("x equals target exactly for some images (infinite PSNR); nothing to score")
    return {"psnr": p.mean().item(), "ssim": batch_ssim(x, target).mean().item()}
