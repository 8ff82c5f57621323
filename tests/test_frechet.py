import math

import pytest
import torch

from utils import seed_everything
from utils.frechet import classifier_features, frechet_classifier_distance, frechet_distance, gaussian_stats
from utils.models import MLPClassifier


def _random_cov(d, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(d, d, generator=g, dtype=torch.float64)
    return a @ a.T / d + 0.1 * torch.eye(d, dtype=torch.float64)


def test_diagonal_closed_form():
    # for diagonal covariances FD = ‖μ₁ − μ₂‖² + Σ (σ₁ − σ₂)²
    mu1, mu2 = torch.tensor([0.0, 1.0, -2.0]), torch.tensor([1.0, 1.0, 0.5])
    s1, s2 = torch.tensor([1.0, 2.0, 0.5]), torch.tensor([3.0, 0.5, 0.5])
    expected = (mu1 - mu2).pow(2).sum() + (s1 - s2).pow(2).sum()
    got = frechet_distance(mu1, torch.diag(s1**2), mu2, torch.diag(s2**2))
    assert got == pytest.approx(expected.item(), rel=1e-9)


def test_scaled_covariance_closed_form():
    # Σ₂ = c²Σ₁ commutes with Σ₁: Tr(Σ₁ + c²Σ₁ − 2cΣ₁) = (1 − c)² Tr Σ₁
    cov = _random_cov(6, 0)
    mu = torch.zeros(6, dtype=torch.float64)
    got = frechet_distance(mu, cov, mu + 0.5, 9.0 * cov)
    assert got == pytest.approx(6 * 0.25 + 4.0 * torch.trace(cov).item(), rel=1e-9)


def test_general_case_is_symmetric_zero_on_itself_and_matches_scipy_formula():
    c1, c2 = _random_cov(5, 1), _random_cov(5, 2)
    m1, m2 = torch.randn(5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    assert frechet_distance(m1, c1, m1, c1) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(m1, c1, m2, c2) == pytest.approx(frechet_distance(m2, c2, m1, c1), rel=1e-9)
    # reference: Tr (Σ₁Σ₂)^{1/2} from the eigenvalues of the (non-symmetric) product
    tr_sqrt = torch.linalg.eigvals(c1 @ c2).real.clamp_min(0).sqrt().sum()
    ref = (m1 - m2).pow(2).sum() + torch.trace(c1 + c2) - 2 * tr_sqrt
    assert frechet_distance(m1, c1, m2, c2) == pytest.approx(ref.item(), rel=1e-8)


def test_gaussian_stats_recovers_a_known_gaussian():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(20_000, 3, generator=g) * torch.tensor([1.0, 2.0, 0.5]) + torch.tensor([1.0, 0.0, -1.0])
    mean, cov = gaussian_stats(x)
    assert torch.allclose(mean, torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64), atol=0.05)
    assert torch.allclose(cov, torch.diag(torch.tensor([1.0, 4.0, 0.25], dtype=torch.float64)), atol=0.08)
    assert torch.allclose(cov, torch.cov(x.double().T))


def test_classifier_features_are_the_penultimate_layer():
    seed_everything(0)
    clf = MLPClassifier(hidden=(32, 16))
    x = torch.rand(7, 1, 28, 28)
    f = classifier_features(clf, x, batch_size=3)
    assert f.shape == (7, 16)
    assert (f >= 0).all()  # after the last ReLU
    assert torch.allclose(clf.net[-1](f), clf(x), atol=1e-5)


def test_frechet_classifier_distance_separates_sets():
    seed_everything(0)
    clf = MLPClassifier(hidden=(16,))
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(400, 1, 28, 28, generator=g), torch.rand(400, 1, 28, 28, generator=g)
    dark = 0.2 * torch.rand(400, 1, 28, 28, generator=g)
    same, other = frechet_classifier_distance(clf, a, b), frechet_classifier_distance(clf, a, dark)
    assert math.isfinite(same) and same >= 0
    assert other > 3 * same


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: frechet_distance(torch.zeros(2), torch.eye(3), torch.zeros(2), torch.eye(2)), "same d"),
        (lambda: frechet_distance([0.0], torch.eye(1), torch.zeros(1), torch.eye(1)), "mu1"),
        (lambda: gaussian_stats(torch.zeros(1, 3)), "at least 2 rows"),
        (lambda: gaussian_stats(torch.zeros(5)), "features"),
        (lambda: classifier_features(torch.nn.Linear(784, 10), torch.rand(2, 1, 28, 28)), "MLPClassifier"),
        (lambda: classifier_features(MLPClassifier(), torch.rand(2, 1, 28, 28) * 3), "images"),
    ],
)
def test_bad_inputs_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
