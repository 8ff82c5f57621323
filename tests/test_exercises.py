"""utils.exercises: the self-checks of the «Задание» cells and their student-edition guard."""

import pytest

from utils.exercises import check, is_done, require


def test_exercise_checks(capsys):
    with pytest.raises(AssertionError, match="Задание не выполнено"):
        require(None, "answer")
    assert require(5, "answer") == 5
    check(True, "msg", success="ok")
    assert "ok" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="Пока не так: bad"):
        check(False, "bad")


def test_is_done_prints_and_skips_an_unfinished_answer(capsys):
    assert is_done(0, "answer") is True and capsys.readouterr().out == ""
    for unfinished in (None, ...):
        assert is_done(unfinished, "answer") is False
        assert "Задание не выполнено: заполните «answer»" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="«answer»"):
        require(..., "answer")
