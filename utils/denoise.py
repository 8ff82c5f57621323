"""The classical denoisers a denoising autoencoder must beat, and how they are tuned (notebook 03).

* Classical denoisers, each ``f(x, parameter) -> x̂`` for batches N×C×H×W in [0, 1], applied to
  every image and channel separately: :func:`gaussian_blur` and :func:`median_filter`
  (SciPy), :func:`tv_denoise` (Chambolle's total variation) and :func:`nl_means`
  (non-local means) from scikit-image.
* :func:`tune_parameter` — pick a denoiser's parameter (or "no filter") by mean PSNR on validation
  images; :func:`check_interior` — is the chosen value inside its grid?

Their scores (PSNR, SSIM) are in :mod:`utils.metrics`; the projection on the top-k principal
components is :class:`utils.baselines.PCAAutoencoder`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from scipy import ndimage
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle

from .checks import check_images, check_positive_float, check_positive_int
from .metrics import check_image_pair, psnr

__all__ = [
    "gaussian_blur",
    "median_filter",
    "tv_denoise",
    "nl_means",
    "tune_parameter",
    "check_interior",
]


def _numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().double().numpy()


def _back(arr: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.clip(arr, 0.0, 1.0)).to(like.dtype)


def _per_image(x: torch.Tensor, fn: Callable[[np.ndarray], np.ndarray]) -> torch.Tensor:
    arr = _numpy(x)
    out = np.empty_like(arr)
    for i in range(arr.shape[0]):
        for c in range(arr.shape[1]):
            out[i, c] = fn(arr[i, c])
    return _back(out, x)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Blur each image with a Gaussian kernel of standard deviation ``sigma`` pixels (notebook 03)."""
    check_images("x", x)
    check_positive_float("sigma", sigma)
    return _back(ndimage.gaussian_filter(_numpy(x), sigma=(0, 0, sigma, sigma), mode="constant"), x)


def median_filter(x: torch.Tensor, size: int) -> torch.Tensor:
    """Replace each pixel by the median of its ``size``×``size`` neighbourhood (notebook 03)."""
    check_images("x", x)
    check_positive_int("size", size)
    return _back(ndimage.median_filter(_numpy(x), size=(1, 1, size, size), mode="constant"), x)


def tv_denoise(x: torch.Tensor, weight: float) -> torch.Tensor:
    """Total-variation denoising (Chambolle's algorithm, scikit-image) of each image (notebook 03).

    A larger ``weight`` removes more noise and flattens more detail.
    """
    check_images("x", x)
    check_positive_float("weight", weight)
    return _per_image(x, lambda img: denoise_tv_chambolle(img, weight=weight))


def nl_means(x: torch.Tensor, h: float, *, patch_size: int = 3, patch_distance: int = 4) -> torch.Tensor:
    """Non-local means (scikit-image, fast mode) of each image (notebook 03).

    Each pixel becomes a weighted mean of pixels whose ``patch_size``×``patch_size``
    neighbourhoods (searched within ``patch_distance`` pixels) look alike; ``h`` sets how
    alike they must be.
    """
    check_images("x", x)
    check_positive_float("h", h)
    check_positive_int("patch_size", patch_size)
    check_positive_int("patch_distance", patch_distance)
    return _per_image(
        x,
        lambda img: denoise_nl_means(
            img, h=h, patch_size=patch_size, patch_distance=patch_distance, fast_mode=True
        ),
    )


def tune_parameter(
    denoiser: Callable[[torch.Tensor, object], torch.Tensor],
    values: Sequence,
    noisy: torch.Tensor,
    clean: torch.Tensor,
) -> tuple[object, dict]:
    """The value in ``values`` whose ``denoiser(noisy, value)`` has the highest mean PSNR (notebook 03).

    A value ``None`` in ``values`` means "no filter": the noisy images are scored as they
    are, so a filter that only hurts is never chosen over doing nothing. List the values
    from ``None`` (weakest) to the strongest filter; :func:`check_interior` then asserts that
    the grid was wide enough. Pass *validation* images, never the test images. Returns
    ``(best_value, {value: psnr})``.
    """
    if not callable(denoiser):
        raise ValueError(f"denoiser must be callable as denoiser(x, value), got {type(denoiser).__name__}")
    values = list(values)
    if not values:
        raise ValueError("values must list at least one parameter value to try")
    if len(set(map(repr, values))) != len(values):
        raise ValueError(f"values must not repeat a value, got {values}")
    check_image_pair(noisy, clean, "noisy", "clean")
    scores = {}
    for v in values:
        out = noisy if v is None else denoiser(noisy, v)
        check_images(f"denoiser(noisy, {v!r})", out)
        scores[v] = psnr(out, clean).mean().item()
    best = max(scores, key=scores.get)
    return best, scores


def check_interior(best, values: Sequence) -> bool:
    """True when ``best`` is ``None`` ("no filter") or lies strictly inside ``values`` (notebook 03).

    ``values`` is a grid ordered from ``None`` to the strongest filter, as given to
    :func:`tune_parameter`. A best value at the strong end means the grid is too short:
    a stronger filter might be better still.
    """
    values = list(values)
    if best not in values:
        raise ValueError(f"best must be one of values {values}, got {best!r}")
    if len(values) < 3 or values[0] is not None:
        raise ValueError(
            f"values must start with None (no filter) and hold at least two more values, got {values}"
        )
    return best is None or 0 < values.index(best) < len(values) - 1
