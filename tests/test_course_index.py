"""The README's course index is generated from the notebooks' committed outputs."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import course_index  # noqa: E402


def test_readme_index_matches_the_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course_index.updated_readme(readme, course_index.build_table()) == readme, (
        "README.md course index is out of date: run `make index`"
    )


def test_bad_notebook_is_named(tmp_path: Path):
    (tmp_path / "07_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="07_broken.ipynb: not valid notebook JSON"):
        course_index.build_table(tmp_path)


def test_missing_headline_is_named(tmp_path: Path):
    nb = {
        "metadata": {"course": {"summary": "x"}},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [{"output_type": "stream", "text": "время выполнения блокнота: 5 с"}],
            }
        ],
    }
    (tmp_path / "08_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match="08_x.ipynb: no output from a cell tagged 'headline'"):
        course_index.build_table(tmp_path)
