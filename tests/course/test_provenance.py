"""Docstrings say which notebook introduces each public helper and each module, and that is true.

The rule for a helper: a public name of ``utils`` that the notebooks use names, first in its docstring,
the first notebook (in course order) whose code uses it. Plumbing that no notebook calls directly (it
works inside another helper) may name the notebook where it takes effect, or none.

The rule for a module: every notebook its docstring names exists, and the notebook it says introduces
it («introduced in notebook NN», or the «(notebook NN…)» of its first line) is the first notebook whose
code imports the module or uses one of its public names. A module no notebook uses directly (plumbing
that works inside other helpers) may name the notebook where it takes effect.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re

import pytest
from notebook_json import course_notebooks, read_notebook, source_of

import utils

NOTEBOOKS = course_notebooks()
NAMED = re.compile(r"notebooks? (\d\d)")
# A mention of notebooks in prose: «notebook 04», «notebooks 02, 04 and 06», «notebooks 05–07»,
# «the notebook-01 classifier», «reused in 03 and 04».
MENTION = re.compile(
    r"(?:\bnotebooks?[ -]|\b(?:re)?used in )"
    r"(\d\d(?:\s*(?:,\s*(?:and\s+|or\s+)?|\band\b|\bor\b|[–-])\s*\d\d)*)\b",
    re.IGNORECASE,
)
INTRODUCED = re.compile(r"\bintroduced in notebook (\d\d)\b", re.IGNORECASE)
FIRST_LINE = re.compile(r"\(notebooks? (\d\d)")


def notebook_code() -> dict[str, str]:
    """The code of every course notebook, by its number."""
    code = {}
    for path in NOTEBOOKS:
        cells = read_notebook(path)["cells"]
        code[path.name[:2]] = "\n".join(source_of(c) for c in cells if c["cell_type"] == "code")
    return code


def _modules():
    return [importlib.import_module(f"utils.{info.name}") for info in pkgutil.iter_modules(utils.__path__)]


def public_helpers():
    seen = {}
    for module in _modules():
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


def named_notebooks(doc: str) -> list[str]:
    """Every notebook number a docstring mentions, ranges («05–07») expanded, in order of mention."""
    found: list[str] = []
    for mention in MENTION.finditer(doc):
        text = mention.group(1)
        for a, b in re.findall(r"(\d\d)\s*[–-]\s*(\d\d)", text):
            found += [f"{n:02d}" for n in range(int(a), int(b) + 1)]
        found += re.findall(r"\d\d", text)
    return sorted(set(found), key=found.index)


def introducing_notebook(doc: str) -> str | None:
    """The notebook a module docstring says introduces the module, if it says so."""
    if m := INTRODUCED.search(doc):
        return m.group(1)
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    m = FIRST_LINE.search(first)
    return m.group(1) if m else None


def module_users(name: str, public: list[str], code: dict[str, str]) -> list[str]:
    """Notebooks whose code imports ``utils.<name>`` or uses one of its public names, in course order."""
    patterns = [rf"\butils\.{re.escape(name)}\b", *(rf"\b{re.escape(p)}\b" for p in public)]
    found = re.compile("|".join(patterns))
    return [nb for nb, text in code.items() if found.search(text)]


def module_errors(modules: list[tuple[str, str, list[str]]], code: dict[str, str]) -> list[str]:
    """Problems in module docstrings; ``modules`` holds (short name, docstring, public names)."""
    errors = []
    for name, doc, public in modules:
        missing = [nb for nb in named_notebooks(doc) if nb not in code]
        if missing:
            errors.append(f"utils/{name}.py: its docstring names notebook(s) {missing}, which do not exist")
        said = introducing_notebook(doc)
        if said is None or said in missing:
            continue
        users = module_users(name, public, code)
        if users and users[0] != said:  # no notebook uses it directly: plumbing, as for helpers
            errors.append(
                f"utils/{name}.py: docstring says notebook {said} introduces it, but {users[0]} uses it first"
            )
    return errors


def utils_modules() -> list[tuple[str, str, list[str]]]:
    out = []
    for module in _modules():
        doc = ast.get_docstring(ast.parse(inspect.getsource(module))) or ""
        out.append((module.__name__.split(".")[-1], doc, list(getattr(module, "__all__", []))))
    return out


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
def test_docstrings_name_the_notebooks_that_introduce_helpers_and_modules():
    code = notebook_code()
    errors = provenance_errors(public_helpers(), code) + module_errors(utils_modules(), code)
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


@pytest.mark.parametrize(
    ("doc", "named"),
    [
        ("Probing (notebook 02; reused in notebooks 05–07).", ["02", "05", "06", "07"]),
        ("Published numbers (notebooks 02, 04 and 06).", ["02", "04", "06"]),
        ("PCA (notebook 02; reused in 03 and 04). Images 28×28, 20 px.", ["02", "03", "04"]),
        ("Features of the notebook-01 classifier, FID (Heusel et al., 2017).", ["01"]),
        ("Introduced in notebook 04 and reused in notebook 05.", ["04", "05"]),
        ("Models that one notebook introduces and later notebooks reuse.", []),
    ],
)
def test_notebooks_named_in_a_module_docstring(doc, named):
    assert named_notebooks(doc) == named


def test_the_module_rule_catches_a_wrong_or_missing_notebook():
    code = {
        "01": "import utils\nx = utils.setup()",
        "02": "from utils.noise import salt",
        "03": "utils.noise.salt(x)",
    }
    modules = [
        ("runtime", "Run-time settings (introduced in notebook 01).", ["setup"]),
        ("noise", "Noise models (introduced in notebook 03).", ["salt"]),
        ("latent", "Probing codes (notebook 02; reused in notebooks 05–07).", ["paths"]),
        ("quiet", "Plumbing no notebook calls (notebook 02).", ["hush"]),
        ("vae", "The VAE (notebook 01).", ["VAE"]),
        ("models", "Models that one notebook introduces and later notebooks reuse.", ["MLP"]),
    ]
    assert module_errors(modules, code) == [
        "utils/noise.py: docstring says notebook 03 introduces it, but 02 uses it first",
        "utils/latent.py: its docstring names notebook(s) ['05', '06', '07'], which do not exist",
    ]
