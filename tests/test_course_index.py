"""scripts/course_index.py: the index table from the notebooks' committed outputs, with clear errors.

That README.md's table matches the committed notebooks is checked in tests/course/test_readme_index.py.
"""

import json
from pathlib import Path

import course_index
import pytest


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
