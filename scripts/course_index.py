"""Write the README's course index from the notebooks' committed outputs.

For every notebooks/NN_*.ipynb it reads: the one-line English summary in the notebook
metadata (``metadata.course.summary``), the wall time of the committed run (from the execution
timestamps nbclient stores in each code cell's metadata: the first cell's start to the last
cell's reply; a notebook without them may still print «время выполнения блокнота: N с» in its
last cell), and the printed lines of cells tagged ``headline``.
The table goes between the ``<!-- course-index -->`` markers in README.md.

    python scripts/course_index.py          # rewrite README.md
    python scripts/course_index.py --check  # exit 1 if README.md is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- course-index:start -->", "<!-- course-index:end -->"
RUNTIME = re.compile(r"время выполнения блокнота:\s*(\d+)\s*с", re.IGNORECASE)


class CourseIndexError(ValueError):
    pass


def _stdout(cell) -> str:
    return "".join(
        "".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


def run_seconds(code_cells: list[dict]) -> float | None:
    """Seconds from the first code cell's start to the last code cell's reply (nbclient's timestamps)."""
    stamps = [c.get("metadata", {}).get("execution", {}) for c in code_cells]
    start = next((s["iopub.status.busy"] for s in stamps if "iopub.status.busy" in s), None)
    end = next((s["shell.execute_reply"] for s in reversed(stamps) if "shell.execute_reply" in s), None)
    if start is None or end is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def notebook_row(path: Path) -> str:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CourseIndexError(f"{path.name}: not valid notebook JSON ({exc})") from None
    summary = nb.get("metadata", {}).get("course", {}).get("summary")
    if not summary:
        raise CourseIndexError(f"{path.name}: metadata.course.summary is missing")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    match = RUNTIME.search(_stdout(code[-1])) if code else None
    seconds = int(match.group(1)) if match else run_seconds(code)
    if seconds is None:
        raise CourseIndexError(
            f"{path.name}: no execution timestamps in the cells and no printed wall time (run `make run`)"
        )
    seconds = round(seconds)
    runtime = f"{seconds} s" if seconds < 90 else f"{seconds / 60:.1f} min"
    headlines = []
    for cell in code:
        if "headline" in cell.get("metadata", {}).get("tags", []):
            lines = _stdout(cell).splitlines()
            headlines += [ln.strip() for ln in lines if ln.strip() and not RUNTIME.search(ln)]
    if not headlines:
        raise CourseIndexError(f"{path.name}: no output from a cell tagged 'headline'")
    number = path.name[:2]
    title = path.stem[3:].replace("_", " ")
    cells = " <br> ".join(h.replace("|", "\\|") for h in headlines)
    summary = summary.replace("|", "\\|")
    return f"| {number} | [{title}](notebooks/{path.name}) | {summary} | {runtime} | {cells} |"


def build_table(notebooks_dir: Path = ROOT / "notebooks") -> str:
    rows = [notebook_row(p) for p in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))]
    head = (
        "| # | notebook | what it teaches | CPU time (2 cores) "
        "| headline numbers (from the committed outputs) |\n"
        "|---|---|---|---|---|"
    )
    return "\n".join([head, *rows])


def updated_readme(text: str, table: str) -> str:
    if START not in text or END not in text:
        raise CourseIndexError(f"README.md must contain the markers {START} and {END}")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table}\n{END}{after}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that README.md is current")
    args = parser.parse_args()
    readme = ROOT / "README.md"
    try:
        new = updated_readme(readme.read_text(encoding="utf-8"), build_table())
    except CourseIndexError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if new != readme.read_text(encoding="utf-8"):
            print("README.md course index is out of date: run `make index`", file=sys.stderr)
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    print("README.md course index updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
