import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from utils import (  # noqa: E402
    FASHION_MNIST_CLASSES,
    per_image_squared_error,
    plot_history,
    plot_latent,
    psnr,
    show_images,
    show_reconstructions,
    show_rows,
)
from utils.checks import check_images, check_probability  # noqa: E402
from utils.exercises import check, require  # noqa: E402
from utils.plotting import draw_autoencoder, set_log_ticks  # noqa: E402


def test_per_image_squared_error_and_psnr():
    x = torch.zeros(3, 1, 28, 28)
    y = x.clone()
    y[1] += 0.1
    y[2, 0, 0, 0] = 1.0
    err = per_image_squared_error(y, x)
    assert torch.allclose(err, torch.tensor([0.0, 784 * 0.01, 1.0]))
    p = psnr(y, x)
    assert math.isinf(p[0]) and math.isclose(p[1].item(), 20.0, rel_tol=1e-5)
    assert math.isclose(p[2].item(), 10 * math.log10(784), rel_tol=1e-5)
    assert math.isclose(psnr(y[1:2], x[1:2], peak=2.0).item(), 20 + 20 * math.log10(2), rel_tol=1e-5)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        (torch.zeros(2, 1, 4, 4), torch.zeros(3, 1, 4, 4), "same shape"),
        (torch.zeros(2, 1, 4, 4, dtype=torch.uint8), torch.zeros(2, 1, 4, 4), "x must be a floating-point"),
        (torch.zeros(2, 1, 4, 4), torch.full((2, 1, 4, 4), float("nan")), "target contains NaN"),
    ],
)
def test_metric_errors(a, b, match):
    with pytest.raises(ValueError, match=match):
        per_image_squared_error(a, b)


def test_check_messages():
    with pytest.raises(ValueError, match=r"images must have values in \[0.0, 1.0\]"):
        check_images("images", torch.full((1, 1, 2, 2), 2.0))
    with pytest.raises(ValueError, match="images must have 4 dimensions, got shape"):
        check_images("images", torch.zeros(2, 784))
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\]"):
        check_probability("p", 1.5)


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


def test_exercise_checks(capsys):
    with pytest.raises(AssertionError, match="Задание не выполнено"):
        require(None, "answer")
    assert require(5, "answer") == 5
    check(True, "msg", success="ok")
    assert "ok" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="Пока не так: bad"):
        check(False, "bad")
