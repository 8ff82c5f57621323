"""Rules for the whole utils package: public PyTorch API only, imports at the top of each module."""

import ast
import re
from pathlib import Path

import pytest

UTILS = sorted((Path(__file__).resolve().parents[2] / "utils").glob("*.py"))


@pytest.mark.parametrize("path", UTILS, ids=lambda p: p.name)
def test_only_public_pytorch_api(path):
    text = path.read_text(encoding="utf-8")
    private = re.findall(r"\btorch\._(?!_)\w+", text) + re.findall(r"__wrapped__", text)
    assert not private, f"{path.name} uses private PyTorch API: {private}"


@pytest.mark.parametrize("path", UTILS, ids=lambda p: p.name)
def test_imports_sit_at_the_top_of_the_module(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = [
        f"line {node.lineno}"
        for func in ast.walk(tree)
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(func)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    assert not inside, f"{path.name} imports inside a function ({', '.join(inside)}): move it to the top"


def test_the_rules_catch_what_they_name(tmp_path):
    bad = "def f():\n    import torch\n    return torch._foreach_norm\n"
    assert re.findall(r"\btorch\._(?!_)\w+", bad + "torch.__version__") == ["torch._foreach_norm"]
    tree = ast.parse(bad)
    assert any(
        isinstance(n, ast.Import)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        for n in ast.walk(f)
    )
