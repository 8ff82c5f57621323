"""scripts/bench.py: the ceiling and the GFLOP/s count exactly the matrix products a training step runs."""

from __future__ import annotations

from collections import Counter

import bench
import torch
from torch.profiler import ProfilerActivity, profile


def _products_of_one_step() -> Counter:
    """(m, k, n) of every mm/addmm that one forward + backward of the bench's VAE runs."""
    torch.manual_seed(0)
    model = bench.ClassicVAE()
    x = torch.rand(bench.BATCH, 1, 28, 28)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        bench.vae_loss(model, x).backward()
    shapes = Counter()
    for event in prof.events():
        if event.name == "aten::mm":
            (m, k), (_, n) = event.input_shapes[:2]
        elif event.name == "aten::addmm":
            (m, k), (_, n) = event.input_shapes[1:3]
        else:
            continue
        shapes[(m, k, n)] += 1
    return shapes


def test_step_shapes_are_the_products_autograd_runs():
    assert _products_of_one_step() == Counter(bench.STEP_SHAPES)


def test_flops_count_the_step_products():
    per_step = sum(2 * m * k * n for m, k, n in _products_of_one_step().elements())
    assert bench.flops_per_epoch(bench.BATCH * 10) == per_step * 10
