"""The student editions of the course notebooks (scripts/student.py): no solution leaks; on the stubs
the self-checks say «Задание не выполнено» and skip, so «Run All» reaches the end.

The run of every student edition to the end is heavy (all notebooks) and runs only with
STUDENT_RUN_TEST=1 (`make test-student`); tests/test_student.py checks the same on a small synthetic
notebook in seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os

import numpy as np
import pytest
import student
import torch
from kernel_run import execute, printed
from notebook_json import code_cells, course_notebooks, read_notebook, source_of, tags_of

import utils
from utils.exercises import check, require

NOTEBOOKS = course_notebooks()
WITH_SOLUTIONS = [p for p in NOTEBOOKS if any("solution" in tags_of(c) for c in read_notebook(p)["cells"])]


def test_notebook_01_has_exercises():
    assert any(p.name.startswith("01_") for p in WITH_SOLUTIONS)


@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=[p.stem for p in WITH_SOLUTIONS])
def test_no_solution_text_leaks(path):
    nb = read_notebook(path)
    edition = student.student_edition(nb, path.name)
    assert len(edition["cells"]) == len(nb["cells"])
    student_text = json.dumps(edition, ensure_ascii=False)
    # the notebook without its solution cells: text there (e.g. a formula taught earlier) is not a leak
    baseline = json.dumps([c for c in nb["cells"] if "solution" not in tags_of(c)], ensure_ascii=False)
    for index, (cell, new) in enumerate(zip(nb["cells"], edition["cells"], strict=True)):
        if "solution" not in tags_of(cell):
            if "check" not in tags_of(cell):
                assert new == cell, f"{path.name} cell {index}: a non-exercise cell changed"
            continue
        assert source_of(new).startswith(student.STUB_MARK)
        assert new["outputs"] == [] and new["execution_count"] is None
        for line in source_of(cell).splitlines():
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
        if "check" in tags_of(cell):
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=[p.stem for p in WITH_SOLUTIONS])
def test_checks_skip_on_the_stubs(path):
    nb = read_notebook(path)
    edition = student.student_edition(nb, path.name)
    cells = edition["cells"]
    pairs = 0
    for index, cell in enumerate(cells):
        if "solution" not in tags_of(cell):
            continue
        checks = [j for j in range(index + 1, len(cells)) if "check" in tags_of(cells[j])][:1]
        assert checks, f"{path.name} cell {index}: a solution cell without a check cell after it"
        namespace = {
            "utils": utils,
            "torch": torch,
            "np": np,
            "math": math,
            "require": require,
            "check": check,
        }
        exec(compile(source_of(cell), f"{path.name}[{index}]", "exec"), namespace)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):  # the student's check cell: a message, no exception
            exec(compile(source_of(cells[checks[0]]), f"{path.name}[check {checks[0]}]", "exec"), namespace)
        assert "Задание не выполнено" in out.getvalue()
        original = nb["cells"][checks[0]]  # the teacher's check cell still stops on a stub
        with pytest.raises(AssertionError, match="Задание не выполнено"):
            exec(compile(source_of(original), f"{path.name}[check {checks[0]}]", "exec"), namespace)
        pairs += 1
    assert pairs > 0


@pytest.mark.skipif(
    os.environ.get("STUDENT_RUN_TEST") != "1", reason="runs every student edition: `make test-student`"
)
@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=[p.stem for p in WITH_SOLUTIONS])
def test_student_edition_runs_to_the_end(path):
    """«Run All» of the student edition: no exception anywhere, each check says «Задание не выполнено»."""
    edition = student.student_edition(read_notebook(path), path.name)
    done = execute(edition, path.parent)
    for index, cell in enumerate(done["cells"]):
        if "check" in tags_of(cell):
            assert "Задание не выполнено" in printed(cell), f"{path.name} cell {index}: no message"
    assert code_cells(done)[-1]["execution_count"] is not None
