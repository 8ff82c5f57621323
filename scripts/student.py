"""Student editions of the notebooks (`make student`): solutions replaced by stubs.

Every code cell tagged ``solution`` becomes a «Ваш код здесь» stub that assigns ``None`` to each name
the solution defined at top level (variables, functions, classes). Every self-check cell (tagged
``check``, built on ``utils.exercises.require``) is wrapped in ``if is_done(name, "name"):`` for each
name it ``require``s: while an exercise is unfinished the cell prints «Задание не выполнено…» and
skips the check, so «Run All» reaches the end of the student edition (no later cell may use a
solution's variable; `make test-student` runs every edition to the end). Outputs and execution counts
of solution and check cells are cleared; every other cell, and every cell's metadata, stays as it is.
The editions go to ``student/`` (git-ignored).

    python scripts/student.py notebooks/*.ipynb            # -> student/NN_topic.ipynb
"""

from __future__ import annotations

import argparse
import ast
import copy
import sys
from pathlib import Path

from notebook_json import NotebookError, read_notebook, source_of, tags_of, write_notebook

ROOT = Path(__file__).resolve().parent.parent
STUDENT_DIR = ROOT / "student"
STUB_MARK = "# Ваш код здесь"


class StudentError(RuntimeError):
    """A notebook whose student edition cannot be made; the message names the notebook and cell."""


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []  # attribute or subscript assignment: not a new name


def assigned_names(source: str) -> list[str]:
    """Names a solution cell defines at top level, in order of first appearance."""
    tree = ast.parse(source)
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            found = [n for t in node.targets for n in _target_names(t)]
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            found = _target_names(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found = [node.name]
        else:
            found = []
        names += [n for n in found if n not in names]
    return names


def _signatures(source: str) -> dict[str, str]:
    """``name(arg, ...)`` for the functions a solution defines (a hint the stub keeps)."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = f"{node.name}({', '.join(a.arg for a in node.args.args)})"
    return out


def stub_for(source: str) -> str:
    """The stub that replaces a solution cell."""
    names = assigned_names(source)
    if not names:
        raise StudentError("the solution assigns no variable at top level")
    signatures = _signatures(source)
    lines = [STUB_MARK]
    for name in names:
        if name in signatures:
            lines.append(f"# напишите функцию {signatures[name]}")
        lines.append(f"{name} = None")
    return "\n".join(lines)


def required_names(source: str) -> list[str]:
    """Names a check cell passes to ``require(name, ...)``, in order."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "require"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id not in names
        ):
            names.append(node.args[0].id)
    return names


def guarded_check(source: str) -> str:
    """The check cell wrapped so that it prints «Задание не выполнено…» and skips while unfinished."""
    names = required_names(source)
    if not names:
        raise StudentError("the check cell calls require(name, ...) on no variable")
    conditions = [f'is_done({n}, "{n}")' for n in names]
    condition = conditions[0] if len(conditions) == 1 else f"all([{', '.join(conditions)}])"
    body = "".join("    " + line if line.strip() else line for line in source.splitlines(keepends=True))
    guarded = f"from utils.exercises import is_done\n\nif {condition}:\n{body}"
    original = ast.parse(source).body
    wrapped = ast.parse(guarded).body[-1].body
    if ast.dump(ast.Module(original, [])) != ast.dump(ast.Module(wrapped, [])):
        raise StudentError("the check cell cannot be indented safely (a multi-line string?)")
    return guarded


def student_edition(nb: dict, name: str = "notebook") -> dict:
    """A copy of the notebook (plain JSON dict) with solutions stubbed and exercise outputs cleared."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb["cells"]):
        tags = tags_of(cell)
        if cell.get("cell_type") != "code" or not {"solution", "check"} & set(tags):
            continue
        if "solution" in tags:
            try:
                stub = stub_for(source_of(cell))
            except (SyntaxError, StudentError) as err:
                raise StudentError(f"{name}: cell {index} (solution): {err}") from err
            cell["source"] = stub.splitlines(keepends=True)
        else:
            try:
                guarded = guarded_check(source_of(cell))
            except (SyntaxError, StudentError) as err:
                raise StudentError(f"{name}: cell {index} (check): {err}") from err
            cell["source"] = guarded.splitlines(keepends=True)
        cell["outputs"] = []
        cell["execution_count"] = None
    return nb


def write_student_edition(path: Path, out_dir: Path = STUDENT_DIR) -> Path:
    """Write the student edition of the notebook at ``path`` into ``out_dir``; return its path."""
    path = Path(path)
    edition = student_edition(read_notebook(path), str(path))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    write_notebook(target, edition)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write student editions (solutions replaced by stubs).")
    parser.add_argument("--out", type=Path, default=STUDENT_DIR, help="output folder (default: student/)")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        for path in args.notebooks:
            n = sum("solution" in tags_of(c) for c in read_notebook(path)["cells"])
            target = write_student_edition(path, args.out)
            print(f"{target}: {n} solution cell(s) replaced by stubs")
    except (StudentError, NotebookError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
