"""pyproject.toml and environment.yml must install the same packages."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    pip_names = {_name(r) for r in meta["dependencies"] + extras["dev"] + extras["site"]}
    conda_names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s+- ([A-Za-z][\w.-]*)", line)
        if m and not line.strip().startswith("- -e"):
            conda_names.add(CONDA_NAMES.get(m.group(1).lower(), m.group(1).lower()))
    conda_names -= {"python", "pip"}
    assert conda_names == pip_names, (
        f"only in environment.yml: {sorted(conda_names - pip_names)}; "
        f"only in pyproject.toml: {sorted(pip_names - conda_names)}"
    )


def test_floors_match():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = {_name(r): r.split(">=")[1] for r in meta["dependencies"] if ">=" in r}
    text = (ROOT / "environment.yml").read_text()
    for name, floor in floors.items():
        conda = "pytorch" if name == "torch" else name
        assert f"- {conda}>={floor}" in text, f"environment.yml should pin {conda}>={floor}"
