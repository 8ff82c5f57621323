"""The code and the notebooks stay ruff-clean (same rules as `make lint`)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")


@pytest.mark.skipif(not RUFF.exists() and shutil.which("ruff") is None, reason="ruff not installed")
def test_ruff_check_is_clean():
    ruff = str(RUFF) if RUFF.exists() else shutil.which("ruff")
    result = subprocess.run(
        [ruff, "check", "--no-cache", "utils", "tests", "scripts", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
