"""Helpers shared by the notebooks of «Генеративные модели. Автоэнкодеры».

Plumbing lives here (data, batching, the training loop, plots, metrics) together
with the models that a notebook introduces and later notebooks reuse. Each
helper's docstring names the notebook that introduces it.
"""

from .batching import iterate_batches, map_batches
from .data import (
    DATA_ENV_VAR,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    filter_classes,
    load_fashion_mnist,
    load_mnist,
    train_val_split,
)
from .metrics import per_image_squared_error, psnr
from .plotting import plot_history, plot_latent, show_images, show_reconstructions, show_rows
from .runtime import get_device, seed_everything, setup
from .training import evaluate, fit

__all__ = [
    "DATA_ENV_VAR",
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "evaluate",
    "filter_classes",
    "fit",
    "get_device",
    "iterate_batches",
    "load_fashion_mnist",
    "load_mnist",
    "map_batches",
    "per_image_squared_error",
    "plot_history",
    "plot_latent",
    "psnr",
    "seed_everything",
    "setup",
    "show_images",
    "show_reconstructions",
    "show_rows",
    "train_val_split",
]
