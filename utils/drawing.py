"""A "draw your digit" canvas that turns a mouse drawing into an MNIST-like image.

Introduced in notebook 04 (the autoencoder's reconstruction and anomaly score of one's own drawing)
and reused in notebook 05 (where the drawing lands in the VAE's 2-D latent space).

``DigitCanvas`` is an ipywidgets box around an ``ipycanvas.Canvas``: the strokes are recorded in
Python (the canvas only shows them), rasterised with a round brush and preprocessed like MNIST by
:func:`preprocess_drawing` (bounding box → longer side scaled to 20 px → centre of mass in the
middle of a 28×28 frame). After every stroke, and after the clear button, each callback registered with
:meth:`DigitCanvas.on_change` receives the result as a ``1×1×28×28`` float tensor in ``[0, 1]``.
The widget needs a live kernel; in a saved notebook (GitHub, nbconvert) its text form is a short
note to the student instead of ``VBox(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import ipycanvas
import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F
from IPython.display import display

__all__ = ["DigitCanvas", "preprocess_drawing", "rasterize_strokes"]

MNIST_SIZE = 28
MNIST_BOX = 20  # MNIST digits were scaled to fit a 20×20 box, then centred by centre of mass
CANVAS_NOTE = "Холст «нарисуйте цифру»: рисовать мышью можно в JupyterLab, когда ядро запущено."


def rasterize_strokes(
    strokes: Iterable[Sequence[tuple[float, float]]], size: int = 280, brush: float = 18.0
) -> np.ndarray:
    """A ``size×size`` float image in [0, 1]: every stroke (a list of (x, y) points) drawn with a round brush.

    A stroke of one point is a dot. Points are in canvas pixels, x to the right and y down.
    """
    if not isinstance(size, int) or size < 8:
        raise ValueError(f"size must be an int >= 8, got {size!r}")
    if not brush > 0:
        raise ValueError(f"brush must be a positive width in pixels, got {brush!r}")
    image = np.zeros((size, size), dtype=np.float32)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    radius = brush / 2
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float32).reshape(-1, 2)
        if len(points) == 0:
            continue
        starts = points if len(points) == 1 else points[:-1]
        ends = points if len(points) == 1 else points[1:]
        for (x0, y0), (x1, y1) in zip(starts, ends, strict=True):
            dx, dy = x1 - x0, y1 - y0
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 == 0 else np.clip(((xx - x0) * dx + (yy - y0) * dy) / length2, 0, 1)
            dist = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
            # one pixel of soft edge, like a scanned pen stroke
            np.maximum(image, np.clip(radius + 0.5 - dist, 0, 1), out=image)
    return image


def preprocess_drawing(image, threshold: float = 0.05) -> torch.Tensor:
    """MNIST-like ``1×1×28×28`` float tensor in [0, 1] from a drawing (white ink on black).

    ``image`` is a 2-D array-like (H×W) with values in [0, 1], or in [0, 255] for an integer dtype.
    As for MNIST: the bounding box of the pixels above ``threshold`` is cut out, scaled (keeping its
    aspect ratio, with anti-aliasing) so that its longer side is 20 px, and placed in a 28×28 frame so
    that its centre of mass lies at the frame's centre. An empty drawing gives an all-zero image.
    """
    array = np.asarray(image)
    if array.ndim != 2 or min(array.shape) < 1:
        raise ValueError(f"image must be a 2-D (H, W) array, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"image must hold real numbers, got dtype {array.dtype}")
    array = array.astype(np.float32)
    if np.issubdtype(np.asarray(image).dtype, np.integer):
        array = array / 255.0
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
        raise ValueError("image values must lie in [0, 1] (or [0, 255] for an integer dtype)")
    if not 0 <= threshold < 1:
        raise ValueError(f"threshold must lie in [0, 1), got {threshold!r}")
    out = torch.zeros(1, 1, MNIST_SIZE, MNIST_SIZE)
    rows = np.flatnonzero((array > threshold).any(axis=1))
    cols = np.flatnonzero((array > threshold).any(axis=0))
    if len(rows) == 0:
        return out
    crop = torch.from_numpy(array[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy())
    h, w = crop.shape
    scale = MNIST_BOX / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    small = F.interpolate(crop[None, None], size=(new_h, new_w), mode="bilinear", antialias=True)
    small = small[0, 0].clamp(0, 1)
    total = small.sum()
    if total <= 0:
        return out
    ys = torch.arange(new_h, dtype=torch.float32) + 0.5
    xs = torch.arange(new_w, dtype=torch.float32) + 0.5
    cy = float((small.sum(dim=1) * ys).sum() / total)
    cx = float((small.sum(dim=0) * xs).sum() / total)
    top = round(MNIST_SIZE / 2 - cy)
    left = round(MNIST_SIZE / 2 - cx)
    # keep the box inside the frame (a very lopsided stroke could otherwise be cut)
    top = min(max(top, 0), MNIST_SIZE - new_h)
    left = min(max(left, 0), MNIST_SIZE - new_w)
    out[0, 0, top : top + new_h, left : left + new_w] = small
    return out


def _make_box_class(horizontal: bool = False):
    """A VBox/HBox whose text form (saved notebooks, GitHub) is the Russian note, not ``VBox(...)``."""
    base = widgets.HBox if horizontal else widgets.VBox

    class _Box(base):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, dict):
                bundle["text/plain"] = CANVAS_NOTE
            return bundle

    return _Box


class DigitCanvas:
    """A canvas to draw a digit with the mouse; callbacks get the MNIST-like tensor (notebook 04).

    ``pad = DigitCanvas(); pad.on_change(lambda x: ...); display(pad)``. ``x`` is ``1×1×28×28``
    (see :func:`preprocess_drawing`); it is also available as ``pad.tensor``. ``size`` is the canvas
    side in screen pixels and ``brush`` the pen width in those pixels (the default 18 px on a 280 px
    canvas gives MNIST's stroke width after scaling). Strokes can also be added from code with
    :meth:`add_stroke` (used by the tests).
    """

    def __init__(self, size: int = 280, brush: float = 18.0):
        if not isinstance(size, int) or size < 56:
            raise ValueError(f"size must be an int >= 56 (screen pixels), got {size!r}")
        if not 0 < brush < size / 2:
            raise ValueError(f"brush must be a pen width in (0, size/2) pixels, got {brush!r}")
        self.size, self.brush = size, float(brush)
        self.strokes: list[list[tuple[float, float]]] = []
        self._callbacks: list[Callable[[torch.Tensor], object]] = []
        self._drawing = False
        self.tensor = torch.zeros(1, 1, MNIST_SIZE, MNIST_SIZE)

        self.canvas = ipycanvas.Canvas(width=size, height=size)
        self.canvas.layout.width = f"{size}px"
        self.canvas.layout.height = f"{size}px"
        self.canvas.layout.border = "1px solid #888"
        self.canvas.add_class("ae-digit-canvas")
        self.clear_button = widgets.Button(description="Очистить", icon="eraser")
        self.status = widgets.HTML("Нарисуйте цифру мышью (белым по чёрному).")
        self.widget = _make_box_class()([self.canvas, widgets.HBox([self.clear_button, self.status])])
        self._paint_background()

        self.canvas.on_mouse_down(self._down)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._up)
        self.canvas.on_mouse_out(self._up)
        self.clear_button.on_click(lambda _: self.clear())

    # ------------------------------------------------------------------ public API

    def on_change(self, callback: Callable[[torch.Tensor], object]) -> None:
        """Call ``callback(tensor)`` after every finished stroke and after «Очистить»."""
        if not callable(callback):
            raise ValueError(f"callback must be callable, got {type(callback).__name__}")
        self._callbacks.append(callback)

    def add_stroke(self, points: Sequence[tuple[float, float]]) -> torch.Tensor:
        """Draw a stroke given as (x, y) canvas points, as if drawn with the mouse; return the new tensor."""
        pts = [(float(x), float(y)) for x, y in points]
        if not pts:
            raise ValueError("points must hold at least one (x, y) pair")
        self.strokes.append(pts)
        with ipycanvas.hold_canvas():
            self._line(pts)
        return self._update()

    def clear(self) -> torch.Tensor:
        """Wipe the canvas; callbacks get an all-zero image."""
        self.strokes = []
        self._drawing = False
        self._paint_background()
        return self._update()

    def show_with(self, *outputs) -> None:
        """Display the canvas with ``outputs`` (widgets: Output, HTML, …) to its right (``self.box``).

        Use this rather than wrapping ``pad.widget`` in an HBox yourself: the box's text form in a
        saved notebook is the short Russian note.
        """
        bad = [type(o).__name__ for o in outputs if not isinstance(o, widgets.Widget)]
        if bad:
            raise ValueError(f"outputs must be ipywidgets widgets, got {bad}")
        self.box = _make_box_class(horizontal=True)([self.widget, widgets.VBox(list(outputs))])
        display(self.box)

    def image(self) -> np.ndarray:
        """The raw drawing, ``size×size`` in [0, 1]."""
        return rasterize_strokes(self.strokes, self.size, self.brush)

    def _ipython_display_(self):
        display(self.widget)

    # ---------------------------------------------------------------- internals

    def _paint_background(self):
        with ipycanvas.hold_canvas():
            self.canvas.clear()
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, self.size, self.size)
            self.canvas.stroke_style = "white"
            self.canvas.fill_style = "white"
            self.canvas.line_width = self.brush
            self.canvas.line_cap = "round"
            self.canvas.line_join = "round"

    def _line(self, pts):
        if len(pts) == 1:
            self.canvas.fill_circle(pts[0][0], pts[0][1], self.brush / 2)
        else:
            self.canvas.stroke_lines(pts)

    def _down(self, x, y):
        self._drawing = True
        self.strokes.append([(float(x), float(y))])

    def _move(self, x, y):
        if not self._drawing:
            return
        last = self.strokes[-1][-1]
        self.strokes[-1].append((float(x), float(y)))
        self.canvas.stroke_line(last[0], last[1], float(x), float(y))

    def _up(self, x, y):
        if not self._drawing:
            return
        self._drawing = False
        if len(self.strokes[-1]) == 1:
            self._line(self.strokes[-1])
        self._update()

    def _update(self) -> torch.Tensor:
        self.tensor = preprocess_drawing(self.image())
        for callback in self._callbacks:
            callback(self.tensor)
        return self.tensor
