"""Input validation shared by every public helper in :mod:`utils`.

Each check raises ``ValueError`` whose message names the offending argument and
what was expected, so a student sees *which* call was wrong and *why*.

The value checks (finite, in a range) read every number of a tensor. Inside
:func:`utils.training.fit` that would be paid on every batch, so ``fit`` scans the
whole training tensor once and then drives the loss inside :class:`ValidatedBatches`:
a check of a batch (or a view of it) whose source tensor is already known to satisfy
the condition is skipped, and after the first step of an epoch the value scans of
other tensors (model outputs) are skipped too, because ``fit`` stops on a non-finite
loss itself and re-runs a failing step with every check on.
"""

from __future__ import annotations

import functools
import math
import threading
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
    "value_range",
    "validate_args",
    "NonFiniteValueError",
    "ValidatedBatches",
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


class _State(threading.local):
    def __init__(self):
        self.known: dict[int, tuple[int, float, float]] = {}  # storage address -> (version, lo, hi)
        self.relaxed = False  # skip value scans of tensors with no known range
        self.depth = 0


_state = _State()


class ValidatedBatches:
    """Context in which value checks of already validated batches are skipped (notebook 01, ``fit``).

    ``fit`` calls :meth:`batch` before it passes each batch to the loss: ``ranges[i]`` is
    the ``(min, max)`` of the whole tensor the ``i``-th batch tensor was taken from (as
    returned by :func:`value_range`; ``None`` for non-float tensors). A check of such a
    batch, or of any view of it not modified in place since, then uses that range
    instead of reading the batch; if the range does not satisfy the check, the batch is
    scanned as usual, so an error names the same argument at the same step as without
    this context. With ``relaxed=True`` the value scans of all other tensors are skipped;
    ``relaxed=False`` restores every check (``fit`` uses it on the first step of each
    epoch and when it re-runs a failing step). Shape, dimension and dtype checks always run.
    """

    def __enter__(self) -> ValidatedBatches:
        self._saved = (_state.known, _state.relaxed)
        _state.depth += 1
        return self

    def batch(self, tensors: Sequence[torch.Tensor], ranges: Sequence, *, relaxed: bool) -> None:
        _state.known = {
            t.untyped_storage().data_ptr(): (t._version, *r)
            for t, r in zip(tensors, ranges, strict=True)
            if r is not None
        }
        _state.relaxed = relaxed

    def full_checks(self) -> None:
        """Every check reads its tensor again until the next :meth:`batch`."""
        _state.known, _state.relaxed = {}, False

    def __exit__(self, *exc) -> None:
        _state.known, _state.relaxed = self._saved
        _state.depth -= 1


def _known_range(value: torch.Tensor) -> tuple[float, float] | None:
    entry = _state.known.get(value.untyped_storage().data_ptr())
    if entry is None or entry[0] != value._version:
        return None
    return entry[1], entry[2]


def value_range(name: str, value: torch.Tensor) -> tuple[float, float] | None:
    """``(min, max)`` of a float tensor in one pass, ``None`` for other dtypes (notebook 01).

    Raises ``ValueError`` naming ``name`` if the tensor holds NaN or inf values.
    """
    if not value.is_floating_point() or not value.numel():
        return None
    # one pass over the data: min and max propagate NaN, so they also reveal NaN and inf
    lo, hi = torch.stack(torch.aminmax(value.detach())).tolist()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        bad = "NaN" if math.isnan(lo) or math.isnan(hi) else "inf"
        raise NonFiniteValueError(f"{name} contains {bad} values; expected finite numbers")
    return lo, hi


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
        if _state.known or _state.relaxed:  # inside ValidatedBatches (fit)
            known = _known_range(value)
            if known is None and _state.relaxed:
                return value
            if known is not None and (min_value is None or known[0] >= min_value):
                if max_value is None or known[1] <= max_value:
                    return value  # the source tensor is finite and within the bounds
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
