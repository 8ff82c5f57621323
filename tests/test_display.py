"""utils.display: listings of the course's code, tables and Russian number words (notebook 01)."""

import pytest

from utils import display
from utils.display import format_int, n_epochs, show_source, table
from utils.losses import elbo_terms
from utils.training import fit
from utils.vae import VAE


@pytest.fixture()
def shown(monkeypatch):
    """What show_source would display, as text."""
    out = []
    monkeypatch.setattr(display, "display", lambda obj: out.append(obj.data))
    return out


def test_show_source_only_lists_the_named_members(shown):
    show_source(VAE, only=("encode", "reparameterize"))
    show_source(VAE)
    part, whole = shown
    assert part.splitlines()[1] == "class VAE(nn.Module):"
    assert "\n    def encode(self" in part and "_vae_input" not in part
    assert "    @staticmethod\n    def reparameterize(" in part
    assert "def forward" not in part and "def __init__" not in part and '"""' not in part
    assert "def forward" in whole and "def __init__" in whole
    for line in part.splitlines()[1:-1]:  # every listed line is a line of the whole class
        assert line in whole.splitlines()


def test_listings_leave_out_decorators_that_name_private_helpers(shown):
    show_source(elbo_terms)
    show_source(fit)
    listing, fit_listing = shown
    assert "@validate_args" not in listing and listing.startswith("```python\ndef elbo_terms(")
    assert "@validate_args" not in fit_listing and "def fit(" in fit_listing
    assert "@torch.no_grad()" not in listing  # elbo_terms has none; a public decorator would stay
    show_source(VAE, only="reparameterize")
    assert "@staticmethod" in shown[-1]


def test_docstrings_can_be_left_out_for_a_slide(shown):
    show_source(elbo_terms, docstrings=False)
    show_source(VAE, docstrings=False)
    function, cls = shown
    assert '"""' not in function and "return {" in function
    assert '"""' not in cls and "def decode_logits" in cls
    with pytest.raises(ValueError, match="obj must be a class or a function"):
        show_source(3)
    with pytest.raises(ValueError, match="VAE has no method 'fly'"):
        show_source(VAE, only="fly")
    with pytest.raises(ValueError, match="only must be a member name"):
        show_source(VAE, only=3)
    with pytest.raises(ValueError, match="only must be a member name"):
        show_source(VAE, only=())
    with pytest.raises(ValueError, match="only= picks members of a class"):
        show_source(fit, only="x")
    with pytest.raises(ValueError, match=r"VAE has no method 'encod'; its methods: \[.*'encode'"):
        show_source(VAE, only="encod")


def test_a_long_function_is_listed_in_parts(shown):
    show_source(fit, docstrings=False)
    whole = shown[-1].removeprefix("```python\n").removesuffix("```").splitlines()
    cut = next(i for i, line in enumerate(whole) if line.strip() == "try:")
    show_source(fit, docstrings=False, lines=(1, cut))
    show_source(fit, docstrings=False, lines=(cut + 1, len(whole)))
    head, tail = (s.removeprefix("```python\n").removesuffix("```").splitlines() for s in shown[-2:])
    assert head[0] == "def fit(" and head[-1] == "# …" and tail[0] == "# …" and tail[1].strip() == "try:"
    assert head[:-1] + tail[1:] == whole  # the two parts are the whole listing, in order
    with pytest.raises(ValueError, match="lines must be a pair"):
        show_source(fit, lines=5)
    with pytest.raises(ValueError, match=r"lines must satisfy 1 <= first <= last <= \d+ \(the listing's"):
        show_source(fit, docstrings=False, lines=(10, len(whole) + 1))
    with pytest.raises(ValueError, match="lines must satisfy"):
        show_source(fit, lines=(3, 2))


def test_russian_numbers_and_epochs():
    assert format_int(1_082_670) == "1 082 670" and format_int(60) == "60"
    assert [n_epochs(n) for n in (1, 3, 5, 11, 21, 24, 112)] == [
        "1 эпоха",
        "3 эпохи",
        "5 эпох",
        "11 эпох",
        "21 эпоха",
        "24 эпохи",
        "112 эпох",
    ]
    with pytest.raises(ValueError, match="n must be an integer"):
        format_int(1.5)


def test_table_formats_and_bolds_the_best():
    md = table(["метод", "ошибка", "n"], [["PCA", 13.871, 3], ["AE", 3.74, None]], best={"ошибка": "min"})
    lines = md.data.splitlines()
    assert lines[0] == "| метод | ошибка | n |"
    assert lines[2] == "| PCA | 13.87 | 3 |"
    assert lines[3] == "| AE | **3.74** | — |"


def test_table_rejects_ragged_rows_and_unknown_best():
    with pytest.raises(ValueError, match=r"rows\[1\] has 1 values"):
        table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="best names a column 'c'"):
        table(["a"], [[1.0]], best={"c": "max"})
