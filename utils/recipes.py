"""Training recipes that one notebook teaches and a later notebook reuses.

* :func:`train_ae30` — the AE-30 of notebook 02 (the Hinton & Salakhutdinov anchor);
  notebook 05 compares its VAE with exactly this model.

The split every caller uses (notebook 02 and notebook 05)::

    x_all, y_all = utils.load_mnist("train")
    (x_train, y_train), (x_val, y_val) = utils.train_val_split(x_all, y_all, val_size=5000, seed=0)
    ae30, history = train_ae30(x_train, x_val)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import torch

from .checks import check_positive_int, check_tensor
from .losses import reconstruction_bce
from .models import Autoencoder
from .training import adam_one_cycle, fit

__all__ = ["AE30_RECIPE", "CACHE_ENV_VAR", "ae30_cache_path", "bce_sse_loss", "train_ae30"]

CACHE_ENV_VAR = "AE_COURSE_CACHE"

#: Hyper-parameters of the AE-30 (notebook 02). Changing any of them changes the cache key.
AE30_RECIPE = {
    "code_dim": 30,
    "hidden": (512, 256),
    "batch_size": 128,
    "max_lr": 3e-3,
    "epochs": 18,
}


def bce_sse_loss(model, x):
    """Loss for :func:`utils.fit`: BCE summed over pixels (trained), SSE per image (logged) (notebook 02)."""
    x_hat = model(x)
    bce = reconstruction_bce(x_hat, x)
    sse = (x_hat.detach() - x).pow(2).sum() / x.shape[0]
    return {"loss": bce, "sse": sse}


def _cache_dir() -> Path:
    root = os.environ.get(CACHE_ENV_VAR)
    return Path(root) if root else Path.home() / ".cache" / "autoencoders-course"


def _recipe_key(recipe: dict, model: torch.nn.Module, seed: int, x_train, x_val) -> str:
    description = {
        "recipe": {k: list(v) if isinstance(v, tuple) else v for k, v in recipe.items()},
        "architecture": repr(model),
        "seed": seed,
        "train_shape": list(x_train.shape),
        "val_shape": list(x_val.shape),
        "train_sum": round(float(x_train.double().sum()), 3),
        "torch": torch.__version__,
    }
    blob = json.dumps(description, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def ae30_cache_path(x_train: torch.Tensor, x_val: torch.Tensor, *, seed: int = 0) -> Path:
    """Where :func:`train_ae30` keeps the weights for these data and seed (notebook 02).

    The directory is ``$AE_COURSE_CACHE`` if set, else ``~/.cache/autoencoders-course``;
    the file name holds a hash of the recipe, the architecture, the seed, the data sizes
    and the torch version, so any change trains a fresh model.
    """
    model = Autoencoder(AE30_RECIPE["code_dim"], AE30_RECIPE["hidden"])
    return _cache_dir() / f"ae30-{_recipe_key(AE30_RECIPE, model, seed, x_train, x_val)}.pt"


def train_ae30(x_train, x_val, *, device=None, seed: int = 0, progress: bool = True, cache="use"):
    """Train the AE-30 of notebook 02 and return ``(model, history)`` (notebook 02, reused in 05).

    ``x_train``/``x_val``: MNIST images N×1×28×28 in [0, 1] from
    ``utils.train_val_split(x_all, y_all, val_size=5000, seed=0)`` of the MNIST training set.
    Trains :class:`utils.models.Autoencoder` with :func:`bce_sse_loss` and Adam under a
    OneCycle schedule (:data:`AE30_RECIPE`). The model comes back on the CPU in eval mode;
    ``history`` is what :func:`utils.fit` returned (from the cache: the history saved with
    the weights).

    ``cache``: ``"use"`` (or ``True``) loads the weights from :func:`ae30_cache_path` when
    present, else trains and saves them there; ``"refresh"`` always trains and saves (notebook
    02, which teaches the model, so that notebook 05 can reuse it); ``"off"`` (or ``False``)
    neither reads nor writes. Any failure to read or write the cache falls back to training.
    """
    modes = {True: "use", False: "off", "use": "use", "refresh": "refresh", "off": "off"}
    if not isinstance(cache, (bool, str)) or cache not in modes:
        raise ValueError(f"cache must be 'use', 'refresh' or 'off', got {cache!r}")
    cache = modes[cache]
    check_tensor("x_train", x_train, ndim=(4,), floating=True, min_value=0.0, max_value=1.0, min_len=1)
    check_tensor("x_val", x_val, ndim=(4,), floating=True, min_value=0.0, max_value=1.0, min_len=1)
    if x_train.shape[1:] != (1, 28, 28) or x_val.shape[1:] != (1, 28, 28):
        raise ValueError(
            "x_train and x_val must be MNIST images N×1×28×28, "
            f"got {tuple(x_train.shape)} and {tuple(x_val.shape)}"
        )
    check_positive_int("seed", seed, allow_zero=True)
    r = AE30_RECIPE
    torch.manual_seed(seed)
    model = Autoencoder(r["code_dim"], r["hidden"])
    path = ae30_cache_path(x_train, x_val, seed=seed) if cache != "off" else None
    if cache == "use":
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(saved["state_dict"])
            history = {k: list(v) for k, v in saved["history"].items()}
            print(f"AE-30: веса загружены из кэша ({path.name}), обучение пропущено")
            return model.eval(), history
        except Exception:  # noqa: BLE001 — a missing or broken cache means: train
            pass
    n, batch = x_train.shape[0], r["batch_size"]
    history = fit(
        model,
        bce_sse_loss,
        x_train,
        x_val,
        epochs=r["epochs"],
        batch_size=batch,
        optimizer=adam_one_cycle(r["max_lr"], r["epochs"], n_train=n, batch_size=batch),
        device=device,
        seed=seed,
        progress=progress,
        desc="AE-30",
    )
    model = model.cpu().eval()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            torch.save({"state_dict": model.state_dict(), "history": history}, tmp)
            os.replace(tmp, path)
            print(f"AE-30: обучено, веса сохранены в кэш ({path.name})")
        except Exception:  # noqa: BLE001 — the cache is an optimisation, never an error
            print("AE-30: обучено, кэш недоступен — веса не сохранены")
    return model, history
