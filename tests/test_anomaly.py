"""Tests for utils.anomaly (notebook 04): scores, thresholds, metrics, curves."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score, confusion_matrix, roc_auc_score

from utils.anomaly import (
    auroc,
    detection_metrics,
    plot_confusion,
    plot_roc_pr,
    plot_score_histograms,
    reconstruction_scores,
    roc_pr,
    threshold_at_fpr,
)
from utils.baselines import PCAAutoencoder
from utils.models import Autoencoder


def _random_problem(n=500, seed=0):
    g = torch.Generator().manual_seed(seed)
    y = torch.rand(n, generator=g) < 0.3
    s = torch.randn(n, generator=g, dtype=torch.float64) + 1.2 * y.double()
    return s, y


def test_auroc_and_ap_match_sklearn_on_random_data():
    for seed in range(3):
        s, y = _random_problem(seed=seed)
        c = roc_pr(s, y)
        assert c["auroc"] == pytest.approx(roc_auc_score(y.numpy(), s.numpy()), abs=1e-12)
        assert c["ap"] == pytest.approx(average_precision_score(y.numpy(), s.numpy()), abs=1e-12)
        assert auroc(s, y.long()) == pytest.approx(c["auroc"], abs=1e-12)
        assert c["prevalence"] == pytest.approx(y.double().mean().item())
        assert 0.6 < c["auroc"] < 0.95  # shifted Gaussians: clearly better than chance, not perfect


def test_auroc_extremes():
    y = torch.tensor([0, 0, 1, 1])
    assert auroc(torch.tensor([0.1, 0.2, 0.3, 0.4]), y) == 1.0
    assert auroc(torch.tensor([0.4, 0.3, 0.2, 0.1]), y) == 0.0


@pytest.mark.parametrize("fpr", [0.0, 0.01, 0.05, 0.1, 0.5, 0.9])
def test_threshold_at_fpr_gives_requested_fpr(fpr):
    g = torch.Generator().manual_seed(1)
    normal = torch.rand(2000, generator=g) * 10
    t = threshold_at_fpr(normal, fpr)
    measured = (normal > t).double().mean().item()
    assert measured <= fpr + 1e-12
    assert measured > fpr - 1 / len(normal)
    # on fresh scores from the same distribution the FPR is close to the target
    fresh = torch.rand(200_000, generator=g) * 10
    assert abs((fresh > t).double().mean().item() - fpr) < 0.01


def test_threshold_at_fpr_zero_is_max_and_ties():
    s = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert threshold_at_fpr(s, 0.0) == 4.0
    assert threshold_at_fpr(s, 0.25) == 3.0
    tied = torch.ones(10)
    assert (tied > threshold_at_fpr(tied, 0.3)).sum() == 0


def test_detection_metrics_match_sklearn_confusion():
    s, y = _random_problem(seed=3)
    t = 0.7
    m = detection_metrics(s, y, t)
    pred = (s > t).numpy()
    cm = confusion_matrix(y.numpy(), pred, labels=[False, True])
    np.testing.assert_array_equal(m["confusion"], cm)
    tn, fp, fn, tp = cm.ravel()
    assert (m["tn"], m["fp"], m["fn"], m["tp"]) == (tn, fp, fn, tp)
    assert m["precision"] == pytest.approx(tp / (tp + fp))
    assert m["recall"] == pytest.approx(tp / (tp + fn))
    assert m["fpr"] == pytest.approx(fp / (fp + tn))
    nothing = detection_metrics(s, y, float(s.max()))
    assert nothing["tp"] + nothing["fp"] == 0 and nothing["precision"] == 0.0


def test_reconstruction_scores_for_module_and_pca():
    torch.manual_seed(0)
    x = torch.rand(64, 1, 28, 28)
    ae = Autoencoder(code_dim=4, hidden=(16,))
    s = reconstruction_scores(ae, x, batch_size=10)
    with torch.no_grad():
        expected = (ae(x) - x).pow(2).flatten(1).sum(1)
    assert s.shape == (64,)
    torch.testing.assert_close(s, expected, rtol=1e-5, atol=1e-5)
    pca = PCAAutoencoder(5).fit(x)
    sp = reconstruction_scores(pca, x)
    torch.testing.assert_close(sp, (pca.reconstruct(x) - x).pow(2).flatten(1).sum(1))
    full = PCAAutoencoder(63).fit(x)  # 64 images are (almost) exactly reconstructed with 63 components
    assert reconstruction_scores(full, x).max() < 1e-6 < sp.min()


def test_validation_errors():
    s, y = _random_problem(n=20)
    with pytest.raises(ValueError, match="fpr"):
        threshold_at_fpr(s, 1.0)
    with pytest.raises(ValueError, match="fpr"):
        threshold_at_fpr(s, -0.1)
    with pytest.raises(ValueError, match="normal_scores"):
        threshold_at_fpr(s.reshape(4, 5), 0.1)
    with pytest.raises(ValueError, match="normal_scores"):
        threshold_at_fpr([1.0, 2.0], 0.1)
    with pytest.raises(ValueError, match="is_anomaly"):
        roc_pr(s, y[:10])
    with pytest.raises(ValueError, match="is_anomaly"):
        roc_pr(s, torch.full((20,), 2))
    with pytest.raises(ValueError, match="both"):
        auroc(s, torch.zeros(20, dtype=torch.bool))
    with pytest.raises(ValueError, match="scores"):
        auroc(torch.tensor([float("nan")] * 20), y)
    with pytest.raises(ValueError, match="threshold"):
        detection_metrics(s, y, float("inf"))
    with pytest.raises(ValueError, match="threshold"):
        detection_metrics(s, y, "0.5")
    with pytest.raises(ValueError, match="model"):
        reconstruction_scores(object(), torch.rand(2, 1, 28, 28))
    with pytest.raises(ValueError, match="images"):
        reconstruction_scores(Autoencoder(4, (8,)), torch.rand(2, 784))
    with pytest.raises(ValueError, match="results"):
        plot_roc_pr({})
    with pytest.raises(ValueError, match="confusion"):
        plot_confusion(np.zeros((3, 3), dtype=int))
    with pytest.raises(ValueError, match="thresholds"):
        plot_score_histograms(s, s, thresholds=[1.0])


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    s, y = _random_problem()
    fig = plot_roc_pr({"a": (s, y), "b": (-s, y)}, title="t")
    ax_roc, ax_pr = fig.axes
    assert (ax_roc.get_title(), ax_pr.get_title()) == ("ROC", "Precision–recall")
    assert fig._suptitle.get_text() == "t"
    a, b = roc_pr(s, y), roc_pr(-s, y)
    assert len(ax_roc.lines) == 3 and len(ax_pr.lines) == 3  # two scorers + the chance line
    np.testing.assert_allclose(ax_roc.lines[0].get_xdata(), a["fpr"])
    np.testing.assert_allclose(ax_pr.lines[1].get_ydata(), b["precision"])
    labels = [t.get_text() for t in ax_roc.get_legend().get_texts()]
    assert labels[:2] == [f"a: AUROC = {a['auroc']:.3f}", f"b: AUROC = {b['auroc']:.3f}"]
    assert ax_pr.lines[2].get_ydata()[0] == pytest.approx(a["prevalence"])

    fig2 = plot_score_histograms(
        s[~y].abs() + 0.1, s[y].abs() + 0.1, thresholds={"t": 1.0}, bins=30, log=True
    )
    (ax,) = fig2.axes
    assert len(ax.patches) == 2 * 30  # two histograms of 30 bars
    assert ax.lines[0].get_xdata()[0] == pytest.approx(0.0)  # log10 of the threshold 1.0
    assert ax.get_xlabel().startswith("log10")

    cm = detection_metrics(s, y, 0.5)["confusion"]
    fig3 = plot_confusion(cm)
    (ax3,) = fig3.axes
    np.testing.assert_array_equal(ax3.images[0].get_array(), cm)
    assert sorted(t.get_text() for t in ax3.texts) == sorted(str(v) for v in cm.flatten())
    for f in (fig, fig2, fig3):
        plt.close(f)


def test_reconstruction_scores_names_the_mistake():
    from utils.vae import VAE

    x = torch.rand(3, 1, 28, 28)
    with pytest.raises(ValueError, match=r"model is a VAE: its forward returns \(logits, mu, logvar\)"):
        reconstruction_scores(VAE(2, (8,)), x)
    with pytest.raises(
        ValueError, match=r"images must have dtype torch.float32.*got torch.float64.*images.float\(\)"
    ):
        reconstruction_scores(Autoencoder(4, (8,)), x.double())
    with pytest.raises(ValueError, match=r"images must have shape N×1×28×28.*got \(3, 1, 32, 32\)"):
        reconstruction_scores(Autoencoder(4, (8,)), torch.rand(3, 1, 32, 32))


def test_threshold_at_fpr_just_below_one_gives_the_minimum():
    from utils.anomaly import threshold_at_fpr

    scores = torch.tensor([3.0, 1.0, 2.0, 5.0, 4.0])
    assert threshold_at_fpr(scores, 1 - 1e-12) == 1.0  # all but the smallest score above it
    assert threshold_at_fpr(scores, 0.0) == 5.0


def test_plot_legends_keep_the_course_font_size():
    """Legends use the course style (10 pt, readable on a projector), not a smaller size of their own."""
    import matplotlib.pyplot as plt

    from utils.plotting import COURSE_STYLE

    s, y = _random_problem()
    with plt.rc_context(COURSE_STYLE):
        fig = plot_roc_pr({"a": (s, y)})
        fig2 = plot_score_histograms(s[~y].abs() + 0.1, s[y].abs() + 0.1, thresholds={"t": 1.0})
    for ax in (*fig.axes, *fig2.axes):
        sizes = {t.get_fontsize() for t in ax.get_legend().get_texts()}
        assert min(sizes) >= 9, f"legend font {sizes} pt is too small for a projector"
    plt.close(fig)
    plt.close(fig2)
