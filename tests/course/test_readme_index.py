"""README.md's course index is the one scripts/course_index.py makes from the committed notebooks."""

import course_index
from notebook_json import ROOT


def test_readme_index_matches_the_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course_index.updated_readme(readme, course_index.build_table()) == readme, (
        "README.md course index is out of date: run `make index`"
    )
