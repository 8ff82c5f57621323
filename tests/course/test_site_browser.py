"""The course site in build/site works in a real browser, offline (`make test-site`).

Runs only when SITE_BROWSER_TEST=1 (the make target sets it after `make site`). The site is served
from 127.0.0.1 and opened in Debian's headless Chromium through Playwright (as the deck and lab tests
do). The test checks:

* every HTML page of the site (landing page, one per notebook, reference pages, glossary,
  bibliography, search, index) loads with no console error, no failed request and no request off this
  machine; every image has loaded; every formula is typeset by MathJax 3 (no raw TeX left, no TeX
  error); no widget's text form («interactive(children=…») is left on a page; no English label of the
  theme is left in the page's interface;
* every link between the site's files resolves (HTTP 200), fragments aside;
* the «next» buttons walk the whole course in the order of site/_toc.yml, and «previous» walks back;
* the landing page's map has a row per notebook with its headline numbers;
* each notebook page links its notebook (byte for byte the committed one), its student edition and its
  deck, and the deck opens (reveal.js and MathJax 2 from the site) without errors;
* the search (Sphinx's index with Russian stemming) finds «репараметризация» — and a word form of it
  that no page contains — on the page of the notebook that uses the term most, and finds nothing for a
  made-up word.

Screenshots of every page go to build/site-screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]  # the course scripts; tests/conftest.py
import course_site  # noqa: E402
from browser import chromium_context, static_server  # noqa: E402

SITE = ROOT / "build" / "site"
SHOTS = ROOT / "build" / "site-screenshots"
VIEWPORT = (1280, 800)
# The term, and a form of it that no page contains (found only through Russian stemming).
SEARCH_TERM, SEARCH_FORM = "репараметризация", "репараметризацией"
# English labels of Sphinx, the theme, myst-nb and copybutton that a Russian page must not show (in its text
# outside code and outputs, or in the labels, titles and placeholders of its controls).
ENGLISH_UI = (
    r"Show code|Hide code|Toggle|Back to top|Color mode|Search\.\.\.|Search the|Search this|Skip to|"
    r"On this page|Contents|Print to PDF|Download|Fullscreen|Copy to clipboard|Copied|previous|next page|"
    r"Edit this page|Last updated|Copyright|Navigation|Search Results|Searching"
)

pytestmark = pytest.mark.skipif(
    os.environ.get("SITE_BROWSER_TEST") != "1", reason="browser test: run `make test-site`"
)

NOTEBOOKS = course_site.course_notebooks()


def site_pages() -> list[str]:
    """Every HTML page of the built site (decks and static files aside), as paths from its root."""
    if not SITE.is_dir():
        return []
    skip = ("slides/", "_static/", "_sources/", "_images/", "student/")
    pages = [p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")]
    return sorted(p for p in pages if not p.startswith(skip))


def toc_order() -> list[str]:
    """The pages in reading order: site/_toc.yml with its notebook glob expanded."""
    import yaml

    toc = yaml.safe_load((ROOT / "site" / "_toc.yml").read_text(encoding="utf-8"))
    order = [f"{toc['root']}.html"]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            if "glob" in chapter:
                order += [f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS]
            else:
                order.append(f"{chapter['file']}.html")
    return order


@pytest.fixture(scope="module")
def server():
    assert (SITE / "index.html").is_file(), "no build/site/index.html: run `make site` first"
    with static_server(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium):
    with chromium_context(chromium, viewport=VIEWPORT) as context:
        yield context


class Watched:
    """A page with its console errors, failed requests and requests that leave the machine recorded."""

    def __init__(self, browser, server: str):
        self.server, self.errors, self.failed, self.foreign = server, [], [], []
        self.page = page = browser.new_page()
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url[:120]} ({req.failure})"))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url[:120]} (HTTP {r.status})") if r.status >= 400 else None,
        )
        page.on(
            "request",
            lambda req: (
                None
                if req.url.startswith((server, "data:", "blob:", "about:"))
                else self.foreign.append(req.url)
            ),
        )

    def problems(self, where: str) -> list[str]:
        return (
            [f"{where}: console error: {e}" for e in self.errors]
            + [f"{where}: failed request: {f}" for f in self.failed]
            + [f"{where}: request off this machine: {u}" for u in self.foreign]
        )

    def close(self):
        self.page.close()


# Waits for images and MathJax, then reports what is wrong on the page.
PAGE_REPORT_JS = r"""
async (englishUi) => {
  const imgs = [...document.querySelectorAll('img')];
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null
    : new Promise(resolve => { img.onload = resolve; img.onerror = resolve; setTimeout(resolve, 10000); })));
  const broken = imgs.filter(img => !(img.complete && img.naturalWidth > 0))
                     .map(img => img.src.slice(0, 100));
  const maths = [...document.querySelectorAll('.math')];
  if (maths.length) {
    for (let i = 0; i < 100 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
      await new Promise(r => setTimeout(r, 100));
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  }
  const untypeset = maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60));
  const errors = [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 60));
  const clone = document.querySelector('main, .bd-main, body').cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .math, .highlight, textarea')
       .forEach(el => el.remove());
  const text = clone.textContent;
  const raw = text.match(/\$[^$\n]{1,80}\$|\\\(|\\\[|\\begin\{/g) || [];
  const widgetText = text.match(/interactive\(children=|[HV]Box\(children=/g) || [];
  const chrome = document.body.cloneNode(true);
  const outside = 'pre, code, script, style, .math, mjx-container, .cell_input, .cell_output, .highlight';
  chrome.querySelectorAll(outside).forEach(el => el.remove());
  const named = ['aria-label', 'title', 'placeholder', 'data-bs-title'];
  const labels = [...document.querySelectorAll('[aria-label], [title], [placeholder], [data-bs-title]')]
    .map(el => named.map(a => el.getAttribute(a) || '').join(' '));
  const ui = chrome.textContent + ' ' + labels.join(' ');
  const english = [...new Set(ui.match(new RegExp(englishUi, 'g')) || [])];
  const links = [...document.querySelectorAll('a[href], link[href], script[src], img[src]')]
    .map(el => el.href || el.src);
  return {images: imgs.length, broken, maths: maths.length, untypeset, errors, raw, widgetText, links,
          english, title: document.title};
}
"""


def _local(url: str, server: str) -> str | None:
    """The site path a same-site URL points to (no fragment), else None."""
    url = urldefrag(url)[0]
    if not url.startswith(server):
        return None
    return unquote(urlparse(url).path)


def test_site_has_every_page():
    pages = set(site_pages())
    expected = set(toc_order()) | {"search.html", "genindex.html"}
    assert expected <= pages, f"pages missing from build/site: {sorted(expected - pages)} (run `make site`)"


@pytest.fixture(scope="module")
def reports(server, browser):
    """Every page opened once: (page path, report, problems); screenshots saved."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for path in site_pages():
        watched = Watched(browser, server)
        try:
            watched.page.goto(f"{server}/{path}", wait_until="load")
            report = watched.page.evaluate(PAGE_REPORT_JS, ENGLISH_UI)
            watched.page.wait_for_timeout(100)
            watched.page.screenshot(path=str(SHOTS / (path.replace("/", "_").removesuffix(".html") + ".png")))
            out[path] = (report, watched.problems(path))
        finally:
            watched.close()
    return out


def test_every_page_loads_clean(reports):
    problems = [p for _, found in reports.values() for p in found]
    assert not problems, "\n".join(problems)


def test_every_image_loads(reports):
    broken = [f"{path}: {src}" for path, (r, _) in reports.items() for src in r["broken"]]
    assert not broken, "images that did not load:\n" + "\n".join(broken)
    for nb in NOTEBOOKS:
        r, _ = reports[f"notebooks/{nb.stem}.html"]
        figures = sum(
            "image/png" in out.get("data", {})
            for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]
            for out in cell.get("outputs", [])
        )
        assert r["images"] >= figures, (
            f"{nb.name}: {figures} figures in the notebook, {r['images']} on its page"
        )


def test_every_formula_is_typeset(reports):
    bad = []
    for path, (r, _) in reports.items():
        bad += [f"{path}: not typeset: {t!r}" for t in r["untypeset"]]
        bad += [f"{path}: TeX error: {t!r}" for t in r["errors"]]
        bad += [f"{path}: raw TeX in the text: {t!r}" for t in r["raw"]]
    assert not bad, "\n".join(bad)
    math_pages = [p for p, (r, _) in reports.items() if r["maths"]]
    assert any(p.startswith("notebooks/") for p in math_pages), "no notebook page has a formula"


def test_no_widget_text_form_left(reports):
    left = [f"{p}: {r['widgetText']}" for p, (r, _) in reports.items() if r["widgetText"]]
    assert not left, "widget views shown as their Python repr:\n" + "\n".join(left)


def test_pages_speak_russian(reports):
    english = [f"{p}: {r['english']}" for p, (r, _) in reports.items() if r["english"]]
    assert not english, "English interface labels on the pages:\n" + "\n".join(english)


def test_every_local_link_resolves(reports, server):
    targets = {}
    for path, (r, _) in reports.items():
        for link in r["links"]:
            local = _local(link, server)
            if local is not None:
                targets.setdefault(local, path)
    missing = []
    for target, page in sorted(targets.items()):
        try:
            with urllib.request.urlopen(f"{server}{target}") as resp:
                ok = resp.status == 200
        except OSError:
            ok = False
        if not ok:
            missing.append(f"{page} links {target}")
    assert not missing, "broken links:\n" + "\n".join(missing)


def test_next_and_previous_walk_the_course(server, browser):
    order = toc_order()
    watched = Watched(browser, server)
    page = watched.page
    try:
        page.goto(f"{server}/{order[0]}", wait_until="load")
        walked = [order[0]]
        for _ in range(len(order) + 2):
            nxt = page.locator("a.right-next")
            if nxt.count() == 0:
                break
            nxt.first.click()
            page.wait_for_load_state("load")
            walked.append(unquote(urlparse(page.url).path).lstrip("/"))
        assert walked == order, f"«next» walked {walked}, the table of contents says {order}"
        back = [walked[-1]]
        for _ in range(len(order) + 2):
            prev = page.locator("a.left-prev")
            if prev.count() == 0:
                break
            prev.first.click()
            page.wait_for_load_state("load")
            back.append(unquote(urlparse(page.url).path).lstrip("/"))
        assert back == order[::-1], f"«previous» walked {back}"
    finally:
        watched.close()
    assert not watched.problems("navigation")


def test_landing_page_maps_every_notebook(server, browser):
    watched = Watched(browser, server)
    try:
        watched.page.goto(f"{server}/index.html", wait_until="load")
        rows = watched.page.evaluate(
            "() => [...document.querySelectorAll('table.course-map tbody tr')].map(tr => tr.innerText)"
        )
    finally:
        watched.close()
    assert len(rows) == len(NOTEBOOKS), f"{len(rows)} rows in the course map, {len(NOTEBOOKS)} notebooks"
    for nb, row in zip(NOTEBOOKS, rows, strict=True):
        info = course_site.notebook_page(nb)
        assert info.title in row, f"{nb.name}: title {info.title!r} not in its row"
        flat = " ".join(row.split())
        for line in info.headlines:
            assert " ".join(line.split()) in flat, f"{nb.name}: headline {line!r} not in its row"


def test_bibliography_lists_every_cited_work_once(server, browser):
    merged = course_site.merge_references([course_site.notebook_page(nb) for nb in NOTEBOOKS])
    watched = Watched(browser, server)
    try:
        watched.page.goto(f"{server}/bibliography.html", wait_until="load")
        items = watched.page.evaluate(
            "() => [...document.querySelectorAll('article li, .bd-article li')].map(li => li.innerText)"
        )
        text = watched.page.evaluate("() => document.querySelector('article, .bd-article').innerText")
    finally:
        watched.close()
    assert len(set(items)) == len(merged), f"{len(merged)} works cited, {len(set(items))} on the page"
    if not merged:
        assert "Ни в одном блокноте пока нет раздела «Литература»" in text


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_page_links_download_student_edition_and_deck(notebook, server, browser):
    watched = Watched(browser, server)
    page = watched.page
    try:
        page.goto(f"{server}/notebooks/{notebook.stem}.html", wait_until="load")
        hrefs = page.evaluate("() => [...document.querySelectorAll('.course-page-info a')].map(a => a.href)")
        names = [unquote(urlparse(h).path) for h in hrefs]
        assert f"/notebooks/{notebook.name}" in names, f"no download link: {names}"
        assert f"/student/{notebook.name}" in names, f"no student edition link: {names}"
        assert f"/slides/{notebook.stem}.slides.html" in names, f"no deck link: {names}"
        with urllib.request.urlopen(f"{server}/notebooks/{notebook.name}") as resp:
            assert resp.read() == notebook.read_bytes(), "the download is not the committed notebook"
        with urllib.request.urlopen(f"{server}/student/{notebook.name}") as resp:
            assert json.loads(resp.read())["cells"], "the student edition is not a notebook"
        widgets = course_site.notebook_page(notebook).widgets
        notes = page.locator(".widget-static-note").count()
        assert notes == widgets, f"{widgets} widget views in the notebook, {notes} static notes on the page"
        page.goto(f"{server}/slides/{notebook.stem}.slides.html", wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=30_000)
        page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=30_000)
    finally:
        watched.close()
    problems = watched.problems(notebook.stem)
    assert not problems, "\n".join(problems)


def _search(server: str, browser, query: str) -> list[str]:
    """The result pages of the site's search for ``query`` (paths, in ranking order)."""
    watched = Watched(browser, server)
    page = watched.page
    try:
        page.goto(f"{server}/search.html?q={query}", wait_until="load")
        # Sphinx's searchtools: the results heading appears as the search starts, the pulse stops at its end.
        page.wait_for_function(
            "() => typeof Search !== 'undefined' && document.querySelector('#search-results h2')"
            " && Search._pulse_status === -1",
            timeout=30_000,
        )
        hrefs = page.evaluate(
            "() => [...document.querySelectorAll('#search-results ul.search li > a')].map(a => a.href)"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"search_{query}.png"))
    finally:
        watched.close()
    problems = watched.problems(f"search {query}")
    assert not problems, "\n".join(problems)
    return [unquote(urlparse(h).path).lstrip("/") for h in hrefs]


def _uses_most(stem: str) -> Path:
    counts = {}
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        counts[nb] = len(re.findall(stem, text, flags=re.I))
    best = max(counts, key=counts.get)
    assert counts[best], f"no notebook uses «{stem}»"
    return best


@pytest.mark.parametrize("query", [SEARCH_TERM, SEARCH_FORM])
def test_search_finds_a_russian_term_on_its_page(query, server, browser):
    if query == SEARCH_FORM:
        pages = [p for p in SITE.rglob("*.html") if "slides" not in p.parts]
        verbatim = [p.name for p in pages if SEARCH_FORM in p.read_text(encoding="utf-8").lower()]
        assert not verbatim, f"«{SEARCH_FORM}» is on {verbatim}: pick a form no page contains"
    expected = f"notebooks/{_uses_most('репараметризац').stem}.html"
    found = _search(server, browser, query)
    assert expected in found, f"search «{query}» found {found}, not {expected}"
    notebooks_found = [p for p in found if p.startswith("notebooks/")]
    assert notebooks_found[0] == expected, f"search «{query}» ranks {notebooks_found} before {expected}"


def test_search_finds_nothing_for_a_made_up_word(server, browser):
    assert _search(server, browser, "квазиавтопереэнкодирование") == []
