"""scripts/student.py: solutions become stubs, self-checks are guarded, and a student edition runs to the end.

The course's own notebooks are checked in tests/course/test_student_editions.py.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest
import student
from kernel_run import execute, printed
from notebook_json import read_notebook, source_of

from utils.exercises import check, require


def test_assigned_names():
    src = "a, (b, *c) = 1, (2, 3)\nd: int = 4\ne += 1\ndef f(x, y):\n    z = 1\n    return z\nobj.attr = 5\n"
    assert student.assigned_names(src) == ["a", "b", "c", "d", "e", "f"]
    stub = student.stub_for("def my_kl(mu, logvar):\n    return mu\n")
    assert stub.startswith("# Ваш код здесь") and "my_kl = None" in stub and "return" not in stub
    with pytest.raises(student.StudentError):
        student.stub_for("print(1)")


def test_guarded_check():
    src = 'require(a, "a")\nrequire(b, "b")\ncheck(a + b == 3,\n      "сумма")\n'
    guarded = student.guarded_check(src)
    assert 'if all([is_done(a, "a"), is_done(b, "b")]):' in guarded
    namespace = {"require": require, "check": check}
    exec(guarded, {**namespace, "a": 1, "b": 2})  # finished: the check runs and passes
    with pytest.raises(AssertionError, match="Пока не так"):
        exec(guarded, {**namespace, "a": 1, "b": 1})  # finished but wrong: the check still fails
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(guarded, {**namespace, "a": None, "b": 2})
    assert out.getvalue().count("Задание не выполнено") == 1 and "«a»" in out.getvalue()
    with pytest.raises(student.StudentError, match="multi-line string"):
        student.guarded_check('require(a, "a")\ntext = """раз\nдва"""\n')
    with pytest.raises(student.StudentError, match="no variable"):
        student.guarded_check("check(True, 'x')")


def _synthetic_notebook() -> dict:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("from utils.exercises import check, require\nx = 2"),
        nbformat.v4.new_code_cell("answer = x ** 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell(
            'require(answer, "answer")\ncheck(answer.bit_length() == 3, "квадрат двойки")',
            metadata={"tags": ["check"]},
        ),
        nbformat.v4.new_code_cell("def twice(v):\n    return 2 * v", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell(
            'require(twice, "twice")\ncheck(twice(3) == 6, "удвоение")', metadata={"tags": ["check"]}
        ),
        nbformat.v4.new_code_cell("print('конец блокнота')"),
    ]
    return json.loads(nbformat.writes(nb))


def test_student_edition_of_a_synthetic_notebook_runs_to_the_end(tmp_path):
    edition = student.student_edition(_synthetic_notebook(), "synthetic")
    done = execute(edition, tmp_path)  # nbclient stops with CellExecutionError on any exception
    assert "конец блокнота" in printed(done["cells"][-1])
    for index in (2, 4):
        assert "Задание не выполнено" in printed(done["cells"][index])
    full = execute(_synthetic_notebook(), tmp_path)  # with the solutions the checks pass
    assert [printed(full["cells"][i]).strip() for i in (2, 4)] == ["✓ Верно!", "✓ Верно!"]


def test_make_student_writes_editions(tmp_path, capsys):
    source = tmp_path / "01_x.ipynb"
    source.write_text(json.dumps(_synthetic_notebook()), encoding="utf-8")
    assert student.main(["--out", str(tmp_path / "student"), str(source)]) == 0
    assert "2 solution cell(s) replaced by stubs" in capsys.readouterr().out
    edition = read_notebook(tmp_path / "student" / "01_x.ipynb")
    assert [source_of(c).startswith(student.STUB_MARK) for c in edition["cells"]] == [0, 1, 0, 1, 0, 0]


def test_a_bad_notebook_is_named(tmp_path, capsys):
    bad = tmp_path / "02_broken.ipynb"
    bad.write_text("{", encoding="utf-8")
    assert student.main(["--out", str(tmp_path / "student"), str(bad)]) == 2
    assert "02_broken.ipynb: not valid JSON" in capsys.readouterr().err
    nb = _synthetic_notebook()
    nb["cells"][1]["source"] = "print(x)"  # a solution that assigns nothing
    with pytest.raises(student.StudentError, match="x.ipynb: cell 1 \\(solution\\)"):
        student.student_edition(nb, "x.ipynb")
