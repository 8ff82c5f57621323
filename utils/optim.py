"""Adam with a short Python path around PyTorch's fused kernel (used by ``utils.training.adam``, notebook 01).

``torch.optim.Adam(fused=True)`` spends about a third of its step in Python (grouping the
tensors by device and dtype, checking options) before it calls the fused kernel. For the
course's small models that is a few percent of a whole training step. :class:`LeanFusedAdam`
computes exactly the same update: after the first step (which goes through PyTorch, to
create the state), it calls the same kernel with the same arguments directly, reading the
learning rate and betas from the parameter group every step (so schedulers work), and
falls back to PyTorch's own step whenever an option it does not handle is set.
"""

from __future__ import annotations

import torch

__all__ = ["LeanFusedAdam"]


class LeanFusedAdam(torch.optim.Adam):
    """``torch.optim.Adam(..., fused=True)`` with the same update and a shorter step (notebook 01)."""

    def __init__(self, params, lr: float = 1e-3, **kwargs):
        super().__init__(params, lr=lr, fused=True, **kwargs)

    def _lean_ok(self, group) -> bool:
        return (
            group["fused"]
            and not group["amsgrad"]
            and not group["capturable"]
            and not group["differentiable"]
            and not group.get("decoupled_weight_decay", False)
            and not torch.is_tensor(group["lr"])
        )

    def _torch_step(self, closure=None):
        # torch.optim.Adam.step without the hook wrapper PyTorch puts around it once any Adam
        # exists: this class's own step is wrapped too, so the hooks (e.g. a scheduler's) run once.
        step = torch.optim.Adam.step
        return getattr(step, "__wrapped__", step)(self, closure)

    @torch.no_grad()
    def step(self, closure=None):
        if closure is not None or not hasattr(torch, "_fused_adam_"):
            return self._torch_step(closure)
        work = []
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            states = [self.state[p] for p in params]
            if not self._lean_ok(group) or any(not s for s in states):
                return self._torch_step()  # first step or an unusual option: PyTorch's own path
            first = params[0]
            if any(p.device != first.device or p.dtype != first.dtype or p.grad.is_sparse for p in params):
                return self._torch_step()
            work.append((group, params, states))
        grad_scale = getattr(self, "grad_scale", None)
        found_inf = getattr(self, "found_inf", None)
        for group, params, states in work:
            steps = [s["step"] for s in states]
            beta1, beta2 = group["betas"]
            torch._foreach_add_(steps, 1)
            torch._fused_adam_(
                params,
                [p.grad for p in params],
                [s["exp_avg"] for s in states],
                [s["exp_avg_sq"] for s in states],
                [],
                steps,
                amsgrad=False,
                lr=group["lr"],
                beta1=beta1,
                beta2=beta2,
                weight_decay=group["weight_decay"],
                eps=group["eps"],
                maximize=group["maximize"],
                grad_scale=grad_scale,
                found_inf=found_inf,
            )
            if found_inf is not None:
                torch._foreach_sub_(steps, [found_inf] * len(steps))
        return None
