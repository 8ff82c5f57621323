"""utils.plotting: the course's figures return their figure, draw what they are given, and name bad input."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from utils import FASHION_MNIST_CLASSES  # noqa: E402
from utils.plotting import (  # noqa: E402
    draw_autoencoder,
    plot_history,
    plot_latent,
    set_log_ticks,
    show_images,
    show_reconstructions,
    show_rows,
)


def test_plots_return_figures():
    imgs = torch.rand(12, 1, 28, 28)
    fig = show_images(imgs[:11], ncols=6, title="t")
    assert len(fig.axes) == 12 and fig._suptitle.get_text() == "t"  # 2 rows of 6, the last one empty
    shown = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(shown) == 11
    np.testing.assert_allclose(shown[3], imgs[3, 0].numpy(), atol=1e-6)
    assert len(show_rows({"a": imgs[:4], "b": imgs[4:8]}).axes) == 8
    fig = show_rows({"a": imgs[:2], "b": imgs[2:4]}, captions={"b": ["7", "1"]}, highlight={"b": [0, 1]})
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes]
    assert titles == [("", "black"), ("", "black"), ("7", "black"), ("1", "tab:red")]
    fig = draw_autoencoder((784, 64, 8))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert [t for t in texts if t.isdigit()] == ["784", "64", "8", "64", "784"]
    assert "код $z$" in texts
    fig, ax = plt.subplots()
    ax.plot([2, 30], [3, 40])
    set_log_ticks(ax, x=[2, 5, 30], y=[3, 10, 40])
    fig.canvas.draw()
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "5", "30"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["3", "10", "40"]
    assert not [t for t in ax.get_yticklabels(minor=True) if t.get_text()], "no minor labels"
    fig = show_reconstructions(imgs, imgs.flip(0), n=5)
    assert len(fig.axes) == 10  # 5 originals above 5 reconstructions
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), imgs[0, 0].numpy(), atol=1e-6)
    np.testing.assert_allclose(fig.axes[5].images[0].get_array(), imgs[-1, 0].numpy(), atol=1e-6)
    assert plot_history({"train_loss": [3, 2, 1], "val_loss": [3, 2.5, 2]})
    fig = plot_history(
        {"train_sse": [3, 2], "val_sse": [3, 2.5], "train_loss": [1, 1]}, keys=["train_sse", "val_sse"]
    )
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["обучение", "валидация"]
    fig = plot_history({"train_sse": [3, 2], "train_loss": [1, 1]}, keys=["train_sse", "train_loss"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["обучение: sse", "обучение: loss"]
    fig = plot_latent(torch.randn(100, 2), torch.arange(100) % 10, class_names=FASHION_MNIST_CLASSES)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == list(FASHION_MNIST_CLASSES)
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: show_images(torch.rand(3, 784)), "images must have 4 dimensions"),
        (lambda: show_images(torch.rand(3, 1, 4, 4), titles=["a"]), "titles must have one entry"),
        (lambda: show_rows({"a": torch.rand(2, 1, 4, 4), "b": torch.rand(3, 1, 4, 4)}), "same number"),
        (lambda: plot_history({"loss": [1]}, keys=["val_loss"]), "history has no key 'val_loss'"),
        (lambda: plot_latent(torch.randn(10, 3), torch.arange(10)), r"codes must have shape N×2"),
        (lambda: show_rows({"a": torch.rand(2, 1, 4, 4)}, captions={"a": ["x"]}), r"captions\['a'\] must"),
        (lambda: show_rows({"a": torch.rand(2, 1, 4, 4)}, highlight={"b": [1, 0]}), "highlight must be"),
        (lambda: draw_autoencoder([784]), "sizes must list at least"),
        (lambda: set_log_ticks(plt.gca(), y=[0, 1]), "y must list positive finite tick values"),
        (lambda: draw_autoencoder([784, 0]), r"sizes\[1\] must be an integer"),
        (lambda: plot_latent(torch.randn(10, 2), torch.arange(9)), "labels must have length 10"),
    ],
)
def test_plot_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
    plt.close("all")
