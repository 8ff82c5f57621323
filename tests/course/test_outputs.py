"""The committed notebook outputs read as a finished run (every notebook).

Scans the saved outputs of every course notebook for what makes a page look broken or leaks the
machine it ran on: progress bars that stopped before their total («0%| 0/6566») or saved as widgets
(``utils.fit`` leaves a one-line summary instead), English warnings, absolute paths, error outputs.
"""

from __future__ import annotations

import ast
import re

import pytest
from notebook_json import course_notebooks, read_notebook, source_of

NOTEBOOKS = course_notebooks()

# tqdm's text: «desc:  37%|███▋      | 2430/6566 [00:05<00:09, ...]»
BAR = re.compile(r"(\d+)%\|[^|\n]*\|\s*(\d+)/(\d+)")
WARNING = re.compile(r"\b\w*Warning\b|\bwarn(?:ing)?s?\.warn\b|^\s*warnings\.", re.MULTILINE)
WIDGET = "application/vnd.jupyter.widget-view+json"
PATH = re.compile(r"(?<![\w.])(?:/home/|/work/|/tmp/|/Users/|/root/|/opt/|[A-Za-z]:\\\\|site-packages)")


def _texts(output: dict) -> list[str]:
    """Every text a saved output shows (stream text, plain-text and HTML data)."""
    if output.get("output_type") == "stream":
        return ["".join(output.get("text", ""))]
    data = output.get("data", {})
    return ["".join(data[k]) for k in ("text/plain", "text/html", "text/markdown") if k in data]


def _holds_a_progress_bar(models: dict, model_id, depth: int = 0) -> bool:
    """The widget ``model_id`` is, or contains, a progress bar (per the saved widget state)."""
    model = models.get(model_id)
    if model is None or depth > 8:
        return False
    if model.get("model_name") in ("FloatProgressModel", "IntProgressModel"):
        return True
    children = model.get("state", {}).get("children", [])
    return any(_holds_a_progress_bar(models, c.removeprefix("IPY_MODEL_"), depth + 1) for c in children)


def scan(nb: dict) -> list[str]:
    """Problems in the saved outputs of ``nb``, one line each, naming the cell."""
    problems = []
    state = nb.get("metadata", {}).get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: error output {out.get('ename')}")
                continue
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                if not BAR.search(text) or WARNING.search(text):
                    problems.append(f"cell {i}: stderr output: {text.strip()[:120]!r}")
            view = out.get("data", {}).get(WIDGET, {})
            if _holds_a_progress_bar(models, view.get("model_id")):  # utils.fit leaves a summary line
                problems.append(f"cell {i}: a progress-bar widget instead of the training summary")
            for text in _texts(out):
                for m in BAR.finditer(text):
                    if m.group(2) != m.group(3) or m.group(1) != "100":
                        problems.append(f"cell {i}: unfinished progress bar {m.group(0)[:60]!r}")
                if m := WARNING.search(text):
                    problems.append(f"cell {i}: warning in the output: {m.group(0)!r}")
                if m := PATH.search(text):
                    where = text[m.start() : m.start() + 60]
                    problems.append(f"cell {i}: machine path in the output: {where!r}")
    return problems


def _shows_a_figure(src: str) -> bool:
    """``plt.show()`` runs when the cell runs (not only inside a function it defines, e.g. a callback)."""
    try:
        body = ast.parse(src).body
    except SyntaxError:  # IPython magics: fall back to the text
        return "plt.show()" in src
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(stmt):
            func = getattr(node, "func", None)
            if isinstance(func, ast.Attribute) and func.attr == "show":
                if getattr(func.value, "id", "") == "plt":
                    return True
    return False


def missing_figures(nb: dict) -> list[str]:
    """Code cells that draw a figure (``plt.show()``, ``plot-code`` tag) but saved no image.

    A run with a non-inline Matplotlib backend (e.g. ``MPLBACKEND=Agg`` in the environment)
    executes without errors and saves no figure at all.
    """
    missing = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        src = source_of(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        outputs = cell.get("outputs", [])
        if not _shows_a_figure(src) and "plot-code" not in tags:
            continue
        if any(WIDGET in out.get("data", {}) for out in outputs):
            continue  # an interactive figure: drawn into a widget, which needs a live kernel
        if not any("image/png" in out.get("data", {}) for out in outputs):
            missing.append(f"cell {i}: draws a figure but saved no image")
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_figures_are_saved(path):
    missing = missing_figures(read_notebook(path))
    assert not missing, f"{path.name} (executed with MPLBACKEND=Agg?):\n  " + "\n  ".join(missing)


def test_missing_figures_are_found():
    image = {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}
    drawn = {"cell_type": "code", "source": "plt.plot(x)\nplt.show()", "metadata": {}, "outputs": [image]}
    lost = {"cell_type": "code", "source": "plt.show()", "metadata": {}, "outputs": []}
    tagged = {"cell_type": "code", "source": "draw()", "metadata": {"tags": ["plot-code"]}, "outputs": []}
    callback = {"cell_type": "code", "source": "def draw(x):\n    plt.plot(x)\n    plt.show()", "outputs": []}
    in_loop = {"cell_type": "code", "source": "for x in xs:\n    plt.plot(x)\n    plt.show()", "outputs": []}
    widget = {"cell_type": "code", "source": "plt.show()", "metadata": {}}
    widget["outputs"] = [{"data": {WIDGET: {}}}]
    assert missing_figures({"cells": [drawn, lost, tagged, widget, callback, in_loop]}) == [
        "cell 1: draws a figure but saved no image",
        "cell 2: draws a figure but saved no image",
        "cell 5: draws a figure but saved no image",  # a callback defined here draws later: not counted
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_read_as_finished(path):
    problems = scan(read_notebook(path))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def _nb(*outputs) -> dict:
    return {"cells": [{"cell_type": "code", "source": "", "outputs": list(outputs)}]}


def _stream(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def _widget(text: str) -> dict:
    return {"output_type": "display_data", "data": {"text/plain": text}}


@pytest.mark.parametrize(
    "output, found",
    [
        (_widget("VAE:   0%|          | 0/6566 [00:00<?, ?step/s]"), "unfinished progress bar"),
        (_widget("VAE:  37%|███▋      | 2430/6566 [00:05<00:09]"), "unfinished progress bar"),
        (_stream("/x/utils/data.py:12: UserWarning: stand-in\n", "stderr"), "stderr output"),
        (_stream("FutureWarning: the default will change\n"), "warning in the output"),
        (_stream("данные в /home/anna/course/data\n"), "machine path"),
        (_stream("C:\\\\Users\\\\anna\\\\data\n"), "machine path"),
        ({"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []}, "error output"),
    ],
)
def test_scan_finds_what_looks_broken(output, found):
    assert any(found in p for p in scan(_nb(output)))


def test_scan_accepts_a_finished_run():
    finished = _widget("VAE: 100%|██████████| 6566/6566 [00:31<00:00, 208step/s, epoch=14, loss=104.2]")
    stderr_bar = _stream("AE-30: 100%|██████████| 7740/7740 [01:35<00:00]\n", "stderr")
    text = _stream("ошибка реконструкции 3.74, в 3.7 раза меньше, чем у PCA\n")
    assert scan(_nb(finished, stderr_bar, text)) == []


def test_scan_finds_a_progress_widget_in_an_output():
    view = {"output_type": "display_data", "data": {WIDGET: {"model_id": "box"}, "text/plain": "HBox"}}
    nb = _nb(view)
    nb["metadata"] = {
        "widgets": {
            "application/vnd.jupyter.widget-state+json": {
                "state": {
                    "box": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_bar"]}},
                    "bar": {"model_name": "FloatProgressModel", "state": {"value": 10.0, "max": 10.0}},
                }
            }
        }
    }
    assert scan(nb) == ["cell 0: a progress-bar widget instead of the training summary"]
    nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]["box"]["state"] = {}
    assert scan(nb) == []
