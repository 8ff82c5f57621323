"""How digit-like are images? Scored by the MNIST classifier (notebook 02, reused in 05–07).

A decoder that produces a clear digit makes a good classifier confident (high
max-probability, low entropy); a blurry mix of strokes spreads the probability.
"""

from __future__ import annotations

import torch

from .batching import map_batches
from .checks import check_images
from .losses import classification_loss
from .models import MLPClassifier
from .runtime import seed_everything
from .training import fit

__all__ = ["digit_likeness", "train_digit_classifier"]


@torch.no_grad()
def digit_likeness(classifier: torch.nn.Module, images: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-image ``confidence`` (max softmax probability) and ``entropy`` (nats, ≤ log 10), notebook 02.

    ``classifier`` maps N×1×28×28 images to 10 logits (e.g. :class:`utils.models.MLPClassifier`).
    """
    if not isinstance(classifier, torch.nn.Module):
        raise ValueError(f"classifier must be a torch.nn.Module, got {type(classifier).__name__}")
    check_images("images", images)
    if images.shape[0] == 0:
        raise ValueError("images must hold at least one image")
    classifier.eval()
    device = next(classifier.parameters()).device
    logits = map_batches(classifier, images, device=device)
    logp = torch.log_softmax(logits, dim=1)
    p = logp.exp()
    return {"confidence": p.max(1).values, "entropy": -(p * logp).sum(1)}


def train_digit_classifier(images: torch.Tensor, labels: torch.Tensor, *, epochs: int = 5, seed: int = 0):
    """The notebook-01 MLP classifier trained on ``images``, to score generated digits (notebook 02)."""
    check_images("images", images)
    seed_everything(seed)
    model = MLPClassifier()
    fit(model, classification_loss, (images, labels), epochs=epochs, desc="классификатор")
    return model
