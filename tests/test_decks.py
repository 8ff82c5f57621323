"""scripts/decks.py: a deck hides plotting code and claims; bad input is named before anything is built."""

from __future__ import annotations

import json
import re

import decks
import pytest
from slide_types import apply_metadata, slide_type_of

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="


def _nb(cells: list[dict]) -> dict:
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i}"
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, outputs=(), tags=()) -> dict:
    meta = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "metadata": meta,
        "source": text,
        "outputs": list(outputs),
        "execution_count": None,
    }


def test_invalid_json_names_the_notebook(tmp_path, capsys):
    bad = tmp_path / "07_broken.ipynb"
    bad.write_text('{"cells": [', encoding="utf-8")
    assert decks.main(["--out", str(tmp_path / "out"), str(bad)]) == 2
    assert "07_broken.ipynb: not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "nothing is fetched or written for bad input"


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (
            _code(
                "plt.show()",
                outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/png": ""}}],
            ),
            "output image image/png is missing or empty",
        ),
        (
            _md("Рисунок: ![схема](figures/missing.png)"),
            "image figures/missing.png not found next to the notebook",
        ),
        (_md("Рисунок: ![схема](attachment:missing.png)"), "is not among the cell's attachments"),
        (_md("Рисунок: ![схема](https://example.org/a.png)"), "is on the internet; decks must work offline"),
    ],
    ids=["empty-output-image", "missing-file", "missing-attachment", "online-image"],
)
def test_a_bad_image_names_the_notebook_and_the_cell(tmp_path, cell, problem):
    path = tmp_path / "08_images.ipynb"
    path.write_text(json.dumps(_nb([_md("# T"), cell])), encoding="utf-8")
    with pytest.raises(decks.DeckError, match=rf"08_images.ipynb: cell 1: .*{re.escape(problem)}"):
        decks.build([path], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_expected_slide_count():
    nb = _nb([_md("# T"), _code("x = 1"), _md("## A"), _md("text"), _md("### B")])
    types = ["slide", "skip", "slide", "-", "subslide"]
    for cell, t in zip(nb["cells"], types, strict=True):
        cell["metadata"]["slideshow"] = {"slide_type": t}
    assert decks.expected_slide_count(nb) == 3
    for cell in nb["cells"]:
        cell["metadata"]["slideshow"] = {"slide_type": "skip"}
    assert decks.expected_slide_count(nb) == 0


def test_prepare_for_slides_skips_claims_and_replaces_widgets():
    widget = {"output_type": "display_data", "metadata": {}, "data": {decks.WIDGET_MIME: {"model_id": "x"}}}
    nb = _nb([_md("# T"), _code("assert True", tags=["claims"]), _code("slider", outputs=[widget, widget])])
    nb["metadata"]["widgets"] = {"state": {}}
    prepared = decks.prepare_for_slides(nb)
    assert slide_type_of(prepared["cells"][1]) == "skip"
    assert "widgets" not in prepared["metadata"] and "widgets" in nb["metadata"], "the input is not changed"
    (note,) = prepared["cells"][2]["outputs"]  # one note for the cell, however many widgets it shows
    assert note["data"]["text/html"] == decks.WIDGET_NOTE


def test_deck_hides_plot_code_and_claims(tmp_path):
    pytest.importorskip("nbconvert")
    figure = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": PNG, "text/plain": "<Figure>"},
    }
    nb = _nb(
        [
            _md("# Заголовок"),
            _code("import torch"),
            _code("fig, ax = plt.subplots()  # draw_the_curve", outputs=[figure], tags=["plot-code"]),
            _code("assert torch.ones(1).item() == 1, 'claim_behind_the_text'", tags=["claims"]),
            _code("model = make_model()  # teaching_code_stays"),
        ]
    )
    path = tmp_path / "09_tags.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    apply_metadata(path)
    before = path.read_bytes()
    html = decks.build_deck(path, tmp_path / "out").read_text(encoding="utf-8")
    assert path.read_bytes() == before, "the notebook itself is not rewritten"
    assert "teaching_code_stays" in html and PNG[:40] in html  # code and the figure are shown
    assert "draw_the_curve" not in html, "plot-code: the deck shows the plotting code"
    assert "claim_behind_the_text" not in html, "claims: the deck shows the asserts"
    assert "cdn.jsdelivr.net" not in html and "vendor/node_modules/reveal.js" in html
