"""Trained weights kept on disk, so that a later notebook reuses a model an earlier one trained (notebook 02).

The file for a model lives in ``$AE_COURSE_CACHE`` (default ``~/.cache/autoencoders-course``);
its name is a hash of everything that determines the weights: the recipe, the architecture,
the seed, the training data and the torch version. Any change trains a fresh model.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import torch

from .checks import check_tensor

__all__ = ["CACHE_ENV_VAR", "cache_path", "load_or_train"]

CACHE_ENV_VAR = "AE_COURSE_CACHE"
_MODES = {True: "use", False: "off", "use": "use", "refresh": "refresh", "off": "off"}


def cache_path(name: str, model: torch.nn.Module, recipe: dict, seed: int, data) -> Path:
    """The file where :func:`load_or_train` keeps the weights ``recipe`` gives on ``data`` (notebook 02)."""
    for i, t in enumerate(data):
        check_tensor(f"data[{i}]", t, finite=False)
    description = {
        "name": name,
        "recipe": {k: list(v) if isinstance(v, tuple) else v for k, v in recipe.items()},
        "architecture": repr(model),
        "seed": seed,
        "data": [[list(t.shape), round(float(t.double().sum()), 3)] for t in data],
        "torch": torch.version.__version__,
    }
    key = hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:16]
    root = os.environ.get(CACHE_ENV_VAR)
    return (Path(root) if root else Path.home() / ".cache" / "autoencoders-course") / f"{name}-{key}.pt"


def load_or_train(
    name: str,
    model: torch.nn.Module,
    train: Callable[[], dict],
    *,
    recipe: dict,
    seed: int,
    data,
    taught_in: str,
    cache="use",
) -> tuple[torch.nn.Module, dict]:
    """``(model, history)``: the saved weights if present, else ``train()`` and save them (notebook 02).

    ``train()`` trains ``model`` in place and returns its history. ``cache``: ``"use"`` loads
    the weights when present, else trains and saves them; ``"refresh"`` always trains and saves
    (the notebook that teaches the model, ``taught_in``); ``"off"`` neither reads nor writes.
    A missing or unreadable file means: train. The model comes back on the CPU in eval mode.
    """
    if not isinstance(cache, (bool, str)) or cache not in _MODES:
        raise ValueError(f"cache must be 'use', 'refresh' or 'off', got {cache!r}")
    mode = _MODES[cache]
    path = cache_path(name, model, recipe, seed, data)
    if mode == "use" and path.exists():
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(saved["state_dict"])
            print(f"{name}: веса, обученные в блокноте {taught_in}, загружены — обучение пропущено")
            return model.cpu().eval(), {k: list(v) for k, v in saved["history"].items()}
        except Exception:  # an unreadable or stale file: train again
            pass
    history = train()
    model = model.cpu().eval()
    if mode != "off":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            torch.save({"state_dict": model.state_dict(), "history": history}, tmp)
            os.replace(tmp, path)
        except OSError:
            print(
                f"{name}: веса не сохранены (папка кэша недоступна); следующие блокноты обучат модель заново"
            )
    return model, history
