"""Input validation shared by every public helper in :mod:`utils`.

Each check raises ``ValueError`` whose message names the offending argument and
what was expected, so a student sees *which* call was wrong and *why*.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

__all__ = [
    "check_tensor",
    "check_images",
    "check_labels",
    "check_same_length",
    "check_positive_int",
    "check_probability",
    "check_positive_float",
]


def check_tensor(
    name: str,
    value,
    *,
    ndim: int | Sequence[int] | None = None,
    floating: bool = False,
    finite: bool = True,
    min_value: float | None = None,
    max_value: float | None = None,
    min_len: int = 0,
) -> torch.Tensor:
    """Return ``value`` if it is a tensor with the required properties, else raise ``ValueError``."""
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if value.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {tuple(value.shape)}")
    if value.ndim > 0 and value.shape[0] < min_len:
        raise ValueError(f"{name} must hold at least {min_len} item(s), got {value.shape[0]}")
    if floating and not value.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    scan = finite or min_value is not None or max_value is not None
    if value.is_floating_point() and value.numel() and scan:
        # one pass over the data: min and max propagate NaN, so they also reveal NaN and inf
        lo, hi = torch.stack(torch.aminmax(value.detach())).tolist()
        if finite and not (math.isfinite(lo) and math.isfinite(hi)):
            bad = "NaN" if math.isnan(lo) or math.isnan(hi) else "inf"
            raise ValueError(f"{name} contains {bad} values; expected finite numbers")
        if min_value is not None or max_value is not None:
            if (min_value is not None and lo < min_value) or (max_value is not None and hi > max_value):
                raise ValueError(
                    f"{name} must have values in [{min_value}, {max_value}], got range [{lo:.4g}, {hi:.4g}]"
                )
    return value


def check_images(name: str, images, *, unit_range: bool = True) -> torch.Tensor:
    """Images are N×C×H×W floating tensors, values in [0, 1] unless ``unit_range=False``."""
    if unit_range:
        return check_tensor(name, images, ndim=4, floating=True, min_value=0.0, max_value=1.0)
    return check_tensor(name, images, ndim=4, floating=True)


def check_labels(name: str, labels, n: int | None = None) -> torch.Tensor:
    """Labels are a 1-D integer tensor (optionally of length ``n``)."""
    check_tensor(name, labels, ndim=1)
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise ValueError(f"{name} must be an integer tensor, got dtype {labels.dtype}")
    if n is not None and labels.shape[0] != n:
        raise ValueError(f"{name} must have length {n} (one label per image), got {labels.shape[0]}")
    return labels


def check_same_length(**tensors: torch.Tensor) -> int:
    """All tensors share the first dimension; returns it."""
    lengths = {k: v.shape[0] for k, v in tensors.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}: {n}" for k, n in lengths.items())
        raise ValueError(f"arguments must have the same number of items along dim 0, got {desc}")
    return next(iter(lengths.values()))


def check_positive_int(name: str, value, *, allow_zero: bool = False) -> int:
    """``value`` is an int ≥ 1 (or ≥ 0 with ``allow_zero``)."""
    lo = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return value


def check_positive_float(name: str, value, *, allow_zero: bool = False) -> float:
    """``value`` is a finite real number > 0 (or ≥ 0 with ``allow_zero``)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        sign = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {sign}, got {value!r}")
    return float(value)


def check_probability(name: str, value, *, open_right: bool = False) -> float:
    """``value`` is a number in [0, 1] (or [0, 1) with ``open_right``)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or value > 1 or (open_right and value == 1):
        interval = "[0, 1)" if open_right else "[0, 1]"
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return float(value)
