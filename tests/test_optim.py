"""utils.optim.LeanFusedAdam computes torch.optim.Adam's update (notebook 01)."""

from __future__ import annotations

import pytest
import torch

from utils.optim import LeanFusedAdam


def _model(seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))


def _train(opt_cls, steps: int = 25, schedule: bool = False, **kw) -> list[torch.Tensor]:
    model = _model()
    opt = opt_cls(model.parameters(), lr=1e-2, **kw)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=steps) if schedule else None
    g = torch.Generator().manual_seed(1)
    for _ in range(steps):
        x = torch.randn(8, 6, generator=g)
        opt.zero_grad(set_to_none=True)
        model(x).pow(2).mean().backward()
        opt.step()
        if sched is not None:
            sched.step()
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize("schedule", [False, True], ids=["constant lr", "one-cycle lr and betas"])
@pytest.mark.parametrize("weight_decay", [0.0, 1e-2])
def test_same_weights_as_torch_adam(schedule, weight_decay):
    ours = _train(LeanFusedAdam, schedule=schedule, weight_decay=weight_decay)
    reference = _train(torch.optim.Adam, schedule=schedule, weight_decay=weight_decay)
    start = [p.detach() for p in _model().parameters()]
    assert any(not torch.equal(a, b) for a, b in zip(ours, start, strict=True)), "the weights did not move"
    for a, b in zip(ours, reference, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_lean_path_is_taken_after_the_first_step(monkeypatch):
    model = _model()
    opt = LeanFusedAdam(model.parameters(), lr=1e-2)
    calls = []
    monkeypatch.setattr(LeanFusedAdam, "_torch_step", lambda self, closure=None: calls.append(1))
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    opt.step()  # no state yet: PyTorch's own step (patched here, so no state is created)
    assert calls == [1]
    for p in model.parameters():
        opt.state[p].update(step=torch.zeros(()), exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
    before = [p.detach().clone() for p in model.parameters()]
    opt.step()
    assert calls == [1], "the second step must not go through torch.optim.Adam.step"
    assert all(not torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))


def test_found_inf_skips_the_update():
    model = _model()
    opt = LeanFusedAdam(model.parameters(), lr=1e-2)
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    opt.step()
    before = [p.detach().clone() for p in model.parameters()]
    steps = [opt.state[p]["step"].item() for p in model.parameters()]
    opt.found_inf = torch.ones(())
    opt.step()
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    assert [opt.state[p]["step"].item() for p in model.parameters()] == steps


def test_hooks_run_once_per_step_even_after_a_plain_adam_exists():
    torch.optim.Adam(_model().parameters())  # PyTorch then wraps Adam.step with its hook runner
    model = _model()
    opt = LeanFusedAdam(model.parameters(), lr=1e-2)
    calls = []
    opt.register_step_post_hook(lambda *_: calls.append(1))
    for _ in range(3):
        for p in model.parameters():
            p.grad = torch.ones_like(p)
        opt.step()
    assert calls == [1, 1, 1]
