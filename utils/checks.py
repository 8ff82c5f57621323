"""Input checks shared by every public helper in :mod:`utils` (introduced in notebook 01).

Each check raises ``ValueError`` whose message names the offending argument, what was
expected and what to do, so a student sees *which* call was wrong and *why*. Value checks
(finite, in a range) read every number of a tensor once; shape and dtype checks cost
next to nothing. :func:`validate_args` runs a checker before a function, so the code a
notebook shows with :func:`utils.display.show_source` is the model or the formula alone.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import torch

__all__ = [
    "check_tensor",
    "check_images",
    "check_labels",
    "check_same_length",
    "check_positive_int",
    "check_probability",
    "check_positive_float",
    "check_model_input",
    "check_image_shape",
    "check_codes",
    "validate_args",
    "NonFiniteValueError",
]


class NonFiniteValueError(ValueError):
    """A checked tensor holds NaN or inf (notebook 01); ``fit`` reports it as divergence."""


def validate_args(checker: Callable) -> Callable:
    """Decorator: ``checker(*args, **kwargs)`` runs before the function and raises on bad input (notebook 01).

    It keeps input validation out of the code that notebooks display with
    :func:`utils.display.show_source`: the function's body is the model or the formula
    only, while every call still gets the same checks and messages.
    """
    if not callable(checker):
        raise ValueError(f"checker must be callable, got {type(checker).__name__}")

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            checker(*args, **kwargs)
            return fn(*args, **kwargs)

        return checked

    return decorate


def _dtype_hint(name: str, dtype: torch.dtype) -> str:
    if dtype == torch.uint8:
        return f" (pixels 0..255: convert with {name}.float() / 255)"
    if dtype == torch.float64 or not dtype.is_floating_point:
        return f" (convert with {name}.float())"
    return ""


def check_model_input(
    name: str, x, *, dtype: torch.dtype, image_shape: tuple | None = None, n_values: int | None = None
) -> torch.Tensor:
    """Dtype and shape of a model's input batch; no value scans, so it costs next to nothing (notebook 01).

    ``x`` must have the model's ``dtype`` and, with ``image_shape``, the shape N×``image_shape``;
    with ``n_values``, N×… holding that many values per item.
    """
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if x.dtype != dtype:
        raise ValueError(
            f"{name} must have dtype {dtype} (the model's dtype), got {x.dtype}{_dtype_hint(name, x.dtype)}"
        )
    if image_shape is not None and tuple(x.shape[1:]) != image_shape:
        want = "N×" + "×".join(str(s) for s in image_shape)
        hint = ""
        if tuple(x.shape) == image_shape:
            hint = f"; a single image needs a batch dimension: {name}.unsqueeze(0)"
        elif x.ndim >= 1 and math.prod(x.shape[1:]) == math.prod(image_shape):
            hint = f"; reshape it with {name}.view(-1, {', '.join(str(s) for s in image_shape)})"
        raise ValueError(
            f"{name} must have shape {want} (the model was built for images of shape {image_shape}), "
            f"got {tuple(x.shape)}{hint}"
        )
    if n_values is not None and (x.ndim < 2 or math.prod(x.shape[1:]) != n_values):
        raise ValueError(
            f"{name} must have shape N×… with {n_values} values per item (the model's input size), "
            f"got {tuple(x.shape)}"
        )
    return x


def check_image_shape(image_shape) -> tuple[int, ...]:
    """``image_shape`` as a tuple of positive sizes, e.g. ``(1, 28, 28)`` (notebook 02)."""
    shape = tuple(image_shape)
    if not shape:
        raise ValueError("image_shape must list at least one size, e.g. (1, 28, 28)")
    for i, s in enumerate(shape):
        check_positive_int(f"image_shape[{i}]", s)
    return shape


def check_codes(name: str, z, *, dtype: torch.dtype, dim: int) -> torch.Tensor:
    """A batch of codes for a decoder: shape N×``dim`` in the decoder's ``dtype`` (notebook 02)."""
    check_model_input(name, z, dtype=dtype)
    if z.ndim != 2 or z.shape[1] != dim:
        raise ValueError(
            f"{name} must have shape N×{dim} (one code of {dim} numbers per row), got {tuple(z.shape)}"
        )
    return z


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
        hint = _dtype_hint(name, value.dtype)
        raise ValueError(f"{name} must be a floating-point tensor, got dtype {value.dtype}{hint}")
    scan = finite or min_value is not None or max_value is not None
    if value.is_floating_point() and value.numel() and scan:
        # one pass over the data: min and max propagate NaN, so they also reveal NaN and inf
        lo, hi = torch.stack(torch.aminmax(value.detach())).tolist()
        if finite and not (math.isfinite(lo) and math.isfinite(hi)):
            bad = "NaN" if math.isnan(lo) or math.isnan(hi) else "inf"
            raise NonFiniteValueError(f"{name} contains {bad} values; expected finite numbers")
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
