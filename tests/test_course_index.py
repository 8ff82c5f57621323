"""The README's course index is generated from the notebooks' committed outputs."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import course_index  # noqa: E402


def test_readme_index_matches_the_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course_index.updated_readme(readme, course_index.build_table()) == readme, (
        "README.md course index is out of date: run `make index`"
    )


def test_bad_notebook_is_named(tmp_path: Path):
    (tmp_path / "07_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="07_broken.ipynb: not valid notebook JSON"):
        course_index.build_table(tmp_path)


def test_missing_headline_is_named(tmp_path: Path):
    nb = {
        "metadata": {"course": {"summary": "x"}},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [{"output_type": "stream", "text": "время выполнения блокнота: 5 с"}],
            }
        ],
    }
    (tmp_path / "08_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match="08_x.ipynb: no output from a cell tagged 'headline'"):
        course_index.build_table(tmp_path)


def _timed_cell(start: str, end: str, text: str = "", tags=()) -> dict:
    stamps = {"iopub.status.busy": start, "iopub.execute_input": start, "shell.execute_reply": end}
    outputs = [{"output_type": "stream", "name": "stdout", "text": text}] if text else []
    return {"cell_type": "code", "metadata": {"execution": stamps, "tags": list(tags)}, "outputs": outputs}


def test_wall_time_comes_from_the_execution_timestamps(tmp_path: Path):
    nb = {
        "metadata": {"course": {"summary": "x"}},
        "cells": [
            _timed_cell("2026-01-01T10:00:00.500000Z", "2026-01-01T10:00:03.000000Z"),
            {"cell_type": "markdown", "metadata": {}, "source": "text"},
            _timed_cell(
                "2026-01-01T10:00:03.100000Z", "2026-01-01T10:02:05.400000Z", "AUROC 0.97", ["headline"]
            ),
        ],
    }
    (tmp_path / "09_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    row = course_index.build_table(tmp_path).splitlines()[-1]
    assert "| 2.1 min | AUROC 0.97 |" in row, row
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
    (tmp_path / "09_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match="09_x.ipynb: no execution timestamps"):
        course_index.build_table(tmp_path)
