"""Tiny synthetic datasets in torchvision's IDX layout (the MNIST file format), for the data tests."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file (the MNIST format)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def make_idx_folder(root: Path, name: str = "MNIST", n_train: int = 12, n_test: int = 6) -> Path:
    """``root/name/raw`` with random train and test images and labels; returns ``root``."""
    rng = np.random.default_rng(0)
    raw = root / name / "raw"
    for split, n in (("train", n_train), ("t10k", n_test)):
        write_idx(raw / f"{split}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)))
        write_idx(raw / f"{split}-labels-idx1-ubyte", np.arange(n) % 10)
    return root
