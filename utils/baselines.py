"""PCA, the classical baseline for the autoencoder (notebook 02; reused in 03 and 04).

PCA is the best *linear* autoencoder: encode = projection on the top-k principal
directions, decode = the inverse map. The fit uses scikit-learn.
"""

from __future__ import annotations

import torch
from sklearn.decomposition import PCA

from .checks import check_images, check_positive_int, check_tensor

__all__ = ["PCAAutoencoder"]


class PCAAutoencoder:
    """PCA with the autoencoder's interface: ``fit``, ``encode``, ``decode``, ``reconstruct``.

    With ``clip`` (the default) reconstructions are clipped to [0, 1] like the images;
    ``clip=False`` gives plain PCA, as in the 2006 comparison of notebook 02.
    """

    def __init__(self, code_dim: int, *, clip: bool = True, seed: int = 0):
        self.code_dim = check_positive_int("code_dim", code_dim)
        self.clip = bool(clip)
        self.seed = seed
        self.pca: PCA | None = None
        self.image_shape: tuple[int, ...] | None = None

    def fit(self, images: torch.Tensor) -> PCAAutoencoder:
        check_images("images", images)
        n, d = images.shape[0], images[0].numel()
        if self.code_dim > min(n, d):
            raise ValueError(f"code_dim must be <= min(N, pixels) = {min(n, d)}, got {self.code_dim}")
        self.image_shape = tuple(images.shape[1:])
        solver = "randomized" if self.code_dim < 0.8 * min(n, d) else "full"
        self.pca = PCA(self.code_dim, svd_solver=solver, random_state=self.seed)
        self.pca.fit(images.flatten(1).double().numpy())
        return self

    def _check_fitted(self) -> PCA:
        if self.pca is None:
            raise ValueError("this PCAAutoencoder is not fitted yet: call fit(images) first")
        return self.pca

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        pca = self._check_fitted()
        check_images("images", images)
        if tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(
                f"images must have shape N×{'×'.join(map(str, self.image_shape))}, got {tuple(images.shape)}"
            )
        return torch.from_numpy(pca.transform(images.flatten(1).double().numpy())).float()

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        pca = self._check_fitted()
        check_tensor("codes", codes, ndim=2, floating=True)
        if codes.shape[1] != self.code_dim:
            raise ValueError(f"codes must have shape N×{self.code_dim}, got {tuple(codes.shape)}")
        out = torch.from_numpy(pca.inverse_transform(codes.double().numpy())).float()
        if self.clip:
            out = out.clamp_(0.0, 1.0)
        return out.view(-1, *self.image_shape)

    def reconstruct(self, images: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(images))
