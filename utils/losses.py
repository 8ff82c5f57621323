"""The losses the course trains with, each a function of tensors or a loss callable for :func:`utils.fit`.

* :func:`classification_loss` — cross-entropy for P(y|x) (notebook 01).
* :func:`reconstruction_bce`, :func:`bce_sse_loss` — the autoencoder's reconstruction loss (notebook 02).
* :func:`kl_normal_standard`, :func:`bernoulli_nll`, :func:`elbo_terms` — the VAE's two terms and
  its ELBO (notebook 05); :func:`binarized_elbo` — the ELBO on binarised images with KL warm-up
  (notebook 06).

Every loss is a sum over an image's pixels (or a code's coordinates), averaged over the batch:
nats per image, the scale of a per-image log-likelihood.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from .checks import (
    check_images,
    check_labels,
    check_model_input,
    check_positive_float,
    check_positive_int,
    check_probability,
    check_tensor,
    validate_args,
)

__all__ = [
    "bce_sse_loss",
    "bernoulli_nll",
    "binarized_elbo",
    "classification_loss",
    "elbo_terms",
    "kl_normal_standard",
    "reconstruction_bce",
]


def _classification_args(model, x, y) -> None:
    check_labels("y", y, n=x.shape[0] if isinstance(x, torch.Tensor) and x.ndim else None)


@validate_args(_classification_args)
def classification_loss(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the logits against the labels: the loss for P(y|x) (notebook 01)."""
    return F.cross_entropy(model(x), y)


def _bce_args(x_hat, x) -> None:
    check_tensor("x_hat", x_hat, ndim=range(2, 8), floating=True, min_value=0.0, max_value=1.0, min_len=1)
    check_tensor("x", x, ndim=range(2, 8), floating=True, min_value=0.0, max_value=1.0, min_len=1)
    if x_hat.shape != x.shape:
        raise ValueError(
            f"x_hat and x must have the same shape, got {tuple(x_hat.shape)} and {tuple(x.shape)}"
        )


@validate_args(_bce_args)
def reconstruction_bce(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over pixels and averaged over images (notebook 02).

    ``x_hat`` holds probabilities (a sigmoid output) and ``x`` targets in [0, 1], both
    shaped N×… with the same shape. Summing over pixels keeps the loss on the scale of
    the per-image log-likelihood, so its size does not depend on the image size.
    """
    return F.binary_cross_entropy(x_hat, x, reduction="sum") / x.shape[0]


def bce_sse_loss(model: torch.nn.Module, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Loss for :func:`utils.fit`: BCE summed over pixels (trained), SSE per image (logged) (notebook 02)."""
    x_hat = model(x)
    sse = (x_hat.detach() - x).pow(2).sum() / x.shape[0]
    return {"loss": reconstruction_bce(x_hat, x), "sse": sse}


def _gaussian_args(mu, logvar) -> None:
    check_tensor("mu", mu, ndim=range(1, 4), floating=True)
    check_tensor("logvar", logvar, ndim=range(1, 4), floating=True)
    if mu.shape != logvar.shape:
        raise ValueError(
            f"mu and logvar must have the same shape, got {tuple(mu.shape)} and {tuple(logvar.shape)}"
        )


@validate_args(_gaussian_args)
def kl_normal_standard(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (σ_j² + μ_j² − log σ_j² − 1), over the last dim (notebook 05).

    ``mu`` and ``logvar`` (= log σ²) have shape …×d; the result has shape … (nats).
    """
    return 0.5 * (logvar.exp() + mu.pow(2) - logvar - 1.0).sum(-1)


def _bernoulli_args(logits, x) -> None:
    check_tensor("logits", logits, ndim=4, floating=True)
    check_images("x", x)
    if logits.shape != x.shape:
        raise ValueError(
            f"logits and x must have the same shape, got {tuple(logits.shape)} and {tuple(x.shape)}"
        )


@validate_args(_bernoulli_args)
def bernoulli_nll(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """−log p(x|z) of a Bernoulli decoder: BCE-with-logits summed over each image's pixels (notebook 05).

    ``logits`` and ``x`` are N×C×H×W; returns shape N, in nats.
    """
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)


def _elbo_args(model, x, *, beta=1.0) -> None:
    shape = getattr(model, "image_shape", None)
    if (
        not isinstance(model, torch.nn.Module)
        or shape is None
        or not callable(getattr(model, "encode", None))
    ):
        raise ValueError(
            f"model must be a VAE (utils.vae.VAE, whose forward returns logits, mu, logvar), "
            f"got {type(model).__name__}"
        )
    check_model_input("x", x, dtype=next(model.parameters()).dtype, image_shape=tuple(shape))
    check_images("x", x)
    check_positive_float("beta", beta, allow_zero=True)


@validate_args(_elbo_args)
def elbo_terms(model: torch.nn.Module, x: torch.Tensor, *, beta: float = 1.0) -> dict[str, torch.Tensor]:
    """The β-VAE loss for :func:`utils.fit`, every term per image in nats (notebook 05).

    ``rec`` = Bernoulli NLL summed over pixels, ``kl`` = KL summed over latent dims,
    ``neg_elbo`` = rec + kl (the bound, whatever β is), ``loss`` = rec + β·kl; each is
    the mean over the batch of per-image sums. Averaging over pixels instead of summing
    would divide ``rec`` by 784 — the same as a hidden β = 784.
    """
    logits, mu, logvar = model(x)
    rec = bernoulli_nll(logits, x).mean()
    kl = kl_normal_standard(mu, logvar).mean()
    return {"loss": rec + beta * kl, "rec": rec, "kl": kl, "neg_elbo": rec + kl}


def _binarized_args(total_steps, warmup=0.3) -> None:
    check_positive_int("total_steps", total_steps)
    check_probability("warmup", warmup)


@validate_args(_binarized_args)
def binarized_elbo(total_steps: int, warmup: float = 0.3) -> Callable:
    """Loss for :func:`utils.fit`: the ELBO on dynamically binarised images, with KL warm-up (notebook 06).

    Every batch draws fresh 0/1 pixels, x ~ Bernoulli(grey level); the weight β of the KL
    term rises linearly from 0 to 1 over the first ``warmup`` share of ``total_steps``
    training steps and stays 1 after that.
    """
    step = 0

    def loss(model, x):
        nonlocal step
        step += 1
        beta = min(1.0, step / (warmup * total_steps)) if warmup > 0 else 1.0
        return elbo_terms(model, torch.bernoulli(x), beta=beta)

    return loss
