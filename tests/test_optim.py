"""utils.optim: Adam (fused where supported) and the OneCycle factory (notebooks 01, 02)."""

import math

import pytest
import torch

from utils.optim import adam, adam_one_cycle


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


def test_adam_is_fused_on_the_cpu_and_runs_one_step_hook():
    model = torch.nn.Linear(3, 1)
    opt = adam(model.parameters())
    assert opt.defaults["fused"] is True  # the CPU has a fused kernel in every supported torch
    calls = []
    opt.register_step_post_hook(lambda *_: calls.append(1))
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    assert calls == [1]


def test_adam_falls_back_where_there_is_no_fused_kernel(monkeypatch):
    real = torch.optim.Adam

    def no_fused_kernel(params, **kwargs):
        if kwargs.get("fused"):
            raise RuntimeError(
                "`fused=True` requires all the params to be floating point Tensors of supported devices"
            )
        return real(params, **kwargs)

    monkeypatch.setattr(torch.optim, "Adam", no_fused_kernel)
    opt = adam(torch.nn.Linear(2, 2).parameters(), lr=0.1)
    assert isinstance(opt, real) and not opt.defaults["fused"] and opt.defaults["lr"] == 0.1
