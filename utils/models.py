"""Models that one notebook introduces and later notebooks reuse.

* :class:`MLPClassifier` — the discriminative model of notebook 01; later notebooks
  use it to score how digit-like generated images are (:mod:`utils.likeness`).
* :class:`Autoencoder` — the corrected version of the lecture's AE (notebook 02),
  reused by the later notebooks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .checks import check_codes, check_image_shape, check_model_input, check_positive_int, validate_args

__all__ = ["MLPClassifier", "Autoencoder", "mlp"]


def mlp(sizes: Sequence[int], *, final_activation: nn.Module | None = None) -> nn.Sequential:
    """Linear layers with ReLU between them: ``mlp([784, 256, 10])``.

    Called directly in notebook 07; inside :class:`MLPClassifier` and :class:`Autoencoder` since 01.
    """
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


def _classifier_args(self, input_dim=784, hidden=(256,), n_classes=10) -> None:
    check_positive_int("input_dim", input_dim)
    check_positive_int("n_classes", n_classes)


def _classifier_input(self, x) -> None:
    first = self.net[0]
    check_model_input("x", x, dtype=first.weight.dtype, n_values=first.in_features)


def _autoencoder_args(self, code_dim=30, hidden=(512, 256), image_shape=(1, 28, 28)) -> None:
    check_positive_int("code_dim", code_dim)
    check_image_shape(image_shape)


def _autoencoder_input(self, x) -> None:
    check_model_input("x", x, dtype=self.encoder[0].weight.dtype, image_shape=self.image_shape)


def _autoencoder_code(self, z) -> None:
    check_codes("z", z, dtype=self.decoder[0].weight.dtype, dim=self.code_dim)


class MLPClassifier(nn.Module):
    """A discriminative model of P(y|x): image → 10 logits (notebook 01)."""

    @validate_args(_classifier_args)
    def __init__(self, input_dim: int = 784, hidden: Sequence[int] = (256,), n_classes: int = 10):
        super().__init__()
        self.net = mlp([input_dim, *hidden, n_classes])

    @validate_args(_classifier_input)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1))  # logits; softmax gives P(y|x)


class Autoencoder(nn.Module):
    """The lecture's autoencoder, corrected: x → f(x) = z → g(z) = x̂ (notebook 02).

    The encoder narrows ``input_dim`` → ``hidden`` → ``code_dim``; the decoder mirrors
    it and ends in a sigmoid, so x̂ has the images' shape and values in (0, 1).
    """

    @validate_args(_autoencoder_args)
    def __init__(
        self,
        code_dim: int = 30,
        hidden: Sequence[int] = (512, 256),
        image_shape: Sequence[int] = (1, 28, 28),
    ):
        super().__init__()
        self.code_dim = code_dim
        self.image_shape = tuple(image_shape)
        self.input_dim = math.prod(self.image_shape)  # 1×28×28 → 784
        self.encoder = mlp([self.input_dim, *hidden, code_dim])
        self.decoder = mlp([code_dim, *reversed(hidden), self.input_dim], final_activation=nn.Sigmoid())

    @validate_args(_autoencoder_input)
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x.flatten(1))  # N×1×28×28 → N×784 → N×code_dim

    @validate_args(_autoencoder_code)
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, *self.image_shape)  # N×code_dim → N×784 → N×1×28×28

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))
