"""Self-checks for the «Задание» cells (introduced in notebook 02).

A solution cell assigns a variable; in the student edition it is replaced by a stub
that leaves the variable as ``None``. The check cell then fails with a clear hint.
"""

from __future__ import annotations

__all__ = ["require", "check"]


def require(value, name: str):
    """Fail with «Задание не выполнено» if the student has not filled in ``name`` yet."""
    if value is None or value is Ellipsis:
        raise AssertionError(f"Задание не выполнено: заполните «{name}» в ячейке выше и запустите её.")
    return value


def check(condition: bool, message: str, success: str = "Верно!") -> None:
    """Print ``success`` if ``condition`` holds, otherwise raise AssertionError(``message``)."""
    if not condition:
        raise AssertionError(f"Пока не так: {message}")
    print(f"✓ {success}")
