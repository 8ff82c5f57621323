"""Probing a latent space between the data (notebook 02; reused in notebooks 05–07).

Two ways to pick codes that no training image produced: draws from a Gaussian
fitted to the codes, and straight paths between class centroids.
"""

from __future__ import annotations

import torch

from .checks import check_labels, check_positive_int, check_tensor

__all__ = ["CENTROID_PAIRS", "gaussian_fit_samples", "centroid_paths", "interpolate"]

#: Digit pairs whose centroids the latent-path figures join (notebooks 02 and 05).
CENTROID_PAIRS = ((0, 1), (1, 7), (2, 6), (3, 4), (4, 8), (5, 0), (6, 9), (7, 0), (8, 2), (9, 3))


def gaussian_fit_samples(codes: torch.Tensor, n: int, *, seed: int = 0) -> torch.Tensor:
    """``n`` draws from N(mean, covariance) fitted to ``codes`` (N×d) (notebook 02)."""
    check_tensor("codes", codes, ndim=2, floating=True, min_len=2)
    check_positive_int("n", n)
    codes = codes.double()
    mean = codes.mean(0)
    cov = torch.cov(codes.T).reshape(codes.shape[1], codes.shape[1])
    cov = cov + 1e-6 * torch.eye(codes.shape[1], dtype=cov.dtype)
    chol = torch.linalg.cholesky(cov)
    noise = torch.randn(n, codes.shape[1], generator=torch.Generator().manual_seed(seed), dtype=cov.dtype)
    out = mean + noise @ chol.T
    return out.float()


def interpolate(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """``steps`` codes evenly spaced on the line from ``z0`` to ``z1``, ends included (notebook 02)."""
    check_tensor("z0", z0, ndim=1, floating=True)
    check_tensor("z1", z1, ndim=1, floating=True)
    if z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must have the same shape, got {tuple(z0.shape)} and {tuple(z1.shape)}")
    check_positive_int("steps", steps)
    if steps < 2:
        raise ValueError(f"steps must be >= 2 to include both ends, got {steps}")
    t = torch.linspace(0, 1, steps, dtype=z0.dtype).unsqueeze(1)
    return (1 - t) * z0 + t * z1


def centroid_paths(
    codes: torch.Tensor, labels: torch.Tensor, pairs, *, steps: int = 9, interior: bool = True
) -> torch.Tensor:
    """Codes on straight lines between class centroids: one row of ``steps`` per pair (notebook 02).

    ``pairs`` lists class pairs like ``[(0, 1), (4, 7)]``. With ``interior`` the two
    centroids themselves are dropped, leaving the points *between* the clusters.
    Returns a tensor of shape len(pairs)×steps'×d.
    """
    check_tensor("codes", codes, ndim=2, floating=True, min_len=1)
    check_labels("labels", labels, n=codes.shape[0])
    check_positive_int("steps", steps)
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs must list at least one (class_a, class_b) pair")
    for i, pair in enumerate(pairs):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(c, int) for c in pair)):
            raise ValueError(f"pairs[{i}] must be a pair of class labels like (4, 9), got {pair!r}")
    present = set(labels.unique().tolist())
    rows = []
    for a, b in pairs:
        if a not in present or b not in present:
            raise ValueError(f"pairs: class {a if a not in present else b} has no codes")
        path = interpolate(codes[labels == a].mean(0), codes[labels == b].mean(0), steps + 2 * interior)
        rows.append(path[1:-1] if interior else path)
    return torch.stack(rows)
