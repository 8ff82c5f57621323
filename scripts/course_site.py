"""The course website (`make site`): Jupyter Book 1 pages from the committed notebooks, fully offline.

Nothing is executed: every notebook page shows the outputs of the committed run. The build

1. reads every ``notebooks/NN_*.ipynb``: its title (the first ``# `` heading), wall time (nbclient's
   cell timestamps: the first code cell's ``iopub.execute_input`` to the last code cell's
   ``shell.execute_reply``), the lines printed by cells tagged ``headline`` and the entries of its
   closing ``## Литература`` section (:func:`notebook_page`);
2. writes a Jupyter Book source tree into ``build/site-src/``: the committed pages of ``site/``
   (configuration, landing page, teachers' and reference pages) with the course map and the deck list
   filled in, a page per notebook (a copy with a box under the title — run time, links to download the
   notebook, its student edition and its deck — and every ipywidgets view replaced by its saved static
   form plus a note that sliders and canvases need a live kernel: :func:`static_widgets`), the glossary
   (``notebooks/glossary.md``) and one bibliography merged from the notebooks' «Литература» sections
   (:func:`merge_references`);
3. installs MathJax 3 from the npm registry into ``build/site-vendor/`` (once) and serves it from the
   site's ``_static/mathjax/``, so formulas are typeset without a CDN;
4. runs ``jupyter-book build`` (Sphinx, myst-nb, sphinx-book-theme; search index with Russian stemming)
   and assembles ``build/site/``: the HTML, the original notebooks (``notebooks/NN_topic.ipynb``), their
   student editions (``student/``) and the reveal.js decks of ``make slides`` (``slides/``).

    python scripts/course_site.py            # -> build/site/index.html (after `make slides`)

Why Jupyter Book 1 and not 2: Jupyter Book 2 (mystmd) downloads its site template from
api.mystmd.org/GitHub at build time, which fails on a machine that reaches only package registries.
"""

import argparse
import copy
import html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from course_index import CourseIndexError, headline_lines, wall_seconds
from notebook_json import NotebookError, course_notebooks, read_notebook, source_of

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
SOURCES = ROOT / "site"  # committed pages and configuration
STAGE = ROOT / "build" / "site-src"  # generated Jupyter Book source tree
OUT = ROOT / "build" / "site"  # the finished site
VENDOR = ROOT / "build" / "site-vendor"  # npm packages served by the site (MathJax)
SLIDES = ROOT / "slides"

MATHJAX_VERSION = "3.2.2"
# The parts of MathJax's es5 folder the pages load: the TeX→CommonHTML bundle, its fonts, and the
# components its menu and TeX autoload fetch on demand.
MATHJAX_PARTS = ("tex-chtml.js", "input", "output", "ui", "a11y", "sre", "adaptors")

COURSE_MAP_MARK = "<!-- course-map -->"
DECK_LIST_MARK = "<!-- deck-list -->"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
LITERATURE_RE = re.compile(r"^##\s+Литература\s*$", re.M)

# Cell tags of the course -> myst-nb's tags for the web page.
HIDE_TAGS = {
    "claims": "hide-input",  # the asserts behind the text: their «✓ …» lines show, the code is collapsed
    "check": "hide-cell",  # an exercise's self-check: its verdict can name the answer, so all collapsed
    "solution": "hide-cell",  # an exercise's answer, code and output: collapsed until the reader opens it
    "plot-code": "hide-input",  # code that only draws: the figure shows, the code is collapsed
}


class SiteError(RuntimeError):
    """Bad input for the site; the message names the notebook or file and what to do."""


# ------------------------------------------------------------------------------------ notebooks


def title_of(nb: dict, name: str = "notebook") -> str:
    """The text of the notebook's first ``# `` heading."""
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+?)\s*#*\s*$", source_of(cell), flags=re.M)
            if m:
                return m.group(1)
    raise SiteError(f"{name}: no '# ' title heading in any markdown cell")


def references(nb: dict) -> list[str]:
    """The entries of the notebook's ``## Литература`` section (list items or paragraphs), as markdown.

    The section runs from the heading to the next heading of level 1 or 2, across cells.
    """
    collected: list[str] = []
    inside = False
    for cell in nb["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        for line in source_of(cell).splitlines():
            if LITERATURE_RE.match(line):
                inside, collected = True, []
                continue
            if inside and re.match(r"^#{1,2}\s", line):
                inside = False
            if inside:
                collected.append(line)
        if inside:
            collected.append("")  # a cell boundary ends a paragraph
    entries: list[str] = []
    current: list[str] = []

    def flush():
        text = " ".join(s.strip() for s in current).strip()
        if text:
            entries.append(text)
        current.clear()

    for line in collected:
        item = re.match(r"^\s{0,3}(?:[*+-]|\d+[.)])\s+(.*)$", line)
        if item:
            flush()
            current.append(item.group(1))
        elif not line.strip():
            flush()
        else:
            current.append(line)
    flush()
    return entries


@dataclass(frozen=True)
class NotebookPage:
    """What the site shows about one notebook."""

    path: Path
    title: str
    seconds: float | None
    headlines: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    widgets: int = 0  # ipywidgets views in the outputs
    canvases: int = 0  # of which drawing canvases

    @property
    def number(self) -> str:
        return self.path.name[:2]

    @property
    def stem(self) -> str:
        return self.path.stem


def notebook_page(path: Path) -> NotebookPage:
    """Read what the site needs from a committed notebook (see the module docstring).

    The run time and the headline lines are read as the README index reads them
    (:func:`course_index.wall_seconds`, :func:`course_index.headline_lines`).
    """
    path = Path(path)
    try:
        nb = read_notebook(path)
    except NotebookError as err:
        raise SiteError(str(err)) from err
    try:
        seconds = wall_seconds(nb, path.name)
    except CourseIndexError:  # not run with `make run`: the page says «—» (the README index refuses it)
        seconds = None
    state = _widget_state(nb)
    views = [
        out["data"][WIDGET_MIME].get("model_id")
        for cell in nb["cells"]
        for out in cell.get("outputs", [])
        if WIDGET_MIME in out.get("data", {})
    ]
    canvases = sum(
        any(state.get(m, {}).get("model_name") == "CanvasModel" for m in _tree(state, v)) for v in views
    )
    return NotebookPage(
        path=path,
        title=title_of(nb, path.name),
        seconds=seconds,
        headlines=headline_lines(nb),
        references=references(nb),
        widgets=len(views),
        canvases=canvases,
    )


# ------------------------------------------------------------------------------------- formatting


def format_duration(seconds: float | None) -> str:
    """Russian run time: «18 с», «3.2 мин»; «—» without timestamps."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} с"
    return f"{seconds / 60:.1f} мин"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$#])")


def escape_markdown(text: str) -> str:
    """Plain text (printed output) safe inside MyST markdown: no emphasis, math, links or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _doc_link(page: NotebookPage, prefix: str = "notebooks/") -> str:
    return f"{prefix}{page.path.name}"


def course_map(pages: list[NotebookPage]) -> str:
    """The landing page's map: a MyST list-table (number, notebook, CPU time, headline numbers)."""
    if not pages:
        raise SiteError("no notebooks/NN_*.ipynb found: nothing to put on the site")
    rows = []
    for p in pages:
        numbers = "\n".join(f"    - {escape_markdown(h)}" for h in p.headlines) or "    - —"
        rows.append(
            f"* - {p.number}\n"
            f"  - [{escape_markdown(p.title)}]({_doc_link(p)})\n"
            f"  - {format_duration(p.seconds)}\n"
            f"  -\n{numbers}"
        )
    timed = [p.seconds for p in pages if p.seconds is not None]
    total = (
        f"Все {len(pages)} блокнотов подряд — около {format_duration(sum(timed))} на двух ядрах CPU "
        "(время записанного прогона: от начала первой ячейки до конца последней)."
        if len(timed) == len(pages)
        else "Время показано для блокнотов, сохранённых с отметками времени выполнения."
    )
    table = "\n".join(
        [
            "```{list-table}",
            ":header-rows: 1",
            ":widths: 4 30 10 56",
            ":class: course-map",
            "",
            "* - №\n  - блокнот\n  - время (2 ядра CPU)\n  - ключевые числа (из сохранённого прогона)",
            *rows,
            "```",
        ]
    )
    return f"{table}\n\n{total}\n"


def deck_list(pages: list[NotebookPage]) -> str:
    """The teachers' page list: each notebook with links to its deck, notebook and student edition."""
    lines = []
    for p in pages:
        lines.append(
            f"* [{escape_markdown(p.title)}]({_doc_link(p)}): "
            f'<a href="slides/{p.stem}.slides.html">слайды</a> · '
            f'<a href="notebooks/{p.path.name}" download>блокнот</a> · '
            f'<a href="student/{p.path.name}" download>версия для студентов</a>'
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- bibliography


def _plain(entry: str) -> str:
    """An entry reduced for comparison: no markdown, links, URLs or punctuation; lower case."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", entry)  # [text](url) -> text
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+|doi:\s*\S+|arXiv:\s*\S+", " ", text, flags=re.I)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text).replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def _year(plain: str) -> str | None:
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", plain)
    return m.group(1) if m else None


def same_work(a: str, b: str) -> bool:
    """Whether two entries cite the same work: equal after :func:`_plain`, or with the same first word (the
    first author's surname) and year and nearly the same words (other punctuation, «et al.» for the full
    author list, a DOI added): 80 % of the shorter entry's words of four letters or more are in the other."""
    pa, pb = _plain(a), _plain(b)
    if pa == pb:
        return True
    if not pa or not pb or pa.split()[0] != pb.split()[0] or _year(pa) != _year(pb):
        return False
    wa, wb = ({w for w in p.split() if len(w) >= 4 and not w.isdigit()} for p in (pa, pb))
    shorter = min(wa, wb, key=len)
    return bool(shorter) and len(wa & wb) >= 0.8 * len(shorter)


def merge_references(pages: list[NotebookPage]) -> list[tuple[str, list[NotebookPage]]]:
    """Every cited work once, with the notebooks that cite it; the fullest wording of each is kept.

    Sorted alphabetically by the plain text (the first author's surname first).
    """
    merged: list[tuple[str, list[NotebookPage]]] = []
    for page in pages:
        for entry in page.references:
            for i, (kept, cited_by) in enumerate(merged):
                if same_work(kept, entry):
                    best = entry if len(entry) > len(kept) else kept
                    merged[i] = (best, cited_by + ([page] if page not in cited_by else []))
                    break
            else:
                merged.append((entry, [page]))
    return sorted(merged, key=lambda item: _plain(item[0]))


BARE_URL = re.compile(r"(?<![<(\[])\bhttps?://[^\s<>()]+[^\s<>().,;:]")


def linked(entry: str) -> str:
    """An entry with its bare URLs (a DOI link, say) made clickable (markdown autolinks)."""
    return BARE_URL.sub(lambda m: f"<{m.group()}>", entry)


def bibliography_page(pages: list[NotebookPage]) -> str:
    merged = merge_references(pages)
    lines = [
        "# Литература",
        "",
        "Все работы, на которые ссылаются блокноты курса, — без повторов; список собран из разделов "
        "«Литература» в конце блокнотов. После каждой работы — блокноты, где она упоминается.",
        "",
    ]
    if not merged:
        lines.append("Ни в одном блокноте пока нет раздела «Литература».")
    for entry, cited_by in merged:
        links = ", ".join(f"[{p.number}]({_doc_link(p)})" for p in cited_by)
        lines.append(f"* {linked(entry)} — {'блокнот' if len(cited_by) == 1 else 'блокноты'} {links}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------- widgets


def _widget_state(nb: dict) -> dict:
    return nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})


def _children(model: dict) -> list[str]:
    kids = model.get("state", {}).get("children", [])
    return [k.removeprefix("IPY_MODEL_") for k in kids if isinstance(k, str)]


def _tree(state: dict, model_id: str) -> list[str]:
    """The model and its descendants (``children``), depth first."""
    order, stack = [], [model_id]
    while stack:
        mid = stack.pop(0)
        if mid in order or mid not in state:
            continue
        order.append(mid)
        stack[:0] = _children(state[mid])
    return order


def _control(model: dict) -> str | None:
    """«описание = значение» for a control (slider, dropdown, number box, checkbox), else None."""
    name, s = model.get("model_name", ""), model.get("state", {})
    label = s.get("description") or "значение"
    if "labels" in s or "_options_labels" in s:
        options = s.get("_options_labels") or s.get("labels") or []
        index = s.get("index")
        if isinstance(index, int) and 0 <= index < len(options):
            return f"{label} = {options[index]}"
        return None
    if name.endswith(("SliderModel", "TextModel", "CheckboxModel")) and "value" in s:
        value = s["value"]
        if isinstance(value, bool):
            value = "да" if value else "нет"
        if isinstance(value, list):
            value = " – ".join(str(v) for v in value)
        return f"{label} = {value}"
    return None


def static_outputs(state: dict, model_id: str) -> tuple[list[dict], list[str], bool]:
    """What a widget view showed when the notebook was saved: the outputs of its Output widgets, the
    values of its controls, and whether it holds a drawing canvas."""
    outputs, controls, canvas = [], [], False
    for mid in _tree(state, model_id):
        model = state[mid]
        if model.get("model_name") == "OutputModel":
            outputs += copy.deepcopy(model.get("state", {}).get("outputs", []))
        elif model.get("model_name") == "CanvasModel":
            canvas = True
        elif (control := _control(model)) is not None:
            controls.append(control)
    return outputs, controls, canvas


def widget_note(controls: list[str], canvas: bool) -> str:
    """The Russian note that replaces a widget view on the page (HTML)."""
    if canvas:
        text = (
            "Здесь в блокноте — холст: на нём рисуют цифру мышью, и рядом появляется ответ модели. "
            "Холсту нужно работающее ядро Python: откройте блокнот в JupyterLab (<code>make lab</code>)."
        )
    else:
        saved = "; ".join(html.escape(c) for c in controls)
        text = (
            "Здесь в блокноте — интерактивный виджет: вывод перерисовывается "
            "при каждом изменении его значений. "
            + (f"На странице — его вид при сохранении ({saved}). " if saved else "")
            + "Виджету нужно работающее ядро Python: откройте блокнот в JupyterLab (<code>make lab</code>)."
        )
    return f'<p class="widget-static-note">{text}</p>'


def static_widgets(nb: dict) -> dict:
    """A copy with every ipywidgets view replaced by its saved static form and a note; no widget state
    (so no page loads the widget manager, which would come from a CDN)."""
    nb = copy.deepcopy(nb)
    state = _widget_state(nb)
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        new = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME not in data:
                new.append(out)
                continue
            outputs, controls, canvas = static_outputs(state, data[WIDGET_MIME].get("model_id", ""))
            new += [o for o in outputs if WIDGET_MIME not in o.get("data", {})]
            note = widget_note(controls, canvas)
            new.append({"output_type": "display_data", "metadata": {}, "data": {"text/html": note}})
        cell["outputs"] = new
    return nb


# ---------------------------------------------------------------------------------------- pages


def page_box(page: NotebookPage) -> str:
    """The box under a notebook page's title: run time and download/deck links."""
    name = page.path.name
    parts = [
        f"Это сохранённый прогон блокнота: {format_duration(page.seconds)} на двух ядрах CPU."
        if page.seconds is not None
        else "Это сохранённый прогон блокнота.",
        f'<a href="{name}" download>Скачать блокнот</a> · '
        f'<a href="../student/{name}" download>версия для студентов (без решений)</a> · '
        f'<a href="../slides/{page.stem}.slides.html">слайды</a>. '
        "Блокнот запускается в копии репозитория курса: ему нужен модуль <code>utils</code> "
        '(см. <a href="../install.html">установку</a>).',
    ]
    if page.widgets:
        live = "Интерактивные виджеты и холст для рисования" if page.canvases else "Интерактивные виджеты"
        parts.append(
            f"{live} на этой странице показаны в том виде, в каком их сохранил прогон: "
            "работают они только в JupyterLab, когда ядро запущено."
        )
    body = "\n".join(f"<p>{p}</p>" for p in parts)
    return f'<div class="admonition note course-page-info">\n{body}\n</div>'


def site_notebook(nb: dict, page: NotebookPage) -> dict:
    """The notebook as the site shows it: the box under the title, static widgets, collapsed cells."""
    nb = static_widgets(nb)
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            src = source_of(cell)
            m = re.search(r"^#\s+.+$", src, flags=re.M)
            if m:
                cell["source"] = f"{src[: m.end()]}\n\n{page_box(page)}\n{src[m.end() :]}"
                break
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        extra = [HIDE_TAGS[t] for t in tags if t in HIDE_TAGS and cell.get("cell_type") == "code"]
        if extra:
            cell["metadata"]["tags"] = list(dict.fromkeys([*tags, *extra]))
    return nb


def local_images(nb: dict) -> list[str]:
    """Relative paths of the images that markdown cells load from files next to the notebook."""
    refs = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "markdown":
            src = source_of(cell)
            found = re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", src) + re.findall(
                r"<img[^>]*\ssrc=[\"']([^\"']+)", src
            )
            refs += [unquote(urlparse(r).path) for r in found if urlparse(r).scheme == ""]
    return refs


def fill(text: str, mark: str, content: str, name: str) -> str:
    if mark not in text:
        raise SiteError(f"site/{name}: the marker {mark} is missing")
    return text.replace(mark, content.rstrip("\n"))


# ---------------------------------------------------------------------------------------- build


def install_mathjax(vendor: Path = VENDOR) -> Path:
    """MathJax 3 from the npm registry into ``vendor`` (once); returns its es5 folder."""
    es5 = vendor / "node_modules" / "mathjax" / "es5"
    try:
        installed = json.loads((vendor / "node_modules" / "mathjax" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        installed = None
    if installed == MATHJAX_VERSION and (es5 / "tex-chtml.js").is_file():
        return es5
    npm = shutil.which("npm")
    if npm is None:
        raise SiteError("npm not found: install Node.js (npm) to fetch MathJax for the site")
    vendor.mkdir(parents=True, exist_ok=True)
    print(f"installing mathjax@{MATHJAX_VERSION} into {vendor}", flush=True)
    cmd = [npm, "install", "--prefix", str(vendor), "--no-save", "--no-package-lock", "--no-audit"]
    cmd += ["--no-fund", "--loglevel=error", f"mathjax@{MATHJAX_VERSION}"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0 or not (es5 / "tex-chtml.js").is_file():
        raise SiteError(f"npm install mathjax@{MATHJAX_VERSION} failed:\n{result.stdout}{result.stderr}")
    return es5


def stage(pages: list[NotebookPage], stage_dir: Path = STAGE, sources: Path = SOURCES) -> Path:
    """Write the Jupyter Book source tree (see the module docstring) into ``stage_dir``."""
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    shutil.copytree(sources, stage_dir)
    index = stage_dir / "index.md"
    index.write_text(fill(index.read_text(encoding="utf-8"), COURSE_MAP_MARK, course_map(pages), "index.md"))
    teachers = stage_dir / "teachers.md"
    teachers.write_text(
        fill(teachers.read_text(encoding="utf-8"), DECK_LIST_MARK, deck_list(pages), "teachers.md")
    )
    (stage_dir / "notebooks").mkdir()
    for page in pages:
        nb = read_notebook(page.path)
        for ref in local_images(nb):
            src = page.path.parent / ref
            if not src.is_file():
                raise SiteError(f"{page.path.name}: image {ref} not found next to the notebook")
            dest = stage_dir / "notebooks" / ref
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        out = stage_dir / "notebooks" / page.path.name
        out.write_text(json.dumps(site_notebook(nb, page), ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.copyfile(NOTEBOOKS_DIR / "glossary.md", stage_dir / "glossary.md")
    (stage_dir / "bibliography.md").write_text(bibliography_page(pages), encoding="utf-8")
    return stage_dir


def run_jupyter_book(stage_dir: Path = STAGE) -> Path:
    """``jupyter-book build`` of the staged tree (no execution); returns the HTML folder."""
    exe = Path(sys.executable).with_name("jupyter-book")
    if not exe.exists():
        raise SiteError(
            "jupyter-book not found: install the site extra (make site does: pip install '.[site]')"
        )
    result = subprocess.run(
        [str(exe), "build", str(stage_dir), "--builder", "html", "--all"],
        capture_output=True,
        text=True,
    )
    log = result.stdout + result.stderr
    warnings = [ln for ln in log.splitlines() if "WARNING" in ln or "ERROR" in ln]
    for line in warnings:
        print(re.sub(r"\x1b\[[0-9;]*m", "", line).replace(str(stage_dir) + "/", ""), flush=True)
    if result.returncode != 0:
        raise SiteError(f"jupyter-book build failed:\n{log[-4000:]}")
    return stage_dir / "_build" / "html"


def assemble(pages: list[NotebookPage], html_dir: Path, out: Path = OUT, slides: Path = SLIDES) -> Path:
    """The final site: the HTML, the original notebooks, their student editions and the decks."""
    missing = [p.path.name for p in pages if not (slides / f"{p.stem}.slides.html").is_file()]
    if missing:
        raise SiteError(f"no deck for {missing} in {slides}: run `make slides` first")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(html_dir, out)
    translate_ui(out)
    es5 = install_mathjax()
    for part in MATHJAX_PARTS:  # served as _static/mathjax/ (mathjax_path in site/_config.yml)
        src, dest = es5 / part, out / "_static" / "mathjax" / part
        dest.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, dest)
    import student  # scripts/student.py, beside this script

    for page in pages:
        shutil.copyfile(page.path, out / "notebooks" / page.path.name)
        student.write_student_edition(page.path, out / "student")
    shutil.copytree(slides, out / "slides", ignore=_deck_files_not_shipped(slides))
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _sources/ as they are
    return out


# What the site leaves out of slides/: the deck test's output, and the parts of MathJax 2 the decks never
# load (its unminified copy, tests, and the fonts of other font sets than TeX; about 50 of its 73 MB).
SLIDES_NOT_SHIPPED = (
    "screenshots",
    "selftest",
    "vendor/node_modules/.package-lock.json",
    "vendor/node_modules/mathjax/unpacked",
    "vendor/node_modules/mathjax/test",
)
MATHJAX2_FONT_DIRS = ("fonts/HTML-CSS", "jax/output/HTML-CSS/fonts", "jax/output/SVG/fonts")


def _deck_files_not_shipped(slides: Path):
    def ignore(folder: str, names: list[str]) -> set[str]:
        rel = Path(folder).relative_to(slides).as_posix()
        skipped = {n for n in names if f"{rel}/{n}".removeprefix("./") in SLIDES_NOT_SHIPPED}
        if any(rel.endswith(f"mathjax/{d}") for d in MATHJAX2_FONT_DIRS):
            skipped |= {n for n in names if n != "TeX"}
        return skipped

    return ignore


# English labels the theme and myst-nb write into every page, with no Russian translation of their own.
UI_LABELS_RU = {
    'aria-label="Toggle hidden content"': 'aria-label="Показать или скрыть"',
    'title="Toggle primary sidebar"': 'title="Показать или скрыть оглавление"',
    'title="Toggle secondary sidebar"': 'title="Показать или скрыть содержание страницы"',
    'aria-label="Color mode"': 'aria-label="Цветовая схема"',
    'data-bs-title="Color mode"': 'data-bs-title="Цветовая схема"',
    "Back to top": "Наверх",
    'aria-label="Search..."': 'aria-label="Поиск…"',
    'placeholder="Search..."': 'placeholder="Поиск…"',
}


def translate_ui(html_dir: Path) -> None:
    """Replace the theme's untranslated English labels (:data:`UI_LABELS_RU`) in every page."""
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for english, russian in UI_LABELS_RU.items():
            new = new.replace(english, russian)
        if new != text:
            page.write_text(new, encoding="utf-8")


def build(notebooks: list[Path] | None = None) -> Path:
    paths = course_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    pages = [notebook_page(p) for p in paths]
    for page in pages:
        if not page.references:
            print(f"warning: {page.path.name}: no «## Литература» section with entries", flush=True)
        if page.seconds is None:
            print(f"warning: {page.path.name}: no execution timestamps (run `make run`)", flush=True)
        if not page.headlines:
            print(f"warning: {page.path.name}: no output from a cell tagged 'headline'", flush=True)
    html_dir = run_jupyter_book(stage(pages))
    out = assemble(pages, html_dir)
    print(
        f"{out.relative_to(ROOT)}/index.html: {len(pages)} notebooks, "
        f"{len(merge_references(pages))} works cited"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    args = parser.parse_args(argv)
    try:
        build(args.notebooks or None)
    except SiteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
