"""Slide types for the notebook cells: the planner behind `make slide-metadata`.

``python scripts/slide_types.py notebooks/*.ipynb``
    Give every cell Jupyter slideshow metadata (``metadata.slideshow.slide_type``) by simple rules
    (see :func:`plan_slide_types`). A slide type already present in a cell is kept, so the pass is
    idempotent and hand-made choices survive. Only cell metadata changes: sources, outputs and
    execution counts are written back byte for byte.

The decks (scripts/decks.py) and JupyterLab's live presentation (RISE) follow these types. Cell tags
the planner and the decks obey (set them in JupyterLab's property inspector):

``plot-code``
    a cell whose code only draws a figure: the deck shows the figure (its outputs), not the code.
``claims``
    a cell of ``assert``s that back the prose with numbers: left out of the deck (the slide type is
    treated as ``skip``); the notebook still runs it.
``solution`` / ``check``
    an exercise's answer (a ``fragment``: it appears on a click) and its self-check (``skip``).

Markdown cells starting with «**Заметки для преподавателя.**» are presenter notes (``notes``).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

from notebook_json import NotebookError, read_notebook, source_of, tags_of, text_of, write_notebook

SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")

NOTES_PREFIX = "**Заметки для преподавателя.**"
PLOT_CODE_TAG = "plot-code"  # the deck shows the figure only
CLAIMS_TAG = "claims"  # asserts behind the prose: not in the deck
TASK_RE = re.compile(r"^\*\*Задание\b")
# Source patterns of cells that draw a figure or show a large rendered output.
FIGURE_RE = re.compile(
    r"\bplt\.|\bsubplots?\(|\.imshow\(|\bshow_(images|rows|reconstructions|source)\(|"
    r"\bplot_(history|latent)\(|\binteract(ive_output)?\(|\bdisplay\("
)
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")

# Height model of a 960×700 reveal.js slide, in "lines" of 20 px text.
SLIDE_LINES = 24  # what fits on one (sub)slide before it starts to scroll
LONG_CODE_LINES = 18  # a code cell this long gets a subslide of its own
FIGURE_LINES = 14  # a figure output
TEXT_OUTPUT_LINES = 8  # printed text, counted up to this many lines


def slide_type_of(cell: dict) -> str | None:
    """The cell's slide type, or None when it has no valid one."""
    slideshow = cell.get("metadata", {}).get("slideshow")
    if isinstance(slideshow, dict) and slideshow.get("slide_type") in SLIDE_TYPES:
        return slideshow["slide_type"]
    return None


def _markdown_lines(src: str) -> int:
    return sum(max(1, math.ceil(len(line) / 80)) for line in src.splitlines() if line.strip())


def _has_figure(cell: dict) -> bool:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(m in data for m in IMAGE_MIMES) or "text/html" in data or "text/markdown" in data:
            return True
    return bool(FIGURE_RE.search(source_of(cell)))


def _code_lines(cell: dict) -> int:
    lines = 0 if PLOT_CODE_TAG in tags_of(cell) else len(source_of(cell).splitlines())
    images = 0
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(m in data for m in IMAGE_MIMES):
            images += 1
        elif "text" in out:
            lines += min(TEXT_OUTPUT_LINES, len(text_of(out["text"]).splitlines()))
        elif "text/plain" in data:
            lines += min(TEXT_OUTPUT_LINES, len(text_of(data["text/plain"]).splitlines()))
    if images == 0 and _has_figure(cell):
        images = 1  # not executed yet: judge by the code
    return lines + images * FIGURE_LINES


def plan_slide_types(nb: dict) -> list[str]:
    """The slide type of every cell: the one it has, else the one the rules give.

    Rules, in order:

    * markdown starting with «**Заметки для преподавателя.**» → ``notes`` (speaker view only);
    * a cell with the title (``# ``) or a section heading (``## ``, also below a paragraph) → ``slide``;
      ``### `` and deeper → ``subslide``;
      a «**Задание …**» task → ``subslide``;
    * the first code cell (set-up: imports, seed, data) and the cells tagged ``check`` (self-checks)
      or ``claims`` (asserts) → ``skip``: plumbing, not lecture material;
    * cells tagged ``solution`` → ``fragment``: the answer appears on a click, after the class tried;
    * a code cell longer than ``LONG_CODE_LINES`` lines → ``subslide``;
    * any other cell continues the current (sub)slide — a figure as a ``fragment``, text and code
      as ``-`` — unless the (sub)slide would overflow (``SLIDE_LINES``), then it opens a ``subslide``.
    """
    cells = nb["cells"]
    code_indices = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    first_code = code_indices[0] if code_indices else None
    planned: list[str] = []
    used = 0  # lines on the current (sub)slide
    for i, cell in enumerate(cells):
        src = source_of(cell).lstrip()
        kind = cell.get("cell_type")
        tags = tags_of(cell)
        if kind == "markdown":
            height = _markdown_lines(src) + (2 if src.startswith("#") else 0)
        elif kind == "code":
            height = _code_lines(cell)
        else:
            height = 0
        rule: str
        if kind == "markdown" and src.startswith(NOTES_PREFIX):
            rule = "notes"
        elif kind == "markdown" and re.search(r"(?m)^#{1,2}\s", src):
            rule = "slide"
        elif kind == "markdown" and (re.search(r"(?m)^#{3,6}\s", src) or TASK_RE.match(src)):
            rule = "subslide"
        elif kind == "code" and (i == first_code or "check" in tags or CLAIMS_TAG in tags):
            rule = "skip"
        elif kind == "code" and "solution" in tags:
            rule = "subslide" if used + height > SLIDE_LINES else "fragment"
        elif kind == "code" and PLOT_CODE_TAG not in tags and len(src.splitlines()) > LONG_CODE_LINES:
            rule = "subslide"
        elif kind == "code" and _has_figure(cell):
            rule = "subslide" if used + height > SLIDE_LINES else "fragment"
        elif kind == "raw":
            rule = "skip"
        else:
            rule = "subslide" if used + height > SLIDE_LINES else "-"
        chosen = slide_type_of(cell) or rule
        if chosen in ("slide", "subslide"):
            used = height
        elif chosen not in ("skip", "notes"):
            used += height
        planned.append(chosen)
    return planned


def apply_metadata(path: Path) -> bool:
    """Add slide types to the cells that lack one; return whether the file changed."""
    nb = read_notebook(path)
    before = json.dumps(nb, sort_keys=True, ensure_ascii=False)
    for cell, slide_type in zip(nb["cells"], plan_slide_types(nb), strict=True):
        if slide_type_of(cell) is None:
            cell.setdefault("metadata", {}).setdefault("slideshow", {})
            if not isinstance(cell["metadata"]["slideshow"], dict):
                cell["metadata"]["slideshow"] = {}
            cell["metadata"]["slideshow"]["slide_type"] = slide_type
    if json.dumps(nb, sort_keys=True, ensure_ascii=False) == before:
        return False
    write_notebook(path, nb)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        for path in args.notebooks:
            changed = apply_metadata(path)
            print(f"{path}: {'slide types added' if changed else 'unchanged'}")
    except NotebookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
