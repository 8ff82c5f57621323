import math

import pytest
import torch

from utils.losses import reconstruction_bce
from utils.training import adam, adam_one_cycle


def test_reconstruction_bce_is_sum_over_pixels_mean_over_images():
    x = torch.rand(5, 1, 4, 4)
    x_hat = torch.rand(5, 1, 4, 4).clamp(0.01, 0.99)
    manual = -(x * x_hat.log() + (1 - x) * (1 - x_hat).log()).flatten(1).sum(1).mean()
    assert torch.allclose(reconstruction_bce(x_hat, x), manual, atol=1e-5)


def test_reconstruction_bce_minimum_at_target_mean():
    # the BCE of a fixed prediction over random binary targets is smallest at their mean
    targets = (torch.rand(4000, 1) < 0.3).float()
    losses = {p: reconstruction_bce(torch.full_like(targets, p), targets).item() for p in (0.1, 0.3, 0.5)}
    assert min(losses, key=losses.get) == 0.3


@pytest.mark.parametrize(
    ("x_hat", "x", "match"),
    [
        (torch.rand(2, 4), torch.rand(3, 4), "same shape"),
        (torch.rand(2, 4) + 1.0, torch.rand(2, 4), "x_hat"),
        (torch.rand(2, 4), torch.rand(2, 4) * 2 + 0.5, "x "),
        (torch.rand(4), torch.rand(4), "x_hat must have"),
        (torch.full((2, 4), math.nan), torch.rand(2, 4), "x_hat"),
    ],
)
def test_reconstruction_bce_rejects_bad_input(x_hat, x, match):
    with pytest.raises(ValueError, match=match):
        reconstruction_bce(x_hat, x)


def test_adam_one_cycle_rises_then_anneals():
    model = torch.nn.Linear(3, 1)
    opt = adam_one_cycle(1e-2, epochs=2, n_train=100, batch_size=10)(model.parameters())
    lrs = []
    for _ in range(20):  # 2 epochs × 10 steps
        opt.zero_grad()
        model(torch.randn(10, 3)).pow(2).mean().backward()
        opt.step()
        lrs.append(opt.param_groups[0]["lr"])
    peak = max(lrs)
    assert math.isclose(peak, 1e-2, rel_tol=0.05)
    assert lrs[0] < peak / 5 and lrs[-1] < peak / 50
    assert lrs.index(peak) < len(lrs) // 2


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"max_lr": 0.0}, "max_lr"), ({"epochs": 0}, "epochs"), ({"n_train": -1}, "n_train")]
)
def test_adam_one_cycle_rejects_bad_settings(kwargs, name):
    settings = {"max_lr": 1e-3, "epochs": 1, "n_train": 10} | kwargs
    with pytest.raises(ValueError, match=name):
        adam_one_cycle(**settings)


def test_adam_matches_torch_adam():
    torch.manual_seed(0)
    a, b = torch.nn.Linear(5, 3), torch.nn.Linear(5, 3)
    b.load_state_dict(a.state_dict())
    opt_a, opt_b = adam(a.parameters(), lr=1e-2), torch.optim.Adam(b.parameters(), lr=1e-2)
    for _ in range(5):
        x = torch.randn(8, 5)
        for model, opt in ((a, opt_a), (b, opt_b)):
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.allclose(pa, pb, atol=1e-6)


def test_adam_rejects_empty_params_and_bad_lr():
    with pytest.raises(ValueError, match="params"):
        adam([])
    with pytest.raises(ValueError, match="lr"):
        adam(torch.nn.Linear(2, 2).parameters(), lr=-1.0)
