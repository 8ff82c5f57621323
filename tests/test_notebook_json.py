"""scripts/notebook_json.py: one reader of notebook files, with clear errors; writes in nbformat's layout."""

from __future__ import annotations

import json

import nbformat
import pytest
from notebook_json import (
    NotebookError,
    code_cells,
    course_notebooks,
    dumps_notebook,
    printed_text,
    read_notebook,
    source_of,
    tags_of,
    write_notebook,
)


def test_course_notebooks_are_the_numbered_ones_in_order(tmp_path):
    for name in ("02_b.ipynb", "01_a.ipynb", "glossary.md", "scratch.ipynb", "1_x.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in course_notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"cells": [', r"07_x.ipynb: not valid JSON \(line 1, column 12"),
        ("[1, 2]", "07_x.ipynb: not a Jupyter notebook"),
        ('{"cells": [], "nbformat": 3}', "07_x.ipynb: nbformat 3 is not supported"),
    ],
)
def test_bad_files_are_named(tmp_path, text, match):
    path = tmp_path / "07_x.ipynb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NotebookError, match=match):
        read_notebook(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(NotebookError, match="nothing.ipynb: cannot read the notebook"):
        read_notebook(tmp_path / "nothing.ipynb")
    assert issubclass(NotebookError, ValueError)


def test_written_as_nbformat_writes_it(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Текст «по-русски»"), nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    write_notebook(path, read_notebook(path))
    assert path.read_text(encoding="utf-8") == nbformat.writes(nb) + "\n"
    assert dumps_notebook(json.loads(nbformat.writes(nb))) == nbformat.writes(nb) + "\n"


def test_cell_helpers():
    cell = {
        "cell_type": "code",
        "metadata": {"tags": ["headline"]},
        "source": ["print(1)\n", "print(2)"],
        "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["1\n", "2\n"]},
            {"output_type": "stream", "name": "stderr", "text": "warning\n"},
            {"output_type": "execute_result", "data": {"text/plain": "3"}},
        ],
    }
    nb = {"cells": [{"cell_type": "markdown", "source": "# T", "metadata": {}}, cell]}
    assert source_of(cell) == "print(1)\nprint(2)" and source_of({"source": "x"}) == "x"
    assert tags_of(cell) == ["headline"] and tags_of({"metadata": {}}) == []
    assert code_cells(nb) == [cell]
    assert printed_text(cell) == "1\n2\n" and printed_text(cell, "stderr") == "warning\n"
