"""Slide decks from the course notebooks: the builder behind `make slides` (reveal.js through nbconvert).

``python scripts/decks.py notebooks/*.ipynb``
    One reveal.js deck per notebook in ``slides/NN_topic.slides.html``, made from the committed
    outputs (nothing is executed). The decks load reveal.js, MathJax, require.js and jQuery from
    ``slides/vendor`` (scripts/deck_vendor.py installs them on the first build), so a classroom
    without internet can show them: serve the folder (``python -m http.server -d slides``) and open
    a deck in a browser.

The cells' slide types come from their slideshow metadata (scripts/slide_types.py, `make
slide-metadata`). Cells tagged ``plot-code`` show their figure without their code; cells tagged
``claims`` are left out; widgets, which need a live kernel, are replaced by a one-line note.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import json
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from deck_vendor import SLIDES_DIR, VendorError, install_vendor
from notebook_json import NotebookError, read_notebook, source_of, tags_of, text_of
from slide_types import CLAIMS_TAG, PLOT_CODE_TAG, slide_type_of


class DeckError(RuntimeError):
    """A notebook that cannot be turned into a deck; the message names the notebook."""


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
/* «Литература»: the list on one slide, two columns of small type (the id may be percent-encoded) */
.reveal section:has(h2[id="Литература"]) ul,
.reveal section:has(h2[id="%D0%9B%D0%B8%D1%82%D0%B5%D1%80%D0%B0%D1%82%D1%83%D1%80%D0%B0"]) ul {
  columns: 2; column-gap: 2em; }
.reveal section:has(h2[id="Литература"]) li,
.reveal section:has(h2[id="%D0%9B%D0%B8%D1%82%D0%B5%D1%80%D0%B0%D1%82%D1%83%D1%80%D0%B0"]) li {
  font-size: 13px; line-height: 1.3; break-inside: avoid; }
</style>
{%- endblock html_head_css -%}
{% block footer_js %}
{{ super() }}
<script>
require(["{{ resources.reveal.url_prefix }}/dist/reveal.js"], function (Reveal) { window.Reveal = Reveal; });
</script>
{% endblock footer_js %}
"""

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    "<p><em>Интерактивный виджет: он работает в JupyterLab при запуске блокнота (make lab).</em></p>"
)


def _check_images(path: Path, nb: dict) -> None:
    """Every output image decodes and every image a markdown cell links to exists."""
    for index, cell in enumerate(nb["cells"]):
        where = f"{path}: cell {index}"
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("image/png", "image/jpeg", "image/gif"):
                if mime not in data:
                    continue
                payload = text_of(data[mime]).strip()
                try:
                    raw = base64.b64decode(payload, validate=False)
                except (binascii.Error, ValueError) as err:
                    raise DeckError(f"{where}: output image {mime} is not valid base64 ({err})") from err
                if len(raw) < 16:
                    raise DeckError(f"{where}: output image {mime} is missing or empty")
            if "image/svg+xml" in data and "<svg" not in text_of(data["image/svg+xml"]):
                raise DeckError(f"{where}: output image image/svg+xml is not an SVG")
        if cell.get("cell_type") != "markdown":
            continue
        src = source_of(cell)
        refs = re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", src) + re.findall(
            r"<img[^>]*\ssrc=[\"']([^\"']+)", src
        )
        for ref in refs:
            parsed = urlparse(ref)
            if parsed.scheme in ("http", "https"):
                raise DeckError(f"{where}: image {ref} is on the internet; decks must work offline")
            if parsed.scheme == "data":
                continue
            if parsed.scheme == "attachment":
                if unquote(parsed.path) not in cell.get("attachments", {}):
                    raise DeckError(f"{where}: image {ref} is not among the cell's attachments")
                continue
            if not (Path(path).parent / unquote(parsed.path)).is_file():
                raise DeckError(f"{where}: image {ref} not found next to the notebook")


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
            if WIDGET_MIME in data:
                if not any(
                    "text/html" in o.get("data", {}) and WIDGET_NOTE in text_of(o["data"]["text/html"])
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
        raise DeckError(f"{path}: invalid notebook: {err.message}") from err
    if expected_slide_count(raw) == 0:
        raise DeckError(f"{path}: every cell is skip/notes, nothing to show")
    try:
        body, _ = make_exporter(vendor_prefix).from_notebook_node(
            nb, resources={"metadata": {"name": path.stem, "path": str(path.parent)}}
        )
    except Exception as err:  # nbconvert raises many kinds; name the notebook
        raise DeckError(f"{path}: nbconvert failed: {type(err).__name__}: {err}") from err
    if "cdn.jsdelivr.net" in body or "unpkg.com" in body or "cdnjs.cloudflare.com" in body:
        raise DeckError(f"{path}: the deck still references a CDN")
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SLIDES_DIR, help="output folder (default: slides/)")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        build(args.notebooks, args.out)
    except (DeckError, NotebookError, VendorError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    sys.exit(main())
