"""Run a notebook (plain JSON) in a fresh Python kernel with nbclient, the course's utils importable."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def execute(nb: dict, cwd: Path, timeout: int = 1800) -> dict:
    """The notebook after a run from top to bottom in ``cwd``; nbclient raises on any exception."""
    import nbclient
    import nbformat

    node = nbformat.reads(json.dumps(nb), as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env_path]))
    try:
        nbclient.NotebookClient(
            node, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
        ).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
    return json.loads(nbformat.writes(node))


def printed(cell: dict) -> str:
    """Everything a code cell printed (stream outputs)."""
    return "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
        for o in cell.get("outputs", [])
    )
