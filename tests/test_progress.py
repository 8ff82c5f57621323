"""utils.progress: the bar of fit and its summary line (notebook 01)."""

from pathlib import Path

import pytest

from utils.progress import training_summary


def test_summary_names_epochs_seconds_and_final_losses():
    history = {"train_loss": [2.0, 1.23456], "val_loss": [2.5, 1.5], "epoch_seconds": [3.2, 3.4]}
    assert (
        training_summary("AE-30", history) == "AE-30: 2 эпохи за 7 с; потери: обучение 1.235, валидация 1.5"
    )
    del history["val_loss"]
    assert training_summary("VAE", history).endswith("потери: обучение 1.235")


def test_progress_bar_gives_way_to_a_summary_in_an_executed_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets")
    code = (
        "import torch, torch.nn.functional as F\n"
        "from utils import fit\n"
        "x = torch.rand(640, 4)\n"
        "loss = lambda m, x: F.mse_loss(m(x), x[:, :1])\n"
        "h = fit(torch.nn.Linear(4, 1), loss, x, x[:64], epochs=2, batch_size=64, desc='demo')\n"
        "print(f\"{h['train_loss'][-1]:.4g} {h['val_loss'][-1]:.4g}\")"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    root = Path(__file__).resolve().parents[1]
    client = nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(root)}})
    client.execute()
    outputs = nb.cells[0].outputs
    train, val = outputs[-1]["text"].split()
    summaries = [o["data"]["text/plain"] for o in outputs if "text/plain" in o.get("data", {})]
    assert summaries == [f"demo: 2 эпохи за 0 с; потери: обучение {train}, валидация {val}"], outputs
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
