import copy
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from utils import evaluate, fit, iterate_batches, map_batches, seed_everything, training
from utils.checks import ValidatedBatches, check_images
from utils.losses import reconstruction_bce
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
    # the "meta" device exists everywhere: a batch that was not moved stays on the CPU
    (b,) = next(iterate_batches(torch.ones(4, 2), batch_size=2, device="meta"))
    assert b.device.type == "meta"
    (b,) = next(iterate_batches(torch.ones(4, 2), batch_size=2))
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


def test_fit_matches_a_plain_loop_bit_for_bit():
    x, model = _images_and_mlp()
    val = x[:70]
    plain = copy.deepcopy(model)
    hist = fit(model, _bce, x, val, epochs=3, batch_size=64, seed=11, device="cpu", progress=False)

    # the same training written out by hand: reshuffle per epoch, fused Adam, sum of loss × batch size
    opt = torch.optim.Adam(plain.parameters(), lr=1e-3, fused=True)
    g = torch.Generator().manual_seed(11)
    train_losses, val_losses = [], []
    for _ in range(3):
        total = None
        for idx in torch.randperm(300, generator=g).split(64):
            loss = _bce(plain, x[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            part = loss.detach() * len(idx)
            total = part if total is None else total + part
        train_losses.append(total.item() / 300)
        with torch.no_grad():
            val_losses.append(_bce(plain.eval(), val).item())
        plain.train()
    assert hist["train_loss"] == train_losses
    assert hist["val_loss"] == val_losses
    for a, b in zip(model.parameters(), plain.parameters(), strict=True):
        assert torch.equal(a, b)


def test_fit_reads_the_training_data_once_and_outputs_once_per_epoch(monkeypatch):
    x, model = _images_and_mlp()
    scans = []
    aminmax = torch.aminmax

    def counting(t, *args, **kwargs):
        scans.append(tuple(t.shape))
        return aminmax(t, *args, **kwargs)

    monkeypatch.setattr(torch, "aminmax", counting)
    fit(model, _bce, x, epochs=3, batch_size=100, device="cpu", progress=False)
    # the whole training tensor once; the model output (x_hat) on the first step of each epoch
    assert scans.count((300, 1, 4, 4)) == 1
    assert scans.count((100, 1, 4, 4)) == 3
    assert len(scans) == 4


def test_batches_outside_the_range_a_loss_needs_are_still_reported():
    x, model = _images_and_mlp()
    x[257] = 1.5  # one bad image: found in whichever batch it lands, named as the loss names it
    with pytest.raises(ValueError, match=r"x must have values in \[0.0, 1.0\], got range"):
        fit(model, _bce, x, epochs=1, batch_size=64, device="cpu", progress=False)


def test_a_failing_step_is_rerun_with_every_check():
    x, model = _images_and_mlp()
    calls = {"n": 0}

    def breaks_later(model, x):
        calls["n"] += 1
        x_hat = torch.sigmoid(model(x))
        if calls["n"] >= 3:
            x_hat = x_hat + 1.0  # out of [0, 1]: torch's own error is replaced by the course's check
        return reconstruction_bce(x_hat, x)

    with pytest.raises(ValueError, match=r"x_hat must have values in \[0.0, 1.0\]"):
        fit(model, breaks_later, x, epochs=1, batch_size=64, device="cpu", progress=False)
    assert calls["n"] == 4


def test_validated_batches_trust_only_unmodified_views():
    x = torch.rand(4, 1, 2, 2) * 3  # values up to 3, but registered as [0, 1]: checks that read it fail
    out = torch.full((4, 1, 2, 2), 5.0)
    with ValidatedBatches() as checks:
        checks.batch([x], [(0.0, 1.0)], relaxed=False)
        check_images("x", x.view(4, 1, 2, 2))  # a view of a validated batch: not read
        with pytest.raises(ValueError, match="out must have values"):
            check_images("out", out)  # not a batch, checks not relaxed: read
        checks.batch([x], [(0.0, 1.0)], relaxed=True)
        check_images("out", out)  # relaxed: only validated batches are trusted, others skipped
        checks.batch([x], [(0.0, 3.0)], relaxed=True)
        with pytest.raises(ValueError, match="x must have values"):
            check_images("x", x)  # a known range that breaks the bounds: the batch itself is read
        checks.batch([x], [(0.0, 1.0)], relaxed=False)
        x[0] = 2.0  # modified in place: its known range no longer holds
        with pytest.raises(ValueError, match="x must have values"):
            check_images("x", x)
        checks.batch([x], [(0.0, 1.0)], relaxed=True)
        checks.full_checks()
        with pytest.raises(ValueError, match="x must have values"):
            check_images("x", x)
    with pytest.raises(ValueError, match="x must have values"):
        check_images("x", x)


def test_nan_is_found_at_the_right_step_when_the_loss_is_read_every_few_steps(monkeypatch):
    monkeypatch.setattr(training, "_reads_are_free", lambda device: False)
    x, y = _toy_problem()
    calls = {"n": 0}

    def exploding(model, x, y):
        calls["n"] += 1
        loss = _mse(model, x, y)
        return loss * float("inf") if calls["n"] in (20, 22) else loss

    with pytest.raises(TrainingDivergedError, match="loss became inf at epoch 3, step 4 of 8"):
        fit(nn.Linear(4, 1), exploding, (x, y), epochs=5, batch_size=64, progress=False)
    assert calls["n"] == 24  # checked at the end of the epoch, not after every step


def test_loss_must_be_a_single_number():
    x, y = _toy_problem()
    with pytest.raises(ValueError, match="single number"):
        fit(nn.Linear(4, 1), lambda m, x, y: (m(x).squeeze(1) - y) ** 2, (x, y), progress=False)


def test_progress_bar_gives_way_to_a_summary_in_an_executed_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets")
    code = (
        "import torch, torch.nn.functional as F\n"
        "from utils import fit\n"
        "x = torch.rand(640, 4)\n"
        "loss = lambda m, x: F.mse_loss(m(x), x[:, :1])\n"
        "h = fit(torch.nn.Linear(4, 1), loss, x, x[:64], epochs=2, batch_size=64, desc='demo')\n"
        "print(f\"{h['train_loss'][-1]:.4g} {h['val_loss'][-1]:.4g}\")"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    root = Path(__file__).resolve().parents[1]
    client = nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(root)}})
    client.execute()
    outputs = nb.cells[0].outputs
    train, val = outputs[-1]["text"].split()
    summaries = [o["data"]["text/plain"] for o in outputs if "text/plain" in o.get("data", {})]
    assert summaries == [f"demo: 2 эпохи за 0 с; потери: обучение {train}, валидация {val}"], outputs
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


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
    with pytest.raises(ValueError, match="optimizer must be a torch.optim.Optimizer"):
        fit(nn.Linear(4, 1), _mse, (x, y), optimizer=lambda params: "sgd", progress=False)
    model = nn.Linear(4, 1)  # its own optimizer is fine
    fit(model, _mse, (x, y), epochs=1, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), progress=False)


@pytest.mark.parametrize(
    ("loss_fn", "match"),
    [
        (lambda m, x, y: (m(x).squeeze(1) - y).pow(2), r"returned a loss of shape \(64,\).*scalar tensor"),
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
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1, fused=fused)
    with pytest.raises(
        TrainingDivergedError, match=r"gradients became NaN or infinite at epoch 1, step 2 of 16"
    ):
        fit(model, loss, (x, y), epochs=1, batch_size=32, optimizer=optimizer, progress=False)
    assert loss.calls == 2
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key  # the bad step was not applied
    assert int(optimizer.state[model.weight]["step"]) == 1


def test_gradient_guard_without_the_amp_kernel(monkeypatch):
    """Backends without the mixed-precision kernel fall back to the gradient norms."""

    def missing(*args):
        raise NotImplementedError("no kernel")

    monkeypatch.setattr(torch, "_amp_foreach_non_finite_check_and_unscale_", missing)
    test_non_finite_gradients_stop_before_the_update(True)
    test_non_finite_gradients_stop_before_the_update(False)
