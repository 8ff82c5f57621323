import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils import evaluate, fit, iterate_batches, map_batches, seed_everything
from utils.runtime import get_device
from utils.training import TrainingDivergedError


def test_every_sample_once_per_epoch_with_shuffle():
    x = torch.arange(103)
    g = torch.Generator().manual_seed(0)
    epoch1 = torch.cat([b for (b,) in iterate_batches(x, batch_size=10, generator=g)])
    epoch2 = torch.cat([b for (b,) in iterate_batches(x, batch_size=10, generator=g)])
    assert torch.equal(epoch1.sort().values, x) and torch.equal(epoch2.sort().values, x)
    assert not torch.equal(epoch1, x) and not torch.equal(epoch1, epoch2)


def test_batches_stay_aligned_and_sizes_are_right():
    x, y = torch.arange(25).float(), torch.arange(25) * 2
    sizes = []
    for bx, by in iterate_batches(x, y, batch_size=8, generator=torch.Generator().manual_seed(3)):
        assert torch.equal(by, bx.long() * 2)
        sizes.append(len(bx))
    assert sizes == [8, 8, 8, 1]
    assert [len(b) for (b,) in iterate_batches(x, batch_size=8, drop_last=True)] == [8, 8, 8]
    assert torch.equal(torch.cat([b for (b,) in iterate_batches(x, batch_size=8, shuffle=False)]), x)


def test_batches_move_to_device():
    (b,) = next(iterate_batches(torch.ones(4, 2), batch_size=2, device="cpu"))
    assert b.device.type == "cpu"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((), {}, "at least one tensor"),
        ((torch.ones(3), torch.ones(4)), {}, "same number of items"),
        ((torch.ones(3),), {"batch_size": 0}, "batch_size must be an integer >= 1"),
        (([1, 2, 3],), {}, r"tensors\[0\] must be a torch.Tensor"),
    ],
)
def test_iterate_batches_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        list(iterate_batches(*args, **kwargs))


def test_map_batches_matches_direct_call():
    lin = nn.Linear(3, 2)
    x = torch.randn(50, 3)
    assert torch.allclose(map_batches(lin, x, batch_size=7), lin(x).detach(), atol=1e-6)
    with pytest.raises(ValueError, match="fn must be callable"):
        map_batches(3, x)


def _toy_problem():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(512, 4, generator=g)
    y = x @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 0.1
    return x, y


def _mse(model, x, y):
    return F.mse_loss(model(x).squeeze(1), y)


def test_fit_lowers_the_loss_and_records_history():
    x, y = _toy_problem()
    seed_everything(0)
    model = nn.Linear(4, 1)
    before = evaluate(model, _mse, (x, y))["loss"]
    hist = fit(model, _mse, (x, y), (x, y), epochs=15, batch_size=32, lr=0.05, progress=False)
    assert set(hist) == {"train_loss", "val_loss", "epoch_seconds"}
    assert len(hist["train_loss"]) == len(hist["val_loss"]) == 15
    assert hist["val_loss"][-1] < 0.01 * before
    assert hist["train_loss"][-1] < hist["train_loss"][0]


def test_fit_logs_extra_numbers_from_a_dict_loss():
    x, y = _toy_problem()

    def loss(model, x, y):
        err = F.mse_loss(model(x).squeeze(1), y)
        return {"loss": err, "half": err / 2}

    hist = fit(nn.Linear(4, 1), loss, (x, y), (x, y), epochs=2, progress=False)
    assert math.isclose(hist["train_half"][1], hist["train_loss"][1] / 2, rel_tol=1e-5)
    assert "val_half" in hist


def test_same_seed_gives_identical_numbers():
    x, y = _toy_problem()
    runs = []
    for _ in range(2):
        seed_everything(7)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        runs.append(fit(model, _mse, (x, y), epochs=3, batch_size=16, seed=7, progress=False)["train_loss"])
    assert runs[0] == runs[1]


def test_fit_stops_on_nan_naming_epoch_and_step():
    x, y = _toy_problem()
    calls = {"n": 0}

    def exploding(model, x, y):
        calls["n"] += 1
        loss = _mse(model, x, y)
        return loss * float("nan") if calls["n"] == 20 else loss

    # 512 samples / 64 per batch = 8 steps per epoch: call 20 is epoch 3, step 4.
    with pytest.raises(TrainingDivergedError, match="epoch 3, step 4 of 8"):
        fit(nn.Linear(4, 1), exploding, (x, y), epochs=5, batch_size=64, progress=False)


def test_fit_accepts_an_optimizer_factory():
    x, y = _toy_problem()
    hist = fit(
        nn.Linear(4, 1),
        _mse,
        (x, y),
        epochs=3,
        optimizer=lambda p: torch.optim.SGD(p, lr=0.05),
        progress=False,
    )
    assert hist["train_loss"][-1] < hist["train_loss"][0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epochs": 0}, "epochs must be an integer >= 1"),
        ({"lr": -1.0}, "lr must be a finite number > 0"),
        ({"train": (torch.ones(4, 4), torch.ones(5))}, "same number of items"),
        ({"train": torch.tensor([[float("nan")] * 4])}, r"train\[0\] contains NaN"),
        ({"model": "not a model"}, "model must be a torch.nn.Module"),
        ({"loss_fn": None}, "loss_fn must be callable"),
    ],
)
def test_fit_errors(kwargs, match):
    args = {"model": nn.Linear(4, 1), "loss_fn": _mse, "train": _toy_problem(), "progress": False}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        fit(**args)


def test_loss_must_return_a_tensor_or_dict_with_loss():
    x, y = _toy_problem()
    with pytest.raises(ValueError, match="must include the key 'loss'"):
        fit(nn.Linear(4, 1), lambda m, x, y: {"err": _mse(m, x, y)}, (x, y), progress=False)


def test_device_and_seed():
    assert get_device().type in {"cuda", "mps", "cpu"}
    assert get_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="prefer must be"):
        get_device("tpu")
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seed_everything(-1)
    seed_everything(3)
    a = torch.rand(3)
    seed_everything(3)
    assert torch.equal(a, torch.rand(3))
