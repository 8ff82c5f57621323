"""Docstrings say which notebook introduces each public helper, and that is true.

The rule: a public name of ``utils`` that the notebooks use names, first in its docstring, the
first notebook (in course order) whose code uses it. Plumbing that no notebook calls directly
(it works inside another helper) may name the notebook where it takes effect, or none.
"""

import importlib
import inspect
import pkgutil
import re

import pytest
from notebook_json import course_notebooks, read_notebook, source_of

import utils

NOTEBOOKS = course_notebooks()
NAMED = re.compile(r"notebooks? (\d\d)")


def notebook_code() -> dict[str, str]:
    code = {}
    for path in NOTEBOOKS:
        cells = read_notebook(path)["cells"]
        code[path.name[:2]] = "\n".join(source_of(c) for c in cells if c["cell_type"] == "code")
    return code


def public_helpers():
    seen = {}
    for info in pkgutil.iter_modules(utils.__path__):
        module = importlib.import_module(f"utils.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
                seen[f"{module.__name__}.{name}"] = obj
    return sorted(seen.items())


def first_user(name: str, code: dict[str, str]) -> str | None:
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return next((nb for nb, text in code.items() if pattern.search(text)), None)


def provenance_errors(helpers, code) -> list[str]:
    errors = []
    for qualname, obj in helpers:
        named = NAMED.search(inspect.getdoc(obj) or "")
        user = first_user(obj.__name__, code)
        if named and named.group(1) not in code:
            errors.append(f"{qualname}: names notebook {named.group(1)}, which does not exist")
        elif user and not named:
            errors.append(f"{qualname}: first used in notebook {user}; its docstring names no notebook")
        elif named and user and user != named.group(1):
            said = named.group(1)
            errors.append(f"{qualname}: docstring says notebook {said}, but it is first used in {user}")
    return errors


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
def test_docstrings_name_the_notebook_that_introduces_each_helper():
    errors = provenance_errors(public_helpers(), notebook_code())
    assert not errors, "\n".join(errors)


def test_the_rule_catches_a_wrong_notebook():
    def shown_in_02():
        """A helper (notebook 03)."""

    def unnamed():
        """A helper."""

    def plumbing():
        """Works inside another helper (notebook 07)."""

    code = {"01": "x = 1", "02": "shown_in_02(x); unnamed()", "03": "shown_in_02(y)"}
    helpers = [("m.shown_in_02", shown_in_02), ("m.unnamed", unnamed), ("m.plumbing", plumbing)]
    errors = provenance_errors(helpers, code)
    assert errors == [
        "m.shown_in_02: docstring says notebook 03, but it is first used in 02",
        "m.unnamed: first used in notebook 02; its docstring names no notebook",
        "m.plumbing: names notebook 07, which does not exist",
    ]
