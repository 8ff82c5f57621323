"""Showing library code inside a notebook (introduced in notebook 01)."""

from __future__ import annotations

import inspect

__all__ = ["show_source"]


def show_source(obj) -> None:
    """Display the source of a class or function from :mod:`utils` as highlighted code.

    Notebooks use it so the model a lesson teaches is read in the notebook, while the
    one copy of the code lives in ``utils`` for later notebooks to import.
    """
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        raise ValueError(f"obj must be a class or a function, got {type(obj).__name__}")
    from IPython.display import Markdown, display

    display(Markdown(f"```python\n{inspect.getsource(obj)}```"))
