"""utils.metrics: squared error, PSNR and SSIM (notebooks 02–04)."""

import pytest
import torch

from utils.metrics import batch_ssim, psnr, quality
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
