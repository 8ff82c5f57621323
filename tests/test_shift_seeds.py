"""scripts/shift_seeds.py: every literal seed is shifted, nothing else is."""

import nbformat
import shift_seeds


def test_every_seed_form_is_shifted():
    src = (
        "utils.seed_everything(0)\n"
        "g = torch.Generator().manual_seed(3)\n"
        "fit(model, loss, x, epochs=5, seed=0, batch_size=128)\n"
        "KMeans(10, random_state=7)\n"
        "rng = np.random.default_rng(42)\n"
    )
    out, n = shift_seeds.shift_source(src, 1000)
    assert n == 5
    assert "seed_everything(1000)" in out
    assert "manual_seed(1003)" in out
    assert "seed=1000," in out and "epochs=5" in out and "batch_size=128" in out
    assert "random_state=1007" in out
    assert "default_rng(1042)" in out


def test_non_seed_numbers_and_names_are_kept():
    src = "n_seeds = 3\nseeds = [0, 1]\nmy_seed_value(4)\nreseed=5\nx = seed + 2\n"
    out, n = shift_seeds.shift_source(src, 1000)
    assert n == 0 and out == src


def test_failing_cells_are_listed():
    nb = nbformat.v4.new_notebook()
    ok = nbformat.v4.new_code_cell("x = 1")
    bad = nbformat.v4.new_code_cell("# claim\nassert x > 2, 'x too small'")
    error = nbformat.v4.new_output("error", ename="AssertionError", evalue="x too small", traceback=[])
    bad.outputs = [error]
    nb.cells = [nbformat.v4.new_markdown_cell("text"), ok, bad]
    assert shift_seeds.failing_cells(nb) == [(2, "# claim", "AssertionError: x too small")]


def test_a_bad_notebook_is_named(tmp_path, capsys):
    bad = tmp_path / "03_broken.ipynb"
    bad.write_text("{", encoding="utf-8")
    assert shift_seeds.main(["--shift", "1000", str(bad)]) == 2
    assert "03_broken.ipynb: not valid JSON" in capsys.readouterr().err


def test_a_notebook_saved_with_list_sources_is_shifted(tmp_path):
    """Jupyter saves a cell's source as a list of lines; the seeds in it are shifted all the same."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("utils.seed_everything(0)\nx = 1\n")]
    path = tmp_path / "nb.ipynb"
    text = nbformat.writes(nb).replace(
        '"source": "utils.seed_everything(0)\\nx = 1\\n"',
        '"source": ["utils.seed_everything(0)\\n", "x = 1\\n"]',
    )
    assert '"source": [' in text
    path.write_text(text, encoding="utf-8")
    nb = shift_seeds.load(path)
    assert shift_seeds.shift_notebook(nb, 1000) == 1
    assert nb.cells[0].source == "utils.seed_everything(1000)\nx = 1\n"
