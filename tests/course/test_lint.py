"""The code and the notebooks stay ruff-clean and ruff-formatted: the same commands as `make lint`."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")
RUFF_LINE = re.compile(r"^\t\$\(BIN\)/ruff (check|format --check) (.+)$", re.MULTILINE)


def make_lint_ruff_calls(makefile: str) -> dict[str, list[str]]:
    """The paths `make lint` gives to ``ruff check`` and to ``ruff format --check``."""
    recipe = re.search(r"^lint:.*\n((?:\t.*(?:\n|$))*)", makefile, flags=re.MULTILINE)
    lint = recipe.group(1) if recipe else ""
    return {command: paths.split() for command, paths in RUFF_LINE.findall(lint)}


CALLS = make_lint_ruff_calls((ROOT / "Makefile").read_text())


def _ruff() -> str | None:
    return str(RUFF) if RUFF.exists() else shutil.which("ruff")


def test_make_lint_checks_and_formats_the_same_paths():
    assert CALLS.get("check") == ["utils", "tests", "scripts", "notebooks"], CALLS
    assert CALLS.get("format --check") == CALLS["check"], "one width for every file ruff checks"
    assert make_lint_ruff_calls(
        "lint: x\n\t$(BIN)/ruff check a b\n\nother:\n\t$(BIN)/ruff format --check c\n"
    ) == {"check": ["a", "b"]}


@pytest.mark.skipif(_ruff() is None, reason="ruff not installed")
def test_ruff_check_is_clean():
    result = subprocess.run(
        [_ruff(), "check", "--no-cache", *CALLS["check"]], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(_ruff() is None, reason="ruff not installed")
@pytest.mark.parametrize("path", CALLS.get("format --check", []))
def test_ruff_format_is_clean(path):
    result = subprocess.run(
        [_ruff(), "format", "--check", "--no-cache", path], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, f"run `ruff format {path}`:\n" + (result.stdout + result.stderr)[-3000:]
