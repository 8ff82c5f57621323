"""The course index (README table, site) from the notebooks as they were last executed.

For every notebooks/NN_*.ipynb it reads:

* the one-line English summary in the notebook metadata (``metadata.course.summary``);
* the wall time of the committed run, from the timestamps nbclient records in each code cell's
  ``metadata.execution`` when ``jupyter nbconvert --execute`` (``make run``) runs it: from the first
  code cell's ``iopub.execute_input`` to the last code cell's ``shell.execute_reply``;
* the printed lines of the cells tagged ``headline`` (the notebook's key numbers).

:func:`index_rows` returns these as :class:`IndexRow` records for any page that shows the index;
:func:`build_table` renders them as the Markdown table that goes between the
``<!-- course-index -->`` markers in README.md.

    python scripts/course_index.py          # rewrite README.md
    python scripts/course_index.py --check  # exit 1 if README.md is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from notebook_json import (
    NOTEBOOKS_DIR,
    ROOT,
    NotebookError,
    code_cells,
    course_notebooks,
    printed_text,
    read_notebook,
    source_of,
    tags_of,
)

START, END = "<!-- course-index:start -->", "<!-- course-index:end -->"
HEADLINE_TAG = "headline"
# The timer line the notebooks printed before their wall time came from the timestamps: left out.
TIMER_LINE = re.compile(r"время выполнения блокнота:\s*\d+\s*с", re.IGNORECASE)


class CourseIndexError(ValueError):
    """A notebook the index cannot describe; the message names it and says what to do."""


@dataclass(frozen=True)
class IndexRow:
    """One notebook in the course index."""

    number: str  # "01"
    file: str  # "01_discriminative_vs_generative.ipynb"
    title: str  # "discriminative vs generative"
    summary: str  # metadata.course.summary
    seconds: float  # wall time of the committed run
    headlines: tuple[str, ...]  # printed lines of the cells tagged ``headline``


def _timestamp(cell: dict, key: str) -> datetime | None:
    value = cell.get("metadata", {}).get("execution", {}).get(key)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def wall_seconds(nb: dict, name: str = "notebook") -> float:
    """Seconds from the first code cell's start to the last code cell's reply in the saved run.

    nbclient skips empty code cells, so they carry no timestamps. Every other code cell must have
    them, each starting after the cell above it replied: one run from top to bottom.
    """
    executed = [
        (i, c) for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code" and source_of(c).strip()
    ]
    if not executed:
        raise CourseIndexError(f"{name}: no code cell to time")
    missing = [
        i
        for i, c in executed
        if _timestamp(c, "iopub.execute_input") is None or _timestamp(c, "shell.execute_reply") is None
    ]
    if missing:
        raise CourseIndexError(
            f"{name}: code cells {missing[:5]}{' …' if len(missing) > 5 else ''} have no execution "
            "timestamps (metadata.execution); run `make run`, which executes the notebook with nbconvert"
        )
    for (_, above), (i, below) in zip(executed, executed[1:], strict=False):
        if _timestamp(below, "iopub.execute_input") < _timestamp(above, "shell.execute_reply"):
            raise CourseIndexError(
                f"{name}: cell {i} started before the code cell above it had finished: the saved "
                "outputs are not one run from top to bottom; run `make run`"
            )
    start = _timestamp(executed[0][1], "iopub.execute_input")
    return (_timestamp(executed[-1][1], "shell.execute_reply") - start).total_seconds()


def headline_lines(nb: dict) -> list[str]:
    """The non-empty lines printed by the code cells tagged ``headline``, in order."""
    lines = []
    for cell in code_cells(nb):
        if HEADLINE_TAG in tags_of(cell):
            lines += [ln.strip() for ln in printed_text(cell).splitlines() if ln.strip()]
    return [ln for ln in lines if not TIMER_LINE.search(ln)]


def notebook_row(path: Path) -> IndexRow:
    """The index entry of the notebook at ``path``."""
    path = Path(path)
    try:
        nb = read_notebook(path)
    except NotebookError as err:
        raise CourseIndexError(f"{path.name}: {str(err).removeprefix(f'{path}: ')}") from None
    summary = nb.get("metadata", {}).get("course", {}).get("summary")
    if not summary:
        raise CourseIndexError(f"{path.name}: metadata.course.summary is missing")
    seconds = wall_seconds(nb, path.name)
    headlines = headline_lines(nb)
    if not headlines:
        raise CourseIndexError(f"{path.name}: no output from a cell tagged '{HEADLINE_TAG}'")
    return IndexRow(
        number=path.name[:2],
        file=path.name,
        title=path.stem[3:].replace("_", " "),
        summary=summary,
        seconds=seconds,
        headlines=tuple(headlines),
    )


def index_rows(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[IndexRow]:
    """Every course notebook's index entry, in course order."""
    return [notebook_row(p) for p in course_notebooks(notebooks_dir)]


def format_seconds(seconds: float) -> str:
    """«18 s» below 90 seconds, «3.2 min» from there on."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def build_table(notebooks_dir: Path = NOTEBOOKS_DIR) -> str:
    """The index as a Markdown table (links relative to the repository root)."""
    head = (
        "| # | notebook | what it teaches | CPU time (2 cores) "
        "| headline numbers (from the committed outputs) |\n"
        "|---|---|---|---|---|"
    )
    rows = [
        f"| {r.number} | [{r.title}](notebooks/{r.file}) | {_cell(r.summary)} | {format_seconds(r.seconds)} "
        f"| {' <br> '.join(_cell(h) for h in r.headlines)} |"
        for r in index_rows(notebooks_dir)
    ]
    return "\n".join([head, *rows])


def updated_readme(text: str, table: str) -> str:
    if START not in text or END not in text:
        raise CourseIndexError(f"README.md must contain the markers {START} and {END}")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table}\n{END}{after}"


def main(
    argv: list[str] | None = None, readme: Path = ROOT / "README.md", notebooks_dir: Path = NOTEBOOKS_DIR
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that README.md is current")
    args = parser.parse_args(argv)
    try:
        current = readme.read_text(encoding="utf-8")
        new = updated_readme(current, build_table(notebooks_dir))
    except CourseIndexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if new != current:
            print("README.md course index is out of date: run `make index`", file=sys.stderr)
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    print("README.md course index updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
