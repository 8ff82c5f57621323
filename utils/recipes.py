"""Models that one notebook trains and later notebooks reuse, each with its recipe (notebook 02).

* :func:`train_ae30` — the AE-30 of notebook 02 (the Hinton & Salakhutdinov anchor), reused in 06.
* :func:`train_vae32` — the VAE-32 of notebook 06 (binarised MNIST, KL warm-up), reused in 07.

Both train on the same split of the MNIST training set::

    (x_train, y_train), (x_val, y_val) = utils.train_val_split(x_all, y_all, val_size=5000, seed=0)

and keep their weights with :func:`utils.cache.load_or_train`, so a later notebook loads
them instead of training again.
"""

from __future__ import annotations

import math

from .cache import load_or_train
from .checks import check_images, check_positive_int, validate_args
from .losses import bce_sse_loss, binarized_elbo
from .models import Autoencoder
from .optim import adam_one_cycle
from .runtime import seed_everything
from .training import fit
from .vae import VAE

__all__ = ["AE30_RECIPE", "VAE32_RECIPE", "train_ae30", "train_vae32"]

#: Hyper-parameters of the AE-30 (notebook 02). Changing any of them trains a new model.
AE30_RECIPE = {"code_dim": 30, "hidden": (512, 256), "batch_size": 128, "max_lr": 3e-3, "epochs": 18}

#: Hyper-parameters of the VAE-32 (notebook 06): AE-30's layers, batch, schedule and epochs,
#: a 32-dimensional code and KL warm-up over the first 30 % of the steps.
VAE32_RECIPE = {**AE30_RECIPE, "code_dim": 32, "warmup": 0.3}


def _recipe_args(x_train, x_val=None, *, seed=0, cache="use") -> None:
    for name, x in (("x_train", x_train), ("x_val", x_val)):
        if x is not None:
            check_images(name, x)
            if tuple(x.shape[1:]) != (1, 28, 28):
                raise ValueError(f"{name} must hold MNIST images N×1×28×28, got {tuple(x.shape)}")
    check_positive_int("seed", seed, allow_zero=True)


@validate_args(_recipe_args)
def train_ae30(x_train, x_val, *, seed: int = 0, cache="use"):
    """The AE-30 trained on ``x_train``, validated on ``x_val``: ``(model, history)`` (notebook 02).

    :class:`utils.models.Autoencoder` 784-512-256-30 trained with :func:`utils.losses.bce_sse_loss`
    and Adam under a OneCycle schedule (:data:`AE30_RECIPE`). ``cache`` as in
    :func:`utils.cache.load_or_train`: notebook 02 passes ``"refresh"``, later notebooks load it.
    """
    r = AE30_RECIPE
    seed_everything(seed)
    model = Autoencoder(r["code_dim"], r["hidden"])
    one_cycle = adam_one_cycle(r["max_lr"], r["epochs"], n_train=len(x_train), batch_size=r["batch_size"])

    def train():
        return fit(
            model,
            bce_sse_loss,
            x_train,
            x_val,
            epochs=r["epochs"],
            batch_size=r["batch_size"],
            optimizer=one_cycle,
            desc="AE-30",
        )

    return load_or_train(
        "AE-30", model, train, recipe=r, seed=seed, data=(x_train, x_val), taught_in="02", cache=cache
    )


@validate_args(_recipe_args)
def train_vae32(x_train, *, seed: int = 0, cache="use"):
    """The VAE-32 of notebook 06 trained on ``x_train``, binarised anew in every batch: ``(model, history)``.

    :class:`utils.vae.VAE` 784-512-256-32 trained with :func:`utils.losses.binarized_elbo`
    (KL warm-up) and AE-30's schedule (:data:`VAE32_RECIPE`) (notebook 06). ``cache`` as in
    :func:`utils.cache.load_or_train`: notebook 06 passes ``"refresh"``, notebook 07 loads it.
    """
    r = VAE32_RECIPE
    seed_everything(seed)
    model = VAE(latent_dim=r["code_dim"], hidden=r["hidden"])
    steps = r["epochs"] * math.ceil(len(x_train) / r["batch_size"])
    one_cycle = adam_one_cycle(r["max_lr"], r["epochs"], n_train=len(x_train), batch_size=r["batch_size"])

    def train():
        return fit(
            model,
            binarized_elbo(steps, warmup=r["warmup"]),
            x_train,
            epochs=r["epochs"],
            batch_size=r["batch_size"],
            optimizer=one_cycle,
            desc="VAE-32",
        )

    return load_or_train(
        "VAE-32", model, train, recipe=r, seed=seed, data=(x_train,), taught_in="06", cache=cache
    )
