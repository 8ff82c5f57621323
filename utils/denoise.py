"""Scoring denoisers and the classical baselines a denoising autoencoder must beat (notebook 03).

* :func:`batch_ssim` — SSIM per image (scikit-image's ``structural_similarity``,
  ``data_range=1.0``, 7×7 window); :func:`quality` — mean PSNR (peak 1.0) and mean SSIM.
* Classical denoisers, each ``f(x, parameter) -> x̂`` for batches N×C×H×W in [0, 1], applied to
  every image and channel separately: :func:`gaussian_blur` and :func:`median_filter`
  (SciPy), :func:`tv_denoise` (Chambolle's total variation) and :func:`nl_means`
  (non-local means) from scikit-image.
* :func:`tune_parameter` — pick a denoiser's parameter by mean PSNR on validation images.
* :func:`markdown_table` — a results table for ``IPython.display.Markdown``.

The projection on top-k principal components is :class:`utils.baselines.PCAAutoencoder`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch
from scipy import ndimage
from skimage.metrics import structural_similarity
from skimage.restoration import denoise_nl_means, denoise_tv_chambolle

from .checks import check_images, check_positive_float, check_positive_int
from .metrics import psnr

__all__ = [
    "batch_ssim",
    "quality",
    "gaussian_blur",
    "median_filter",
    "tv_denoise",
    "nl_means",
    "tune_parameter",
    "markdown_table",
]


def _pair(x: torch.Tensor, target: torch.Tensor) -> None:
    check_images("x", x)
    check_images("target", target)
    if x.shape != target.shape:
        raise ValueError(
            f"x and target must have the same shape, got {tuple(x.shape)} and {tuple(target.shape)}"
        )
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one image")


def _numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().double().numpy()


def _back(arr: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.clip(arr, 0.0, 1.0)).to(like.dtype)


def batch_ssim(x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """SSIM of each image against its target (mean over channels), shape N (notebook 03).

    Uses ``skimage.metrics.structural_similarity`` with ``data_range=1.0`` and its default
    7×7 uniform window; 1.0 means identical images.
    """
    _pair(x, target)
    a, b = _numpy(x), _numpy(target)
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
    _pair(x, target)
    p = psnr(x, target, peak=peak)
    if not torch.isfinite(p).all():
        raise ValueError("x equals target exactly for some images (infinite PSNR); nothing to score")
    return {"psnr": p.mean().item(), "ssim": batch_ssim(x, target).mean().item()}


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

    Pass *validation* images, never the test images. Returns ``(best_value, {value: psnr})``.
    """
    if not callable(denoiser):
        raise ValueError(f"denoiser must be callable as denoiser(x, value), got {type(denoiser).__name__}")
    values = list(values)
    if not values:
        raise ValueError("values must list at least one parameter value to try")
    _pair(noisy, clean)
    scores = {}
    for v in values:
        out = denoiser(noisy, v)
        check_images(f"denoiser(noisy, {v!r})", out)
        scores[v] = psnr(out, clean).mean().item()
    best = max(scores, key=scores.get)
    return best, scores


def markdown_table(
    results: dict[str, dict[str, dict[str, float]]], *, metrics: Sequence[str] = ("psnr", "ssim")
) -> str:
    """A Markdown table: one row per method, one column per (noise, metric); best per column in bold.

    ``results[method][noise] = {"psnr": ..., "ssim": ...}`` (notebook 03).
    """
    if not isinstance(results, dict) or not results:
        raise ValueError("results must be a non-empty dict {method: {noise: {metric: value}}}")
    noises = list(next(iter(results.values())))
    for method, row in results.items():
        if list(row) != noises:
            raise ValueError(f"results[{method!r}] must have the noise settings {noises}, got {list(row)}")
        for noise, cell in row.items():
            for m in metrics:
                if m not in cell or not math.isfinite(cell[m]):
                    raise ValueError(f"results[{method!r}][{noise!r}] needs a finite {m!r}")
    best = {(n, m): max(row[n][m] for row in results.values()) for n in noises for m in metrics}
    names = {"psnr": "PSNR, дБ", "ssim": "SSIM"}
    header = "| метод | " + " | ".join(f"{n}: {names.get(m, m)}" for n in noises for m in metrics) + " |"
    lines = [header, "|---" * (1 + len(noises) * len(metrics)) + "|"]
    for method, row in results.items():
        cells = []
        for n in noises:
            for m in metrics:
                v = row[n][m]
                text = f"{v:.2f}" if m == "psnr" else f"{v:.3f}"
                cells.append(f"**{text}**" if v == best[(n, m)] else text)
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
