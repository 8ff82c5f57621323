import math

import pytest
import torch

from utils.losses import reconstruction_bce


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
