"""The course notebooks as plain JSON: find them, read them, write them back, look into cells.

Every script and test that reads a notebook does it through this module, so a notebook that is not
valid JSON, or not a notebook, gets the same clear error everywhere. A notebook is kept as the plain
dict ``json.loads`` gives (not an ``nbformat`` node), so that :func:`write_notebook` writes the parts
nobody changed back byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
PATTERN = "[0-9][0-9]_*.ipynb"  # the course notebooks: NN_topic.ipynb


class NotebookError(ValueError):
    """A file that cannot be read as a Jupyter notebook; the message names the file."""


def course_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course notebooks ``NN_topic.ipynb`` of ``folder``, in course order."""
    return sorted(Path(folder).glob(PATTERN))


def read_notebook(path: Path) -> dict:
    """The notebook at ``path`` as plain JSON; a :class:`NotebookError` naming the file for bad input."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise NotebookError(f"{path}: cannot read the notebook ({err.strerror})") from err
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotebookError(
            f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from err
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path}: not a Jupyter notebook (no 'cells' list)")
    if nb.get("nbformat") != 4:
        raise NotebookError(f"{path}: nbformat {nb.get('nbformat')!r} is not supported (expected 4)")
    return nb


def dumps_notebook(nb: dict) -> str:
    """nbformat's layout (indent 1, sorted keys, UTF-8 kept), so unchanged parts stay byte-identical."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_notebook(path: Path, nb: dict) -> None:
    """Write ``nb`` to ``path`` in nbformat's layout (see :func:`dumps_notebook`)."""
    Path(path).write_text(dumps_notebook(nb), encoding="utf-8")


def text_of(value) -> str:
    """A notebook's multi-line string: stored as one string or as a list of lines."""
    return "".join(value) if isinstance(value, list) else (value or "")


def source_of(cell: dict) -> str:
    """The cell's source as one string."""
    return text_of(cell.get("source", ""))


def tags_of(cell: dict) -> list[str]:
    """The cell's tags (``metadata.tags``)."""
    return list(cell.get("metadata", {}).get("tags", []))


def code_cells(nb: dict) -> list[dict]:
    """The code cells of ``nb``, in order."""
    return [c for c in nb["cells"] if c.get("cell_type") == "code"]


def printed_text(cell: dict, stream: str = "stdout") -> str:
    """What a code cell printed to ``stream`` in its saved outputs."""
    return "".join(
        text_of(o.get("text", ""))
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name", "stdout") == stream
    )
