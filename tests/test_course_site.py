"""scripts/course_site.py (`make site`): what it reads from the notebooks and what it writes for the pages.

The browser test (test_site_browser.py, `make test-site`) checks the built site; these tests check the
pieces on small synthetic notebooks, with no Jupyter Book build.
"""

import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests" / "course")]  # scripts; test_glossary.py
import course_site as site  # noqa: E402

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="


def md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(src: str, *, tags=(), outputs=(), start=None, end=None) -> dict:
    meta = {"tags": list(tags)}
    if start or end:
        meta["execution"] = {"iopub.execute_input": start, "shell.execute_reply": end}
    return {
        "cell_type": "code",
        "metadata": meta,
        "source": src,
        "outputs": list(outputs),
        "execution_count": 1,
    }


def stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(*cells, widgets=None) -> dict:
    meta = {}
    if widgets is not None:
        meta["widgets"] = {site.WIDGET_STATE_MIME: {"state": widgets, "version_major": 2, "version_minor": 0}}
    return {"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def page_for(tmp_path: Path, nb: dict, name: str = "07_test_topic.ipynb"):
    import json

    path = tmp_path / name
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return site.notebook_page(path)


# ------------------------------------------------------------------------------ reading notebooks


def test_title_time_and_headlines_come_from_the_notebook(tmp_path):
    nb = notebook(
        md("# 07. Тема блокнота\n\nВступление."),
        code("x = 1", start="2026-01-01T10:00:00.000Z", end="2026-01-01T10:00:05.000Z"),
        md("## 1. Раздел"),
        code(
            "print(...)",
            tags=["headline"],
            outputs=[stdout("точность 97.2%\n\n  −ELBO 94.42\nвремя выполнения блокнота: 95 с\n")],
            start="2026-01-01T10:02:00.000Z",
            end="2026-01-01T10:02:30.500Z",
        ),
    )
    page = page_for(tmp_path, nb)
    assert page.title == "07. Тема блокнота"
    assert page.number == "07"
    assert page.seconds == pytest.approx(150.5)
    assert page.headlines == ["точность 97.2%", "−ELBO 94.42"]
    assert site.format_duration(page.seconds) == "2.5 мин"
    assert site.format_duration(18.4) == "18 с"
    assert site.format_duration(None) == "—"
    assert page.headlines == site.headline_lines(site.read_notebook(tmp_path / "07_test_topic.ipynb"))


def test_a_notebook_without_a_title_or_timestamps(tmp_path):
    with pytest.raises(site.SiteError, match="no '# ' title"):
        page_for(tmp_path, notebook(md("## Только раздел"), code("x = 1")))
    assert page_for(tmp_path, notebook(md("# Т"), code("x = 1"))).seconds is None


def test_references_are_the_items_of_the_literature_section(tmp_path):
    nb = notebook(
        md("# 07. Т\n\nКак у Kingma & Welling (2014)."),
        md(
            "## Литература\n\n"
            "* Kingma D. P., Welling M. (2014). Auto-Encoding Variational Bayes.\n"
            "  *ICLR 2014*.\n"
            "- Burda Y., Grosse R., Salakhutdinov R. (2016). Importance Weighted Autoencoders. ICLR 2016.\n"
        ),
        md("1. Rezende D. J. et al. (2014). Stochastic Backpropagation.\n2) Второй пункт (2020)."),
        md("## После литературы\n\n* Не ссылка."),
    )
    assert page_for(tmp_path, nb).references == [
        "Kingma D. P., Welling M. (2014). Auto-Encoding Variational Bayes. *ICLR 2014*.",
        "Burda Y., Grosse R., Salakhutdinov R. (2016). Importance Weighted Autoencoders. ICLR 2016.",
        "Rezende D. J. et al. (2014). Stochastic Backpropagation.",
        "Второй пункт (2020).",
    ]
    paragraphs = notebook(md("# Т"), md("## Литература\n\nAuthor A. (2001). One.\n\nAuthor B. (2002). Two."))
    assert page_for(tmp_path, paragraphs).references == ["Author A. (2001). One.", "Author B. (2002). Two."]


# -------------------------------------------------------------------------------- bibliography


def test_the_same_work_is_listed_once_with_every_notebook_that_cites_it(tmp_path):
    a = page_for(
        tmp_path,
        notebook(
            md("# 02. А"),
            md(
                "## Литература\n\n"
                "* Hinton G. E., Salakhutdinov R. R. (2006). Reducing the dimensionality of data with "
                "neural networks. Science 313, 504–507.\n"
                "* Hinton G. E. (2002). Training products of experts. Neural Computation."
            ),
        ),
        "02_a.ipynb",
    )
    b = page_for(
        tmp_path,
        notebook(
            md("# 05. Б"),
            md(
                "## Литература\n\n"
                "* Hinton, G. E., Salakhutdinov, R. R. (2006). *Reducing the dimensionality of data with "
                "neural networks*. Science, 313, 504–507. https://doi.org/10.1126/science.1127647\n"
                "* Hinton G. E., Osindero S., Teh Y. (2006). A fast learning algorithm for deep belief nets."
            ),
        ),
        "05_b.ipynb",
    )
    merged = site.merge_references([a, b])
    assert len(merged) == 3, [m[0] for m in merged]
    science = [(e, by) for e, by in merged if "Reducing" in e]
    assert len(science) == 1
    entry, cited_by = science[0]
    assert "doi.org" in entry, "the fuller wording is kept"
    assert [p.number for p in cited_by] == ["02", "05"]
    assert [e[:9] for e, _ in merged] == ["Hinton G.", "Hinton G.", "Hinton, G"]  # by plain text
    assert [e.split("(")[1][:4] for e, _ in merged] == ["2002", "2006", "2006"]
    page = site.bibliography_page([a, b])
    assert page.count("\n* ") == 3
    assert "блокноты [02](notebooks/02_a.ipynb), [05](notebooks/05_b.ipynb)" in page


def test_bare_urls_become_links_and_markdown_links_stay():
    assert site.linked("Science, 313. https://doi.org/10.1126/science.1127647.") == (
        "Science, 313. <https://doi.org/10.1126/science.1127647>."
    )
    kept = "[arXiv:1312.6114](https://arxiv.org/abs/1312.6114), <https://example.org/x>"
    assert site.linked(kept) == kept


def test_same_work_needs_the_same_first_author_and_year():
    base = "Vincent P. et al. (2008). Extracting and composing robust features with denoising autoencoders."
    assert site.same_work(base, base.replace(" et al.", ", Larochelle H., Bengio Y., Manzagol P.-A."))
    assert not site.same_work(base, base.replace("2008", "2010"))
    assert not site.same_work(base, "Ruff L. et al. (2008). Extracting and composing robust features.")


def test_bibliography_without_any_literature_section_says_so(tmp_path):
    page = site.bibliography_page([page_for(tmp_path, notebook(md("# 01. Т")))])
    assert "# Литература" in page and "Ни в одном блокноте пока нет" in page


# ---------------------------------------------------------------------------------- widgets


def _interact_state() -> dict:
    return {
        "box": {
            "model_name": "VBoxModel",
            "state": {"children": ["IPY_MODEL_dd", "IPY_MODEL_sl", "IPY_MODEL_out"]},
        },
        "dd": {
            "model_name": "DropdownModel",
            "state": {"description": "шум", "_options_labels": ["гауссов", "маска"], "index": 1},
        },
        "sl": {"model_name": "FloatSliderModel", "state": {"description": "сила", "value": 0.3}},
        "out": {
            "model_name": "OutputModel",
            "state": {
                "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG}}]
            },
        },
        "canvas_box": {
            "model_name": "HBoxModel",
            "state": {"children": ["IPY_MODEL_canvas", "IPY_MODEL_out2"]},
        },
        "canvas": {"model_name": "CanvasModel", "state": {"width": 280}},
        "out2": {"model_name": "OutputModel", "state": {"outputs": []}},
    }


def _view(model_id: str, text: str) -> dict:
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {site.WIDGET_MIME: {"model_id": model_id, "version_major": 2}, "text/plain": text},
    }


def test_widget_views_become_their_saved_outputs_and_a_note(tmp_path):
    nb = notebook(
        md("# 07. Т"),
        code("interact(...)", outputs=[_view("box", "interactive(children=(Dropdown(...")]),
        code("pad", outputs=[stdout("до\n"), _view("canvas_box", "Холст")]),
        widgets=_interact_state(),
    )
    page = page_for(tmp_path, nb)
    assert (page.widgets, page.canvases) == (2, 1)
    out = site.static_widgets(nb)
    assert "widgets" not in out["metadata"], "the widget state would make the page load the widget manager"
    first, second = out["cells"][1]["outputs"], out["cells"][2]["outputs"]
    assert [o["data"].keys() for o in first][0] == {"image/png"}
    note = first[1]["data"]["text/html"]
    assert "widget-static-note" in note and "шум = маска; сила = 0.3" in note and "make lab" in note
    assert second[0] == stdout("до\n"), "other outputs stay as they are"
    assert "холст" in second[1]["data"]["text/html"]
    assert site.WIDGET_MIME not in str(out["cells"]), "a widget view survived"
    assert "widgets" in nb["metadata"], "the notebook itself is not changed"


def test_the_page_gets_a_box_under_its_title_and_collapsed_plumbing(tmp_path):
    nb = notebook(
        md("# 07. Т\n\nВступление."),
        code("assert x", tags=["claims"]),
        code("answer = 1", tags=["solution"]),
        code("check(answer)", tags=["check"]),
        code("plt.plot()", tags=["plot-code"]),
        code("print(1)"),
    )
    page = page_for(tmp_path, nb)
    out = site.site_notebook(nb, page)
    first = out["cells"][0]["source"]
    assert first.startswith('# 07. Т\n\n<div class="admonition note course-page-info">')
    assert first.rstrip().endswith("Вступление.")
    for link in (
        'href="07_test_topic.ipynb" download',
        "../student/07_test_topic.ipynb",
        "../slides/07_test_topic",
    ):
        assert link in first
    tags = [c["metadata"]["tags"] for c in out["cells"][1:]]
    assert tags == [
        ["claims", "hide-input"],
        ["solution", "hide-cell"],
        ["check", "hide-cell"],
        ["plot-code", "hide-input"],
        [],
    ]
    assert nb["cells"][1]["metadata"]["tags"] == ["claims"], "the notebook itself is not changed"


# ------------------------------------------------------------------------------------- pages


def test_the_course_map_has_a_row_per_notebook_with_escaped_numbers(tmp_path):
    nb = notebook(
        md("# 07. Т"),
        code("x", tags=["headline"], outputs=[stdout("цена $5 и *звезда* | труба\n")]),
    )
    table = site.course_map([page_for(tmp_path, nb)])
    assert "[07. Т](notebooks/07_test_topic.ipynb)" in table
    assert r"цена \$5 и \*звезда\* \| труба" in table
    assert table.count("\n* - ") == 2  # the header row and one notebook
    with pytest.raises(site.SiteError, match="no notebooks"):
        site.course_map([])


def test_a_missing_marker_is_an_error_that_names_the_page():
    with pytest.raises(site.SiteError, match="site/index.md: the marker <!-- course-map -->"):
        site.fill("# Без карты", site.COURSE_MAP_MARK, "таблица", "index.md")
    assert site.fill(f"a\n{site.COURSE_MAP_MARK}\nb", site.COURSE_MAP_MARK, "T\n", "x") == "a\nT\nb"


def test_committed_pages_have_their_markers_and_are_all_in_the_table_of_contents():
    sources = ROOT / "site"
    assert site.COURSE_MAP_MARK in (sources / "index.md").read_text(encoding="utf-8")
    assert site.DECK_LIST_MARK in (sources / "teachers.md").read_text(encoding="utf-8")
    toc = yaml.safe_load((sources / "_toc.yml").read_text(encoding="utf-8"))
    listed = {toc["root"]} | {c["file"] for part in toc["parts"] for c in part["chapters"] if "file" in c}
    generated = {"glossary", "bibliography"}  # written by the build
    pages = {p.stem for p in sources.glob("*.md")}
    assert pages | generated == listed, f"pages not in site/_toc.yml: {sorted(pages - listed)}"


def test_every_course_notebook_gives_the_site_a_title_a_time_and_headline_numbers():
    problems = []
    for path in site.course_notebooks():
        page = site.notebook_page(path)
        if page.seconds is None:
            problems.append(f"{path.name}: no execution timestamps (run `make run`)")
        if not page.headlines:
            problems.append(f"{path.name}: no output from a cell tagged 'headline'")
    assert not problems, "\n".join(problems)


def test_site_pages_use_the_glossary_terms_and_decimal_points():
    from test_glossary import DECIMAL_COMMA, INTERVAL, MATH, VARIANTS

    found = []
    for path in sorted((ROOT / "site").glob("*.md")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "в лекции" in line or line.startswith(("    ", "python ", "make ")):
                continue
            for pattern, term in VARIANTS:
                if m := re.search(pattern, line, flags=re.I):
                    found.append(f"site/{path.name}:{n}: «{m.group()}» → «{term}»")
            for m in DECIMAL_COMMA.finditer(INTERVAL.sub(" ", MATH.sub(" ", line))):
                found.append(f"site/{path.name}:{n}: decimal comma «{m.group()}»")
    assert not found, "\n".join(found)
