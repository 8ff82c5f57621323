import math
import re

import pytest
import torch
from notebook_json import course_notebooks, read_notebook, source_of
from torch.distributions import Normal, kl_divergence

from utils import fit, seed_everything
from utils.losses import bernoulli_nll, elbo_terms, kl_normal_standard
from utils.vae import VAE, iwae_log_likelihood, posterior_params


def _images(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    # blobs of ink on a dark background, values in [0, 1]
    base = torch.rand(n, 1, 28, 28, generator=g)
    return (base > 0.8).float() * 0.9 + 0.05 * torch.rand(n, 1, 28, 28, generator=g)


def test_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu = 2 * torch.randn(50, 7, generator=g)
    logvar = torch.randn(50, 7, generator=g)
    ref = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0)).sum(-1)
    ours = kl_normal_standard(mu, logvar)
    assert ours.shape == (50,)
    assert torch.allclose(ours, ref, atol=1e-5, rtol=1e-5)


def test_kl_is_zero_only_at_the_prior():
    zeros = torch.zeros(3, 4)
    assert torch.allclose(kl_normal_standard(zeros, zeros), torch.zeros(3))
    assert (kl_normal_standard(zeros + 0.1, zeros) > 0).all()
    assert (kl_normal_standard(zeros, zeros - 0.1) > 0).all()


def test_kl_matches_monte_carlo():
    g = torch.Generator().manual_seed(1)
    mu, logvar = torch.tensor([[0.5, -1.0]]), torch.tensor([[-0.7, 0.4]])
    std = torch.exp(0.5 * logvar)
    z = mu + std * torch.randn(200_000, 2, generator=g)
    mc = (Normal(mu, std).log_prob(z) - Normal(0.0, 1.0).log_prob(z)).sum(-1).mean()
    assert abs(mc.item() - kl_normal_standard(mu, logvar).item()) < 0.02


def test_vae_shapes_and_chunking():
    seed_everything(0)
    model = VAE(latent_dim=3, hidden=(16,))
    x = _images(5)
    logits, mu, logvar = model(x)
    assert logits.shape == x.shape and mu.shape == (5, 3) and logvar.shape == (5, 3)
    head = model.encoder(x.flatten(1))
    assert torch.equal(mu, head[:, :3]) and torch.equal(logvar, head[:, 3:])
    assert model.decode(torch.zeros(2, 3)).shape == (2, 1, 28, 28)
    img = model.decode(torch.zeros(2, 3))
    assert img.min() >= 0 and img.max() <= 1


def test_reparameterize_passes_gradients_to_mu_and_logvar():
    mu = torch.zeros(4, 2, requires_grad=True)
    logvar = torch.zeros(4, 2, requires_grad=True)
    torch.manual_seed(0)
    VAE.reparameterize(mu, logvar).pow(2).sum().backward()
    assert mu.grad is not None and logvar.grad is not None
    assert mu.grad.abs().sum() > 0 and logvar.grad.abs().sum() > 0


def test_elbo_terms_per_image_sums():
    seed_everything(0)
    model = VAE(latent_dim=2, hidden=(8,))
    x = _images(6)
    for beta in (0.0, 1.0, 3.0):
        torch.manual_seed(0)
        parts = elbo_terms(model, x, beta=beta)
        assert torch.allclose(parts["loss"], parts["rec"] + beta * parts["kl"])
        assert torch.allclose(parts["neg_elbo"], parts["rec"] + parts["kl"])
    # an untrained decoder outputs p ≈ 0.5: about log 2 nats per pixel, summed over 784 pixels
    assert 0.5 * 784 * math.log(2) < parts["rec"].item() < 2 * 784 * math.log(2)


def test_iwae_bound_is_above_elbo_and_tightens_with_k():
    seed_everything(0)
    x = _images(200)
    model = VAE(latent_dim=4, hidden=(32,))
    fit(model, elbo_terms, x, epochs=3, batch_size=50, progress=False, device="cpu")
    g = torch.Generator().manual_seed(0)
    elbo = iwae_log_likelihood(model, x, k=1, generator=g).mean()
    elbo_again = -torch.stack([elbo_terms(model, x)["neg_elbo"] for _ in range(20)]).mean()
    assert abs(elbo.item() - elbo_again.item()) < 0.02 * abs(elbo_again.item())
    k5 = iwae_log_likelihood(model, x, k=5, generator=g).mean()
    k50 = iwae_log_likelihood(model, x, k=50, generator=g).mean()
    assert elbo_again < k5 < k50


def test_iwae_is_reproducible_with_a_generator():
    seed_everything(0)
    model = VAE(latent_dim=2, hidden=(8,))
    x = _images(10)
    a = iwae_log_likelihood(model, x, k=7, batch_size=3, generator=torch.Generator().manual_seed(5))
    b = iwae_log_likelihood(model, x, k=7, batch_size=10, generator=torch.Generator().manual_seed(5))
    assert a.shape == (10,)
    assert torch.isfinite(a).all()
    c = iwae_log_likelihood(model, x, k=7, batch_size=10, generator=torch.Generator().manual_seed(5))
    assert torch.allclose(b, c)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m, x: kl_normal_standard(torch.zeros(2, 3), torch.zeros(2, 4)), "same shape"),
        (lambda m, x: kl_normal_standard([0.0], torch.zeros(1)), "mu must be a torch.Tensor"),
        (lambda m, x: kl_normal_standard(torch.zeros(2), torch.tensor([0.0, float("nan")])), "logvar"),
        (lambda m, x: bernoulli_nll(torch.zeros(2, 1, 28, 28), x), "same shape"),
        (lambda m, x: elbo_terms(m, x, beta=-1.0), "beta"),
        (lambda m, x: elbo_terms(torch.nn.Linear(2, 2), x), "model"),
        (lambda m, x: elbo_terms(m, x * 3), r"x must have values in \[0.0, 1.0\]"),
        (lambda m, x: iwae_log_likelihood(m, x, k=0), "k must be an integer"),
        (lambda m, x: iwae_log_likelihood(m, x, batch_size=1.5), "batch_size"),
        (lambda m, x: iwae_log_likelihood(m, x, generator=0), "generator"),
        (lambda m, x: iwae_log_likelihood(m, x, k_chunk=0), "k_chunk"),
        (lambda m, x: iwae_log_likelihood(m, x[:0]), "at least one image"),
        (lambda m, x: VAE(latent_dim=0), "latent_dim"),
    ],
)
def test_bad_inputs_raise_value_error(call, match):
    model = VAE(latent_dim=2, hidden=(8,))
    with pytest.raises(ValueError, match=match):
        call(model, _images(3))


def test_iwae_does_not_depend_on_the_chunk_size():
    seed_everything(0)
    model = VAE(latent_dim=3, hidden=(16,))
    x = _images(12)
    values = [
        iwae_log_likelihood(
            model, x, k=1000, batch_size=5, k_chunk=c, generator=torch.Generator().manual_seed(3)
        )
        for c in (1000, 64, 7)
    ]
    assert torch.isfinite(values[0]).all()
    assert torch.allclose(values[0], values[1], atol=1e-4) and torch.allclose(values[0], values[2], atol=1e-4)


def test_iwae_memory_is_bounded_by_the_chunk(monkeypatch):
    seed_everything(0)
    model = VAE(latent_dim=2, hidden=(8,))
    seen = []
    original = model.decode_logits
    monkeypatch.setattr(model, "decode_logits", lambda z: (seen.append(z.shape[0]), original(z))[1])
    iwae_log_likelihood(model, _images(10), k=5000, batch_size=4, k_chunk=50)
    assert max(seen) == 50 * 4
    assert sum(seen) == 5000 * 10


SHOWN_IN_NOTEBOOKS = [
    "utils.models.MLPClassifier",
    "utils.models.Autoencoder",
    "utils.losses.reconstruction_bce",
    "utils.losses.elbo_terms",
    "utils.losses.kl_normal_standard",
    "utils.losses.bernoulli_nll",
    "utils.losses.binarized_elbo",
    "utils.losses.classification_loss",
    "utils.losses.bce_sse_loss",
    "utils.optim.adam_one_cycle",
    "utils.noise.gaussian_noise",
    "utils.training.fit",
    "utils.recipes.train_ae30",
    "utils.recipes.train_vae32",
    "utils.vae.VAE",
    "utils.vae.iwae_log_likelihood",
    "utils.frechet.frechet_distance",
]


@pytest.mark.parametrize("path", SHOWN_IN_NOTEBOOKS)
def test_shown_source_is_the_idea_not_the_checks(path):
    """What show_source displays holds the model or formula; the input checks live outside it."""
    import importlib
    import inspect

    module, name = path.rsplit(".", 1)
    source = inspect.getsource(getattr(importlib.import_module(module), name))
    bad = [line for line in source.splitlines() if "check_" in line or "raise ValueError" in line]
    assert not bad, f"{path} shows validation: {bad}"


def test_every_show_source_of_a_notebook_is_covered():
    shown = set()
    for nb in course_notebooks():
        for cell in read_notebook(nb)["cells"]:
            shown |= set(re.findall(r"show_source\((\w+)[,)]", source_of(cell)))
    covered = {p.rsplit(".", 1)[1] for p in SHOWN_IN_NOTEBOOKS}
    assert shown <= covered, shown - covered


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (
            torch.rand(2, 1, 28, 28).double(),
            r"x must have dtype torch.float32.*got torch.float64.*x.float\(\)",
        ),
        (
            (torch.rand(2, 1, 28, 28) * 255).to(torch.uint8),
            r"got torch.uint8 \(pixels 0..255: convert with x.float\(\) / 255\)",
        ),
        (torch.rand(2, 1, 32, 32), r"x must have shape N×1×28×28 .*got \(2, 1, 32, 32\)"),
        (torch.rand(2, 784), r"got \(2, 784\); reshape it with x.view\(-1, 1, 28, 28\)"),
        (torch.rand(1, 28, 28), r"a single image needs a batch dimension: x.unsqueeze\(0\)"),
    ],
)
def test_models_and_losses_name_the_expected_input(x, match):
    from utils.models import Autoencoder, MLPClassifier
    from utils.vae import iwae_log_likelihood

    vae = VAE(2, (8,))
    calls = [
        Autoencoder(2, (8,)),
        Autoencoder(2, (8,)).encode,
        vae,
        vae.encode,
        lambda x: elbo_terms(vae, x),
        lambda x: iwae_log_likelihood(vae, x, k=2),
    ]
    for fn in calls:
        with pytest.raises(ValueError, match=match):
            fn(x)
    if x.dtype != torch.float32:  # the classifier knows its dtype and input size, not an image shape
        with pytest.raises(ValueError, match=r"x must have dtype torch.float32"):
            MLPClassifier()(x)
    with pytest.raises(ValueError, match=r"x must have shape N×… with 784 values per item"):
        MLPClassifier()(torch.rand(2, 1, 32, 32))
    with pytest.raises(ValueError, match=r"z must have shape N×2 .*got \(3, 5\)"):
        vae.decode(torch.zeros(3, 5))
    with pytest.raises(ValueError, match=r"z must have dtype torch.float32"):
        Autoencoder(2, (8,)).decode(torch.zeros(3, 2, dtype=torch.float64))


def test_posterior_params_match_encode_batch_by_batch():
    seed_everything(0)
    model = VAE(latent_dim=3, hidden=(16,))
    model.train()
    x = _images(25)
    mu, sigma = posterior_params(model, x, batch_size=7)
    mu_ref, logvar_ref = model.encode(x)
    assert mu.shape == sigma.shape == (25, 3)
    assert torch.allclose(mu, mu_ref, atol=1e-6)
    assert torch.allclose(sigma, torch.exp(0.5 * logvar_ref), atol=1e-6)
    assert model.training  # the mode is restored
    assert not mu.requires_grad


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m, x: posterior_params(torch.nn.Linear(2, 2), x), "model must be a utils.vae.VAE"),
        (lambda m, x: posterior_params(m, x[:0]), "at least one image"),
        (lambda m, x: posterior_params(m, x, batch_size=0), "batch_size"),
        (lambda m, x: posterior_params(m, x * 2), r"x must have values in \[0.0, 1.0\]"),
    ],
)
def test_posterior_params_rejects_bad_input(call, match):
    model = VAE(latent_dim=2, hidden=(8,))
    with pytest.raises(ValueError, match=match):
        call(model, _images(3))
