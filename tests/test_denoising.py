"""Unit tests for utils.noise and utils.denoise (notebook 03); small synthetic images only."""

from __future__ import annotations

import pytest
import torch

from utils.baselines import PCAAutoencoder
from utils.denoise import (
    check_interior,
    gaussian_blur,
    median_filter,
    nl_means,
    tune_parameter,
    tv_denoise,
)
from utils.metrics import psnr
from utils.noise import gaussian_noise, masking_noise, salt_and_pepper

NOISES = [(gaussian_noise, 0.3), (salt_and_pepper, 0.2), (masking_noise, 0.3)]


def gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture
def images() -> torch.Tensor:
    """Blocky synthetic 'digits': bright rectangles on black, 1×16×16."""
    x = torch.zeros(40, 1, 16, 16)
    g = gen(1)
    for i in range(40):
        r, c = torch.randint(1, 8, (2,), generator=g).tolist()
        x[i, 0, r : r + 7, c : c + 5] = 1.0
    return x


@pytest.mark.parametrize(("fn", "strength"), NOISES)
def test_noise_shape_range_seeded(fn, strength, images):
    a = fn(images, strength, gen(3))
    b = fn(images, strength, gen(3))
    c = fn(images, strength, gen(4))
    assert a.shape == images.shape and a.dtype == images.dtype
    assert a.min() >= 0 and a.max() <= 1
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert not torch.equal(a, images)
    assert torch.equal(fn(images, 0.0, gen(3)), images)  # strength 0 leaves images unchanged


def test_gaussian_noise_statistics():
    x = torch.full((200, 1, 16, 16), 0.5)
    out = gaussian_noise(x, 0.1, gen())
    assert abs((out - x).std().item() - 0.1) < 0.005  # no clipping at 0.5 ± 5σ
    black = gaussian_noise(torch.zeros(200, 1, 16, 16), 0.2, gen())
    # clipping keeps only the positive half: mean square σ²/2 on black pixels
    assert abs(black.pow(2).mean().item() - 0.02) < 0.002


def test_per_image_strength(images):
    sigma = torch.zeros(images.shape[0])
    sigma[::2] = 0.5
    out = gaussian_noise(images, sigma, gen())
    assert torch.equal(out[1::2], images[1::2])
    assert not torch.equal(out[::2], images[::2])
    p = torch.linspace(0, 1, images.shape[0])
    masked = masking_noise(torch.ones_like(images), p, gen())
    assert masked[0].min() == 1 and masked[-1].max() == 0


def test_salt_and_pepper_and_masking_fractions():
    x = torch.full((100, 1, 20, 20), 0.5)
    sp = salt_and_pepper(x, 0.2, gen())
    changed = sp != 0.5
    assert abs(changed.float().mean().item() - 0.2) < 0.01
    assert abs(sp[changed].mean().item() - 0.5) < 0.03  # half salt, half pepper
    assert set(sp[changed].unique().tolist()) <= {0.0, 1.0}
    m = masking_noise(x, 0.3, gen())
    assert abs((m == 0).float().mean().item() - 0.3) < 0.01
    assert set(m.unique().tolist()) <= {0.0, 0.5}


@pytest.mark.parametrize(("fn", "strength"), NOISES)
def test_noise_validation(fn, strength, images):
    with pytest.raises(ValueError, match="generator"):
        fn(images, strength, None)
    with pytest.raises(ValueError, match="x"):
        fn(images * 2, strength, gen())
    name = "sigma" if fn is gaussian_noise else "p"
    with pytest.raises(ValueError, match=name):
        fn(images, -0.1, gen())
    with pytest.raises(ValueError, match=name):
        fn(images, torch.full((3,), 0.1), gen())
    with pytest.raises(ValueError, match=name):
        fn(images, True, gen())
    if fn is not gaussian_noise:
        with pytest.raises(ValueError, match="p"):
            fn(images, 1.5, gen())


def test_classical_denoisers_help_on_gaussian_noise(images):
    noisy = gaussian_noise(images, 0.3, gen())
    base = psnr(noisy, images).mean().item()
    for out in (
        gaussian_blur(noisy, 1.0),
        median_filter(noisy, 3),
        tv_denoise(noisy, 0.2),
        nl_means(noisy[:10], 0.2),
    ):
        assert out.shape[1:] == images.shape[1:] and out.min() >= 0 and out.max() <= 1
        assert psnr(out, images[: out.shape[0]]).mean().item() > base + 0.5
    assert torch.equal(median_filter(images, 1), images)
    with pytest.raises(ValueError, match="sigma"):
        gaussian_blur(noisy, 0)
    with pytest.raises(ValueError, match="size"):
        median_filter(noisy, 2.5)
    with pytest.raises(ValueError, match="weight"):
        tv_denoise(noisy, -1.0)
    with pytest.raises(ValueError, match="h"):
        nl_means(noisy, float("nan"))


def test_tune_parameter_and_pca(images):
    noisy = gaussian_noise(images, 0.3, gen())
    best, scores = tune_parameter(gaussian_blur, [0.01, 1.0, 5.0], noisy, images)
    assert best == 1.0 and set(scores) == {0.01, 1.0, 5.0}
    pca = {k: PCAAutoencoder(k).fit(images) for k in (2, 10)}
    k, scores = tune_parameter(lambda x, k: pca[k].reconstruct(x), [10, 2], noisy, images)
    expected = {v: psnr(pca[v].reconstruct(noisy), images).mean().item() for v in (2, 10)}
    assert scores == pytest.approx(expected)
    assert expected[2] != expected[10] and k == max(expected, key=expected.get)
    with pytest.raises(ValueError, match="values"):
        tune_parameter(gaussian_blur, [], noisy, images)
    with pytest.raises(ValueError, match="denoiser"):
        tune_parameter(None, [1.0], noisy, images)


def test_tune_parameter_no_filter(images):
    """None in the grid scores the noisy input itself: a filter that only hurts is not chosen."""
    slight = gaussian_noise(images, 0.01, gen())
    best, scores = tune_parameter(gaussian_blur, [None, 1.0, 3.0], slight, images)
    assert best is None
    assert scores[None] == pytest.approx(psnr(slight, images).mean().item())
    assert scores[None] > scores[1.0] > scores[3.0]
    noisy = gaussian_noise(images, 0.3, gen())
    assert tune_parameter(gaussian_blur, [None, 1.0], noisy, images)[0] == 1.0
    with pytest.raises(ValueError, match="repeat"):
        tune_parameter(gaussian_blur, [None, 1.0, 1.0], noisy, images)


def test_check_interior():
    grid = [None, 0.5, 1.0, 2.0]
    assert check_interior(None, grid)  # "no filter" is a legitimate answer
    assert check_interior(0.5, grid) and check_interior(1.0, grid)
    assert not check_interior(2.0, grid)  # the strong end: the grid is too short
    with pytest.raises(ValueError, match="best"):
        check_interior(3.0, grid)
    with pytest.raises(ValueError, match="start with None"):
        check_interior(1.0, [0.5, 1.0, 2.0])
