"""Student editions (scripts/student.py): no solution leaks, and the self-checks stop on the stubs."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

import utils
from utils.exercises import check, require

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"course_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


student = _load("student")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


WITH_SOLUTIONS = [p for p in NOTEBOOKS if any("solution" in _tags(c) for c in _read(p)["cells"])]


def test_notebook_01_has_exercises():
    assert any(p.name.startswith("01_") for p in WITH_SOLUTIONS)


def test_assigned_names():
    src = "a, (b, *c) = 1, (2, 3)\nd: int = 4\ne += 1\ndef f(x, y):\n    z = 1\n    return z\nobj.attr = 5\n"
    assert student.assigned_names(src) == ["a", "b", "c", "d", "e", "f"]
    stub = student.stub_for("def my_kl(mu, logvar):\n    return mu\n")
    assert stub.startswith("# Ваш код здесь") and "my_kl = None" in stub and "return" not in stub
    with pytest.raises(student.StudentError):
        student.stub_for("print(1)")


@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=[p.stem for p in WITH_SOLUTIONS])
def test_no_solution_text_leaks(path):
    nb = _read(path)
    edition = student.student_edition(nb, path.name)
    assert len(edition["cells"]) == len(nb["cells"])
    student_text = json.dumps(edition, ensure_ascii=False)
    # the notebook without its solution cells: text there (e.g. a formula taught earlier) is not a leak
    baseline = json.dumps([c for c in nb["cells"] if "solution" not in _tags(c)], ensure_ascii=False)
    for index, (cell, new) in enumerate(zip(nb["cells"], edition["cells"], strict=True)):
        if "solution" not in _tags(cell):
            if "check" not in _tags(cell):
                assert new == cell, f"{path.name} cell {index}: a non-exercise cell changed"
            continue
        assert _source(new).startswith(student.STUB_MARK)
        assert new["outputs"] == [] and new["execution_count"] is None
        for line in _source(cell).splitlines():
            line = line.strip()
            if (
                len(line) < 8
                or line.startswith("#")
                or json.dumps(line, ensure_ascii=False)[1:-1] in baseline
            ):
                continue
            assert json.dumps(line, ensure_ascii=False)[1:-1] not in student_text, (
                f"{path.name} cell {index}: solution line leaks: {line!r}"
            )
    for cell in edition["cells"]:
        if "check" in _tags(cell):
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=[p.stem for p in WITH_SOLUTIONS])
def test_checks_fail_on_the_stubs(path):
    edition = student.student_edition(_read(path), path.name)
    cells = edition["cells"]
    pairs = 0
    for index, cell in enumerate(cells):
        if "solution" not in _tags(cell):
            continue
        checks = [c for c in cells[index + 1 :] if "check" in _tags(c)][:1]
        assert checks, f"{path.name} cell {index}: a solution cell without a check cell after it"
        namespace = {
            "utils": utils,
            "torch": torch,
            "np": np,
            "math": math,
            "require": require,
            "check": check,
        }
        exec(compile(_source(cell), f"{path.name}[{index}]", "exec"), namespace)
        with pytest.raises(AssertionError, match="Задание не выполнено"):
            exec(compile(_source(checks[0]), f"{path.name}[check after {index}]", "exec"), namespace)
        pairs += 1
    assert pairs > 0


def test_make_student_writes_editions(tmp_path):
    target = student.write_student_edition(WITH_SOLUTIONS[0], tmp_path)
    edition = _read(target)
    assert edition["nbformat"] == 4
    assert any(_source(c).startswith(student.STUB_MARK) for c in edition["cells"])
