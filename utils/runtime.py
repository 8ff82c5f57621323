"""Device choice and seeding (introduced in notebook 01)."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

__all__ = ["get_device", "seed_everything"]


def get_device(prefer: str | None = None) -> torch.device:
    """The best available device: CUDA, then Apple MPS, then CPU.

    ``prefer`` ('cuda', 'mps' or 'cpu') forces a choice; the environment variable
    ``AE_COURSE_DEVICE`` does the same without editing a notebook.
    """
    prefer = prefer or os.environ.get("AE_COURSE_DEVICE")
    if prefer is not None:
        if prefer not in ("cuda", "mps", "cpu"):
            raise ValueError(f"prefer must be 'cuda', 'mps' or 'cpu', got {prefer!r}")
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python, NumPy and PyTorch (CPU and GPU); returns a seeded CPU generator."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)
