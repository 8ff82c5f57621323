"""utils.drawing: the «нарисуйте цифру» canvas and its MNIST-like preprocessing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from utils.drawing import DigitCanvas, preprocess_drawing, rasterize_strokes


def _centre_of_mass(x: torch.Tensor) -> tuple[float, float]:
    img = x[0, 0]
    idx = torch.arange(28, dtype=torch.float32) + 0.5
    total = img.sum()
    return float((img.sum(1) * idx).sum() / total), float((img.sum(0) * idx).sum() / total)


def test_a_one_drawn_off_centre_lands_centred_and_20px_tall():
    # a vertical bar in the top-left corner of a 280 px canvas
    image = rasterize_strokes([[(40, 20), (40, 120)]], size=280, brush=18)
    x = preprocess_drawing(image)
    assert x.shape == (1, 1, 28, 28) and x.dtype == torch.float32
    assert 0 <= float(x.min()) and float(x.max()) <= 1 and float(x.max()) > 0.9
    cy, cx = _centre_of_mass(x)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1, (cy, cx)
    rows = torch.nonzero((x[0, 0] > 0.05).any(dim=1)).flatten()
    assert 19 <= int(rows[-1] - rows[0] + 1) <= 20  # the longer side fills MNIST's 20 px box
    cols = torch.nonzero((x[0, 0] > 0.05).any(dim=0)).flatten()
    assert int(cols[-1] - cols[0] + 1) <= 6  # a thin "1" stays thin


def test_a_wide_stroke_keeps_its_aspect_ratio():
    image = rasterize_strokes([[(20, 200), (260, 200)]], size=280, brush=18)
    x = preprocess_drawing(image)
    cols = torch.nonzero((x[0, 0] > 0.05).any(dim=0)).flatten()
    rows = torch.nonzero((x[0, 0] > 0.05).any(dim=1)).flatten()
    assert 19 <= int(cols[-1] - cols[0] + 1) <= 20 and int(rows[-1] - rows[0] + 1) <= 4
    cy, cx = _centre_of_mass(x)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1


def test_centre_of_mass_not_box_centre():
    # a "7"-like shape: heavy top bar, thin diagonal: the mass centre is above the box centre
    image = rasterize_strokes([[(60, 40), (220, 40)], [(220, 40), (120, 250)]], size=280, brush=30)
    x = preprocess_drawing(image)
    cy, cx = _centre_of_mass(x)
    assert abs(cy - 14) <= 0.75 and abs(cx - 14) <= 0.75
    rows = torch.nonzero((x[0, 0] > 0.05).any(dim=1)).flatten()
    assert (rows[0] + rows[-1] + 1) / 2 > 14  # the box is pushed down to centre the mass


def test_uint8_input_and_empty_drawing():
    image = np.zeros((100, 80), dtype=np.uint8)
    assert torch.equal(preprocess_drawing(image), torch.zeros(1, 1, 28, 28))
    image[10:60, 30:40] = 255
    x = preprocess_drawing(image)
    assert float(x.max()) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize(
    ("image", "match"),
    [
        (np.zeros((3, 4, 4)), "image must be a 2-D"),
        (np.full((8, 8), 2.0), r"image values must lie in \[0, 1\]"),
        (np.array([["a"]]), "image must hold real numbers"),
    ],
)
def test_preprocess_rejects_bad_input(image, match):
    with pytest.raises(ValueError, match=match):
        preprocess_drawing(image)


def test_rasterize_rejects_bad_arguments():
    with pytest.raises(ValueError, match="size"):
        rasterize_strokes([], size=4)
    with pytest.raises(ValueError, match="brush"):
        rasterize_strokes([], brush=0)


def test_rasterize_dot_and_segment():
    img = rasterize_strokes([[(50, 50)]], size=100, brush=10)
    assert img[50, 50] == 1 and img[50, 62] == 0
    img = rasterize_strokes([[(10, 50), (90, 50)]], size=100, brush=10)
    assert img[50, 10:90].min() == 1 and img[70, 50] == 0


def test_canvas_callbacks_get_each_stroke_and_the_clear():
    pad = DigitCanvas(size=140, brush=10)
    seen = []
    pad.on_change(seen.append)
    x = pad.add_stroke([(70, 20), (70, 120)])
    assert len(seen) == 1 and seen[0] is x and torch.equal(pad.tensor, x)
    assert float(x.sum()) > 10
    # mouse events go through the same path: down, moves, up
    pad._down(20, 20)
    pad._move(60, 60)
    pad._up(60, 60)
    assert len(seen) == 2 and len(pad.strokes) == 2 and float(seen[1].sum()) > 0
    pad._move(0, 0)  # moving without a pressed button draws nothing
    assert len(pad.strokes[-1]) == 2
    pad.clear()
    assert len(seen) == 3 and float(seen[2].sum()) == 0 and pad.strokes == []
    with pytest.raises(ValueError, match="callback"):
        pad.on_change(42)
    with pytest.raises(ValueError, match="points"):
        pad.add_stroke([])


def test_canvas_text_form_is_a_russian_note():
    pad = DigitCanvas()
    bundle = pad.widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("Холст")
    import ipywidgets as widgets

    pad.show_with(widgets.Output(), widgets.HTML("оценка"))
    box = pad.box
    assert box._repr_mimebundle_()["text/plain"] == bundle["text/plain"]
    assert box.children[0] is pad.widget and len(box.children[1].children) == 2
    with pytest.raises(ValueError, match="outputs must be ipywidgets widgets"):
        pad.show_with("не виджет")
    with pytest.raises(ValueError, match="size"):
        DigitCanvas(size=10)
    with pytest.raises(ValueError, match="brush"):
        DigitCanvas(size=100, brush=60)
