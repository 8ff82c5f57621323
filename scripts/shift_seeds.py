"""Re-execute notebooks with every literal seed shifted and list the claims that fail.

Every claim the course asserts must hold for any seed, not only for the seeds in the
committed run. This script copies each notebook, adds a constant to every literal seed
in its code cells (``seed_everything(n)``, ``seed=n``, ``manual_seed(n)``,
``random_state=n``, ``default_rng(n)``), executes the copy in a fresh kernel without
stopping at the first error, and prints every cell that raised (the failing ``assert``
and its message). The committed notebooks are not modified.

    python scripts/shift_seeds.py --shift 1000 notebooks/*.ipynb
    make seeds SHIFT=1000

Exit status: 0 when every cell of every notebook ran, 1 otherwise, 2 for a file that is not a notebook.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from notebook_json import NotebookError, read_notebook, source_of

# (pattern, group holding the number). Only literals are shifted; expressions are left alone.
SEED_PATTERNS = [
    re.compile(r"(\bseed_everything\(\s*)(\d+)(\s*\))"),
    re.compile(r"(\bmanual_seed\(\s*)(\d+)(\s*\))"),
    re.compile(r"(\bdefault_rng\(\s*)(\d+)(\s*\))"),
    re.compile(r"(\b(?:seed|random_state)\s*=\s*)(\d+)(\b)"),
]


def shift_source(source: str, shift: int) -> tuple[str, int]:
    """Return ``source`` with every literal seed increased by ``shift``, and the number replaced."""
    count = 0

    def bump(match: re.Match) -> str:
        nonlocal count
        count += 1
        return f"{match.group(1)}{int(match.group(2)) + shift}{match.group(3)}"

    for pattern in SEED_PATTERNS:
        source = pattern.sub(bump, source)
    return source, count


def shift_notebook(nb, shift: int) -> int:
    total = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, n = shift_source(cell.source, shift)
            total += n
    return total


def failing_cells(nb) -> list[tuple[int, str, str]]:
    """(cell index, first source line, error) for every cell whose output is an error."""
    failures = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                failures.append((i, first.strip()[:100], f"{out['ename']}: {out['evalue']}"[:400]))
    return failures


def load(path: Path):
    """The notebook at ``path`` as an nbformat node, each cell's source one string (files store lists)."""
    nb = nbformat.from_dict(read_notebook(path))
    for cell in nb.cells:
        cell.source = source_of(cell)
    return nb


def run(path: Path, shift: int, timeout: int, keep: Path | None) -> list[tuple[int, str, str]]:
    nb = load(path)
    n = shift_notebook(nb, shift)
    print(f"== {path.name}: {n} seeds shifted by {shift}", flush=True)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    client.execute()
    failures = failing_cells(nb)
    print(f"   {time.perf_counter() - start:.0f} s, {len(failures)} failing cell(s)")
    for i, first, err in failures:
        print(f"   cell {i}: {first}\n      {err}")
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, keep / f"{path.stem}.shift{shift}.ipynb")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--shift", type=int, default=1000, help="constant added to every literal seed")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the executed copies")
    args = parser.parse_args(argv)
    if args.shift == 0:
        parser.error("--shift 0 would re-run the committed seeds; pass a non-zero shift")
    failed = {}
    for path in args.notebooks:
        try:
            failures = run(path, args.shift, args.timeout, args.keep)
        except NotebookError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        if failures:
            failed[path.name] = len(failures)
    print(f"\nshift {args.shift}: " + (f"failing cells {failed}" if failed else "every claim holds"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
