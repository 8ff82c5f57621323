"""Tests for the helpers of notebook 02: Autoencoder, PCAAutoencoder, latent probes, digit likeness."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from utils.baselines import PCAAutoencoder
from utils.latent import centroid_paths, gaussian_fit_samples, interpolate
from utils.likeness import classification_loss, digit_likeness, train_digit_classifier
from utils.models import Autoencoder, MLPClassifier

# --- Autoencoder -------------------------------------------------------------------------------


def test_autoencoder_shapes_and_range():
    torch.manual_seed(0)
    ae = Autoencoder(code_dim=7, hidden=(32, 16))
    x = torch.rand(5, 1, 28, 28)
    z = ae.encode(x)
    assert z.shape == (5, 7)
    out = ae.decode(z)
    assert out.shape == (5, 1, 28, 28)
    assert torch.equal(ae(x), out)
    assert 0 < out.min() and out.max() < 1


def test_autoencoder_custom_image_shape_and_bottleneck():
    ae = Autoencoder(code_dim=3, hidden=(10,), image_shape=(2, 4, 4))
    assert ae(torch.rand(2, 2, 4, 4)).shape == (2, 2, 4, 4)
    linears = [m for m in ae.encoder if isinstance(m, nn.Linear)]
    assert [m.out_features for m in linears] == [10, 3]  # the encoder ends in the code, not the input size
    assert isinstance(ae.decoder[-1], nn.Sigmoid)


@pytest.mark.parametrize("code_dim", [0, -2, 2.5, True])
def test_autoencoder_rejects_bad_code_dim(code_dim):
    with pytest.raises(ValueError, match="code_dim"):
        Autoencoder(code_dim=code_dim)


def test_autoencoder_rejects_bad_shapes():
    with pytest.raises(ValueError, match="image_shape"):
        Autoencoder(2, (8,), image_shape=(1, 0, 28))
    with pytest.raises(ValueError, match="sizes"):
        Autoencoder(2, (0,))
    ae = Autoencoder(2, (8,))
    with pytest.raises(ValueError, match=r"x must have shape N×1×28×28"):
        ae.encode(torch.rand(3, 1, 14, 14))
    with pytest.raises(ValueError, match="z must have shape N×2"):
        ae.decode(torch.rand(3, 5))


# --- PCAAutoencoder ----------------------------------------------------------------------------


def _plane_images(n=200, seed=0):
    """Images 1×4×4 = mean + a·u + b·v with orthonormal u, v; var(a) ≫ var(b)."""
    g = torch.Generator().manual_seed(seed)
    basis, _ = torch.linalg.qr(torch.randn(16, 2, generator=g, dtype=torch.float64))
    u, v = basis[:, 0], basis[:, 1]
    a = (torch.rand(n, 1, generator=g, dtype=torch.float64) - 0.5) * 0.8
    b = (torch.rand(n, 1, generator=g, dtype=torch.float64) - 0.5) * 0.2
    x = 0.5 + 0.5 * (a * u + b * v)
    assert 0 <= x.min() and x.max() <= 1
    return x.float().view(n, 1, 4, 4), u


def test_pca_reconstructs_data_in_its_subspace():
    x, _ = _plane_images()
    pca = PCAAutoencoder(2).fit(x)
    assert pca.encode(x).shape == (200, 2)
    assert torch.allclose(pca.reconstruct(x), x, atol=1e-5)


def test_pca_one_component_is_the_orthogonal_projection():
    x, _ = _plane_images()
    flat = x.flatten(1).double()
    mean = flat.mean(0)
    top = torch.linalg.svd(flat - mean, full_matrices=False).Vh[0]  # the known top direction
    expected = mean + ((flat - mean) @ top).unsqueeze(1) * top
    rec = PCAAutoencoder(1).fit(x).reconstruct(x)
    assert rec.shape == x.shape
    assert torch.allclose(rec.flatten(1).double(), expected.clamp(0, 1), atol=1e-5)


def test_pca_decode_clips_to_unit_range():
    x, _ = _plane_images()
    pca = PCAAutoencoder(2).fit(x)
    out = pca.decode(torch.tensor([[100.0, 0.0], [-100.0, 0.0]]))
    assert out.min() >= 0 and out.max() <= 1


def test_pca_errors():
    x, _ = _plane_images(n=10)
    with pytest.raises(ValueError, match="code_dim"):
        PCAAutoencoder(0)
    with pytest.raises(ValueError, match="code_dim must be <="):
        PCAAutoencoder(17).fit(x)
    with pytest.raises(ValueError, match="not fitted"):
        PCAAutoencoder(2).encode(x)
    pca = PCAAutoencoder(2).fit(x)
    with pytest.raises(ValueError, match="images must have shape"):
        pca.encode(torch.rand(3, 1, 5, 5))
    with pytest.raises(ValueError, match="codes must have shape N×2"):
        pca.decode(torch.rand(3, 3))
    with pytest.raises(ValueError, match="images"):
        pca.fit(x * 3)  # values outside [0, 1]


# --- latent helpers ----------------------------------------------------------------------------


def test_interpolate_endpoints_and_midpoint():
    z0, z1 = torch.tensor([0.0, 2.0]), torch.tensor([4.0, -2.0])
    path = interpolate(z0, z1, 5)
    assert path.shape == (5, 2)
    assert torch.equal(path[0], z0) and torch.equal(path[-1], z1)
    assert torch.allclose(path[2], torch.tensor([2.0, 0.0]))


def test_interpolate_errors():
    z = torch.zeros(3)
    with pytest.raises(ValueError, match="steps must be >= 2"):
        interpolate(z, z, 1)
    with pytest.raises(ValueError, match="same shape"):
        interpolate(z, torch.zeros(4), 3)
    with pytest.raises(ValueError, match="z0"):
        interpolate(torch.zeros(2, 3), z, 3)


def test_gaussian_fit_samples_matches_moments_and_is_seeded():
    g = torch.Generator().manual_seed(0)
    mix, shift = torch.tensor([[2.0, 0.0], [1.0, 0.5]]), torch.tensor([3.0, -1.0])
    codes = torch.randn(4000, 2, generator=g) @ mix + shift
    s1 = gaussian_fit_samples(codes, 4000, seed=1)
    assert s1.shape == (4000, 2) and s1.dtype == torch.float32
    assert torch.equal(s1, gaussian_fit_samples(codes, 4000, seed=1))
    assert not torch.equal(s1, gaussian_fit_samples(codes, 4000, seed=2))
    assert torch.allclose(s1.mean(0), codes.mean(0), atol=0.15)
    assert torch.allclose(torch.cov(s1.T), torch.cov(codes.T), atol=0.3)


def test_gaussian_fit_samples_errors():
    with pytest.raises(ValueError, match="codes"):
        gaussian_fit_samples(torch.zeros(1, 2), 3)
    with pytest.raises(ValueError, match="n must be"):
        gaussian_fit_samples(torch.randn(10, 2), 0)


def test_centroid_paths_interior_and_ends():
    codes = torch.tensor([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [10.0, 12.0]])
    labels = torch.tensor([0, 0, 1, 1])
    full = centroid_paths(codes, labels, [(0, 1)], steps=3, interior=False)
    assert full.shape == (1, 3, 2)
    assert torch.allclose(full[0, 0], torch.tensor([1.0, 0.0]))
    assert torch.allclose(full[0, -1], torch.tensor([10.0, 11.0]))
    inner = centroid_paths(codes, labels, [(0, 1), (1, 0)], steps=3)
    assert inner.shape == (2, 3, 2)
    assert torch.allclose(inner[0, 1], torch.tensor([5.5, 5.5]))  # the midpoint lies in the gap
    assert torch.allclose(inner[0], inner[1].flip(0))


def test_centroid_paths_errors():
    codes, labels = torch.randn(6, 2), torch.tensor([0, 0, 1, 1, 2, 2])
    with pytest.raises(ValueError, match="class 5 has no codes"):
        centroid_paths(codes, labels, [(0, 5)])
    with pytest.raises(ValueError, match="at least one"):
        centroid_paths(codes, labels, [])
    with pytest.raises(ValueError, match=r"pairs\[0\]"):
        centroid_paths(codes, labels, [(0, 1, 2)])
    with pytest.raises(ValueError, match="steps"):
        centroid_paths(codes, labels, [(0, 1)], steps=0)
    with pytest.raises(ValueError, match="labels"):
        centroid_paths(codes, labels[:4], [(0, 1)])


# --- digit likeness ----------------------------------------------------------------------------


class _FixedLogits(nn.Module):
    """A 'classifier' whose logits are the first 10 pixels scaled by ``scale``."""

    def __init__(self, scale: float):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(scale), requires_grad=False)

    def forward(self, x):
        return self.scale * x.flatten(1)[:, :10]


def test_digit_likeness_known_values():
    uniform = torch.zeros(3, 1, 28, 28)
    s = digit_likeness(_FixedLogits(1.0), uniform)
    assert torch.allclose(s["confidence"], torch.full((3,), 0.1))
    assert torch.allclose(s["entropy"], torch.full((3,), math.log(10)))
    sharp = torch.zeros(2, 1, 28, 28)
    sharp[:, 0, 0, 3] = 1.0
    s = digit_likeness(_FixedLogits(50.0), sharp)
    assert (s["confidence"] > 0.999).all() and (s["entropy"] < 1e-3).all()


def test_digit_likeness_errors():
    with pytest.raises(ValueError, match="classifier must be a torch.nn.Module"):
        digit_likeness(lambda x: x, torch.zeros(1, 1, 28, 28))
    with pytest.raises(ValueError, match="images"):
        digit_likeness(_FixedLogits(1.0), torch.zeros(0, 1, 28, 28))
    with pytest.raises(ValueError, match="images"):
        digit_likeness(_FixedLogits(1.0), torch.full((1, 1, 28, 28), 2.0))


def test_train_digit_classifier_lowers_the_loss():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(64, 1, 28, 28, generator=g) * 0.2
    y = torch.arange(64) % 10
    x[torch.arange(64), 0, y, 0] = 1.0  # a bright pixel in row y marks class y
    torch.manual_seed(0)
    untrained = MLPClassifier()  # the same initialisation train_digit_classifier starts from
    model = train_digit_classifier(x, y, epochs=3, seed=0)
    assert isinstance(model, MLPClassifier)
    assert classification_loss(model, x, y).item() < classification_loss(untrained, x, y).item() - 0.01
    with pytest.raises(ValueError, match="images"):
        train_digit_classifier(x.flatten(1), y)


def test_map_batches_uses_the_model_device_and_rejects_tuples(monkeypatch):
    import pytest

    import utils
    from utils import batching

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.ones(1))

        def forward(self, x):
            return x * self.w

        def both(self, x):
            return x, x

    seen = []
    real = batching.iterate_batches

    def spy(*tensors, device=None, **kw):
        seen.append(device)
        return real(*tensors, device=device, **kw)

    monkeypatch.setattr(batching, "iterate_batches", spy)
    m = Encoder()
    utils.map_batches(m, torch.ones(3, 2))
    utils.map_batches(m.forward, torch.ones(3, 2))
    utils.map_batches(lambda b: b, torch.ones(3, 2))
    assert seen == [torch.device("cpu"), torch.device("cpu"), None]
    with pytest.raises(ValueError, match="fn must return a tensor, got tuple"):
        utils.map_batches(m.both, torch.ones(3, 2))
