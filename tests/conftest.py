"""Shared fixtures of the unit tests. The course scripts (scripts/*.py) are importable as modules:
pyproject.toml puts scripts/ on pytest's ``pythonpath``."""

from __future__ import annotations

from pathlib import Path

import pytest
from idx_files import make_idx_folder


@pytest.fixture
def idx_root(tmp_path: Path) -> Path:
    """A data folder with a tiny synthetic MNIST in torchvision's IDX layout."""
    return make_idx_folder(tmp_path)
