"""Showing code, tables and counts inside a notebook (introduced in notebook 01)."""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
from collections.abc import Sequence

from IPython.display import Markdown, display

__all__ = ["format_int", "n_epochs", "show_source", "table"]


def show_source(
    obj,
    *,
    only: str | Sequence[str] | None = None,
    docstrings: bool = True,
    lines: tuple[int, int] | None = None,
) -> None:
    """Display the source of a class or function from :mod:`utils` as highlighted code (notebook 01).

    Notebooks use it so the model a lesson teaches is read in the notebook, while the
    one copy of the code lives in ``utils`` for later notebooks to import. The listing
    leaves out decorators that name private helpers (input checks such as
    ``@validate_args(_vae_args)``), so it shows the idea. ``only`` names members of a class
    (e.g. ``only=("encode", "forward")``): the listing is then the class line and those
    members, so a long class can be read (and projected) in parts. ``docstrings=False``
    leaves the docstrings out, e.g. for a listing that must fit a slide. ``lines=(first, last)``
    shows only those lines of the listing (1-based, both included), with «# …» where lines are
    left out, so a long function can be read in parts that each fit a slide.
    """
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        raise ValueError(f"obj must be a class or a function, got {type(obj).__name__}")
    source = inspect.getsource(obj) if only is None else _members_source(obj, only)
    text = _readable(source, docstrings)
    if lines is not None:
        text = _line_range(text, lines)
    display(Markdown(f"```python\n{text}```"))


def _line_range(text: str, lines) -> str:
    """Lines ``first``..``last`` (1-based, inclusive) of ``text``, with «# …» for the lines left out."""
    listing = text.splitlines()
    pair = isinstance(lines, (tuple, list)) and len(lines) == 2
    if not pair or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines):
        raise ValueError(f"lines must be a pair (first, last) of line numbers, got {lines!r}")
    first, last = lines
    if not 1 <= first <= last <= len(listing):
        raise ValueError(
            f"lines must satisfy 1 <= first <= last <= {len(listing)} (the listing's length), got {lines!r}"
        )
    part = listing[first - 1 : last]
    return "\n".join((["# …"] if first > 1 else []) + part + (["# …"] if last < len(listing) else [])) + "\n"


def _readable(source: str, docstrings: bool) -> str:
    """``source`` without decorators that name private helpers and, if asked, without docstrings."""
    lines = textwrap.dedent(source).splitlines()
    drop: set[int] = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for deco in node.decorator_list:
                if any(isinstance(n, ast.Name) and n.id.startswith("_") for n in ast.walk(deco)):
                    drop.update(range(deco.lineno - 1, deco.end_lineno))
            first = node.body[0]
            is_doc = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant)
            if not docstrings and is_doc and isinstance(first.value.value, str):
                drop.update(range(first.lineno - 1, first.end_lineno))
                after = first.end_lineno  # the blank line after a docstring goes with it
                blank_after = after < len(lines) and not lines[after].strip()
                if blank_after and len(node.body) > 1 and not isinstance(node, ast.ClassDef):
                    drop.add(after)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop) + "\n"


def _members_source(cls, only) -> str:
    if not inspect.isclass(cls):
        raise ValueError(f"only= picks members of a class, but obj is the function {cls.__name__}")
    names = [only] if isinstance(only, str) else list(only) if isinstance(only, (list, tuple)) else []
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"only must be a member name or a non-empty sequence of names, got {only!r}")
    parts = [inspect.getsource(cls).splitlines()[0]]  # the class line, as written
    for name in names:
        member = cls.__dict__.get(name)
        member = getattr(member, "__func__", member)  # staticmethod / classmethod
        if not inspect.isfunction(member):
            methods = sorted(k for k, v in vars(cls).items() if inspect.isfunction(getattr(v, "__func__", v)))
            raise ValueError(f"{cls.__name__} has no method {name!r}; its methods: {methods}")
        parts.append("")
        parts.append(inspect.getsource(member).rstrip("\n"))
    return "\n".join(parts) + "\n"


def format_int(n: int) -> str:
    """``n`` with its thousands set apart by spaces, as Russian text writes them: 60 000 (notebook 02)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"n must be an integer, got {n!r}")
    return f"{n:,}".replace(",", " ")


def n_epochs(n: int) -> str:
    """``n`` and the Russian word for epochs in its form: 1 эпоха, 24 эпохи, 5 эпох (notebook 02)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    if n % 10 == 1 and n % 100 != 11:
        word = "эпоха"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "эпохи"
    else:
        word = "эпох"
    return f"{n} {word}"


def _cell(value, digits: int) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"table values must be finite numbers, got {value}")
        return f"{value:.{digits}f}"
    return str(value)


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    digits: int | Sequence[int] = 2,
    best: dict[str, str] | None = None,
):
    """A Markdown table for the notebook's output — the one table style of the course (notebook 01).

    ``rows`` hold one value per column: strings are shown as they are, floats with ``digits``
    decimals (one number, or one per column), ``None`` as a dash. ``best`` maps a column name
    to ``"max"`` or ``"min"``: that column's best number is shown in bold. Returns an
    ``IPython.display.Markdown`` object (its text is ``.data``); a cell that ends with it shows it.
    """
    columns = [str(c) for c in columns]
    if not columns:
        raise ValueError("columns must name at least one column")
    rows = [list(r) for r in rows]
    for i, r in enumerate(rows):
        if len(r) != len(columns):
            raise ValueError(f"rows[{i}] has {len(r)} values, expected one per column ({len(columns)})")
    places = [digits] * len(columns) if isinstance(digits, int) else list(digits)
    if len(places) != len(columns) or any(not isinstance(d, int) or d < 0 for d in places):
        raise ValueError(
            f"digits must be a non-negative int or one per column ({len(columns)}), got {digits!r}"
        )
    best = best or {}
    bold = {}
    for name, how in best.items():
        if name not in columns:
            raise ValueError(f"best names a column {name!r} that is not in columns {columns}")
        if how not in ("max", "min"):
            raise ValueError(f"best[{name!r}] must be 'max' or 'min', got {how!r}")
        j = columns.index(name)
        numbers = [r[j] for r in rows if isinstance(r[j], (int, float)) and not isinstance(r[j], bool)]
        if numbers:
            bold[j] = max(numbers) if how == "max" else min(numbers)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        cells = []
        for j, v in enumerate(r):
            text = _cell(v, places[j])
            is_best = j in bold and not isinstance(v, (str, bool)) and v == bold[j]
            cells.append(f"**{text}**" if is_best else text)
        lines.append("| " + " | ".join(cells) + " |")
    return Markdown("\n".join(lines))
