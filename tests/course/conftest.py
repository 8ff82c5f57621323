"""Fixtures of the course-quality tests: Chromium for the browser tests (decks, JupyterLab)."""

from __future__ import annotations

import pytest
from browser import find_or_install_chromium


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium for the browser tests (decks, JupyterLab): installed with apt-get if missing."""
    try:
        return find_or_install_chromium()
    except RuntimeError as err:
        pytest.fail(str(err))
