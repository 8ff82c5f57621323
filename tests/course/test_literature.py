"""Every notebook ends with its «Литература» cell, found by any reader of its markdown (every notebook).

Some tools read a notebook's markdown as one text, the cells joined with nothing between them. The
heading must still start a line there, so the markdown cell before it ends with a newline.
"""

from __future__ import annotations

import re

import pytest
from notebook_json import course_notebooks, read_notebook, source_of

NOTEBOOKS = course_notebooks()
HEADING = re.compile(r"^#+\s*Литература", re.MULTILINE)


def literature_problems(nb: dict) -> list[str]:
    markdown = [cell for cell in nb["cells"] if cell.get("cell_type") == "markdown"]
    problems = []
    if not markdown or not HEADING.match(source_of(nb["cells"][-1])):
        problems.append("the last cell is not the «## Литература» list")
    if not HEADING.search("".join(source_of(cell) for cell in markdown)):
        problems.append("the «Литература» heading starts no line when the markdown is read as one text")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_ends_with_its_literature_section(path):
    problems = literature_problems(read_notebook(path))
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_a_heading_glued_to_the_previous_cell_is_found():
    def md(text):
        return {"cell_type": "markdown", "source": text, "metadata": {}}

    good = {"cells": [md("Итоги.\n"), md("## Литература\n\n* A (2020).")]}
    glued = {"cells": [md("Итоги."), md("## Литература\n\n* A (2020).")]}
    missing = {"cells": [md("Итоги.\n")]}
    assert literature_problems(good) == []
    assert literature_problems(glued) == [
        "the «Литература» heading starts no line when the markdown is read as one text"
    ]
    assert len(literature_problems(missing)) == 2
