"""The variational autoencoder and its log-likelihood estimate (notebook 05).

* :class:`VAE` — the lecture's VAE, corrected: the encoder returns μ and log σ²
  (split with ``chunk(2, dim=-1)``), the sample is drawn with ``randn_like`` on the
  input's device, the decoder returns Bernoulli logits. Its loss, the ELBO, is
  :func:`utils.losses.elbo_terms`.
* :func:`posterior_params` — μ and σ of q(z|x) for a whole set of images, batch by batch (notebook 05).
* :func:`iwae_log_likelihood` — the importance-sampled bound on log p(x) with k samples
  (Burda et al., 2016); k = 1 is the ELBO, larger k is tighter (notebook 06).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .checks import (
    check_codes,
    check_image_shape,
    check_images,
    check_model_input,
    check_positive_int,
    validate_args,
)
from .losses import bernoulli_nll
from .models import mlp

__all__ = ["VAE", "iwae_log_likelihood", "posterior_params"]

_LOG_2PI = math.log(2.0 * math.pi)


def _vae_args(self, latent_dim=20, hidden=(400,), image_shape=(1, 28, 28)) -> None:
    check_positive_int("latent_dim", latent_dim)
    check_image_shape(image_shape)


def _vae_input(self, x) -> None:
    check_model_input("x", x, dtype=self.encoder[0].weight.dtype, image_shape=self.image_shape)


def _vae_code(self, z) -> None:
    check_codes("z", z, dtype=self.decoder[0].weight.dtype, dim=self.latent_dim)


def _vae_images(name: str, model, x) -> None:
    """``model`` is a VAE and ``x`` a non-empty batch of its images in [0, 1]."""
    if not isinstance(model, VAE):
        raise ValueError(f"model must be a utils.vae.VAE, got {type(model).__name__}")
    check_model_input(name, x, dtype=model.encoder[0].weight.dtype, image_shape=model.image_shape)
    check_images(name, x)
    if x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one image")


class VAE(nn.Module):
    """Encoder x → (μ, log σ²), sample z = μ + σ·ε, decoder z → Bernoulli logits (notebook 05).

    ``hidden=(400,)`` and ``latent_dim=20`` give the classic 784-400-20 model of the
    PyTorch examples. ``decode`` returns pixel probabilities (images in (0, 1)),
    ``decode_logits`` the logits that the loss uses.
    """

    @validate_args(_vae_args)
    def __init__(
        self,
        latent_dim: int = 20,
        hidden: Sequence[int] = (400,),
        image_shape: Sequence[int] = (1, 28, 28),
    ):
        super().__init__()
        self.latent_dim = latent_dim
        self.image_shape = tuple(image_shape)
        input_dim = math.prod(self.image_shape)
        self.encoder = mlp([input_dim, *hidden, 2 * latent_dim])  # → [μ | log σ²]
        self.decoder = mlp([latent_dim, *reversed(tuple(hidden)), input_dim])  # → logits

    @validate_args(_vae_input)
    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x.flatten(1)).chunk(2, dim=-1)  # split the features, not the batch
        return mu, logvar

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        eps = torch.randn_like(mu)  # same shape, dtype and device as μ
        return mu + torch.exp(0.5 * logvar) * eps

    @validate_args(_vae_code)
    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, *self.image_shape)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decode_logits(z))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode_logits(z), mu, logvar


def _posterior_args(model, x, *, batch_size=1024) -> None:
    _vae_images("x", model, x)
    check_positive_int("batch_size", batch_size)


@torch.no_grad()
@validate_args(_posterior_args)
def posterior_params(
    model: VAE, x: torch.Tensor, *, batch_size: int = 1024
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(mu, sigma)`` of q(z|x) for every image of ``x``, each N×d on the CPU (notebook 05).

    The images go through ``model.encode`` in batches of ``batch_size`` on the model's device,
    in eval mode and without gradients; σ = exp(½ log σ²).
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    mus, sigmas = [], []
    for start in range(0, x.shape[0], batch_size):
        mu, logvar = model.encode(x[start : start + batch_size].to(device))
        mus.append(mu.cpu())
        sigmas.append(torch.exp(0.5 * logvar).cpu())
    model.train(was_training)
    return torch.cat(mus), torch.cat(sigmas)


def _iwae_args(model, x, *, k=100, batch_size=100, k_chunk=100, generator=None) -> None:
    _vae_images("x", model, x)
    check_positive_int("k", k)
    check_positive_int("batch_size", batch_size)
    check_positive_int("k_chunk", k_chunk)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")


@torch.no_grad()
@validate_args(_iwae_args)
def iwae_log_likelihood(
    model: VAE,
    x: torch.Tensor,
    *,
    k: int = 100,
    batch_size: int = 100,
    k_chunk: int = 100,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Importance-sampled estimate of log p(x) per image (nats), the IWAE bound (notebook 06).

    log p(x) ≥ E log (1/k) Σ_j p(x|z_j) p(z_j) / q(z_j|x),  z_j ~ q(z|x).
    k = 1 is an unbiased estimate of the ELBO; the bound tightens as k grows.
    Memory stays bounded for any k: the k samples are decoded ``k_chunk`` at a time
    (at most ``k_chunk × batch_size`` images at once) and combined with a running
    log-sum-exp. The noise is drawn one sample index at a time, so with the same
    ``generator`` the result does not depend on ``k_chunk``.
    ``generator`` (a CPU ``torch.Generator``) makes the draws reproducible.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out = []
    for start in range(0, x.shape[0], batch_size):
        xb = x[start : start + batch_size].to(device)
        b = xb.shape[0]
        mu, logvar = model.encode(xb)  # b×d
        total = torch.full((b,), -math.inf, dtype=mu.dtype, device=device)  # running log Σ_j w_j
        for j0 in range(0, k, k_chunk):
            kc = min(k_chunk, k - j0)
            eps = torch.stack([torch.randn(b, model.latent_dim, generator=generator) for _ in range(kc)])
            eps = eps.to(device=device, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * eps  # kc×b×d
            log_q = -0.5 * (eps.pow(2) + logvar + _LOG_2PI).sum(-1)  # log N(z; μ, σ²)
            log_prior = -0.5 * (z.pow(2) + _LOG_2PI).sum(-1)  # log N(z; 0, I)
            logits = model.decode_logits(z.reshape(kc * b, -1))
            target = xb.unsqueeze(0).expand(kc, *xb.shape).reshape(kc * b, *xb.shape[1:])
            log_px_z = -bernoulli_nll(logits, target).view(kc, b)
            total = torch.logaddexp(total, torch.logsumexp(log_px_z + log_prior - log_q, dim=0))
        out.append((total - math.log(k)).cpu())
    model.train(was_training)
    return torch.cat(out)
