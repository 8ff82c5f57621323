"""Figures every notebook uses (introduced in notebook 01).

Each function draws into a new figure (or the given axes) and returns it, so a
notebook can adjust titles or save it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from .checks import check_images, check_labels, check_positive_int, check_tensor

__all__ = ["show_images", "show_rows", "show_reconstructions", "plot_history", "plot_latent"]


def _to_numpy_images(images: torch.Tensor) -> np.ndarray:
    return images.detach().cpu().float().clamp(0, 1).numpy()[:, 0]


def show_images(
    images: torch.Tensor,
    *,
    ncols: int = 10,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    size: float = 1.1,
):
    """A grid of N×1×H×W images in [0, 1], ``ncols`` per row (notebook 01)."""
    check_images("images", images)
    check_positive_int("ncols", ncols)
    n = images.shape[0]
    if n == 0:
        raise ValueError("images must hold at least one image")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per image ({n}), got {len(titles)}")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if title else 0)), squeeze=False
    )
    arr = _to_numpy_images(images)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(arr[i], cmap="gray", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_rows(rows: dict[str, torch.Tensor], *, title: str | None = None, size: float = 1.1):
    """Several aligned rows of images, each labelled on the left (notebook 01).

    ``rows`` maps a row label (e.g. «оригинал») to an N×1×H×W tensor; all rows have N images.
    """
    if not isinstance(rows, dict) or not rows:
        raise ValueError("rows must be a non-empty dict {label: images}")
    for label, imgs in rows.items():
        check_images(f"rows[{label!r}]", imgs)
    counts = {imgs.shape[0] for imgs in rows.values()}
    if len(counts) != 1:
        raise ValueError(f"every row in rows must hold the same number of images, got {sorted(counts)}")
    n = counts.pop()
    fig, axes = plt.subplots(
        len(rows), n, figsize=(size * n + 1.0, size * len(rows) + (0.4 if title else 0)), squeeze=False
    )
    for r, (label, imgs) in enumerate(rows.items()):
        arr = _to_numpy_images(imgs)
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(arr[c], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_reconstructions(
    originals: torch.Tensor, reconstructions: torch.Tensor, *, n: int = 10, title: str | None = None
):
    """Originals above reconstructions for the first ``n`` images (notebook 01)."""
    check_images("originals", originals)
    check_images("reconstructions", reconstructions)
    check_positive_int("n", n)
    if originals.shape != reconstructions.shape:
        raise ValueError(
            "originals and reconstructions must have the same shape, got "
            f"{tuple(originals.shape)} and {tuple(reconstructions.shape)}"
        )
    n = min(n, originals.shape[0])
    return show_rows({"оригинал": originals[:n], "реконструкция": reconstructions[:n]}, title=title)


def plot_history(
    history: dict,
    *,
    keys: Sequence[str] | None = None,
    title: str | None = None,
    ylabel: str = "loss",
    ax=None,
):
    """Per-epoch curves from :func:`utils.training.fit` (train and validation) (notebook 01)."""
    if not isinstance(history, dict) or not history:
        raise ValueError("history must be the non-empty dict returned by fit()")
    keys = list(keys) if keys is not None else [k for k in ("train_loss", "val_loss") if k in history]
    for k in keys:
        if k not in history:
            raise ValueError(f"history has no key {k!r}; available: {sorted(history)}")
    names = {"train_loss": "обучение", "val_loss": "валидация"}
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    else:
        fig = ax.figure
    for k in keys:
        values = history[k]
        ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=names.get(k, k))
    ax.set_xlabel("эпоха")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_latent(
    codes: torch.Tensor,
    labels: torch.Tensor,
    *,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    ax=None,
    max_points: int = 5000,
    s: float = 2.0,
):
    """Scatter of 2-D codes coloured by class, with a legend of class names (notebook 01).

    Pass ``utils.data.FASHION_MNIST_CLASSES`` as ``class_names`` for Fashion-MNIST.
    """
    check_tensor("codes", codes, ndim=2, floating=True, min_len=1)
    if codes.shape[1] != 2:
        raise ValueError(f"codes must have shape N×2 (a 2-D latent space), got {tuple(codes.shape)}")
    check_labels("labels", labels, n=codes.shape[0])
    check_positive_int("max_points", max_points)
    classes = sorted(labels.unique().tolist())
    if class_names is not None and max(classes) >= len(class_names):
        raise ValueError(f"class_names has {len(class_names)} names but labels go up to {max(classes)}")
    codes, labels = codes[:max_points].cpu().numpy(), labels[:max_points].cpu().numpy()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
    else:
        fig = ax.figure
    cmap = plt.get_cmap("tab10")
    for c in classes:
        m = labels == c
        name = class_names[c] if class_names is not None else str(c)
        ax.scatter(codes[m, 0], codes[m, 1], s=s, color=cmap(c % 10), label=name, alpha=0.7, rasterized=True)
    ax.legend(markerscale=4, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
