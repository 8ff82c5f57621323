"""Self-checks for the «Задание» cells (introduced in notebook 01).

A solution cell assigns a variable; in the student edition it is replaced by a stub
that leaves the variable as ``None``. The check cell then fails with a clear hint;
in the student edition (scripts/student.py) the check cell is guarded by ``is_done``,
which prints «Задание не выполнено…» and skips the check, so «Run All» goes on.
"""

from __future__ import annotations

__all__ = ["require", "check", "is_done"]

NOT_DONE = "Задание не выполнено: заполните «{name}» в ячейке выше и запустите её."


def _unfinished(value) -> bool:
    return value is None or value is Ellipsis


def require(value, name: str):
    """Fail with «Задание не выполнено» if the student has not filled in ``name`` yet (notebook 01)."""
    if _unfinished(value):
        raise AssertionError(NOT_DONE.format(name=name))
    return value


def is_done(value, name: str) -> bool:
    """True once ``name`` is filled in; otherwise print «Задание не выполнено…» and return False."""
    if _unfinished(value):
        print(NOT_DONE.format(name=name) + " Проверка пропущена.")
        return False
    return True


def check(condition: bool, message: str, success: str = "Верно!") -> None:
    """Print ``success`` if ``condition`` holds, otherwise raise AssertionError(``message``) (notebook 01)."""
    if not condition:
        raise AssertionError(f"Пока не так: {message}")
    print(f"✓ {success}")
