"""Optimiser factories for :func:`utils.fit` (introduced in notebook 02).

* :func:`adam` — ``torch.optim.Adam``, fused where PyTorch has a fused kernel for the device;
  ``fit`` uses it when no optimiser is given.
* :func:`adam_one_cycle` — a factory: Adam under a OneCycle learning-rate schedule.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from .checks import check_positive_float, check_positive_int, validate_args

__all__ = ["adam", "adam_one_cycle"]


def adam(params, lr: float = 1e-3) -> torch.optim.Adam:
    """``torch.optim.Adam(params, lr=lr)``, fused where the device supports it (notebook 01).

    The fused implementation computes the same update in one pass over each parameter
    instead of about ten, which makes a training step of the course's small models
    noticeably faster on a CPU. Where this PyTorch has no fused kernel for the
    parameters' device, the usual implementation is used.
    """
    check_positive_float("lr", lr)
    params = list(params)
    if not params:
        raise ValueError("params must hold at least one parameter (model.parameters() is empty?)")
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except RuntimeError:  # no fused kernel for this device or dtype
        return torch.optim.Adam(params, lr=lr)


def _one_cycle_args(max_lr, epochs, n_train, batch_size=128) -> None:
    check_positive_float("max_lr", max_lr)
    check_positive_int("epochs", epochs)
    check_positive_int("n_train", n_train)
    check_positive_int("batch_size", batch_size)


@validate_args(_one_cycle_args)
def adam_one_cycle(max_lr: float, epochs: int, n_train: int, batch_size: int = 128) -> Callable:
    """Optimizer factory for :func:`utils.fit`: Adam under a OneCycle schedule (notebook 02).

    The learning rate rises to ``max_lr`` and then anneals to almost zero over
    ``epochs`` passes of ``n_train`` samples in batches of ``batch_size``; the
    schedule steps after every optimizer step. Pass the result as ``optimizer=``.
    """
    total_steps = epochs * math.ceil(n_train / batch_size)

    def make(params) -> torch.optim.Optimizer:
        opt = adam(params, lr=max_lr)
        schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total_steps)
        opt.register_step_post_hook(lambda *_: schedule.step())
        return opt

    return make
