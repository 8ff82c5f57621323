"""Fréchet distance between generated and real images in a classifier's feature space (notebook 06).

The MNIST analogue of FID (Heusel et al., 2017): take the penultimate-layer features of
the notebook-01 digit classifier (:class:`utils.models.MLPClassifier`) for two sets of
images, fit a Gaussian to each set and compute the Fréchet (2-Wasserstein) distance

    FD = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^{1/2}).

* :func:`classifier_features` — the classifier's hidden representation (before the last layer).
* :func:`gaussian_stats` — mean and covariance of a feature matrix.
* :func:`frechet_distance` — the formula above for two Gaussians.
* :func:`frechet_classifier_distance` — all three steps for two image sets.
"""

from __future__ import annotations

import torch
from torch import nn

from .batching import map_batches
from .checks import check_images, check_tensor, validate_args

__all__ = ["classifier_features", "gaussian_stats", "frechet_distance", "frechet_classifier_distance"]


def _body(classifier: nn.Module) -> nn.Module:
    net = getattr(classifier, "net", None)
    if not isinstance(net, nn.Sequential) or len(net) < 2 or not isinstance(net[-1], nn.Linear):
        raise ValueError(
            "classifier must be a utils.models.MLPClassifier (a .net Sequential ending in nn.Linear), "
            f"got {type(classifier).__name__}"
        )
    return net[:-1]


@torch.no_grad()
def classifier_features(
    classifier: nn.Module, images: torch.Tensor, *, batch_size: int = 1024
) -> torch.Tensor:
    """Penultimate-layer features (the input of the last linear layer), N×H on the CPU (notebook 06).

    ``classifier`` is a :class:`utils.models.MLPClassifier`; ``images`` are N×1×28×28 in [0, 1].
    """
    body = _body(classifier)
    check_images("images", images)
    if images.shape[0] == 0:
        raise ValueError("images must hold at least one image")
    was_training = classifier.training
    classifier.eval()
    device = next(classifier.parameters()).device
    feats = map_batches(lambda b: body(b.flatten(1)), images, batch_size=batch_size, device=device)
    classifier.train(was_training)
    return feats


def gaussian_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean (H) and unbiased covariance (H×H) of N×H features, in float64 (notebook 06)."""
    check_tensor("features", features, ndim=(2,), floating=True)
    if features.shape[0] < 2:
        raise ValueError(
            f"features must hold at least 2 rows to estimate a covariance, got {features.shape[0]}"
        )
    f = features.double()
    return f.mean(0), torch.cov(f.T).reshape(f.shape[1], f.shape[1])


def _sqrtm_psd(a: torch.Tensor) -> torch.Tensor:
    w, v = torch.linalg.eigh(a)
    return (v * w.clamp_min(0).sqrt()) @ v.T


def _frechet_args(mu1, cov1, mu2, cov2) -> None:
    for name, v in (("mu1", mu1), ("mu2", mu2)):
        check_tensor(name, v, ndim=(1,), floating=True)
    for name, c in (("cov1", cov1), ("cov2", cov2)):
        check_tensor(name, c, ndim=(2,), floating=True)
    d = mu1.shape[0]
    if mu2.shape != (d,) or cov1.shape != (d, d) or cov2.shape != (d, d):
        raise ValueError(
            f"mu1, mu2 must have shape (d,) and cov1, cov2 shape (d, d) with the same d, got "
            f"{tuple(mu1.shape)}, {tuple(mu2.shape)}, {tuple(cov1.shape)}, {tuple(cov2.shape)}"
        )


@validate_args(_frechet_args)
def frechet_distance(mu1, cov1, mu2, cov2) -> float:
    """‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^{1/2}) for N(μ₁, Σ₁) and N(μ₂, Σ₂) (notebook 06).

    Tr (Σ₁Σ₂)^{1/2} is computed as Σ √λ of the symmetric PSD matrix Σ₁^{1/2} Σ₂ Σ₁^{1/2}
    (same eigenvalues as Σ₁Σ₂), so no complex square roots appear.
    """
    mu1, mu2, cov1, cov2 = (t.double() for t in (mu1, mu2, cov1, cov2))
    s1 = _sqrtm_psd(0.5 * (cov1 + cov1.T))
    middle = s1 @ (0.5 * (cov2 + cov2.T)) @ s1
    tr_sqrt = torch.linalg.eigvalsh(0.5 * (middle + middle.T)).clamp_min(0).sqrt().sum()
    return float((mu1 - mu2).pow(2).sum() + torch.trace(cov1) + torch.trace(cov2) - 2 * tr_sqrt)


def frechet_classifier_distance(
    classifier: nn.Module, images_a: torch.Tensor, images_b: torch.Tensor
) -> float:
    """Fréchet distance between the classifier-feature Gaussians of two image sets (notebook 06)."""
    fa = classifier_features(classifier, images_a)
    fb = classifier_features(classifier, images_b)
    return frechet_distance(*gaussian_stats(fa), *gaussian_stats(fb))
