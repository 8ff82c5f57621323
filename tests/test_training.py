"""utils.training: fit and evaluate, the course's training loop (notebook 01)."""

import copy
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils import evaluate, fit, seed_everything
from utils.losses import reconstruction_bce
from utils.training import TrainingDivergedError


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
        runs.append(fit(model, _mse, (x, y), epochs=3, batch_size=16, progress=False)["train_loss"])
    assert runs[0] == runs[1]
    seed_everything(8)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    assert fit(model, _mse, (x, y), epochs=3, batch_size=16, progress=False)["train_loss"] != runs[0]


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
    with pytest.raises(ValueError, match="has no key 'loss'"):
        fit(nn.Linear(4, 1), lambda m, x, y: {"err": _mse(m, x, y)}, (x, y), progress=False)


def _images_and_mlp():
    g = torch.Generator().manual_seed(1)
    x = torch.rand(300, 1, 4, 4, generator=g)
    torch.manual_seed(5)
    layers = [nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 16), nn.Unflatten(1, (1, 4, 4))]
    model = nn.Sequential(*layers)
    return x, model


def _bce(model, x):
    return reconstruction_bce(torch.sigmoid(model(x)), x)  # checks x_hat and x on every call


def test_fit_matches_the_hand_written_loop_bit_for_bit():
    x, model = _images_and_mlp()
    val = x[:70]
    plain = copy.deepcopy(model)
    seed_everything(11)
    hist = fit(model, _bce, x, val, epochs=3, batch_size=64, device="cpu", progress=False)

    # notebook 01's loop: reshuffle per epoch from the global generator, fused Adam, mean of loss × batch
    seed_everything(11)
    opt = torch.optim.Adam(plain.parameters(), lr=1e-3, fused=True)
    train_losses, val_losses = [], []
    for _ in range(3):
        total = 0.0
        for idx in torch.randperm(300).split(64):
            loss = _bce(plain, x[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        train_losses.append(total / 300)
        with torch.no_grad():
            val_losses.append(_bce(plain.eval(), val).item())
        plain.train()
    assert hist["train_loss"] == train_losses
    assert hist["val_loss"] == pytest.approx(val_losses, rel=1e-12)
    for a, b in zip(model.parameters(), plain.parameters(), strict=True):
        assert torch.equal(a, b)


def test_the_checks_inside_a_loss_run_on_every_batch():
    x, model = _images_and_mlp()
    x[257] = 1.5  # one bad image: found in whichever batch it lands, named as the loss names it
    with pytest.raises(ValueError, match=r"x must have values in \[0.0, 1.0\], got range"):
        fit(model, _bce, x, epochs=1, batch_size=64, device="cpu", progress=False)
    calls = {"n": 0}

    def breaks_later(model, x):
        calls["n"] += 1
        x_hat = torch.sigmoid(model(x))
        return reconstruction_bce(x_hat + 1.0 if calls["n"] == 3 else x_hat, x)

    with pytest.raises(ValueError, match=r"x_hat must have values in \[0.0, 1.0\]"):
        fit(model, breaks_later, x[:256], epochs=1, batch_size=64, device="cpu", progress=False)
    assert calls["n"] == 3


def test_loss_must_be_a_single_number():
    x, y = _toy_problem()
    with pytest.raises(ValueError, match="single number"):
        fit(nn.Linear(4, 1), lambda m, x, y: (m(x).squeeze(1) - y) ** 2, (x, y), progress=False)


def test_fit_rejects_an_optimizer_of_another_model():
    x, y = _toy_problem()
    other = nn.Linear(4, 1)
    with pytest.raises(ValueError, match="optimizer updates none of model's parameters"):
        fit(
            nn.Linear(4, 1),
            _mse,
            (x, y),
            optimizer=torch.optim.SGD(other.parameters(), lr=0.1),
            progress=False,
        )
    with pytest.raises(ValueError, match="the optimizer factory must return a torch.optim.Optimizer"):
        fit(nn.Linear(4, 1), _mse, (x, y), optimizer=lambda params: "sgd", progress=False)
    with pytest.raises(ValueError, match="optimizer must be a torch.optim.Optimizer, a factory"):
        fit(nn.Linear(4, 1), _mse, (x, y), optimizer="adam", progress=False)
    model = nn.Linear(4, 1)  # its own optimizer is fine
    fit(model, _mse, (x, y), epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), progress=False)


@pytest.mark.parametrize(
    ("loss_fn", "match"),
    [
        (lambda m, x, y: (m(x).squeeze(1) - y).pow(2), r"returned 'loss' of shape \(64,\).*over the batch"),
        (lambda m, x, y: {"loss": _mse(m, x, y), "pred": m(x)}, r"returned 'pred' of shape \(64, 1\)"),
        (lambda m, x, y: {"loss": _mse(m, x, y), "note": "ok"}, r"returned 'note' of type str"),
        (lambda m, x, y: [_mse(m, x, y)], r"returned a list; a loss callable must return"),
        (lambda m, x, y: _mse(m, x, y).detach(), "does not depend on the model's parameters"),
    ],
)
def test_fit_states_the_loss_contract(loss_fn, match):
    x, y = _toy_problem()
    with pytest.raises(ValueError, match=match):
        fit(nn.Linear(4, 1), loss_fn, (x, y), batch_size=64, progress=False)


def test_fit_logs_python_numbers_returned_by_the_loss():
    x, y = _toy_problem()
    history = fit(
        nn.Linear(4, 1),
        lambda m, x, y: {"loss": _mse(m, x, y), "const": 2.0},
        (x, y),
        epochs=1,
        progress=False,
    )
    assert history["train_const"] == [pytest.approx(2.0)]


def test_nan_met_by_a_check_inside_the_loss_is_divergence():
    x, model = _images_and_mlp()

    def loss(model, x):  # the model's output turns NaN in the second epoch
        x_hat = torch.sigmoid(model(x))
        if loss.calls >= 3:
            x_hat = x_hat * float("nan")
        loss.calls += 1
        return reconstruction_bce(x_hat, x)

    loss.calls = 0
    with pytest.raises(TrainingDivergedError, match=r"at epoch 2, step 1 of 3: x_hat contains NaN"):
        fit(model, loss, x, epochs=3, batch_size=100, progress=False)


@pytest.mark.parametrize("fused", [True, False])
def test_non_finite_gradients_stop_before_the_update(fused):
    x, y = _toy_problem()
    model = nn.Linear(4, 1)
    before = {}

    def loss(model, x, y):  # the loss stays finite; on the second step its gradient is infinite
        loss.calls += 1
        value = _mse(model, x, y)
        if loss.calls == 2:
            before.update(copy.deepcopy(model.state_dict()))  # the weights the first update left
            s = model.weight.sum()
            value = value + torch.sqrt(s - s.detach())  # adds 0, gradient 1 / (2·√0) = inf
        return value

    loss.calls = 0
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1, fused=fused, foreach=not fused)
    with pytest.raises(
        TrainingDivergedError, match=r"gradients became NaN or infinite at epoch 1, step 2 of 16"
    ):
        fit(model, loss, (x, y), epochs=1, batch_size=32, optimizer=optimizer, progress=False)
    assert loss.calls == 2
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key  # the bad step was not applied
    assert int(optimizer.state[model.weight]["step"]) == 1


def test_evaluate_averages_every_number_over_the_data_in_eval_mode():
    x, y = _toy_problem()
    model = nn.Sequential(nn.Linear(4, 1), nn.Dropout(0.5)).train()

    def loss(model, x, y):
        return {"loss": _mse(model, x, y), "n": float(len(x))}

    once = evaluate(model, loss, (x, y), batch_size=100)
    assert once["loss"] == pytest.approx(evaluate(model, loss, (x, y), batch_size=512)["loss"], rel=1e-6)
    assert once["n"] == pytest.approx((5 * 100 * 100 + 12 * 12) / 512)  # batch sizes weighted
    assert model.training  # restored after evaluation
    with pytest.raises(ValueError, match=r"data\[0\] contains NaN"):
        evaluate(model, loss, (torch.full((4, 4), float("nan")), y[:4]))
