"""The reveal.js decks in slides/ work in a real browser, offline (`make test-slides`).

Runs only when SLIDES_BROWSER_TEST=1 (the make target sets it; `make slides` must have built the
decks). Debian's Chromium is installed with apt-get if it is missing and driven headless through
Playwright. The decks are served from 127.0.0.1; for every deck the test steps through every slide
and checks: no console errors, no failed or off-machine requests, as many slides as the notebook's
slideshow metadata asks for, every image on a visited slide decoded, every formula typeset by MathJax,
and — at 1280×720, a projector's 16:9 — that every slide fits the frame: no code or output line
clipped at the right edge (``scrollWidth > clientWidth`` of a ``pre``), no cell below or beside the
viewport, no slide that has to scroll. The overflow failure lists every offending slide with the cell
index, its tags and what sticks out, so a fix (tag the cell ``plot-code`` or ``claims``, shorten a line,
split the slide) is quick. Screenshots of the title slide and of a figure slide go to slides/screenshots/.
"""

from __future__ import annotations

import os
import re
import struct
import warnings
import zlib
from pathlib import Path

import decks as deck_builder
import pytest
from browser import chromium_context, static_server
from deck_vendor import install_vendor
from notebook_json import ROOT, course_notebooks, read_notebook
from slide_types import apply_metadata

SLIDES = ROOT / "slides"
SHOTS = SLIDES / "screenshots"
NOTEBOOKS = course_notebooks()
VIEWPORT = (1280, 720)  # 16:9, what a classroom projector shows
IMAGE_MIMES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")

pytestmark = pytest.mark.skipif(
    os.environ.get("SLIDES_BROWSER_TEST") != "1", reason="browser test: run `make test-slides`"
)


def expected_slides(nb: dict) -> int:
    """Reveal.getTotalSlides() for nbconvert's layout: the first visible cell, then each slide/subslide."""
    nb = deck_builder.prepare_for_slides(nb)  # cells hidden from the deck (tag ``claims``) are skipped
    types = [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in nb["cells"]]
    visible = [i for i, t in enumerate(types) if t not in ("skip", "notes")]
    return 1 + sum(t in ("slide", "subslide") for t in types[visible[0] + 1 :])


def visible_images(nb: dict) -> int:
    nb = deck_builder.prepare_for_slides(nb)
    types = [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in nb["cells"]]
    return sum(
        any(m in out.get("data", {}) for m in IMAGE_MIMES)
        for cell, t in zip(nb["cells"], types, strict=True)
        if t not in ("skip", "notes")
        for out in cell.get("outputs", [])
    )


# ----------------------------------------------------------------------------------- fixtures


def _png(width: int, height: int) -> bytes:
    """A small grey-gradient PNG, written by hand (no imaging library needed)."""
    rows = b"".join(b"\x00" + bytes((x * 255 // width) for x in range(width)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def selftest_notebook(tmp_path_factory) -> Path:
    """A tiny notebook with a figure output and formulas: checks the image and MathJax checks themselves."""
    import base64

    import nbformat

    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(_png(120, 60)).decode(), "text/plain": "<Figure>"}
    )
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Проверка колоды\n\nФормула в строке: $E = mc^2$."),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt"),
        nbformat.v4.new_markdown_cell("## 1. Рисунок\n\n$$\\log P(x) = \\sum_i \\log P(x_i \\mid y)$$"),
        nbformat.v4.new_code_cell("plt.imshow(x)", outputs=[figure], execution_count=2),
        nbformat.v4.new_markdown_cell(
            "**Заметки для преподавателя.** Эта ячейка видна только в режиме докладчика."
        ),
        nbformat.v4.new_markdown_cell("### Подраздел\n\nИ ещё $\\mu$ и $\\sigma^2$."),
    ]
    path = tmp_path_factory.mktemp("selftest") / "00_selftest.ipynb"
    nbformat.write(nb, path)
    apply_metadata(path)
    return path


@pytest.fixture(scope="module")
def decks(selftest_notebook) -> list[tuple[str, Path]]:
    """(URL path, notebook) for every course deck plus the self-test deck."""
    missing = [nb.name for nb in NOTEBOOKS if not (SLIDES / f"{nb.stem}.slides.html").exists()]
    assert not missing, f"no deck for {missing}: run `make slides` first"
    install_vendor(SLIDES)
    deck_builder.build_deck(selftest_notebook, SLIDES / "selftest", vendor_prefix="../")
    found = [(f"{nb.stem}.slides.html", nb) for nb in NOTEBOOKS]
    return found + [(f"selftest/{selftest_notebook.stem}.slides.html", selftest_notebook)]


@pytest.fixture(scope="module")
def server():
    with static_server(SLIDES) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium):
    with chromium_context(chromium, viewport=VIEWPORT) as context:
        yield context


# --------------------------------------------------------------------------------------- test

SLIDE_REPORT_JS = r"""
async () => {
  const slide = Reveal.getCurrentSlide();
  const rendered = () => slide.querySelectorAll('.MathJax_CHTML, .MathJax_Display, .MathJax').length;
  // The deck re-renders the formulas of a slide after every slide change (MathJax.Hub.Rerender),
  // so wait until each formula of this slide has its output again (5 s at most).
  let jax = 0;
  for (let i = 0; i < 50; i++) {
    await new Promise(resolve => MathJax.Hub.Queue(resolve));
    jax = MathJax.Hub.getAllJax(slide).length;
    if (rendered() >= jax) break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  const imgs = [...slide.querySelectorAll('img')];
  await Promise.all(imgs.map(img => img.complete ? null
    : new Promise(resolve => { img.onload = resolve; img.onerror = resolve; })));
  const broken = imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80));
  const clone = slide.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, aside.notes, .MathJax_Preview, .jp-InputArea')
       .forEach(el => el.remove());
  const raw = clone.textContent.match(/\$[^$\n]{1,200}\$|\\\(|\\\[/g) || [];
  const heading = slide.querySelector('h1, h2, h3');
  return {
    images: imgs.length,
    broken,
    raw,
    math: rendered(),
    jax,
    title: heading ? heading.textContent.trim().slice(0, 60) : '',
  };
}
"""


# What sticks out of the current slide at the browser's viewport (checked on the slide's first visit).
OVERFLOW_JS = r"""
() => {
  const slide = Reveal.getCurrentSlide();
  const vw = window.innerWidth, vh = window.innerHeight;
  const cellOf = el => { const c = el.closest('.jp-Cell'); return c ? c.id.replace('cell-id=', '') : ''; };
  const shown = el => el.offsetParent !== null && el.getClientRects().length > 0;
  const clipped = [...slide.querySelectorAll('pre')]
    .filter(p => shown(p) && p.scrollWidth > p.clientWidth + 1)
    .map(p => {
      const lines = p.textContent.split('\n');
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
      return {cell: cellOf(p), px: p.scrollWidth - p.clientWidth, line: longest.trim().slice(0, 70),
              output: !!p.closest('.jp-OutputArea')};
    });
  const outside = [];
  slide.querySelectorAll('.jp-Cell').forEach(c => {
    if (!shown(c)) return;
    const r = c.getBoundingClientRect();
    if (r.bottom > vh + 1) outside.push({cell: cellOf(c), side: 'ниже кадра', px: Math.round(r.bottom - vh)});
    if (r.right > vw + 1) outside.push({cell: cellOf(c), side: 'правее кадра', px: Math.round(r.right - vw)});
  });
  return {clipped, outside, scroll: Math.max(0, slide.scrollHeight - slide.clientHeight - 1)};
}
"""


def describe_overflow(nb: dict, key, title: str, report: dict) -> list[str]:
    """Readable lines: which cell of the notebook sticks out of slide ``key`` and how."""
    index = {c.get("id"): i for i, c in enumerate(nb["cells"])}

    def cell(cell_id: str) -> str:
        i = index.get(cell_id)
        if i is None:
            return f"ячейка {cell_id or '?'}"
        tags = nb["cells"][i].get("metadata", {}).get("tags", [])
        return f"cell {i}" + (f" {tags}" if tags else "")

    where = f"slide {key[0]}.{key[1]} «{title[:40]}»"
    lines = [
        f"{where}: {cell(c['cell'])}: {'output' if c['output'] else 'code'} line clipped by {c['px']} px: "
        f"{c['line']!r}"
        for c in report["clipped"]
    ]
    lines += [f"{where}: {cell(o['cell'])}: {o['px']} px {o['side']}" for o in report["outside"]]
    if report["scroll"] and not report["outside"]:
        lines.append(f"{where}: the slide scrolls by {report['scroll']} px")
    return lines


def _overflow_key(line: str):
    """The notebook cell an overflow line names, or its slide when only the slide scrolls."""
    m = re.search(r": cell (\d+)", line)
    return int(m.group(1)) if m else line.split(":")[0]


def _settle(page) -> None:
    """Let reveal.js finish the slide change and MathJax its re-rendering before a screenshot."""
    page.wait_for_timeout(400)
    page.evaluate("async () => { await new Promise(r => MathJax.Hub.Queue(r)); }")
    page.wait_for_timeout(200)


def test_decks_present(decks):
    assert len(decks) == len(NOTEBOOKS) + 1


@pytest.mark.parametrize("index", range(len(NOTEBOOKS) + 1), ids=[nb.stem for nb in NOTEBOOKS] + ["selftest"])
def test_deck_in_browser(index, decks, server, browser):
    url_path, notebook = decks[index]
    nb = read_notebook(notebook)
    expected = expected_slides(nb)
    errors, failed, foreign = [], [], []
    page = browser.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: failed.append(f"{req.url[:120]} ({req.failure})"))
    page.on(
        "response",
        lambda resp: failed.append(f"{resp.url[:120]} (HTTP {resp.status})") if resp.status >= 400 else None,
    )
    page.on(
        "request",
        lambda req: (
            None if req.url.startswith((server, "data:", "blob:", "about:")) else foreign.append(req.url)
        ),
    )
    try:
        page.goto(f"{server}/{url_path}", wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=30_000)
        page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=30_000)
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total == expected, (
            f"{notebook.name}: the deck has {total} slides, the metadata asks for {expected}"
        )

        SHOTS.mkdir(parents=True, exist_ok=True)
        _settle(page)
        page.screenshot(path=str(SHOTS / f"{notebook.stem}_title.png"))

        seen, reports, figure_slide, overflow = [], {}, None, []
        for _ in range(20 * expected + 200):  # slides plus fragments; a stuck deck ends the loop
            where = page.evaluate("() => Reveal.getIndices()")
            key = (where["h"], where.get("v") or 0)
            if key not in reports:
                seen.append(key)
                reports[key] = report = page.evaluate(SLIDE_REPORT_JS)
                assert not report["broken"], (
                    f"{notebook.name} slide {key}: images not loaded {report['broken']}"
                )
                assert not report["raw"], f"{notebook.name} slide {key}: formulas not typeset {report['raw']}"
                assert report["math"] >= report["jax"], (
                    f"{notebook.name} slide {key}: {report['jax']} formulas, {report['math']} typeset"
                )
                _settle(page)  # measure after MathJax has typeset the slide: formulas change its height
                overflow += describe_overflow(nb, key, report["title"], page.evaluate(OVERFLOW_JS))
                if report["images"] and figure_slide is None:
                    figure_slide = key
            if page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
                break
            page.evaluate("() => Reveal.next()")
        assert len(seen) == expected, (
            f"{notebook.name}: stepped through {len(seen)} slides, expected {expected}"
        )

        n_images = sum(r["images"] for r in reports.values())
        if visible_images(nb):
            assert figure_slide is not None, (
                f"{notebook.name}: the notebook has figures but no slide shows one"
            )
        if figure_slide is not None:
            page.evaluate(f"() => Reveal.slide({figure_slide[0]}, {figure_slide[1]}, 1000)")
            _settle(page)  # a long slide scrolls: bring its first figure into view
            page.evaluate("() => Reveal.getCurrentSlide().querySelector('img').scrollIntoView(false)")
            page.wait_for_timeout(200)
            page.screenshot(path=str(SHOTS / f"{notebook.stem}_figure.png"))
        else:
            warnings.warn(
                f"{notebook.name}: no figure in the committed outputs, no figure screenshot", stacklevel=1
            )
        math = sum(r["math"] for r in reports.values())
        print(f"{notebook.name}: {len(seen)} slides, {n_images} images, {math} typeset formulas")
        if "$" in "".join(
            c.get("source", "") if isinstance(c.get("source"), str) else "".join(c["source"])
            for c in nb["cells"]
            if c["cell_type"] == "markdown"
        ):
            assert math > 0, f"{notebook.name}: the markdown has formulas but MathJax typeset none"
    finally:
        page.close()
    assert not errors, f"{notebook.name}: console errors: {errors}"
    assert not failed, f"{notebook.name}: failed requests: {failed}"
    assert not foreign, f"{notebook.name}: requests that leave the machine: {foreign}"
    found = sorted({_overflow_key(line) for line in overflow}, key=str)
    assert not found, (  # every slide's content fits the frame: split, tag "plot-code" or resize
        f"{notebook.name}: overflow at {VIEWPORT[0]}×{VIEWPORT[1]} in {found}:\n  " + "\n  ".join(overflow)
    )
