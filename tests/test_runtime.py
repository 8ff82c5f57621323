"""utils.runtime: device choice (CUDA → MPS → CPU, overrides, clear errors) and seeding."""

import pytest
import torch

from utils import runtime
from utils.runtime import DEVICE_ENV_VAR, get_device, seed_everything


@pytest.fixture
def machine(monkeypatch):
    """Pretend to be a machine with the given accelerators."""
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)

    def set_machine(cuda=False, mps=False, cuda_build=True):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        monkeypatch.setattr(runtime, "_mps_available", lambda: mps)
        monkeypatch.setattr(torch.version, "cuda", "12.8" if cuda_build else None)

    return set_machine


@pytest.mark.parametrize(
    "cuda, mps, expected", [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]
)
def test_automatic_choice_prefers_cuda_then_mps_then_cpu(machine, cuda, mps, expected):
    machine(cuda=cuda, mps=mps)
    assert get_device().type == expected


def test_prefer_and_environment_override(machine, monkeypatch):
    machine(cuda=True)
    assert get_device("cpu").type == "cpu"
    monkeypatch.setenv(DEVICE_ENV_VAR, " CPU ")
    assert get_device().type == "cpu"
    assert get_device("cuda").type == "cuda"  # an explicit argument wins over the variable


def test_unknown_device_names_its_source(machine, monkeypatch):
    machine()
    with pytest.raises(ValueError, match="prefer must be 'cuda', 'mps' or 'cpu', got 'tpu'"):
        get_device("tpu")
    monkeypatch.setenv(DEVICE_ENV_VAR, "gpu")
    with pytest.raises(ValueError, match=f"environment variable {DEVICE_ENV_VAR} must be .* got 'gpu'"):
        get_device()


@pytest.mark.parametrize(
    "cuda_build, why", [(False, "has no CUDA support"), (True, "no NVIDIA GPU/driver is visible")]
)
def test_missing_cuda_is_an_error_with_the_cause(machine, cuda_build, why):
    machine(cuda=False, cuda_build=cuda_build)
    with pytest.raises(ValueError, match=why):
        get_device("cuda")


def test_missing_mps_is_an_error(machine, monkeypatch):
    machine()
    monkeypatch.setenv(DEVICE_ENV_VAR, "mps")
    with pytest.raises(ValueError, match=f"{DEVICE_ENV_VAR} asks for 'mps'.*not available"):
        get_device()


def test_seed_everything_repeats_draws():
    seed_everything(3)
    a = torch.rand(4)
    g = seed_everything(3)
    assert torch.equal(a, torch.rand(4))
    assert torch.equal(torch.rand(2, generator=g), torch.rand(2, generator=torch.Generator().manual_seed(3)))
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        seed_everything(-1)
