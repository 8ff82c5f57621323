"""The run-time settings of a notebook: device, seeds, figure style (introduced in notebook 01).

:func:`setup` is the first line of every notebook: it seeds every generator, picks the
device, applies the figure style, loads MNIST into memory and says what it did.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from .data import load_mnist
from .display import format_int
from .plotting import use_course_style

__all__ = ["DEVICE_ENV_VAR", "get_device", "seed_everything", "setup"]

DEVICE_ENV_VAR = "AE_COURSE_DEVICE"


def get_device(prefer: str | None = None) -> torch.device:
    """The best available device: CUDA, then Apple MPS, then CPU (notebook 01).

    ``prefer`` ('cuda', 'mps' or 'cpu') forces a choice; the environment variable
    ``AE_COURSE_DEVICE`` does the same without editing a notebook. Asking for a device
    this machine does not have is an error, not a silent fall-back.
    """
    source = "prefer"
    if prefer is None and os.environ.get(DEVICE_ENV_VAR):
        prefer, source = os.environ[DEVICE_ENV_VAR], f"the environment variable {DEVICE_ENV_VAR}"
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    if not isinstance(prefer, str) or prefer.strip().lower() not in ("cuda", "mps", "cpu"):
        raise ValueError(f"{source} must be 'cuda', 'mps' or 'cpu', got {prefer!r}")
    prefer = prefer.strip().lower()
    if prefer == "cuda" and not torch.cuda.is_available():
        why = (
            "this PyTorch build has no CUDA support"
            if torch.version.cuda is None
            else "no NVIDIA GPU/driver is visible to PyTorch"
        )
        raise ValueError(
            f"{source} asks for 'cuda', but {why}; use 'cpu' or leave it unset to pick automatically"
        )
    if prefer == "mps" and not _mps_available():
        raise ValueError(
            f"{source} asks for 'mps', but Apple's Metal backend is not available on this machine; "
            "use 'cpu' or leave it unset to pick automatically"
        )
    return torch.device(prefer)


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python, NumPy and PyTorch (CPU and GPU); returns a seeded CPU generator (notebook 01)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)


def setup(*, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Start a notebook: seeds, device, figure style, MNIST in memory (notebook 01).

    Returns ``x_train, y_train, x_test, y_test``.

    Prints what it did. Images are float32 N×1×28×28 in [0, 1], labels int64.
    """
    seed_everything(seed)
    device = get_device()
    use_course_style()
    x_train, y_train = load_mnist("train")
    x_test, y_test = load_mnist("test")
    print(
        f"сид {seed}; устройство: {device}; MNIST в памяти: {format_int(len(x_train))} обучающих и "
        f"{format_int(len(x_test))} тестовых изображений 1×28×28, пиксели в [0, 1]"
    )
    return x_train, y_train, x_test, y_test
