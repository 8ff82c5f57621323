"""Noise models for images in [0, 1] (introduced in notebook 03, denoising autoencoders).

Every function takes a batch ``x`` (N×C×H×W, values in [0, 1]), a noise strength and a
seeded :class:`torch.Generator`, and returns a new tensor of the same shape that stays
in [0, 1]. The strength is either one number for the whole batch or a 1-D tensor with
one value per image, so that a training loss can draw a different strength for every
image of a batch.

* :func:`gaussian_noise` — additive Gaussian noise, ``clip(x + σ·ε, 0, 1)``, ε ~ N(0, 1).
* :func:`salt_and_pepper` — a fraction ``p`` of pixels is replaced by 0 or 1 (half each).
* :func:`masking_noise` — a fraction ``p`` of pixels is set to 0 (Vincent et al., 2008).

Random numbers are drawn on the generator's device and then moved to ``x``'s device, so
the same seed gives the same noise on every machine.
"""

from __future__ import annotations

import math

import torch

from .checks import check_images, check_tensor, validate_args

__all__ = ["gaussian_noise", "salt_and_pepper", "masking_noise"]


def _check_generator(generator) -> torch.Generator:
    if not isinstance(generator, torch.Generator):
        raise ValueError(
            "generator must be a seeded torch.Generator, e.g. torch.Generator().manual_seed(0), "
            f"got {type(generator).__name__}"
        )
    return generator


def _strength(name: str, value, x: torch.Tensor, *, upper: float | None) -> torch.Tensor:
    """A number or a per-image 1-D tensor → a tensor broadcastable against ``x``."""
    n = x.shape[0]
    bounds = "[0, 1]" if upper is not None else ">= 0"
    if isinstance(value, torch.Tensor):
        check_tensor(name, value, ndim=1, floating=True)
        if value.shape[0] != n:
            raise ValueError(
                f"{name} must be a number or a 1-D tensor with one value per image ({n}), "
                f"got shape {tuple(value.shape)}"
            )
        if value.numel() and (value.min() < 0 or (upper is not None and value.max() > upper)):
            raise ValueError(
                f"{name} must have values {bounds}, got range "
                f"[{value.min().item():.4g}, {value.max().item():.4g}]"
            )
        return value.to(device=x.device, dtype=x.dtype).view(n, *([1] * (x.ndim - 1)))
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (upper is not None and value > upper):
        raise ValueError(f"{name} must be a number {bounds} or a 1-D tensor of them, got {value!r}")
    return torch.tensor(float(value), device=x.device, dtype=x.dtype)


def _uniform(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    return torch.rand(x.shape, generator=generator, device=generator.device).to(x.device, x.dtype)


def _gaussian_noise_args(x, sigma, generator) -> None:
    check_images("x", x)
    _strength("sigma", sigma, x, upper=None)
    _check_generator(generator)


@validate_args(_gaussian_noise_args)
def gaussian_noise(x: torch.Tensor, sigma, generator: torch.Generator) -> torch.Tensor:
    """``clip(x + sigma·ε, 0, 1)`` with ε ~ N(0, 1) per pixel (notebook 03).

    ``sigma`` ≥ 0 is a number or a 1-D tensor with one σ per image. The clipping keeps the
    result a valid image; it also makes the noise on black pixels one-sided (only the
    positive half survives), so its mean squared value there is σ²/2, not σ².
    """
    sigma = _strength("sigma", sigma, x, upper=None)  # a number, or one σ per image
    eps = torch.randn(x.shape, generator=generator, device=generator.device).to(x.device, x.dtype)
    return (x + sigma * eps).clamp_(0.0, 1.0)


def salt_and_pepper(x: torch.Tensor, p, generator: torch.Generator) -> torch.Tensor:
    """Each pixel is replaced with probability ``p``: by 0 (pepper) or 1 (salt), half each (notebook 03).

    ``p`` in [0, 1] is a number or a 1-D tensor with one value per image.
    """
    check_images("x", x)
    p = _strength("p", p, x, upper=1.0)
    _check_generator(generator)
    hit = _uniform(x, generator) < p
    salt = _uniform(x, generator) < 0.5
    return torch.where(hit, salt.to(x.dtype), x)


def masking_noise(x: torch.Tensor, p, generator: torch.Generator) -> torch.Tensor:
    """Each pixel is set to 0 with probability ``p`` (the masking noise of Vincent et al., 2008; notebook 03).

    ``p`` in [0, 1] is a number or a 1-D tensor with one value per image.
    """
    check_images("x", x)
    p = _strength("p", p, x, upper=1.0)
    _check_generator(generator)
    keep = _uniform(x, generator) >= p
    return x * keep.to(x.dtype)
