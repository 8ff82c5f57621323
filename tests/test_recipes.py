"""utils.recipes: the AE-30 (notebook 02) and the VAE-32 (notebook 06), kept in the weight cache."""

from __future__ import annotations

import pytest
import torch

import utils.recipes as recipes
from utils.cache import CACHE_ENV_VAR
from utils.recipes import train_ae30, train_vae32


@pytest.fixture()
def tiny(monkeypatch, tmp_path):
    """Tiny recipes on random data, a private cache folder and a counter of training runs."""
    for recipe in (recipes.AE30_RECIPE, recipes.VAE32_RECIPE):
        monkeypatch.setitem(recipe, "hidden", (8,))
        monkeypatch.setitem(recipe, "epochs", 1)
        monkeypatch.setitem(recipe, "batch_size", 32)
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    calls = []
    real_fit = recipes.fit

    def counting_fit(model, loss_fn, *args, **kwargs):
        calls.append(kwargs["desc"])
        return real_fit(model, loss_fn, *args, progress=False, **kwargs)

    monkeypatch.setattr(recipes, "fit", counting_fit)
    g = torch.Generator().manual_seed(0)
    return torch.rand(64, 1, 28, 28, generator=g), torch.rand(16, 1, 28, 28, generator=g), calls


def test_ae30_trains_once_and_is_then_loaded(tiny):
    x_train, x_val, calls = tiny
    model, history = train_ae30(x_train, x_val, cache="refresh")
    assert calls == ["AE-30"] and set(history) == {
        "train_loss",
        "train_sse",
        "val_loss",
        "val_sse",
        "epoch_seconds",
    }
    assert model.encode(x_val).shape == (16, 30) and not model.training
    again, _ = train_ae30(x_train, x_val)
    assert calls == ["AE-30"]
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters(), strict=True))


def test_vae32_trains_on_binarised_images_with_warm_up(tiny):
    x_train, _, calls = tiny
    model, history = train_vae32(x_train, cache="refresh")
    assert calls == ["VAE-32"] and model.latent_dim == 32
    assert {"train_rec", "train_kl", "train_neg_elbo"} <= set(history)
    train_vae32(x_train)
    assert calls == ["VAE-32"]
    train_vae32(x_train, seed=1)
    assert calls == ["VAE-32", "VAE-32"], "another seed is another model"


@pytest.mark.parametrize(
    ("x_train", "match"),
    [
        (torch.rand(4, 784), "x_train must have 4 dimensions"),
        (torch.rand(4, 1, 14, 14), "MNIST images N×1×28×28"),
        (torch.rand(4, 1, 28, 28) * 2, r"x_train must have values in \[0.0, 1.0\]"),
    ],
)
def test_recipes_reject_bad_inputs(x_train, match):
    with pytest.raises(ValueError, match=match):
        train_ae30(x_train, torch.rand(2, 1, 28, 28), cache="off")
    with pytest.raises(ValueError, match=match):
        train_vae32(x_train, cache="off")
