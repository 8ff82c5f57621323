"""The training loop of the course: :func:`fit` and :func:`evaluate` (introduced in notebook 01).

Notebook 01 writes the loop by hand; ``fit`` is that loop plus what every later notebook
needs: a validation pass after each epoch, a progress bar and a summary line, the history of
every number the loss returns, a stop that names the epoch and step where training diverged,
and clear errors for wrong arguments. A *loss callable* receives the model and one batch and
returns a scalar tensor, or a dict with a scalar ``"loss"`` and any other numbers to log::

    def mse_loss(model, x):
        return F.mse_loss(model(x), x)

    history = fit(model, mse_loss, x_train, x_val, epochs=10)

Batches are shuffled with PyTorch's global random generator, as in a hand-written loop:
``utils.seed_everything(n)`` before building the model fixes the weights and the order.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable

import torch

from .batching import iterate_batches
from .checks import (
    NonFiniteValueError,
    check_positive_float,
    check_positive_int,
    check_same_length,
    check_tensor,
    validate_args,
)
from .optim import adam
from .progress import ProgressBar, training_summary
from .runtime import get_device

__all__ = ["TrainingDivergedError", "evaluate", "fit"]


class TrainingDivergedError(RuntimeError):
    """The loss or the gradients became NaN or infinite during training (notebook 01)."""


def _fit_args(model, loss_fn, train, val=None, *, epochs=10, batch_size=128, lr=1e-3, **_) -> None:
    _check_model_and_loss(model, loss_fn)
    _check_data("train", train)
    if val is not None:
        _check_data("val", val)
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    check_positive_float("lr", lr)


@validate_args(_fit_args)
def fit(
    model: torch.nn.Module,
    loss_fn: Callable,
    train,
    val=None,
    *,
    epochs: int = 10,
    batch_size: int = 128,
    optimizer: torch.optim.Optimizer | Callable | None = None,
    lr: float = 1e-3,
    device: torch.device | str | None = None,
    desc: str | None = None,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train ``model`` on shuffled mini-batches of in-memory tensors (notebook 01).

    ``train``/``val``: a tensor or a tuple of aligned tensors such as ``(x, y)``; each batch is
    passed as ``loss_fn(model, *batch)``. ``optimizer``: an optimizer, a factory
    ``params -> optimizer`` or ``None`` for :func:`utils.optim.adam` with ``lr``. ``device``:
    by default :func:`utils.get_device`. Returns the history: ``train_<key>`` and ``val_<key>``,
    one mean per epoch for every number the loss returns, and ``epoch_seconds``. Raises
    :class:`TrainingDivergedError` naming the epoch and step where the loss or the gradients
    stopped being finite (that step is not applied).
    """
    train, val = _tensors(train), _tensors(val)
    device = get_device() if device is None else torch.device(device)
    model.to(device)
    optimizer = _make_optimizer(optimizer, model, lr)
    steps = math.ceil(len(train[0]) / batch_size)
    desc = desc or type(model).__name__
    bar = ProgressBar(epochs * steps, desc, progress)
    history = defaultdict(list)
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            start, sums, seen = time.perf_counter(), defaultdict(float), 0
            for step, batch in enumerate(iterate_batches(*train, batch_size=batch_size, device=device), 1):
                where = f"epoch {epoch}, step {step} of {steps}"
                loss, numbers = _batch_loss(loss_fn, model, batch, where)
                optimizer.zero_grad()
                loss.backward()
                _stop_on_bad_gradients(optimizer, where)
                optimizer.step()
                seen += len(batch[0])
                for key, value in numbers.items():
                    sums[key] += value * len(batch[0])
                bar.update()
            for key, total in sums.items():
                history[f"train_{key}"].append(total / seen)
            if val is not None:
                for key, value in evaluate(model, loss_fn, val).items():
                    history[f"val_{key}"].append(value)
            history["epoch_seconds"].append(time.perf_counter() - start)
            bar.show(epoch=epoch, loss=f"{history['train_loss'][-1]:.4g}")
    except BaseException:
        bar.close()  # an error keeps the bar where training stopped
        raise
    bar.close(training_summary(desc, history))
    model.eval()
    return dict(history)


def _evaluate_args(model, loss_fn, data, *, batch_size=1024) -> None:
    _check_model_and_loss(model, loss_fn)
    _check_data("data", data)
    check_positive_int("batch_size", batch_size)


@torch.no_grad()
@validate_args(_evaluate_args)
def evaluate(model: torch.nn.Module, loss_fn: Callable, data, *, batch_size: int = 1024) -> dict[str, float]:
    """Mean of every number ``loss_fn`` returns over ``data``, in eval mode, no gradients (notebook 03)."""
    data = _tensors(data)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    sums, seen = defaultdict(float), 0
    for batch in iterate_batches(*data, batch_size=batch_size, shuffle=False, device=device):
        _, numbers = _batch_loss(loss_fn, model, batch, "evaluation")
        seen += len(batch[0])
        for key, value in numbers.items():
            sums[key] += value * len(batch[0])
    model.train(was_training)
    return {key: total / seen for key, total in sums.items()}


# ---- what fit adds to the hand-written loop: checks with clear messages ----

_CONTRACT = (
    "a loss callable must return a scalar tensor, or a dict with a scalar tensor under 'loss' "
    "and single numbers (scalar tensors or Python numbers) under its other keys"
)
_ADVICE = "try a smaller learning rate or check the loss function"


def _batch_loss(loss_fn: Callable, model, batch, where: str) -> tuple[torch.Tensor, dict[str, float]]:
    """``loss_fn(model, *batch)`` as (loss tensor, every returned number as a float), checked."""
    try:
        out = loss_fn(model, *batch)
    except NonFiniteValueError as err:  # a check inside the loss met NaN or inf
        raise TrainingDivergedError(f"training diverged at {where}: {err}; {_ADVICE}") from err
    parts = out if isinstance(out, dict) else {"loss": out}
    if "loss" not in parts:
        raise ValueError(f"the dict returned by the loss callable has no key 'loss'; {_CONTRACT}")
    loss = parts["loss"]
    if not isinstance(loss, torch.Tensor):
        raise ValueError(f"the loss callable returned a {type(loss).__name__}; {_CONTRACT}")
    numbers = {}
    for key, value in parts.items():
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            reduce = " over the batch" if key == "loss" else ""
            raise ValueError(
                f"the loss callable returned {key!r} of shape {tuple(value.shape)}; {_CONTRACT} "
                f"(reduce it, e.g. with .mean(){reduce})"
            )
        if not isinstance(value, torch.Tensor) and (
            isinstance(value, bool) or not isinstance(value, (int, float))
        ):
            raise ValueError(
                f"the loss callable returned {key!r} of type {type(value).__name__}; {_CONTRACT}"
            )
        numbers[key] = value.item() if isinstance(value, torch.Tensor) else float(value)
    if torch.is_grad_enabled() and not loss.requires_grad:
        raise ValueError(
            "the loss does not depend on the model's parameters (it has no gradient): "
            "compute it from model(...) without .detach(), .item() or torch.no_grad()"
        )
    if not math.isfinite(numbers["loss"]):
        raise TrainingDivergedError(f"loss became {numbers['loss']} at {where}; {_ADVICE}")
    return loss, numbers


def _stop_on_bad_gradients(optimizer: torch.optim.Optimizer, where: str) -> None:
    """Stop before the update if any gradient holds NaN or inf (their sum is then not finite)."""
    grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
    if grads and not math.isfinite(torch.stack([g.sum() for g in grads]).sum()):
        raise TrainingDivergedError(
            f"the gradients became NaN or infinite at {where} (the loss was finite); that step was "
            f"not applied, the weights are those before it; {_ADVICE}"
        )


def _tensors(data) -> tuple[torch.Tensor, ...] | None:
    """``data`` as a tuple of tensors: ``x`` → ``(x,)``, ``(x, y)`` stays, ``None`` stays."""
    return data if data is None else (data,) if isinstance(data, torch.Tensor) else tuple(data)


def _check_data(name: str, data) -> None:
    """A tensor or a non-empty tuple of aligned tensors, with no NaN or inf in the float ones."""
    if not isinstance(data, (torch.Tensor, tuple, list)):
        raise ValueError(
            f"{name} must be a tensor or a tuple of tensors such as (x, y), got {type(data).__name__}"
        )
    tensors = _tensors(data)
    if not tensors:
        raise ValueError(f"{name} must be a tensor or a non-empty tuple of tensors")
    for i, t in enumerate(tensors):
        check_tensor(f"{name}[{i}]", t, ndim=range(1, 8), min_len=1)
    check_same_length(**{f"{name}[{i}]": t for i, t in enumerate(tensors)})


def _check_model_and_loss(model, loss_fn) -> None:
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be callable as loss_fn(model, *batch), got {type(loss_fn).__name__}")


def _make_optimizer(optimizer, model: torch.nn.Module, lr: float) -> torch.optim.Optimizer:
    """``optimizer`` as given, built by a factory, or :func:`adam`; it must update ``model``."""
    if optimizer is None:
        return adam(model.parameters(), lr=lr)
    if not isinstance(optimizer, torch.optim.Optimizer):
        if not callable(optimizer):
            raise ValueError(
                "optimizer must be a torch.optim.Optimizer, a factory params -> optimizer or None, "
                f"got {type(optimizer).__name__}"
            )
        optimizer = optimizer(model.parameters())
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise ValueError(
                f"the optimizer factory must return a torch.optim.Optimizer, got {type(optimizer).__name__}"
            )
    own = {id(p) for p in model.parameters()}
    theirs = [p for group in optimizer.param_groups for p in group["params"]]
    if not any(id(p) in own for p in theirs):
        raise ValueError(
            f"optimizer updates none of model's parameters (it holds {len(theirs)} other tensors, "
            "built for another model?), so training would change nothing; build it from this model, "
            "e.g. torch.optim.Adam(model.parameters()), or pass a factory: "
            "optimizer=lambda params: torch.optim.Adam(params, lr=1e-3)"
        )
    return optimizer
