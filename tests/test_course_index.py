"""scripts/course_index.py: wall times from nbclient's timestamps, headline lines, clear errors.

That README.md's table matches the committed notebooks is checked in tests/course/test_readme_index.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import course_index
import pytest


def _cell(source: str, start: str | None, end: str | None, printed: str = "", tags=()) -> dict:
    meta: dict = {"tags": list(tags)} if tags else {}
    if start or end:
        meta["execution"] = {
            k: v for k, v in (("iopub.execute_input", start), ("shell.execute_reply", end)) if v is not None
        }
    outputs = [{"output_type": "stream", "name": "stdout", "text": printed}] if printed else []
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": outputs, "execution_count": 1}


def _nb(*cells: dict, summary: str = "what it teaches | with a bar") -> dict:
    md = {"cell_type": "markdown", "metadata": {}, "source": "# T"}
    return {
        "cells": [md, *cells],
        "metadata": {"course": {"summary": summary}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _ran(seconds_of_last: float = 95.5) -> dict:
    """A notebook run by nbconvert: set-up at 10:00:00, a headline cell, a closing cell."""
    end = f"2026-01-01T10:{int(seconds_of_last // 60):02d}:{seconds_of_last % 60:09.6f}Z"
    return _nb(
        _cell("x = utils.setup()", "2026-01-01T10:00:00.000000Z", "2026-01-01T10:00:05.000000Z"),
        _cell("", None, None),  # nbclient skips an empty cell: no timestamps
        _cell(
            "print(...)",
            "2026-01-01T10:00:05.100000Z",
            "2026-01-01T10:00:06.000000Z",
            printed="AE-30: 3.74 | PCA 13.87\n\nвремя выполнения блокнота: 94 с\n",
            tags=["headline"],
        ),
        _cell("plt.show()", "2026-01-01T10:00:06.500000Z", end),
    )


def _write(folder: Path, name: str, nb: dict) -> Path:
    path = folder / name
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def test_wall_time_runs_from_the_first_cell_to_the_last_reply():
    assert course_index.wall_seconds(_ran(95.5)) == pytest.approx(95.5)
    assert course_index.wall_seconds(_ran(12.25)) == pytest.approx(12.25)


def test_rows_hold_what_a_page_needs(tmp_path):
    _write(tmp_path, "02_auto_encoder.ipynb", _ran(95.5))
    _write(tmp_path, "01_first.ipynb", _ran(12.0))
    _write(tmp_path, "notes.ipynb", {"cells": []})  # not a course notebook: not listed
    rows = course_index.index_rows(tmp_path)
    assert [r.number for r in rows] == ["01", "02"]
    row = rows[1]
    assert (row.file, row.title, row.summary) == (
        "02_auto_encoder.ipynb",
        "auto encoder",
        "what it teaches | with a bar",
    )
    assert row.seconds == pytest.approx(95.5)
    assert row.headlines == ("AE-30: 3.74 | PCA 13.87",), "printed lines, the old timer line left out"


def test_table_formats_times_and_escapes_bars(tmp_path):
    _write(tmp_path, "01_first.ipynb", _ran(12.4))
    _write(tmp_path, "02_second.ipynb", _ran(95.5))
    lines = course_index.build_table(tmp_path).splitlines()
    assert lines[2] == (
        "| 01 | [first](notebooks/01_first.ipynb) | what it teaches \\| with a bar | 12 s "
        "| AE-30: 3.74 \\| PCA 13.87 |"
    )
    assert "| 1.6 min |" in lines[3]


def test_seconds_below_90_read_as_seconds_then_as_minutes():
    assert [course_index.format_seconds(s) for s in (17.8, 75.0, 89.4, 90.0, 191.1)] == [
        "18 s",
        "75 s",
        "89 s",
        "1.5 min",
        "3.2 min",
    ]


def test_a_notebook_without_timestamps_says_to_run_make_run(tmp_path):
    nb = _ran()
    del nb["cells"][3]["metadata"]["execution"]  # the headline cell
    _write(tmp_path, "03_x.ipynb", nb)
    with pytest.raises(
        course_index.CourseIndexError, match=r"03_x.ipynb: code cells \[3\] have no execution.*make run"
    ):
        course_index.build_table(tmp_path)
    nb["cells"][3]["metadata"]["execution"] = {"iopub.execute_input": "2026-01-01T10:00:05Z"}  # no reply
    _write(tmp_path, "03_x.ipynb", nb)
    with pytest.raises(course_index.CourseIndexError, match="make run"):
        course_index.build_table(tmp_path)


def test_cells_run_out_of_order_are_not_one_run(tmp_path):
    nb = _ran()
    nb["cells"][4]["metadata"]["execution"]["iopub.execute_input"] = (
        "2026-01-01T09:59:00.000000Z"  # re-run by hand
    )
    _write(tmp_path, "04_x.ipynb", nb)
    with pytest.raises(
        course_index.CourseIndexError, match="04_x.ipynb: cell 4 started before the code cell above"
    ):
        course_index.build_table(tmp_path)


def test_bad_notebook_is_named(tmp_path: Path):
    (tmp_path / "07_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(course_index.CourseIndexError, match="^07_broken.ipynb: not valid JSON"):
        course_index.build_table(tmp_path)


def test_missing_headline_and_summary_are_named(tmp_path: Path):
    nb = _ran()
    nb["cells"][3]["metadata"]["tags"] = []
    _write(tmp_path, "08_x.ipynb", nb)
    with pytest.raises(
        course_index.CourseIndexError, match="08_x.ipynb: no output from a cell tagged 'headline'"
    ):
        course_index.build_table(tmp_path)
    _write(tmp_path, "08_x.ipynb", _nb(summary=""))
    with pytest.raises(course_index.CourseIndexError, match="08_x.ipynb: metadata.course.summary is missing"):
        course_index.build_table(tmp_path)


def test_check_mode_reports_an_out_of_date_readme(tmp_path, capsys):
    _write(tmp_path, "01_first.ipynb", _ran(12.0))
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Course\n\n{course_index.START}\nold\n{course_index.END}\n\nmore\n", encoding="utf-8"
    )
    assert course_index.main(["--check"], readme=readme, notebooks_dir=tmp_path) == 1
    assert "out of date" in capsys.readouterr().err
    assert course_index.main([], readme=readme, notebooks_dir=tmp_path) == 0
    assert course_index.main(["--check"], readme=readme, notebooks_dir=tmp_path) == 0
    text = readme.read_text(encoding="utf-8")
    assert "| 01 | [first]" in text and text.endswith(f"{course_index.END}\n\nmore\n")
    readme.write_text("no markers", encoding="utf-8")
    assert course_index.main(["--check"], readme=readme, notebooks_dir=tmp_path) == 2
