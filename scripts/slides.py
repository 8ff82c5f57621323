"""Slide decks from the course notebooks (reveal.js through nbconvert, fully offline).

Two jobs, both driven by ``make``:

``python scripts/slides.py --apply-metadata notebooks/*.ipynb``
    Give every cell Jupyter slideshow metadata (``metadata.slideshow.slide_type``) by simple rules
    (see :func:`plan_slide_types`). A slide type already present in a cell is kept, so the pass is
    idempotent and hand-made choices survive. Only cell metadata changes: sources, outputs and
    execution counts are written back byte for byte.

``python scripts/slides.py --build notebooks/*.ipynb`` (``make slides``)
    One reveal.js deck per notebook in ``slides/NN_topic.slides.html``, made from the committed
    outputs (nothing is executed). reveal.js 4, MathJax 2.7, require.js and jQuery are installed from
    the npm registry into ``slides/vendor`` on the first build and the decks load them from there, so a
    classroom without internet can show them: serve the folder (``python -m http.server -d slides``)
    and open a deck in a browser.

Cell tags the decks obey (set them in JupyterLab's property inspector):

``plot-code``
    a cell whose code only draws a figure: the deck shows the figure (its outputs), not the code.
``claims``
    a cell of ``assert``s that back the prose with numbers: left out of the deck (the slide type is
    treated as ``skip``); the notebook still runs it.
``solution`` / ``check``
    an exercise's answer (a ``fragment``: it appears on a click) and its self-check (``skip``).

Markdown cells starting with «**Заметки для преподавателя.**» are presenter notes (``notes``); a
note that asks the class to predict must come before the output that answers it
(:func:`notes_order_problems`).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
SLIDES_DIR = ROOT / "slides"

SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")

# npm packages the decks load (exact versions: a rebuilt classroom copy looks the same).
VENDOR_PACKAGES = {
    "reveal.js": "4.6.1",
    "mathjax": "2.7.9",
    "requirejs": "2.3.8",
    "jquery": "3.7.1",
}

NOTES_PREFIX = "**Заметки для преподавателя.**"
PLOT_CODE_TAG = "plot-code"  # the deck shows the figure only
CLAIMS_TAG = "claims"  # asserts behind the prose: not in the deck
PREDICT_RE = re.compile(r"(?i)спросите|попросите|предскаж|угада")
TASK_RE = re.compile(r"^\*\*Задание\b")
# Source patterns of cells that draw a figure or show a large rendered output.
FIGURE_RE = re.compile(
    r"\bplt\.|\bsubplots?\(|\.imshow\(|\bshow_(images|rows|reconstructions|source)\(|"
    r"\bplot_(history|latent)\(|\binteract(ive_output)?\(|\bdisplay\("
)
WALL_TIME_RE = re.compile(r"perf_counter\(\)\s*-\s*T0")
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")

# Height model of a 960×700 reveal.js slide, in "lines" of 20 px text.
SLIDE_LINES = 24  # what fits on one (sub)slide before it starts to scroll
LONG_CODE_LINES = 18  # a code cell this long gets a subslide of its own
FIGURE_LINES = 14  # a figure output
TEXT_OUTPUT_LINES = 8  # printed text, counted up to this many lines


class SlidesError(RuntimeError):
    """A notebook that cannot be turned into a deck; the message names the notebook."""


# --------------------------------------------------------------------------------------- reading


def read_notebook(path: Path) -> dict:
    """The notebook as plain JSON (so it can be written back unchanged); clear errors for bad input."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise SlidesError(f"{path}: cannot read the notebook ({err.strerror})") from err
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise SlidesError(
            f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from err
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise SlidesError(f"{path}: not a Jupyter notebook (no 'cells' list)")
    if nb.get("nbformat") != 4:
        raise SlidesError(f"{path}: nbformat {nb.get('nbformat')!r} is not supported (expected 4)")
    return nb


def write_notebook(path: Path, nb: dict) -> None:
    """Write in nbformat's layout (indent 1, sorted keys, UTF-8): unchanged parts stay byte-identical."""
    Path(path).write_text(
        json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def source_of(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tags_of(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def slide_type_of(cell: dict) -> str | None:
    slideshow = cell.get("metadata", {}).get("slideshow")
    if isinstance(slideshow, dict) and slideshow.get("slide_type") in SLIDE_TYPES:
        return slideshow["slide_type"]
    return None


# ------------------------------------------------------------------------------------ metadata


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
            text = out["text"] if isinstance(out["text"], str) else "".join(out["text"])
            lines += min(TEXT_OUTPUT_LINES, len(text.splitlines()))
        elif "text/plain" in data:
            lines += min(TEXT_OUTPUT_LINES, len(source_of({"source": data["text/plain"]}).splitlines()))
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
    * the first code cell (imports, seed, data), cells tagged ``check`` (self-checks) and the closing
      wall-time cell → ``skip``: set-up and plumbing, not lecture material;
    * cells tagged ``solution`` → ``fragment``: the answer appears on a click, after the class tried;
    * a code cell longer than ``LONG_CODE_LINES`` lines → ``subslide``;
    * any other cell continues the current (sub)slide — a figure as a ``fragment``, text and code
      as ``-`` — unless the (sub)slide would overflow (``SLIDE_LINES``), then it opens a ``subslide``.
    """
    cells = nb["cells"]
    code_indices = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    first_code = code_indices[0] if code_indices else None
    last_code = code_indices[-1] if code_indices else None
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
        elif kind == "code" and (
            i == first_code
            or "check" in tags
            or CLAIMS_TAG in tags
            or (i == last_code and len(src.splitlines()) <= 2 and WALL_TIME_RE.search(src))
        ):
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


def notes_order_problems(nb: dict) -> list[str]:
    """Presenter notes placed after the answer to their own predict-first question (empty: all fine).

    A notes cell that asks the class to predict («спросите», «попросите угадать», «предскажут», …)
    belongs to the slide where the question is asked, before the figure or table that answers it.
    It is out of order when, on its (sub)slide, a code cell with a shown output comes before it:
    the class already sees the answer while the speaker asks. Move such a note up, before the
    code cell (or onto the previous slide).
    """
    types = plan_slide_types(nb)
    problems = []
    answer_at = None  # a code cell with outputs on the current (sub)slide
    for i, (cell, kind) in enumerate(zip(nb["cells"], types, strict=True)):
        if kind in ("slide", "subslide"):
            answer_at = None
        if cell.get("cell_type") == "code" and kind not in ("skip", "notes") and cell.get("outputs"):
            if CLAIMS_TAG not in tags_of(cell):
                answer_at = i if answer_at is None else answer_at
        if kind == "notes" and PREDICT_RE.search(source_of(cell)) and answer_at is not None:
            problems.append(f"cell {i} (notes with a question) comes after its answer in cell {answer_at}")
    return problems


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


def expected_slide_count(nb: dict) -> int:
    """How many reveal.js slides (horizontal and vertical) nbconvert makes from the slide types.

    nbconvert turns the first visible cell into a slide and opens a new slide or subslide at every
    ``slide``/``subslide`` cell after it; ``Reveal.getTotalSlides()`` counts every such section.
    """
    types = [slide_type_of(c) or "-" for c in nb["cells"]]
    visible = [i for i, t in enumerate(types) if t not in ("skip", "notes")]
    if not visible:
        return 0
    return 1 + sum(t in ("slide", "subslide") for t in types[visible[0] + 1 :])


# --------------------------------------------------------------------------------------- build

# Our template: nbconvert's reveal template without mermaid (it would import mermaid from a CDN),
# with an inline favicon (no request for /favicon.ico) and reveal.js also reachable as ``window.Reveal``
# (the same instance require.js loaded) for the browser test and the browser console.
TEMPLATE_NAME = "course_reveal.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<link rel="icon" href="data:,">
<style>
/* fit a 16:9 projector: figures at most ~60 % of the slide's height, compact code, no In[ ] prompts */
.reveal .jp-OutputArea-output img { max-width: 100%; max-height: 420px; width: auto; height: auto; }
.reveal .jp-InputArea-editor pre, .reveal .jp-OutputArea-output pre,
.reveal .jp-InputArea-editor pre *, .reveal .jp-OutputArea-output pre * {
  font-size: 13px !important; line-height: 1.35 !important; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { display: none; }
</style>
{%- endblock html_head_css -%}
{% block footer_js %}
{{ super() }}
<script>
require(["{{ resources.reveal.url_prefix }}/dist/reveal.js"], function (Reveal) { window.Reveal = Reveal; });
</script>
{% endblock footer_js %}
"""

WIDGET_NOTE = (
    "<p><em>Интерактивный виджет: он работает в JupyterLab при запуске блокнота (make lab).</em></p>"
)


def vendor_dir(out_dir: Path) -> Path:
    return out_dir / "vendor"


def _installed_version(vendor: Path, package: str) -> str | None:
    try:
        return json.loads((vendor / "node_modules" / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def install_vendor(out_dir: Path) -> Path:
    """reveal.js, MathJax, require.js and jQuery from the npm registry into ``out_dir/vendor`` (once)."""
    vendor = vendor_dir(out_dir)
    missing = [f"{p}@{v}" for p, v in VENDOR_PACKAGES.items() if _installed_version(vendor, p) != v]
    if not missing:
        return vendor
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError("npm not found: install Node.js (npm) to fetch reveal.js and MathJax for the decks")
    vendor.mkdir(parents=True, exist_ok=True)
    print(f"installing {', '.join(missing)} into {vendor}", flush=True)
    cmd = [npm, "install", "--prefix", str(vendor), "--no-save", "--no-package-lock"]
    cmd += ["--no-audit", "--no-fund", "--loglevel=error", *missing]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SlidesError(f"npm install failed:\n{result.stdout}{result.stderr}")
    still = [p for p, v in VENDOR_PACKAGES.items() if _installed_version(vendor, p) != v]
    if still:
        raise SlidesError(f"npm did not install {still} into {vendor}")
    return vendor


def _check_images(path: Path, nb: dict) -> None:
    """Every output image decodes and every image a markdown cell links to exists."""
    for index, cell in enumerate(nb["cells"]):
        where = f"{path}: cell {index}"
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("image/png", "image/jpeg", "image/gif"):
                if mime not in data:
                    continue
                payload = source_of({"source": data[mime]}).strip()
                try:
                    raw = base64.b64decode(payload, validate=False)
                except (binascii.Error, ValueError) as err:
                    raise SlidesError(f"{where}: output image {mime} is not valid base64 ({err})") from err
                if len(raw) < 16:
                    raise SlidesError(f"{where}: output image {mime} is missing or empty")
            if "image/svg+xml" in data and "<svg" not in source_of({"source": data["image/svg+xml"]}):
                raise SlidesError(f"{where}: output image image/svg+xml is not an SVG")
        if cell.get("cell_type") != "markdown":
            continue
        src = source_of(cell)
        refs = re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", src) + re.findall(
            r"<img[^>]*\ssrc=[\"']([^\"']+)", src
        )
        for ref in refs:
            parsed = urlparse(ref)
            if parsed.scheme in ("http", "https"):
                raise SlidesError(f"{where}: image {ref} is on the internet; decks must work offline")
            if parsed.scheme == "data":
                continue
            if parsed.scheme == "attachment":
                if unquote(parsed.path) not in cell.get("attachments", {}):
                    raise SlidesError(f"{where}: image {ref} is not among the cell's attachments")
                continue
            if not (Path(path).parent / unquote(parsed.path)).is_file():
                raise SlidesError(f"{where}: image {ref} not found next to the notebook")


def _local_images(path: Path, nb: dict) -> list[str]:
    refs = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            src = source_of(cell)
            for ref in re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", src):
                if urlparse(ref).scheme == "":
                    refs.append(unquote(urlparse(ref).path))
    return refs


def prepare_for_slides(nb: dict) -> dict:
    """A copy for the deck: no widget state (no widget CDN script), widget views replaced by a note,
    cells tagged ``claims`` skipped."""
    nb = copy.deepcopy(nb)
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if CLAIMS_TAG in tags_of(cell):
            cell.setdefault("metadata", {})["slideshow"] = {"slide_type": "skip"}
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                if not any(
                    "text/html" in o.get("data", {})
                    and WIDGET_NOTE in source_of({"source": o["data"]["text/html"]})
                    for o in outputs
                ):
                    outputs.append(
                        {"output_type": "display_data", "metadata": {}, "data": {"text/html": WIDGET_NOTE}}
                    )
                continue
            outputs.append(out)
        if cell.get("cell_type") == "code":
            cell["outputs"] = outputs
    return nb


def make_exporter(prefix: str):
    """nbconvert's SlidesExporter pointed at the local copies of reveal.js, MathJax, require.js, jQuery."""
    from jinja2 import DictLoader
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    node = f"{prefix}vendor/node_modules"
    c = Config()
    c.SlidesExporter.reveal_url_prefix = f"{node}/reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_scroll = True  # long slides scroll instead of being cut off
    c.SlidesExporter.reveal_number = "c/t"
    c.HTMLExporter.mathjax_url = f"{node}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    c.HTMLExporter.require_js_url = f"{node}/requirejs/require.js"
    c.HTMLExporter.jquery_url = f"{node}/jquery/dist/jquery.min.js"
    c.HTMLExporter.mermaid_js_url = ""
    c.HTMLExporter.widget_renderer_url = ""
    c.HTMLExporter.jupyter_widgets_base_url = ""
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {PLOT_CODE_TAG}
    c.TagRemovePreprocessor.remove_cell_tags = {CLAIMS_TAG}
    exporter = SlidesExporter(config=c, extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})])
    exporter.template_file = TEMPLATE_NAME
    return exporter


def build_deck(path: Path, out_dir: Path = SLIDES_DIR, vendor_prefix: str = "") -> Path:
    """Write ``out_dir/<name>.slides.html`` for the notebook at ``path``; return its path.

    ``vendor_prefix`` is the relative path from ``out_dir`` to the folder that holds ``vendor/``.
    """
    import nbformat

    path = Path(path)
    raw = read_notebook(path)
    _check_images(path, raw)
    try:
        nb = nbformat.reads(json.dumps(prepare_for_slides(raw)), as_version=4)
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        raise SlidesError(f"{path}: invalid notebook: {err.message}") from err
    if expected_slide_count(raw) == 0:
        raise SlidesError(f"{path}: every cell is skip/notes, nothing to show")
    try:
        body, _ = make_exporter(vendor_prefix).from_notebook_node(
            nb, resources={"metadata": {"name": path.stem, "path": str(path.parent)}}
        )
    except Exception as err:  # nbconvert raises many kinds; name the notebook
        raise SlidesError(f"{path}: nbconvert failed: {type(err).__name__}: {err}") from err
    if "cdn.jsdelivr.net" in body or "unpkg.com" in body or "cdnjs.cloudflare.com" in body:
        raise SlidesError(f"{path}: the deck still references a CDN")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    for ref in _local_images(path, raw):  # markdown images next to the notebook travel with the deck
        dest = out_dir / ref
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path.parent / ref, dest)
    return target


def build(paths: list[Path], out_dir: Path = SLIDES_DIR) -> list[Path]:
    for path in paths:  # fail fast on bad input, before fetching anything
        _check_images(Path(path), read_notebook(Path(path)))
    install_vendor(out_dir)
    decks = []
    for path in paths:
        deck = build_deck(Path(path), out_dir)
        nb = read_notebook(Path(path))
        print(
            f"{deck.relative_to(out_dir.parent) if out_dir.parent in deck.parents else deck}: "
            f"{expected_slide_count(nb)} slides",
            flush=True,
        )
        decks.append(deck)
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    job = parser.add_mutually_exclusive_group(required=True)
    job.add_argument("--apply-metadata", action="store_true", help="add slide types to cells that lack one")
    job.add_argument("--build", action="store_true", help="build reveal.js decks into --out")
    parser.add_argument("--out", type=Path, default=SLIDES_DIR, help="output folder (default: slides/)")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.apply_metadata:
            for path in args.notebooks:
                changed = apply_metadata(path)
                print(f"{path}: {'slide types added' if changed else 'unchanged'}")
        else:
            build(args.notebooks, args.out)
    except SlidesError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    sys.exit(main())
