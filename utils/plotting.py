"""Figures every notebook uses (introduced in notebook 01).

Each function draws into a new figure (or the given axes) and returns it, so a
notebook can adjust titles or save it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import FixedLocator, MaxNLocator, NullFormatter, NullLocator, ScalarFormatter

from .checks import check_images, check_labels, check_positive_int, check_tensor

__all__ = [
    "COURSE_STYLE",
    "draw_autoencoder",
    "plot_history",
    "plot_latent",
    "set_log_ticks",
    "show_images",
    "show_reconstructions",
    "show_rows",
    "use_course_style",
]

#: Matplotlib settings of every figure in the course: sizes that read on a projector.
COURSE_STYLE = {
    "figure.dpi": 80,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
}


def use_course_style() -> None:
    """Apply :data:`COURSE_STYLE` to every later figure (notebook 01, through :func:`utils.setup`)."""
    plt.rcParams.update(COURSE_STYLE)


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
                ax.set_title(titles[i], fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_rows(
    rows: dict[str, torch.Tensor],
    *,
    title: str | None = None,
    size: float = 1.1,
    captions: dict[str, Sequence[str]] | None = None,
    highlight: dict[str, Sequence[bool]] | None = None,
):
    """Several aligned rows of images, each labelled on the left (notebook 01).

    ``rows`` maps a row label (e.g. «оригинал») to an N×1×H×W tensor; all rows have N images.
    ``captions`` maps a row label to N short texts shown above its images, and ``highlight``
    to N flags that draw those captions in red (notebook 02 marks frames of a third class).
    """
    if not isinstance(rows, dict) or not rows:
        raise ValueError("rows must be a non-empty dict {label: images}")
    for label, imgs in rows.items():
        check_images(f"rows[{label!r}]", imgs)
    counts = {imgs.shape[0] for imgs in rows.values()}
    if len(counts) != 1:
        raise ValueError(f"every row in rows must hold the same number of images, got {sorted(counts)}")
    n = counts.pop()
    for name, extra in (("captions", captions), ("highlight", highlight)):
        if extra is None:
            continue
        if not isinstance(extra, dict) or not set(extra) <= set(rows):
            raise ValueError(f"{name} must be a dict whose keys are row labels of rows, got {extra!r}")
        for label, items in extra.items():
            if len(items) != n:
                raise ValueError(f"{name}[{label!r}] must have one entry per image ({n}), got {len(items)}")
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
            if captions is not None and label in captions:
                red = highlight is not None and label in highlight and bool(highlight[label][c])
                ax.set_title(captions[label][c], fontsize=9, color="tab:red" if red else "black", pad=2)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_reconstructions(
    originals: torch.Tensor, reconstructions: torch.Tensor, *, n: int = 10, title: str | None = None
):
    """Originals above reconstructions for the first ``n`` images (notebook 02)."""
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
    ylabel: str = "функция потерь",
    ax=None,
):
    """Per-epoch curves from :func:`utils.training.fit` (train and validation) (notebook 01).

    Legends read «обучение»/«валидация» for the ``train_``/``val_`` keys (with the metric's
    name after a colon when ``keys`` mix several metrics).
    """
    if not isinstance(history, dict) or not history:
        raise ValueError("history must be the non-empty dict returned by fit()")
    keys = list(keys) if keys is not None else [k for k in ("train_loss", "val_loss") if k in history]
    for k in keys:
        if k not in history:
            raise ValueError(f"history has no key {k!r}; available: {sorted(history)}")
    parts = [k.partition("_") for k in keys]
    one_metric = len({rest for _, _, rest in parts}) == 1
    names = {"train": "обучение", "val": "валидация"}
    labels = [
        k if prefix not in names else names[prefix] if one_metric else f"{names[prefix]}: {rest}"
        for k, (prefix, _, rest) in zip(keys, parts, strict=True)
    ]
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    else:
        fig = ax.figure
    for k, label in zip(keys, labels, strict=True):
        values = history[k]
        ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=label)
    ax.set_xlabel("эпоха")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
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
    """Scatter of 2-D codes coloured by class, with a legend of class names (notebook 02).

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
    ax.legend(markerscale=4, fontsize=9, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def draw_autoencoder(sizes: Sequence[int], *, ax=None):
    """Diagram of an MLP autoencoder: layer widths from the input down to the code and back (notebook 02).

    ``sizes`` lists the encoder's widths from the input to the code, e.g. ``(784, 512, 256, 30)``;
    the decoder mirrors them. Each layer is a bar whose height grows with its width (square-root scale);
    the encoder f, the code z and the decoder g are shaded and labelled.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and a code size, got {sizes}")
    for i, s in enumerate(sizes):
        check_positive_int(f"sizes[{i}]", s)
    widths = sizes + sizes[-2::-1]
    n = len(widths)
    code_at = len(sizes) - 1
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.0 * n + 1.5, 3.4))
    else:
        fig = ax.figure
    heights = [float(np.sqrt(w / max(widths))) for w in widths]
    xs = np.arange(n, dtype=float)
    parts = (("энкодер $f$", 0, code_at, "tab:blue"), ("декодер $g$", code_at, n - 1, "tab:orange"))
    for part, lo, hi, color in parts:
        upper = [heights[i] / 2 for i in range(lo, hi + 1)]
        ax.fill_between(xs[lo : hi + 1], [-u for u in upper], upper, color=color, alpha=0.15, lw=0)
        ax.text((xs[lo] + xs[hi]) / 2, 0.62, part, ha="center", va="bottom", fontsize=11, color=color)
    for i, (x, h, w) in enumerate(zip(xs, heights, widths, strict=True)):
        color = "tab:green" if i == code_at else "0.35"
        ax.add_patch(plt.Rectangle((x - 0.08, -h / 2), 0.16, h, color=color))
        ax.text(x, -h / 2 - 0.05, str(w), ha="center", va="top", fontsize=9)
    ax.text(xs[0], heights[0] / 2 + 0.03, "вход $x$", ha="center", va="bottom", fontsize=10)
    ax.text(
        xs[code_at],
        heights[code_at] / 2 + 0.03,
        "код $z$",
        ha="center",
        va="bottom",
        fontsize=10,
        color="tab:green",
    )
    ax.text(xs[-1], heights[-1] / 2 + 0.03, r"выход $\hat x$", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(-0.75, 0.8)
    ax.axis("off")
    return fig


def set_log_ticks(ax, *, x: Sequence[float] | None = None, y: Sequence[float] | None = None):
    """Log-scale axes labelled only at the given plain numbers, no «3×10⁰» minor labels (notebook 02)."""

    for name, ticks, axis in (("x", x, ax.xaxis), ("y", y, ax.yaxis)):
        if ticks is None:
            continue
        ticks = [float(t) for t in ticks]
        if not ticks or any(not np.isfinite(t) or t <= 0 for t in ticks):
            raise ValueError(f"{name} must list positive finite tick values, got {ticks}")
        (ax.set_xscale if name == "x" else ax.set_yscale)("log")
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())
    return ax
