"""Mini-batches from in-memory tensors (introduced in notebook 01).

Datasets live in memory as tensors, so a batch is one indexing operation:
no per-sample Python, no PIL transforms, no worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch

from .checks import check_positive_int, check_same_length, check_tensor

__all__ = ["iterate_batches", "map_batches"]


def iterate_batches(
    *tensors: torch.Tensor,
    batch_size: int = 128,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[torch.Tensor, ...]]:
    """Yield tuples of aligned batches; every sample appears exactly once per pass.

    ``generator`` makes the shuffle order reproducible; batches are moved to ``device``.
    """
    if not tensors:
        raise ValueError("iterate_batches needs at least one tensor")
    for i, t in enumerate(tensors):
        check_tensor(f"tensors[{i}]", t, ndim=range(1, 8), finite=False, min_len=1)
    n = check_same_length(**{f"tensors[{i}]": t for i, t in enumerate(tensors)})
    check_positive_int("batch_size", batch_size)
    order = torch.randperm(n, generator=generator) if shuffle else None
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        if order is None:
            batch = tuple(t[start : start + batch_size] for t in tensors)
        else:
            idx = order[start : start + batch_size]
            batch = tuple(t[idx] for t in tensors)
        if device is not None:
            batch = tuple(b.to(device, non_blocking=True) for b in batch)
        yield batch


def _module_device(fn) -> torch.device | None:
    """The device of the module ``fn`` is, or is a bound method of; ``None`` otherwise."""
    owner = fn if isinstance(fn, torch.nn.Module) else getattr(fn, "__self__", None)
    if isinstance(owner, torch.nn.Module):
        for tensor in (*owner.parameters(), *owner.buffers()):
            return tensor.device
    return None


@torch.no_grad()
def map_batches(
    fn: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    *,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Apply ``fn`` (e.g. ``model.encode``) to ``x`` in batches without gradients; result on CPU.

    Batches go to ``device``; by default to the device of the model when ``fn`` is a model
    or one of its methods (``model``, ``model.encode``), else they stay where ``x`` is.
    ``fn`` must return one tensor per batch. Introduced in notebook 01; used to encode,
    reconstruct or score whole test sets.
    """
    if not callable(fn):
        raise ValueError(f"fn must be callable, got {type(fn).__name__}")
    check_tensor("x", x, ndim=range(1, 8), min_len=1)
    check_positive_int("batch_size", batch_size)
    if device is None:
        device = _module_device(fn)
    outs = []
    for (batch,) in iterate_batches(x, batch_size=batch_size, shuffle=False, device=device):
        out = fn(batch)
        if not isinstance(out, torch.Tensor):
            hint = (
                " (a VAE's forward returns (logits, mu, logvar): pass model.encode, model.decode or "
                "a lambda that picks one tensor)"
                if isinstance(out, tuple)
                else ""
            )
            raise ValueError(f"fn must return a tensor, got {type(out).__name__}{hint}")
        outs.append(out.detach().cpu())
    return torch.cat(outs)
