"""Tests for utils.recipes: the AE-30 recipe of notebook 02 and its weight cache."""

from __future__ import annotations

import pytest
import torch

import utils.recipes as recipes
from utils.recipes import ae30_cache_path, train_ae30


@pytest.fixture()
def tiny(monkeypatch, tmp_path):
    """A tiny recipe on random data, a private cache directory and a counter of training runs."""
    monkeypatch.setitem(recipes.AE30_RECIPE, "hidden", (8,))
    monkeypatch.setitem(recipes.AE30_RECIPE, "epochs", 1)
    monkeypatch.setitem(recipes.AE30_RECIPE, "batch_size", 32)
    monkeypatch.setenv(recipes.CACHE_ENV_VAR, str(tmp_path / "cache"))
    calls = []
    real_fit = recipes.fit

    def counting_fit(*args, **kwargs):
        calls.append(kwargs.get("epochs"))
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(recipes, "fit", counting_fit)
    g = torch.Generator().manual_seed(0)
    x_train, x_val = torch.rand(64, 1, 28, 28, generator=g), torch.rand(16, 1, 28, 28, generator=g)
    return x_train, x_val, calls, tmp_path / "cache"


def _same_weights(a, b):
    pairs = zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    return all(torch.equal(p, q) for p, q in pairs)


def test_cache_miss_then_hit(tiny, capsys):
    x_train, x_val, calls, cache = tiny
    model, history = train_ae30(x_train, x_val, progress=False)
    assert calls == [1] and "сохранены в кэш" in capsys.readouterr().out
    assert ae30_cache_path(x_train, x_val).parent == cache and ae30_cache_path(x_train, x_val).exists()
    assert not model.training and model.encode(x_val).shape == (16, 30)
    again, history_again = train_ae30(x_train, x_val, progress=False)
    assert calls == [1], "a cache hit must not train"
    assert "загружены из кэша" in capsys.readouterr().out
    assert _same_weights(model, again) and history_again == history and not again.training


def test_cache_key_changes_with_recipe_seed_and_data(tiny, monkeypatch):
    x_train, x_val, calls, _ = tiny
    path = ae30_cache_path(x_train, x_val)
    assert ae30_cache_path(x_train, x_val, seed=1) != path
    assert ae30_cache_path(x_train[:32], x_val) != path
    train_ae30(x_train, x_val, progress=False)
    monkeypatch.setitem(recipes.AE30_RECIPE, "max_lr", 1e-3)
    assert ae30_cache_path(x_train, x_val) != path
    train_ae30(x_train, x_val, progress=False)
    assert calls == [1, 1], "a changed hyper-parameter must miss the cache"


def test_corrupt_cache_falls_back_to_training(tiny):
    x_train, x_val, calls, _ = tiny
    path = ae30_cache_path(x_train, x_val)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a checkpoint")
    model, _ = train_ae30(x_train, x_val, progress=False)
    assert calls == [1]
    again, _ = train_ae30(x_train, x_val, progress=False)  # the broken file was replaced
    assert calls == [1] and _same_weights(model, again)


def test_unwritable_cache_and_cache_off(tiny, monkeypatch, tmp_path, capsys):
    x_train, x_val, calls, _ = tiny
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv(recipes.CACHE_ENV_VAR, str(blocker))
    train_ae30(x_train, x_val, progress=False)
    assert "кэш недоступен" in capsys.readouterr().out
    monkeypatch.setenv(recipes.CACHE_ENV_VAR, str(tmp_path / "off"))
    first, _ = train_ae30(x_train, x_val, progress=False, cache=False)
    second, _ = train_ae30(x_train, x_val, progress=False, cache=False)
    assert calls == [1, 1, 1] and not (tmp_path / "off").exists()
    assert _same_weights(first, second), "the seed must fix the weights"


def test_refresh_always_trains_and_saves_for_later_notebooks(tiny):
    x_train, x_val, calls, _ = tiny
    train_ae30(x_train, x_val, progress=False, cache="refresh")
    train_ae30(x_train, x_val, progress=False, cache="refresh")
    assert ae30_cache_path(x_train, x_val).exists() and calls == [1, 1]
    train_ae30(x_train, x_val, progress=False, cache="use")
    assert calls == [1, 1], "a later notebook reuses the refreshed weights"
    with pytest.raises(ValueError, match="cache must be 'use', 'refresh' or 'off'"):
        train_ae30(x_train, x_val, cache="yes")


def test_default_cache_dir_is_under_home(monkeypatch):
    monkeypatch.delenv(recipes.CACHE_ENV_VAR, raising=False)
    x = torch.zeros(4, 1, 28, 28)
    path = ae30_cache_path(x, x)
    assert path.parent == recipes.Path.home() / ".cache" / "autoencoders-course"


@pytest.mark.parametrize(
    ("x_train", "match"),
    [
        (torch.rand(4, 784), "x_train must have 4 dimensions"),
        (torch.rand(4, 1, 14, 14), "MNIST images N×1×28×28"),
        (torch.rand(4, 1, 28, 28) * 2, r"x_train must have values in \[0.0, 1.0\]"),
    ],
)
def test_train_ae30_rejects_bad_inputs(x_train, match):
    with pytest.raises(ValueError, match=match):
        train_ae30(x_train, torch.rand(2, 1, 28, 28), cache=False)
