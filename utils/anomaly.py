"""Anomaly detection by reconstruction error (introduced in notebook 04).

Conventions used throughout: the **anomaly is the positive class** (label 1 /
``True``), a higher score means "more anomalous", and an image is flagged as an
anomaly when its score is **strictly greater** than the threshold.

* :func:`reconstruction_scores` — per-image squared reconstruction error of an
  autoencoder (any ``nn.Module`` that returns x̂) or of a :class:`~utils.baselines.PCAAutoencoder`.
* :func:`threshold_at_fpr` — the threshold that flags a given fraction of *normal*
  validation images, i.e. a target false-positive rate chosen from normal data only.
* :func:`detection_metrics` — confusion matrix, precision, recall (TPR) and FPR at a threshold.
* :func:`roc_pr` — ROC and precision-recall curves with AUROC and average precision (scikit-learn).
* :func:`plot_roc_pr`, :func:`plot_score_histograms`, :func:`plot_confusion` — the figures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

from .batching import map_batches
from .checks import check_images, check_model_input, check_positive_int, check_probability, check_tensor
from .metrics import per_image_squared_error
from .vae import VAE

__all__ = [
    "reconstruction_scores",
    "threshold_at_fpr",
    "detection_metrics",
    "roc_pr",
    "auroc",
    "plot_roc_pr",
    "plot_score_histograms",
    "plot_confusion",
]


def _check_scores(name: str, scores) -> torch.Tensor:
    check_tensor(name, scores, ndim=1, floating=True, min_len=1)
    return scores.detach().cpu().double()


def _check_is_anomaly(name: str, is_anomaly, n: int) -> torch.Tensor:
    check_tensor(name, is_anomaly, ndim=1)
    if is_anomaly.shape[0] != n:
        raise ValueError(f"{name} must have one entry per score ({n}), got {is_anomaly.shape[0]}")
    if is_anomaly.dtype != torch.bool:
        if is_anomaly.is_floating_point() or not bool(((is_anomaly == 0) | (is_anomaly == 1)).all()):
            raise ValueError(f"{name} must be a bool tensor or an integer tensor of 0/1 (1 = anomaly)")
    return is_anomaly.detach().cpu().bool()


def _check_threshold(threshold) -> float:
    ok = isinstance(threshold, (int, float)) and not isinstance(threshold, bool)
    if isinstance(threshold, torch.Tensor) and threshold.numel() == 1:
        threshold, ok = threshold.item(), True
    if not ok or not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    return float(threshold)


def reconstruction_scores(
    model, images: torch.Tensor, *, batch_size: int = 1024, device=None
) -> torch.Tensor:
    """Anomaly score = squared reconstruction error summed over each image's pixels (notebook 04).

    ``model`` is an ``nn.Module`` whose forward pass returns the reconstruction
    (e.g. :class:`utils.models.Autoencoder`; it is put in eval mode) or any object with a
    ``reconstruct(images)`` method (e.g. :class:`utils.baselines.PCAAutoencoder`).
    Returns a CPU float tensor of shape N.
    """
    check_images("images", images)
    check_positive_int("batch_size", batch_size)
    if isinstance(model, VAE):
        raise ValueError(
            "model is a VAE: its forward returns (logits, mu, logvar), not a reconstruction x̂; "
            "reconstruction_scores expects an autoencoder (utils.models.Autoencoder) or an object with "
            "reconstruct(); to score with a VAE use its ELBO or iwae_log_likelihood"
        )
    if isinstance(model, torch.nn.Module):
        param = next(model.parameters(), None)
        if param is not None:
            shape = getattr(model, "image_shape", None)
            check_model_input("images", images, dtype=param.dtype, image_shape=shape and tuple(shape))
        model.eval()
        if device is None:
            param = next(model.parameters(), None)
            device = param.device if param is not None else None
        recon = map_batches(model, images, batch_size=batch_size, device=device)
    elif callable(getattr(model, "reconstruct", None)):
        recon = model.reconstruct(images)
    else:
        raise ValueError(
            "model must be an nn.Module returning x̂ or have a reconstruct() method, "
            f"got {type(model).__name__}"
        )
    if not isinstance(recon, torch.Tensor) or recon.shape != images.shape:
        got = tuple(recon.shape) if isinstance(recon, torch.Tensor) else type(recon).__name__
        raise ValueError(f"model must return reconstructions of shape {tuple(images.shape)}, got {got}")
    return per_image_squared_error(recon.cpu(), images.cpu())


def threshold_at_fpr(normal_scores: torch.Tensor, fpr: float) -> float:
    """Threshold that flags at most a fraction ``fpr`` of ``normal_scores`` (notebook 04).

    ``normal_scores`` are scores of *normal* held-out images (no anomalies needed).
    With n scores sorted ascending, the threshold is the (n − ⌊fpr·n⌋)-th smallest, so
    exactly ⌊fpr·n⌋ of them are strictly above it (fewer if there are ties): the
    empirical FPR on these scores is ≤ ``fpr`` and within 1/n of it. ``fpr`` is in [0, 1);
    ``fpr = 0`` gives the maximum score.
    """
    scores = _check_scores("normal_scores", normal_scores)
    check_probability("fpr", fpr, open_right=True)
    n = scores.shape[0]
    k = min(math.floor(fpr * n + 1e-9), n - 1)  # normal scores allowed above the threshold
    return float(torch.sort(scores).values[n - k - 1])


def detection_metrics(scores: torch.Tensor, is_anomaly: torch.Tensor, threshold: float) -> dict:
    """Metrics of the rule «anomaly if score > threshold», anomaly = positive class (notebook 04).

    Returns a dict with ``confusion`` (2×2 int array, rows = true normal/anomaly,
    columns = predicted normal/anomaly), ``tn``, ``fp``, ``fn``, ``tp``, ``precision``
    (TP / (TP + FP), 0 when nothing is flagged), ``recall`` (TP / (TP + FN), the
    detection rate), ``fpr`` (FP / (FP + TN)) and ``threshold``.
    """
    s = _check_scores("scores", scores)
    y = _check_is_anomaly("is_anomaly", is_anomaly, s.shape[0])
    t = _check_threshold(threshold)
    pred = s > t
    tp = int((pred & y).sum())
    fp = int((pred & ~y).sum())
    fn = int((~pred & y).sum())
    tn = int((~pred & ~y).sum())
    return {
        "confusion": np.array([[tn, fp], [fn, tp]]),
        "tn": tn,
        "fp": fp,
        "fn": fn,
        "tp": tp,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
        "threshold": t,
    }


def _both_classes(s: torch.Tensor, y: torch.Tensor) -> None:
    if bool(y.all()) or not bool(y.any()):
        raise ValueError("is_anomaly must contain both normal (0) and anomalous (1) items")


def auroc(scores: torch.Tensor, is_anomaly: torch.Tensor) -> float:
    """Area under the ROC curve (scikit-learn's ``roc_auc_score``), anomaly = positive (notebook 04).

    0.5 is chance, 1.0 ranks every anomaly above every normal image.
    """
    s = _check_scores("scores", scores)
    y = _check_is_anomaly("is_anomaly", is_anomaly, s.shape[0])
    _both_classes(s, y)
    return float(roc_auc_score(y.numpy(), s.numpy()))


def roc_pr(scores: torch.Tensor, is_anomaly: torch.Tensor) -> dict:
    """ROC and precision-recall curves with AUROC and average precision (notebook 04).

    Thin, validated wrapper over scikit-learn's ``roc_curve``, ``precision_recall_curve``,
    ``roc_auc_score`` and ``average_precision_score``. Returns a dict with ``fpr``,
    ``tpr``, ``precision``, ``recall`` (NumPy arrays), ``auroc``, ``ap`` and
    ``prevalence`` (fraction of anomalies: the AP of a random scorer).
    """
    s = _check_scores("scores", scores)
    y = _check_is_anomaly("is_anomaly", is_anomaly, s.shape[0])
    _both_classes(s, y)
    yn, sn = y.numpy(), s.numpy()
    fpr, tpr, _ = roc_curve(yn, sn)
    precision, recall, _ = precision_recall_curve(yn, sn)
    return {
        "fpr": fpr,
        "tpr": tpr,
        "precision": precision,
        "recall": recall,
        "auroc": float(roc_auc_score(yn, sn)),
        "ap": float(average_precision_score(yn, sn)),
        "prevalence": float(yn.mean()),
    }


def plot_roc_pr(results: Mapping[str, tuple[torch.Tensor, torch.Tensor]], *, title: str | None = None):
    """ROC (left) and precision-recall (right) curves for several scorers (notebook 04).

    ``results`` maps a legend label to ``(scores, is_anomaly)``; AUROC and AP go into
    the legends. Returns the figure.
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty dict {label: (scores, is_anomaly)}")
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(9, 3.8))
    prevalence = None
    for label, pair in results.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"results[{label!r}] must be a pair (scores, is_anomaly)")
        c = roc_pr(*pair)
        ax_roc.plot(c["fpr"], c["tpr"], label=f"{label}: AUROC = {c['auroc']:.3f}")
        ax_pr.plot(c["recall"], c["precision"], label=f"{label}: AP = {c['ap']:.3f}")
        prevalence = c["prevalence"]
    ax_roc.plot([0, 1], [0, 1], "k:", lw=1, label="случайный порядок")
    ax_pr.axhline(prevalence, color="k", ls=":", lw=1, label="доля аномалий")
    ax_roc.set(xlabel="FPR (ложные тревоги)", ylabel="TPR = recall", title="ROC")
    ax_pr.set(xlabel="recall", ylabel="precision", title="Precision–recall", ylim=(0, 1.02))
    for ax in (ax_roc, ax_pr):
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right" if ax is ax_roc else "lower left")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_score_histograms(
    normal_scores: torch.Tensor,
    anomaly_scores: torch.Tensor,
    *,
    thresholds: Mapping[str, float] | None = None,
    bins: int = 60,
    log: bool = False,
    title: str | None = None,
    ax=None,
):
    """Density histograms of normal vs anomalous scores, thresholds as vertical lines (notebook 04).

    ``thresholds`` maps a legend label to a threshold value.
    """
    a = _check_scores("normal_scores", normal_scores).numpy()
    b = _check_scores("anomaly_scores", anomaly_scores).numpy()
    check_positive_int("bins", bins)
    if thresholds is not None and not isinstance(thresholds, Mapping):
        raise ValueError("thresholds must be a dict {label: value} or None")
    thresholds = {k: _check_threshold(v) for k, v in (thresholds or {}).items()}
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.2))
    else:
        fig = ax.figure
    data = np.concatenate([a, b])
    if log:
        data = np.log10(np.maximum(data, 1e-12))
        a, b = data[: len(a)], data[len(a) :]
        thresholds = {k: math.log10(max(v, 1e-12)) for k, v in thresholds.items()}
    edges = np.linspace(data.min(), data.max(), bins + 1)
    ax.hist(a, bins=edges, density=True, alpha=0.55, label="норма")
    ax.hist(b, bins=edges, density=True, alpha=0.55, label="аномалии")
    styles = ["-", "--", "-.", ":"]
    for i, (label, t) in enumerate(thresholds.items()):
        ax.axvline(t, color=f"C{i + 2}", ls=styles[i % len(styles)], lw=1.6, label=label)
    ax.set_xlabel("log10(ошибка реконструкции)" if log else "ошибка реконструкции")
    ax.set_ylabel("плотность")
    ax.legend()
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_confusion(confusion, *, title: str | None = None, ax=None):
    """A 2×2 confusion matrix (rows = truth, columns = prediction; anomaly = positive) (notebook 04)."""
    cm = np.asarray(confusion)
    if cm.shape != (2, 2) or not np.issubdtype(cm.dtype, np.integer) or (cm < 0).any():
        raise ValueError(f"confusion must be a 2×2 array of non-negative integers, got {cm!r}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(3.2, 2.8))
    else:
        fig = ax.figure
    ax.imshow(cm, cmap="Blues")
    names = ["норма", "аномалия"]
    ax.set_xticks([0, 1], names)
    ax.set_yticks([0, 1], names)
    ax.set_xlabel("предсказание")
    ax.set_ylabel("истина")
    for i in range(2):
        for j in range(2):
            color = "white" if cm[i, j] > cm.max() / 2 else "black"
            ax.text(j, i, f"{cm[i, j]}", ha="center", va="center", color=color)
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
