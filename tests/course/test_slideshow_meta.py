"""Slideshow metadata of the course notebooks: every cell has a slide type (`make slide-metadata`),
every section starts a slide, and presenter notes that ask the class come before the answer."""

from __future__ import annotations

import re

import pytest
from notebook_json import ROOT, course_notebooks, read_notebook, source_of, tags_of
from slide_types import CLAIMS_TAG, SLIDE_TYPES, plan_slide_types

NOTEBOOKS = course_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
PREDICT_RE = re.compile(r"(?i)спросите|попросите|предскаж|угада")


def notes_order_problems(nb: dict) -> list[str]:
    """Presenter notes placed after the answer to their own predict-first question (empty: all fine).

    A notes cell that asks the class to predict («спросите», «попросите угадать», «предскажут», …)
    belongs to the slide where the question is asked, before the figure or table that answers it.
    It is out of order when, on its (sub)slide, a code cell with a shown output comes before it:
    the class already sees the answer while the speaker asks. Move such a note up, before the
    code cell (or onto the previous slide).
    """
    problems = []
    answer_at = None  # a code cell with outputs on the current (sub)slide
    for i, (cell, kind) in enumerate(zip(nb["cells"], plan_slide_types(nb), strict=True)):
        if kind in ("slide", "subslide"):
            answer_at = None
        if cell.get("cell_type") == "code" and kind not in ("skip", "notes") and cell.get("outputs"):
            if CLAIMS_TAG not in tags_of(cell):
                answer_at = i if answer_at is None else answer_at
        if kind == "notes" and PREDICT_RE.search(source_of(cell)) and answer_at is not None:
            problems.append(f"cell {i} (notes with a question) comes after its answer in cell {answer_at}")
    return problems


def _types(nb: dict) -> list[str | None]:
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"]]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_has_a_slide_type(path):
    missing = [i for i, t in enumerate(_types(read_notebook(path))) if t not in SLIDE_TYPES]
    assert not missing, (
        f"{path.name}: cells {missing} have no valid slide type; run "
        f"`python scripts/slide_types.py {path.relative_to(ROOT)}` (or `make slide-metadata`)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_and_every_section_start_a_slide(path):
    nb = read_notebook(path)
    types = _types(nb)
    heads = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "markdown" and re.search(r"(?m)^#{1,2}\s", source_of(c))
    ]
    assert heads, f"{path.name}: no title or `## ` section"
    for start, end in zip(heads, heads[1:] + [len(types)], strict=True):
        assert "slide" in types[start:end], f"{path.name}: the section at cell {start} has no slide"
    n_sections = sum(
        len(re.findall(r"(?m)^##\s", source_of(c))) for c in nb["cells"] if c["cell_type"] == "markdown"
    )
    assert types.count("slide") >= n_sections, f"{path.name}: fewer slides than `## ` sections"
    for i, (cell, t) in enumerate(zip(nb["cells"], types, strict=True)):
        if t == "notes":
            assert cell["cell_type"] == "markdown", f"{path.name}: cell {i}: only markdown can be notes"


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "id": "m", "metadata": {}, "source": text}


def _code(text: str, outputs=()) -> dict:
    return {"cell_type": "code", "id": "c", "metadata": {}, "source": text, "outputs": list(outputs)}


def test_notes_order_rule():
    out = {"output_type": "stream", "name": "stdout", "text": "точность 0.93"}
    nb = {
        "cells": [
            _md("## 1. Раздел"),
            _code("import torch"),
            _code("fit()", outputs=[out]),
            _md("**Заметки для преподавателя.** Спросите, какая модель точнее. Ответ: ..."),
            _md("## 2. Раздел"),
            _md("**Заметки для преподавателя.** Попросите угадать точность до показа."),
            _code("fit()", outputs=[out]),
            _md("**Заметки для преподавателя.** Главная мысль: порог по нормальным данным."),
        ]
    }
    nb["cells"][0]["metadata"]["slideshow"] = {"slide_type": "slide"}
    assert notes_order_problems(nb) == ["cell 3 (notes with a question) comes after its answer in cell 2"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_presenter_notes_come_before_the_answer(path):
    problems = notes_order_problems(read_notebook(path))
    assert not problems, f"{path.name}: move these notes above the output that answers them: {problems}"
