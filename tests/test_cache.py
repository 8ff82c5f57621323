"""utils.cache: weights saved by one notebook and loaded by a later one (notebook 02)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import utils.cache as cache
from utils.cache import cache_path, load_or_train


@pytest.fixture()
def setting(monkeypatch, tmp_path):
    """A private cache directory, data, a recipe and a training function that counts its calls."""
    monkeypatch.setenv(cache.CACHE_ENV_VAR, str(tmp_path / "cache"))
    data = (torch.rand(8, 3, generator=torch.Generator().manual_seed(0)),)
    calls = []

    def run(seed=0, mode="use", recipe=None):
        torch.manual_seed(seed)
        model = nn.Linear(3, 2)

        def train():
            calls.append(seed)
            with torch.no_grad():
                model.weight.add_(1.0)
            return {"train_loss": [1.0, 0.5], "epoch_seconds": [0.1, 0.1]}

        recipe = recipe or {"lr": 1e-3, "hidden": (4,)}
        return load_or_train(
            "toy", model, train, recipe=recipe, seed=seed, data=data, taught_in="02", cache=mode
        )

    return run, calls, data, tmp_path / "cache"


def _same(a, b):
    return all(
        torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    )


def test_a_miss_trains_and_saves_a_hit_loads(setting, capsys):
    run, calls, _, folder = setting
    model, history = run()
    assert calls == [0] and len(list(folder.glob("toy-*.pt"))) == 1
    assert not model.training and model.weight.device.type == "cpu"
    again, history_again = run()
    assert calls == [0], "a hit must not train"
    assert _same(model, again) and history_again == history
    out = capsys.readouterr().out
    assert "toy: веса, обученные в блокноте 02, загружены — обучение пропущено" in out
    assert ".pt" not in out and str(folder) not in out, "no file names in the course's outputs"


def test_the_key_changes_with_recipe_seed_data_and_architecture(setting):
    _, _, data, _ = setting
    recipe = {"lr": 1e-3}
    path = cache_path("toy", nn.Linear(3, 2), recipe, 0, data)
    assert cache_path("toy", nn.Linear(3, 2), recipe, 1, data) != path
    assert cache_path("toy", nn.Linear(3, 2), {"lr": 1e-2}, 0, data) != path
    assert cache_path("toy", nn.Linear(3, 2), recipe, 0, (data[0] * 2,)) != path
    assert cache_path("toy", nn.Linear(3, 4), recipe, 0, data) != path
    assert cache_path("toy", nn.Linear(3, 2), recipe, 0, data) == path


def test_refresh_always_trains_off_never_touches_the_disk(setting):
    run, calls, _, folder = setting
    run(mode="refresh")
    run(mode="refresh")
    assert calls == [0, 0]
    run(mode="use")
    assert calls == [0, 0], "a later notebook reuses the refreshed weights"
    run(seed=5, mode="off")
    assert calls == [0, 0, 5] and len(list(folder.glob("*.pt"))) == 1
    with pytest.raises(ValueError, match="cache must be 'use', 'refresh' or 'off'"):
        run(mode="yes")


def test_a_broken_file_is_trained_again_and_replaced(setting):
    run, calls, data, folder = setting
    torch.manual_seed(0)
    path = cache_path("toy", nn.Linear(3, 2), {"lr": 1e-3, "hidden": (4,)}, 0, data)
    folder.mkdir(parents=True)
    path.write_bytes(b"not a checkpoint")
    run()
    run()
    assert calls == [0]


def test_an_unwritable_cache_says_so_and_still_returns_the_model(setting, monkeypatch, tmp_path, capsys):
    run, calls, _, _ = setting
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(cache.CACHE_ENV_VAR, str(blocker))
    model, _ = run()
    assert calls == [0] and isinstance(model, nn.Linear)
    assert "веса не сохранены" in capsys.readouterr().out


def test_default_folder_is_under_home(monkeypatch):
    monkeypatch.delenv(cache.CACHE_ENV_VAR, raising=False)
    path = cache_path("toy", nn.Linear(1, 1), {}, 0, (torch.zeros(2),))
    assert path.parent == cache.Path.home() / ".cache" / "autoencoders-course"
