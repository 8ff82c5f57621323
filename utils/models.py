"""Models that one notebook introduces and later notebooks reuse.

* :class:`MLPClassifier` — the discriminative model of notebook 01; later notebooks
  use it to score how digit-like generated images are (:mod:`utils.likeness`).
* :class:`Autoencoder` — the corrected version of the lecture's AE (notebook 02),
  reused by notebooks 03–05.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from .checks import check_positive_int

__all__ = ["MLPClassifier", "Autoencoder", "mlp"]


def mlp(sizes: Sequence[int], *, final_activation: nn.Module | None = None) -> nn.Sequential:
    """Linear layers with ReLU between them: ``mlp([784, 256, 10])`` (notebook 01)."""
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes}")
    for i, s in enumerate(sizes):
        check_positive_int(f"sizes[{i}]", s)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    if final_activation is not None:
        layers.append(final_activation)
    return nn.Sequential(*layers)


class MLPClassifier(nn.Module):
    """A discriminative model of P(y|x): image → 10 logits (notebook 01)."""

    def __init__(self, input_dim: int = 784, hidden: Sequence[int] = (256,), n_classes: int = 10):
        super().__init__()
        self.net = mlp([input_dim, *hidden, n_classes])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1))  # logits; softmax gives P(y|x)


class Autoencoder(nn.Module):
    """The lecture's autoencoder, corrected: x → f(x) = z → g(z) = x̂ (notebook 02).

    The encoder narrows ``input_dim`` → ``hidden`` → ``code_dim``; the decoder mirrors
    it and ends in a sigmoid, so x̂ has the images' shape and values in (0, 1).
    """

    def __init__(
        self,
        code_dim: int = 30,
        hidden: Sequence[int] = (512, 256),
        image_shape: Sequence[int] = (1, 28, 28),
    ):
        super().__init__()
        check_positive_int("code_dim", code_dim)
        self.image_shape = tuple(image_shape)
        if not self.image_shape:
            raise ValueError("image_shape must list at least one size, e.g. (1, 28, 28)")
        for i, s in enumerate(self.image_shape):
            check_positive_int(f"image_shape[{i}]", s)
        self.code_dim = code_dim
        input_dim = 1
        for s in self.image_shape:
            input_dim *= s
        self.input_dim = input_dim
        self.encoder = mlp([input_dim, *hidden, code_dim])
        self.decoder = mlp([code_dim, *reversed(hidden), input_dim], final_activation=nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        x = x.flatten(1)  # N×1×28×28 → N×784
        if x.shape[1] != self.input_dim:
            raise ValueError(
                f"x must hold {self.input_dim} values per image {self.image_shape}, got {x.shape[1]}"
            )
        return self.encoder(x)  # N×784 → N×code_dim

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.code_dim:
            raise ValueError(f"z must have shape N×{self.code_dim}, got {tuple(z.shape)}")
        return self.decoder(z).view(-1, *self.image_shape)  # N×code_dim → N×784 → N×1×28×28

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))
