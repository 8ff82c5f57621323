"""Slideshow metadata of the notebooks (scripts/slides.py --apply-metadata) and the build's input checks."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}

spec = importlib.util.spec_from_file_location("course_slides", ROOT / "scripts" / "slides.py")
slides = importlib.util.module_from_spec(spec)
spec.loader.exec_module(slides)


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _types(nb: dict) -> list[str | None]:
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in nb["cells"]]


IDS = [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_has_a_slide_type(path):
    missing = [i for i, t in enumerate(_types(_read(path))) if t not in SLIDE_TYPES]
    assert not missing, (
        f"{path.name}: cells {missing} have no valid slide type; run "
        f"`python scripts/slides.py --apply-metadata {path.relative_to(ROOT)}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_and_every_section_start_a_slide(path):
    nb = _read(path)
    types = _types(nb)
    heads = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "markdown" and re.search(r"(?m)^#{1,2}\s", slides.source_of(c))
    ]
    assert heads, f"{path.name}: no title or `## ` section"
    for start, end in zip(heads, heads[1:] + [len(types)], strict=True):
        assert "slide" in types[start:end], f"{path.name}: the section at cell {start} has no slide"
    n_sections = sum(
        len(re.findall(r"(?m)^##\s", slides.source_of(c)))
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    )
    assert types.count("slide") >= n_sections, f"{path.name}: fewer slides than `## ` sections"
    for i, (cell, t) in enumerate(zip(nb["cells"], types, strict=True)):
        if t == "notes":
            assert cell["cell_type"] == "markdown", f"{path.name}: cell {i}: only markdown can be notes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_apply_metadata_changes_only_metadata_and_is_idempotent(path, tmp_path):
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    slides.apply_metadata(copy)
    once = copy.read_bytes()
    assert slides.apply_metadata(copy) is False and copy.read_bytes() == once
    before, after = _read(path), json.loads(once)
    assert before["metadata"] == after["metadata"]
    for old, new in zip(before["cells"], after["cells"], strict=True):
        assert {k: v for k, v in old.items() if k != "metadata"} == {
            k: v for k, v in new.items() if k != "metadata"
        }
        rest = {k: v for k, v in new["metadata"].items() if k != "slideshow"}
        assert rest == {k: v for k, v in old["metadata"].items() if k != "slideshow"}
        assert new["metadata"]["slideshow"]["slide_type"] in SLIDE_TYPES
        if old["metadata"].get("slideshow", {}).get("slide_type"):  # hand-set types are kept
            assert new["metadata"]["slideshow"] == old["metadata"]["slideshow"]


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
            _code('print(f"время: {time.perf_counter() - T0:.0f} с")'),
        ]
    )
    nb["cells"][3]["metadata"]["slideshow"] = {"slide_type": "subslide"}  # set by hand
    assert slides.plan_slide_types(nb) == [
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
    ]


def test_invalid_json_names_the_notebook(tmp_path):
    bad = tmp_path / "07_broken.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(slides.SlidesError, match="07_broken.ipynb: not valid JSON"):
        slides.read_notebook(bad)
    assert slides.main(["--build", "--out", str(tmp_path / "out"), str(bad)]) == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "cell",
    [
        _code(
            "plt.show()", outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/png": ""}}]
        ),
        _md("Рисунок: ![схема](figures/missing.png)"),
        _md("Рисунок: ![схема](attachment:missing.png)"),
    ],
    ids=["empty-output-image", "missing-file", "missing-attachment"],
)
def test_missing_image_names_the_notebook(tmp_path, cell):
    path = tmp_path / "08_images.ipynb"
    path.write_text(json.dumps(_nb([_md("# T"), cell])), encoding="utf-8")
    with pytest.raises(slides.SlidesError, match=r"08_images.ipynb: cell 1: .*image"):
        slides.build([path], tmp_path / "out")


def test_notes_order_rule():
    out = {"output_type": "stream", "name": "stdout", "text": "точность 0.93"}
    nb = _nb(
        [
            _md("## 1. Раздел"),
            _code("import torch"),
            _code("fit()", outputs=[out]),
            _md("**Заметки для преподавателя.** Спросите, какая модель точнее. Ответ: ..."),
            _md("## 2. Раздел"),
            _md("**Заметки для преподавателя.** Попросите угадать точность до показа."),
            _code("fit()", outputs=[out]),
            _md("**Заметки для преподавателя.** Главная мысль: порог по нормальным данным."),
        ]
    )
    nb["cells"][0]["metadata"]["slideshow"] = {"slide_type": "slide"}
    assert slides.notes_order_problems(nb) == [
        "cell 3 (notes with a question) comes after its answer in cell 2"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_presenter_notes_come_before_the_answer(path):
    problems = slides.notes_order_problems(_read(path))
    assert not problems, f"{path.name}: move these notes above the output that answers them: {problems}"


def test_deck_hides_plot_code_and_claims(tmp_path):
    pytest.importorskip("nbconvert")
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    figure = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": png, "text/plain": "<Figure>"},
    }
    cells = [
        _md("# Заголовок"),
        _code("import torch"),
        _code("fig, ax = plt.subplots()  # draw_the_curve", outputs=[figure], tags=["plot-code"]),
        _code("assert torch.ones(1).item() == 1, 'claim_behind_the_text'", tags=["claims"]),
        _code("model = make_model()  # teaching_code_stays"),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    nb = _nb(cells)
    path = tmp_path / "09_tags.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    slides.apply_metadata(path)
    html = slides.build_deck(path, tmp_path / "out").read_text(encoding="utf-8")
    assert "teaching_code_stays" in html and png[:40] in html  # code and the figure are shown
    assert "draw_the_curve" not in html, "plot-code: the deck shows the plotting code"
    assert "claim_behind_the_text" not in html, "claims: the deck shows the asserts"
    prepared = slides.prepare_for_slides(slides.read_notebook(path))
    assert slides.slide_type_of(prepared["cells"][3]) == "skip"
