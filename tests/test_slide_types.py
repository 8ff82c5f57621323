"""scripts/slide_types.py: the slide-type rules, and `make slide-metadata` changes only what it should.

The course notebooks' own slide types are checked in tests/course/test_slideshow_meta.py.
"""

from __future__ import annotations

import copy
import json

import pytest
import slide_types
from notebook_json import dumps_notebook, read_notebook
from slide_types import apply_metadata, plan_slide_types


def _nb(cells: list[dict]) -> dict:
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "id": "m", "metadata": {}, "source": text}


def _code(text: str, outputs=(), tags=()) -> dict:
    meta = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "id": "c",
        "metadata": meta,
        "source": text,
        "outputs": list(outputs),
        "execution_count": None,
    }


FIGURE = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBOR"}}


def test_rules():
    nb = _nb(
        [
            _md("# Заголовок"),
            _code("import torch"),
            _md("## 1. Раздел"),
            _code("plt.plot(x)"),
            _md("**Заметки для преподавателя.** Спросить класс."),
            _md("### Подраздел"),
            _code("answer = 42", tags=["solution"]),
            _code("require(answer, 'answer')", tags=["check"]),
            _code("\n".join(f"x{i} = {i}" for i in range(30))),
            _code("assert x0 == 0", tags=["claims"]),
            _md("**Задание 1.** Посчитайте."),
            _code("fig = draw()", outputs=[FIGURE]),
            _code("print('итог')", tags=["headline"]),
        ]
    )
    nb["cells"][3]["metadata"]["slideshow"] = {"slide_type": "subslide"}  # set by hand
    assert plan_slide_types(nb) == [
        "slide",
        "skip",
        "slide",
        "subslide",
        "notes",
        "subslide",
        "fragment",
        "skip",
        "subslide",
        "skip",
        "subslide",
        "fragment",
        "-",
    ]


def test_a_full_slide_opens_a_subslide():
    lines = "\n".join(f"Строка {i}." for i in range(slide_types.SLIDE_LINES - 3))
    nb = _nb([_md("## Раздел"), _md(lines), _code("x = 1"), _code("fig = draw()", outputs=[FIGURE])])
    assert plan_slide_types(nb) == ["slide", "-", "skip", "subslide"]


def _committed(tmp_path) -> tuple:
    """A small executed notebook in nbformat's layout, a slide type set by hand in every cell."""
    out = {"output_type": "stream", "name": "stdout", "text": ["точность 0.93\n"]}
    cells = [_md("# T"), _code("import torch"), _md("## 1. Раздел"), _code("fit()", [out]), _md("Итог.")]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
        cell["metadata"]["slideshow"] = {"slide_type": "fragment" if i == 4 else "-"}
    cells[1]["execution_count"] = 1
    nb = _nb(cells)
    path = tmp_path / "01_x.ipynb"
    path.write_text(dumps_notebook(nb), encoding="utf-8")
    return path, nb


def test_apply_metadata_adds_only_missing_types_and_is_idempotent(tmp_path):
    path, nb = _committed(tmp_path)
    assert apply_metadata(path) is False, "every cell has a type: nothing to do"
    del nb["cells"][2]["metadata"]["slideshow"]
    del nb["cells"][3]["metadata"]["slideshow"]
    path.write_text(dumps_notebook(nb), encoding="utf-8")
    assert apply_metadata(path) is True
    once = path.read_bytes()
    assert apply_metadata(path) is False and path.read_bytes() == once
    expected = copy.deepcopy(nb)
    expected["cells"][2]["metadata"]["slideshow"] = {"slide_type": "slide"}
    expected["cells"][3]["metadata"]["slideshow"] = {"slide_type": "-"}
    assert once.decode("utf-8") == dumps_notebook(expected), "only the two missing types may be added"
    assert read_notebook(path)["cells"][4]["metadata"]["slideshow"] == {"slide_type": "fragment"}


def test_cli_names_a_bad_notebook(tmp_path, capsys):
    bad = tmp_path / "07_broken.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    assert slide_types.main([str(bad)]) == 2
    assert "07_broken.ipynb: not valid JSON" in capsys.readouterr().err
    path, _ = _committed(tmp_path)
    assert slide_types.main([str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith("01_x.ipynb: unchanged")


@pytest.mark.parametrize("slideshow", [{"slide_type": "bogus"}, "slide", {}])
def test_an_invalid_slide_type_is_replaced(tmp_path, slideshow):
    path, nb = _committed(tmp_path)
    nb["cells"][0]["metadata"]["slideshow"] = slideshow
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert apply_metadata(path) is True
    assert read_notebook(path)["cells"][0]["metadata"]["slideshow"] == {"slide_type": "slide"}
