"""utils.checks: every message names the argument, what was expected and what to do (notebook 01 on)."""

import pytest
import torch

from utils.checks import (
    NonFiniteValueError,
    check_codes,
    check_image_shape,
    check_images,
    check_labels,
    check_model_input,
    check_positive_float,
    check_positive_int,
    check_probability,
    check_same_length,
    check_tensor,
    validate_args,
)


def test_check_messages():
    with pytest.raises(ValueError, match=r"images must have values in \[0.0, 1.0\], got range \[2, 2\]"):
        check_images("images", torch.full((1, 1, 2, 2), 2.0))
    with pytest.raises(ValueError, match=r"images must have 4 dimensions, got shape \(2, 784\)"):
        check_images("images", torch.zeros(2, 784))
    assert check_images("scores", torch.full((1, 1, 2, 2), -3.0), unit_range=False).shape == (1, 1, 2, 2)
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\], got 1.5"):
        check_probability("p", 1.5)
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\), got 1"):
        check_probability("p", 1, open_right=True)
    assert check_probability("p", 1) == 1.0


@pytest.mark.parametrize(
    ("dtype", "hint"),
    [
        (torch.uint8, r"\(pixels 0..255: convert with x.float\(\) / 255\)"),
        (torch.float64, r"\(convert with x.float\(\)\)"),
        (torch.int64, r"\(convert with x.float\(\)\)"),
    ],
)
def test_dtype_hints_say_how_to_convert(dtype, hint):
    with pytest.raises(
        ValueError, match=rf"x must have dtype torch.float32 \(the model's dtype\), got {dtype}.*{hint}"
    ):
        check_model_input("x", torch.zeros(2, 1, 28, 28, dtype=dtype), dtype=torch.float32)
    if dtype != torch.float64:
        with pytest.raises(ValueError, match=rf"x must be a floating-point tensor, got dtype {dtype} {hint}"):
            check_tensor("x", torch.zeros(2, dtype=dtype), floating=True)


def test_model_input_shapes_come_with_the_fix():
    x = torch.zeros(4, 1, 28, 28)
    assert check_model_input("x", x, dtype=torch.float32, image_shape=(1, 28, 28)) is x
    with pytest.raises(ValueError, match=r"needs a batch dimension: x.unsqueeze\(0\)"):
        check_model_input("x", x[0], dtype=torch.float32, image_shape=(1, 28, 28))
    with pytest.raises(
        ValueError,
        match=r"x must have shape N×1×28×28 .* got \(4, 784\); reshape it with x.view\(-1, 1, 28, 28\)",
    ):
        check_model_input("x", x.flatten(1), dtype=torch.float32, image_shape=(1, 28, 28))
    with pytest.raises(ValueError, match=r"got \(4, 1, 32, 32\)$"):
        check_model_input("x", torch.zeros(4, 1, 32, 32), dtype=torch.float32, image_shape=(1, 28, 28))
    assert check_model_input("x", x, dtype=torch.float32, n_values=784) is x
    with pytest.raises(ValueError, match=r"x must have shape N×… with 784 values per item .* got \(784,\)"):
        check_model_input("x", torch.zeros(784), dtype=torch.float32, n_values=784)
    with pytest.raises(ValueError, match="x must be a torch.Tensor, got ndarray"):
        check_model_input("x", x.numpy(), dtype=torch.float32)


def test_codes_and_image_shape():
    z = torch.zeros(5, 30)
    assert check_codes("z", z, dtype=torch.float32, dim=30) is z
    with pytest.raises(
        ValueError, match=r"z must have shape N×30 \(one code of 30 numbers per row\), got \(30,\)"
    ):
        check_codes("z", z[0], dtype=torch.float32, dim=30)
    with pytest.raises(ValueError, match=r"z must have shape N×30 .*, got \(5, 20\)"):
        check_codes("z", torch.zeros(5, 20), dtype=torch.float32, dim=30)
    with pytest.raises(ValueError, match="z must have dtype torch.float32"):
        check_codes("z", z.double(), dtype=torch.float32, dim=30)
    assert check_image_shape([1, 28, 28]) == (1, 28, 28)
    with pytest.raises(ValueError, match=r"image_shape must list at least one size, e.g. \(1, 28, 28\)"):
        check_image_shape(())
    with pytest.raises(ValueError, match=r"image_shape\[2\] must be an integer >= 1, got 0"):
        check_image_shape((1, 28, 0))


def test_tensor_values_are_scanned_for_nan_inf_and_range():
    with pytest.raises(NonFiniteValueError, match="x contains NaN values; expected finite numbers"):
        check_tensor("x", torch.tensor([0.0, float("nan")]))
    with pytest.raises(NonFiniteValueError, match="x contains inf values"):
        check_tensor("x", torch.tensor([0.0, float("inf")]))
    assert issubclass(NonFiniteValueError, ValueError)
    check_tensor("x", torch.tensor([float("inf")]), finite=False)
    with pytest.raises(ValueError, match=r"x must have values in \[None, 1.0\], got range \[0, 1.5\]"):
        check_tensor("x", torch.tensor([0.0, 1.5]), max_value=1.0)
    with pytest.raises(ValueError, match=r"x must have 1 or 2 dimensions, got shape \(1, 1, 1\)"):
        check_tensor("x", torch.zeros(1, 1, 1), ndim=(1, 2))
    with pytest.raises(ValueError, match=r"x must hold at least 2 item\(s\), got 1"):
        check_tensor("x", torch.zeros(1, 3), min_len=2)
    with pytest.raises(ValueError, match="x must be a torch.Tensor, got list"):
        check_tensor("x", [1.0])


def test_labels_lengths_and_numbers():
    with pytest.raises(ValueError, match="labels must be an integer tensor, got dtype torch.float32"):
        check_labels("labels", torch.zeros(3))
    with pytest.raises(ValueError, match=r"labels must have length 4 \(one label per image\), got 3"):
        check_labels("labels", torch.zeros(3, dtype=torch.long), n=4)
    assert check_same_length(x=torch.zeros(3, 2), y=torch.zeros(3)) == 3
    with pytest.raises(ValueError, match="the same number of items along dim 0, got x: 3, y: 2"):
        check_same_length(x=torch.zeros(3, 2), y=torch.zeros(2))
    with pytest.raises(ValueError, match="epochs must be an integer >= 1, got True"):
        check_positive_int("epochs", True)
    assert check_positive_int("n", 0, allow_zero=True) == 0
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got 0"):
        check_positive_float("lr", 0)
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0, got nan"):
        check_positive_float("sigma", float("nan"), allow_zero=True)


def test_validate_args_runs_the_checker_first_and_keeps_the_function():
    calls = []

    def _check(x, *, scale=1.0):
        calls.append(("check", x, scale))
        check_positive_float("scale", scale)

    @validate_args(_check)
    def scaled(x, *, scale=1.0):
        """Multiply."""
        calls.append(("run", x, scale))
        return x * scale

    assert scaled(2, scale=3.0) == 6.0
    assert calls == [("check", 2, 3.0), ("run", 2, 3.0)]
    with pytest.raises(ValueError, match="scale must be a finite number > 0, got -1"):
        scaled(2, scale=-1)
    assert calls[-1] == ("check", 2, -1), "the function does not run on bad input"
    assert scaled.__name__ == "scaled" and scaled.__doc__ == "Multiply."
    with pytest.raises(ValueError, match="checker must be callable, got int"):
        validate_args(3)
