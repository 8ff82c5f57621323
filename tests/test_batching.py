"""utils.batching: mini-batches from in-memory tensors (notebook 01)."""

import pytest
import torch
from torch import nn

from utils import iterate_batches, map_batches


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
