"""Scoring denoisers and the classical baselines a denoising autoencoder must beat (notebook 03).

* :func:`batch_ssim` — SSIM per image (scikit-image's ``structural_similarity``,
  ``data_range=1.0``, 7×7 window); :func:`quality` — mean PSNR (peak 1.0) and mean SSIM.
* Classical denoisers, each ``f(x, parameter) -> x̂`` for batches N×C×H×W in [0, 1], applied to
  every image and channel separately: :func:`gaussian_blur` and :func:`median_filter`
  (SciPy), :func:`tv_denoise` (Chambolle's total variation) and :func:`nl_means`
  (non-local means) from scikit-image.
* :func:`tune_parameter` — pick a denoiser's parameter (or "no filter") by mean PSNR on validation
  images; :func:`check_interior` — is the chosen value inside its grid?
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
    "check_interior",
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
    """SSIM of each image against its target, shape N (notebook 04; notebook 03 scores through it).

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
    _pair(noisy, clean)
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


def markdown_table(
    results: dict[str, dict[str, dict[str, float]]],
    *,
    metrics: Sequence[str] = ("psnr", "ssim"),
    params: dict[str, dict[str, object]] | None = None,
) -> str:
    """A Markdown table: one row per method, one column per (noise, metric); best per column in bold.

    ``results[method][noise] = {"psnr": ..., "ssim": ...}`` (notebook 03). With ``params``
    (``params[method][noise]`` = the chosen parameter, ``None`` for "no filter") each noise
    also gets a "параметр" column; methods missing from ``params`` show a dash there.
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
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict {{method: {{noise: value}}}}, got {type(params).__name__}")
    for method, row in params.items():
        if method not in results:
            raise ValueError(f"params names a method {method!r} that is not in results")
        if not isinstance(row, dict) or set(row) != set(noises):
            raise ValueError(f"params[{method!r}] must give a value for each noise setting {noises}")
    best = {(n, m): max(row[n][m] for row in results.values()) for n in noises for m in metrics}
    names = {"psnr": "PSNR, дБ", "ssim": "SSIM"}
    per_noise = [
        [*([f"{n}: параметр"] if params else []), *(f"{n}: {names.get(m, m)}" for m in metrics)]
        for n in noises
    ]
    columns = [c for group in per_noise for c in group]
    header = "| метод | " + " | ".join(columns) + " |"
    lines = [header, "|---" * (1 + len(columns)) + "|"]
    for method, row in results.items():
        cells = []
        for n in noises:
            if params:
                if method in params:
                    v = params[method][n]
                    cells.append("без фильтра" if v is None else f"{v:g}" if isinstance(v, float) else str(v))
                else:
                    cells.append("—")
            for m in metrics:
                v = row[n][m]
                text = f"{v:.2f}" if m == "psnr" else f"{v:.3f}"
                cells.append(f"**{text}**" if v == best[(n, m)] else text)
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
