"""Showing library code inside a notebook (introduced in notebook 01)."""

from __future__ import annotations

import inspect

__all__ = ["n_epochs", "show_source"]


def show_source(obj) -> None:
    """Display the source of a class or function from :mod:`utils` as highlighted code (notebook 01).

    Notebooks use it so the model a lesson teaches is read in the notebook, while the
    one copy of the code lives in ``utils`` for later notebooks to import.
    """
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        raise ValueError(f"obj must be a class or a function, got {type(obj).__name__}")
    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{inspect.getsource(obj)}```"))


def n_epochs(n: int) -> str:
    """``n`` and the Russian word for epochs in its form: 1 эпоха, 24 эпохи, 5 эпох (notebook 01)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    if n % 10 == 1 and n % 100 != 11:
        word = "эпоха"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "эпохи"
    else:
        word = "эпох"
    return f"{n} {word}"
