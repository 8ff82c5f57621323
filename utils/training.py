"""The shared training loop (introduced in notebook 01, used by every notebook).

A *loss callable* receives the model and one batch and returns either a scalar
tensor or a dict with a scalar ``"loss"`` plus any extra numbers to log::

    def mse_loss(model, x):
        return F.mse_loss(model(x), x)

    history = fit(model, mse_loss, train_x, val_x, epochs=10)
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable

import torch
from tqdm.auto import tqdm

try:  # the widget bar that tqdm.auto picks inside Jupyter
    from tqdm.notebook import tqdm_notebook
except ImportError:  # pragma: no cover - ipywidgets missing
    tqdm_notebook = None

from .batching import iterate_batches
from .checks import (
    NonFiniteValueError,
    ValidatedBatches,
    check_positive_float,
    check_positive_int,
    check_same_length,
    check_tensor,
    validate_args,
    value_range,
)
from .display import n_epochs
from .optim import LeanFusedAdam
from .runtime import get_device

__all__ = ["TrainingDivergedError", "adam", "adam_one_cycle", "fit", "evaluate"]

LossFn = Callable[..., "torch.Tensor | dict[str, torch.Tensor]"]


class TrainingDivergedError(RuntimeError):
    """The loss, a checked tensor or the gradients became NaN or infinite during training (notebook 01)."""


_LOSS_CONTRACT = (
    "a loss callable must return a scalar tensor, or a dict with a scalar tensor under 'loss' "
    "and single numbers (scalar tensors or Python numbers) under its other keys"
)


def _as_tuple(name: str, data) -> tuple[torch.Tensor, ...]:
    return _validated(name, data)[0]


def _validated(name: str, data) -> tuple[tuple[torch.Tensor, ...], list]:
    """The tensors of ``data`` and each one's ``(min, max)`` (``None`` if not float), checked once."""
    tensors = (data,) if isinstance(data, torch.Tensor) else tuple(data)
    if not tensors:
        raise ValueError(f"{name} must be a tensor or a non-empty tuple of tensors")
    ranges = []
    for i, t in enumerate(tensors):
        check_tensor(f"{name}[{i}]", t, ndim=range(1, 8), finite=False, min_len=1)
        ranges.append(value_range(f"{name}[{i}]", t))
    check_same_length(**{f"{name}[{i}]": t for i, t in enumerate(tensors)})
    return tensors, ranges


def _split_loss(out) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    if isinstance(out, dict):
        if "loss" not in out:
            raise ValueError(f"the dict returned by the loss callable has no key 'loss'; {_LOSS_CONTRACT}")
        loss = out["loss"]
        for key, value in out.items():
            if isinstance(value, torch.Tensor):
                if value.numel() != 1:
                    raise ValueError(
                        f"the loss callable returned {key!r} of shape {tuple(value.shape)}; "
                        f"{_LOSS_CONTRACT} (reduce it, e.g. with .mean())"
                    )
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(
                    f"the loss callable returned {key!r} of type {type(value).__name__}; {_LOSS_CONTRACT}"
                )
    else:
        loss, out = out, {"loss": out}
    if not isinstance(loss, torch.Tensor):
        raise ValueError(f"the loss callable returned a {type(loss).__name__}; {_LOSS_CONTRACT}")
    if loss.numel() != 1:
        raise ValueError(
            f"the loss callable returned a loss of shape {tuple(loss.shape)}; {_LOSS_CONTRACT} "
            "(reduce it, e.g. with .mean() over the batch)"
        )
    if not loss.requires_grad and torch.is_grad_enabled():
        raise ValueError(
            "the loss does not depend on the model's parameters (it has no gradient): "
            "compute it from model(...) without .detach(), .item() or torch.no_grad()"
        )
    return loss, out


def _run_loss(loss_fn: LossFn, model, batch, checks: ValidatedBatches, relaxed: bool):
    """``loss_fn(model, *batch)``; a step that fails with some checks skipped is re-run with all of them."""
    try:
        return _split_loss(loss_fn(model, *batch))
    except Exception as err:
        if not relaxed:
            raise
        checks.full_checks()
        try:
            loss_fn(model, *batch)  # the same step with every check on: a check names the argument
        except ValueError as checked:
            raise checked from None
        raise err


def _evaluate(model, loss_fn: LossFn, tensors, ranges, batch_size: int, device) -> dict:
    was_training = model.training
    model.eval()
    sums: dict[str, float] = defaultdict(float)
    n = 0
    with torch.no_grad(), ValidatedBatches() as checks:
        for batch in iterate_batches(*tensors, batch_size=batch_size, shuffle=False, device=device):
            checks.batch(batch, ranges, relaxed=False)
            _, parts = _split_loss(loss_fn(model, *batch))
            k = batch[0].shape[0]
            for key, value in parts.items():
                sums[key] += float(value) * k
            n += k
    model.train(was_training)
    return {key: s / n for key, s in sums.items()}


def evaluate(model, loss_fn: LossFn, data, *, batch_size: int = 1024, device=None) -> dict:
    """Mean of every number ``loss_fn`` returns over ``data``, in eval mode (notebook 03)."""
    tensors, ranges = _validated("data", data)
    check_positive_int("batch_size", batch_size)
    device = device or next(model.parameters()).device
    return _evaluate(model, loss_fn, tensors, ranges, batch_size, device)


# Steps between two reads of the loss on the host (finiteness check, progress bar). On the
# CPU a read costs nothing, so the loss is checked after every step, before the update;
# on a GPU each read waits for the device, so it happens every _SYNC_EVERY steps.
_SYNC_EVERY = 20


def _reads_are_free(device: torch.device) -> bool:
    return device.type == "cpu"


def _diverged(value: float, epoch: int, step: int, steps: int) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"loss became {value} at epoch {epoch}, step {step} of {steps}; "
        "try a smaller learning rate or check the loss function"
    )


def _check_optimizer(optimizer, model: torch.nn.Module) -> torch.optim.Optimizer:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(
            "optimizer must be a torch.optim.Optimizer or a factory params -> optimizer, "
            f"got {type(optimizer).__name__}"
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


class _GradGuard:
    """``optimizer.step()`` that never applies non-finite gradients.

    One pass over the gradients (``torch._amp_foreach_non_finite_check_and_unscale_``, the
    check that mixed-precision training runs every step) sets a flag on the device. On the
    CPU, where reading it costs nothing, the flag is read before the step. On a GPU an
    optimizer that supports it (the fused Adam of :func:`adam`) reads the flag itself and
    skips the update, with no wait for the device; the flag stays set, so every later step
    is skipped too until ``fit`` reads it and stops. Other optimizers get the flag read
    before their step.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, device: torch.device, free_reads: bool):
        self.optimizer = optimizer
        self.skips = bool(getattr(optimizer, "_step_supports_amp_scaling", False))
        self.free_reads = free_reads
        self.found = torch.zeros((), device=device)
        self.one = torch.ones((), device=device)
        self.kernel = True

    def step(self) -> bool:
        """Step the optimizer; ``True`` if the gradients were not finite (the weights are unchanged)."""
        opt = self.optimizer
        grads = [p.grad for group in opt.param_groups for p in group["params"] if p.grad is not None]
        if grads:
            self._check(grads)
        if self.free_reads or not self.skips:  # on the CPU a read is free: check, then step
            if self.found.item():
                return True
            opt.step()
            return False
        opt.found_inf, opt.grad_scale = self.found, None
        try:
            opt.step()
        finally:
            del opt.found_inf, opt.grad_scale
        return self.free_reads and bool(self.found.item())

    def _check(self, grads: list[torch.Tensor]) -> None:
        if self.kernel:
            try:
                torch._amp_foreach_non_finite_check_and_unscale_(grads, self.found, self.one)
                return
            except (NotImplementedError, RuntimeError):  # a backend without the kernel
                self.kernel = False
        total = torch.stack(torch._foreach_norm(grads)).sum()  # NaN or inf if any gradient is
        self.found = torch.maximum(self.found, (~torch.isfinite(total)).to(self.found.dtype))

    def flag(self) -> torch.Tensor:
        return self.found.clone()


def _grads_diverged(epoch: int, step: int, steps: int) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"the gradients became NaN or infinite at epoch {epoch}, step {step} of {steps} (the loss was "
        "finite); that step was not applied, the weights are those before it; "
        "try a smaller learning rate or check the loss function"
    )


def _check_diverged(err: Exception, epoch: int, step: int, steps: int) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"training diverged at epoch {epoch}, step {step} of {steps}: {err}; "
        "try a smaller learning rate or check the loss function"
    )


class _progress_bar:
    """tqdm.auto's bar; in Jupyter it gives way to a one-line summary when training ends.

    A notebook executed without a browser (nbconvert) stores the text version of the
    widget as it was when it appeared («0%»). The bar is displayed under a display id,
    and on a finished run that display is replaced by a plain-text summary (epochs,
    seconds, final losses) and the widget is closed, so the saved outputs show the
    summary line, not a bar. Live in JupyterLab the bar animates
    while training runs; a run stopped by an error keeps the bar where it stopped.
    """

    def __init__(self, total: int, desc: str, enabled: bool):
        kwargs = {"total": total, "desc": desc, "disable": not enabled, "unit": "step", "leave": True}
        self._handle = None
        if enabled and tqdm_notebook is not None and issubclass(tqdm, tqdm_notebook):
            from IPython.display import display

            self.bar = tqdm(display=False, mininterval=0.5, **kwargs)
            self._handle = display(self.bar.container, display_id=True)
        else:
            self.bar = tqdm(mininterval=0.5, **kwargs)
        self.disable = self.bar.disable

    def set_postfix(self, **kwargs) -> None:
        self.bar.set_postfix(**kwargs)

    def update(self, n: int) -> None:
        self.bar.update(n)

    def close(self, summary: str | None = None) -> None:
        self.bar.close()
        if self._handle is None:
            return
        if summary is None:  # stopped by an error: keep the bar's last state
            self._handle.update(self.bar.container)
        else:
            self._handle.update({"text/plain": summary}, raw=True)
            for widget in (*self.bar.container.children, self.bar.container):
                widget.close()
        self._handle = None


def _summary(desc: str, epochs: int, history: dict) -> str:
    """«AE-30: 18 эпох за 95 с; потери: обучение 57.62, валидация 58.1» (Russian, for the notebooks)."""
    losses = [f"обучение {history['train_loss'][-1]:.4g}"]
    if "val_loss" in history:
        losses.append(f"валидация {history['val_loss'][-1]:.4g}")
    seconds = sum(history["epoch_seconds"])
    return f"{desc}: {n_epochs(epochs)} за {seconds:.0f} с; потери: {', '.join(losses)}"


def fit(
    model: torch.nn.Module,
    loss_fn: LossFn,
    train,
    val=None,
    *,
    epochs: int = 10,
    batch_size: int = 128,
    optimizer: torch.optim.Optimizer | Callable | None = None,
    lr: float = 1e-3,
    device: torch.device | str | None = None,
    seed: int = 0,
    progress: bool = True,
    desc: str | None = None,
) -> dict[str, list[float]]:
    """Train ``model`` with mini-batches drawn from in-memory tensors (notebook 01).

    ``train``/``val`` are a tensor or a tuple of aligned tensors (e.g. ``(x, y)``);
    each batch is passed to ``loss_fn(model, *batch)``. ``optimizer`` is an optimizer,
    a factory ``params -> optimizer``, or ``None`` for :func:`adam` with learning rate ``lr``.
    Returns the history: ``train_<key>`` and ``val_<key>`` lists with one value per
    epoch for every number the loss returns, and ``epoch_seconds``.

    Raises :class:`TrainingDivergedError` naming the epoch and step if the loss, a
    checked tensor inside the loss (e.g. ``logits contains NaN``) or the gradients
    become NaN or infinite (on the CPU before that step's update; on a GPU the check
    runs every few steps and names the first bad one). A step with non-finite
    gradients is never applied: the weights stay those before it. ``ValueError`` if
    ``optimizer`` holds none of the model's parameters or ``loss_fn`` breaks the loss
    contract (a scalar tensor, or a dict with a scalar ``"loss"`` and single numbers).

    ``train`` and ``val`` are scanned for NaN/inf once; the value checks of the loss's
    inputs then use that scan instead of reading every batch again, and the value checks
    of other tensors (model outputs) run on the first step of each epoch and again on
    a step that fails (see :class:`utils.checks.ValidatedBatches`).
    """
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    train, train_ranges = _validated("train", train)
    val, val_ranges = (None, None) if val is None else _validated("val", val)
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    check_positive_float("lr", lr)
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    if optimizer is None:
        optimizer = adam(model.parameters(), lr=lr)
    elif not isinstance(optimizer, torch.optim.Optimizer):
        if not callable(optimizer):
            raise ValueError(
                "optimizer must be a torch.optim.Optimizer, a factory params -> optimizer or None, "
                f"got {type(optimizer).__name__}"
            )
        optimizer = optimizer(model.parameters())
    _check_optimizer(optimizer, model)
    generator = torch.Generator().manual_seed(seed)
    steps = math.ceil(train[0].shape[0] / batch_size)
    sync_every = 1 if _reads_are_free(device) else _SYNC_EVERY
    guard = _GradGuard(optimizer, device, free_reads=sync_every == 1)
    history: dict[str, list[float]] = defaultdict(list)

    desc = desc or type(model).__name__
    bar = _progress_bar(epochs * steps, desc, progress)
    with ValidatedBatches() as checks:
        for epoch in range(1, epochs + 1):
            model.train()
            start = time.perf_counter()
            sums: dict[str, torch.Tensor] = {}
            seen = shown = 0
            pending: list[torch.Tensor] = []  # losses not yet checked on the host (GPU)
            flags: list[torch.Tensor] = []  # gradient flags not yet checked on the host (GPU)
            for step, batch in enumerate(
                iterate_batches(*train, batch_size=batch_size, generator=generator, device=device),
                start=1,
            ):
                checks.batch(batch, train_ranges, relaxed=step > 1)
                try:
                    loss, parts = _run_loss(loss_fn, model, batch, checks, relaxed=step > 1)
                except NonFiniteValueError as err:  # a check inside the loss met NaN or inf
                    bar.close()
                    raise _check_diverged(err, epoch, step, steps) from err
                if sync_every == 1:
                    value = loss.item()
                    if not math.isfinite(value):
                        bar.close()
                        raise _diverged(value, epoch, step, steps)
                else:
                    pending.append(loss.detach())
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if guard.step():
                    bar.close()
                    raise _grads_diverged(epoch, step, steps)
                if sync_every != 1 and guard.skips:
                    flags.append(guard.flag())
                k = batch[0].shape[0]
                seen += k
                for key, value in parts.items():
                    v = value.detach() * k if isinstance(value, torch.Tensor) else torch.tensor(value * k)
                    sums[key] = sums[key] + v if key in sums else v
                if step % _SYNC_EVERY == 0 or step == steps:
                    if pending:
                        losses = torch.stack(pending).flatten()
                        bad = ~torch.isfinite(losses)
                        if bad.any():
                            first = int(bad.nonzero()[0])
                            bar.close()
                            bad_step = step - len(pending) + 1 + first
                            raise _diverged(losses[first].item(), epoch, bad_step, steps)
                        pending.clear()
                    if flags:
                        bad = torch.stack(flags).flatten() != 0
                        if bad.any():
                            bar.close()
                            raise _grads_diverged(epoch, step - len(flags) + 1 + int(bad.nonzero()[0]), steps)
                        flags.clear()
                    if not bar.disable:
                        bar.set_postfix(epoch=epoch, loss=f"{sums['loss'].item() / seen:.4g}", refresh=False)
                        bar.update(step - shown)
                        shown = step
            for key, value in sums.items():
                history[f"train_{key}"].append(value.item() / seen)
            if val is not None:
                for key, value in _evaluate(model, loss_fn, val, val_ranges, 1024, device).items():
                    history[f"val_{key}"].append(value)
            history["epoch_seconds"].append(time.perf_counter() - start)
    bar.close(_summary(desc, epochs, history))
    model.eval()
    return dict(history)


def adam(params, lr: float = 1e-3) -> torch.optim.Adam:
    """Adam with the fused implementation where PyTorch has one (CPU, CUDA) (notebook 01).

    Same update rule as ``torch.optim.Adam(params, lr=lr)``; the fused kernel updates each
    parameter in one pass over memory instead of about ten, which makes a training step of
    the course's small models about a fifth faster on a laptop CPU. The fused optimizer is
    :class:`utils.optim.LeanFusedAdam`, which calls the same kernel with less Python per step.
    """
    check_positive_float("lr", lr)
    params = list(params)
    if not params:
        raise ValueError("params must hold at least one parameter (model.parameters() is empty?)")
    tensors = [p for group in params for p in (group["params"] if isinstance(group, dict) else [group])]
    fused = all(p.device.type in ("cpu", "cuda") and p.is_floating_point() for p in tensors)
    return LeanFusedAdam(params, lr=lr) if fused else torch.optim.Adam(params, lr=lr)


def _one_cycle_args(max_lr, epochs, n_train, batch_size=128) -> None:
    check_positive_float("max_lr", max_lr)
    check_positive_int("epochs", epochs)
    check_positive_int("n_train", n_train)
    check_positive_int("batch_size", batch_size)


@validate_args(_one_cycle_args)
def adam_one_cycle(max_lr: float, epochs: int, n_train: int, batch_size: int = 128) -> Callable:
    """Optimizer factory for :func:`fit`: Adam under a OneCycle schedule (notebook 02).

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
