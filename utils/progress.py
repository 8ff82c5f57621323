"""The progress bar of :func:`utils.fit` and its one-line summary (notebook 01).

In JupyterLab the bar animates while training runs. A notebook executed without a
browser (nbconvert, CI) would store the bar's text as it was when it appeared («0%»), so
the bar is displayed under a display id, and when training ends that display is replaced
by a plain-text summary (epochs, seconds, final losses) and the widget is closed. A run
stopped by an error keeps the bar where it stopped. Outside Jupyter it is tqdm's text bar.
"""

from __future__ import annotations

from IPython.display import display
from tqdm.auto import tqdm

from .display import n_epochs

try:  # the widget bar that tqdm.auto picks inside Jupyter
    from tqdm.notebook import tqdm_notebook
except ImportError:  # pragma: no cover - ipywidgets missing
    tqdm_notebook = None

__all__ = ["ProgressBar", "training_summary"]


class ProgressBar:
    """tqdm.auto's bar over ``total`` steps; in Jupyter it gives way to a summary line (notebook 01)."""

    def __init__(self, total: int, desc: str, enabled: bool = True):
        kwargs = {"total": total, "desc": desc, "disable": not enabled, "unit": "step", "mininterval": 0.5}
        self._handle = None
        if enabled and tqdm_notebook is not None and issubclass(tqdm, tqdm_notebook):
            self.bar = tqdm(display=False, **kwargs)
            self._handle = display(self.bar.container, display_id=True)
        else:
            self.bar = tqdm(**kwargs)

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def show(self, **numbers) -> None:
        """Numbers shown after the bar, e.g. ``show(epoch=3, loss=0.12)``."""
        self.bar.set_postfix(numbers)

    def close(self, summary: str | None = None) -> None:
        """Close the bar; in Jupyter, replace it by ``summary`` (``None``: keep the bar as it stopped)."""
        self.bar.close()
        if self._handle is None:
            return
        if summary is None:
            self._handle.update(self.bar.container)
        else:
            self._handle.update({"text/plain": summary}, raw=True)
            for widget in (*self.bar.container.children, self.bar.container):
                widget.close()
        self._handle = None


def training_summary(desc: str, history: dict) -> str:
    """«AE-30: 18 эпох за 76 с; потери: обучение 57.62, валидация 59.78» (notebook 01)."""
    losses = [f"обучение {history['train_loss'][-1]:.4g}"]
    if "val_loss" in history:
        losses.append(f"валидация {history['val_loss'][-1]:.4g}")
    epochs = len(history["epoch_seconds"])
    return f"{desc}: {n_epochs(epochs)} за {sum(history['epoch_seconds']):.0f} с; потери: {', '.join(losses)}"
