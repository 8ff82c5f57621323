"""One term per concept: the notebooks use the terms of notebooks/glossary.md and a decimal point."""

import json
import re
from pathlib import Path

import pytest
from notebook_json import NOTEBOOKS_DIR, course_notebooks, read_notebook, source_of

GLOSSARY = (NOTEBOOKS_DIR / "glossary.md").read_text(encoding="utf-8")
NOTEBOOKS = course_notebooks()

# (variant the course does not use, the glossary's term). The lecture's own word may appear
# on a line that says «в лекции».
VARIANTS = [
    (r"скрыт\w* пространств", "латентное пространство"),
    (r"скрыт\w* (?:вектор|представлен)", "латентный вектор"),
    (r"горл[оаеу]\b|горлышк", "узкое место"),
    (r"кодировщик", "энкодер, декодер"),
    (r"ноутбук", "блокнот"),
    (r"сэмпл", "семплировать, семпл"),
    (r"важностн\w+ выборк", "выборка по значимости"),
    (r"мини-батч|\bпакет\w*", "батч"),
    (r"ошибк\w+ восстановлен", "ошибка реконструкции"),
    (r"очищающ\w+ автоэнкодер|денойз", "шумоподавляющий автоэнкодер"),
    (r"\bвыброс", "аномалия"),
    (r"расстояни\w+ Кульбак", "KL-дивергенция"),
    (r"отжиг\w* KL", "разогрев KL"),
    (r"словар\w* код", "кодовая книга"),
    (r"сопоставлени\w* поток", "flow matching; поле скоростей"),
    (r"(?<![а-яё])з[её]рн(?:о|а|у|ом|е|ам|ами|ах|ен)(?![а-яё])", "сид"),
]
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
INTERVAL = re.compile(r"[\[(]\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?\s*[\])]")
DECIMAL_COMMA = re.compile(r"(?<![\w.,])\d+,\d+(?!\d|,\d)")  # "0,7" also before a comma


def course_text(path: Path) -> list[tuple[int, str]]:
    """(cell index, line) for every markdown line and every string literal line of code cells."""
    lines = []
    for i, cell in enumerate(read_notebook(path)["cells"]):
        src = source_of(cell)
        if cell["cell_type"] == "markdown":
            lines += [(i, ln) for ln in src.splitlines()]
        elif cell["cell_type"] == "code":
            for ln in src.splitlines():
                code, _, comment = ln.partition("#")
                strings = re.findall(r"\"[^\"]*\"|'[^']*'", code)
                lines += [(i, s) for s in strings] + ([(i, comment)] if comment else [])
    return lines


def test_every_preferred_term_is_in_the_glossary():
    for _, term in VARIANTS:
        assert term in GLOSSARY, term


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_glossary_terms(path):
    found = []
    for cell, line in course_text(path):
        if "в лекции" in line:
            continue
        for pattern, term in VARIANTS:
            m = re.search(pattern, line, flags=re.I)
            if m:
                found.append(f"cell {cell}: «{m.group()}» → «{term}»: {line.strip()[:90]}")
    assert not found, "terms outside notebooks/glossary.md:\n" + "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_writes_numbers_with_a_decimal_point(path):
    found = []
    for cell, line in course_text(path):
        text = INTERVAL.sub(" ", MATH.sub(" ", line))
        for m in DECIMAL_COMMA.finditer(text):
            found.append(f"cell {cell}: «{m.group()}» in: {line.strip()[:90]}")
    assert not found, "decimal commas (the course writes 0.5, not 0,5):\n" + "\n".join(found)


def test_the_checks_catch_what_they_name(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["В скрытом пространстве порог 0,5; $x\\in[0,1]$.\n"]},
            {"cell_type": "code", "source": ['print("ноутбук", [0,1], f(1,2))  # примерно 105,5\n']},
            {"cell_type": "markdown", "source": ["латентное (в лекции — скрытое) пространство\n"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "99_x.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AssertionError) as terms:
        test_notebook_uses_the_glossary_terms(path)
    assert "cell 0" in str(terms.value) and "cell 1" in str(terms.value) and "cell 2" not in str(terms.value)
    with pytest.raises(AssertionError) as commas:
        test_notebook_writes_numbers_with_a_decimal_point(path)
    reported = re.findall(r"«([^»]*)» in", str(commas.value))
    assert sorted(set(reported)) == ["0,5", "105,5"]  # not the interval [0,1] or the call f(1,2)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("около 0,7, а", True),
        ("0,5 и", True),
        ("(1,5)", True),
        ("1,2,3", False),
        ("(0, 1)", False),
        ("x1,5", False),
    ],
)
def test_decimal_comma_pattern(text, found):
    assert bool(DECIMAL_COMMA.search(text)) is found
