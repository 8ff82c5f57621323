"""utils.metrics: squared error, PSNR and SSIM (notebooks 02–04)."""

import math

import pytest
import torch

from utils.metrics import batch_ssim, per_image_squared_error, psnr, quality
from utils.noise import gaussian_noise


@pytest.fixture()
def images():
    return torch.rand(6, 1, 12, 12, generator=torch.Generator().manual_seed(0))


def gen():
    return torch.Generator().manual_seed(1)


def test_ssim_and_quality(images):
    noisy = gaussian_noise(images, 0.2, gen())
    s = batch_ssim(images, images)
    assert s.shape == (images.shape[0],) and torch.allclose(s, torch.ones_like(s))
    assert batch_ssim(noisy, images).mean() < 0.9
    q = quality(noisy, images)
    assert q["psnr"] == pytest.approx(psnr(noisy, images).mean().item())
    assert 0 < q["ssim"] < 1
    with pytest.raises(ValueError, match="infinite PSNR"):
        quality(images, images)
    with pytest.raises(ValueError, match="same shape"):
        batch_ssim(images, images[:3])


def test_per_image_squared_error_and_psnr():
    x = torch.zeros(3, 1, 28, 28)
    y = x.clone()
    y[1] += 0.1
    y[2, 0, 0, 0] = 1.0
    err = per_image_squared_error(y, x)
    assert torch.allclose(err, torch.tensor([0.0, 784 * 0.01, 1.0]))
    p = psnr(y, x)
    assert math.isinf(p[0]) and math.isclose(p[1].item(), 20.0, rel_tol=1e-5)
    assert math.isclose(p[2].item(), 10 * math.log10(784), rel_tol=1e-5)
    assert math.isclose(psnr(y[1:2], x[1:2], peak=2.0).item(), 20 + 20 * math.log10(2), rel_tol=1e-5)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (torch.zeros(2, 1, 4, 4), torch.zeros(3, 1, 4, 4), "same shape"),
        (torch.zeros(2, 1, 4, 4, dtype=torch.uint8), torch.zeros(2, 1, 4, 4), "x must be a floating-point"),
        (torch.zeros(2, 1, 4, 4), torch.full((2, 1, 4, 4), float("nan")), "target contains NaN"),
    ],
)
def test_metric_errors(a, b, match):
    with pytest.raises(ValueError, match=match):
        per_image_squared_error(a, b)
