import hashlib
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from idx_files import make_idx_folder, write_idx

from utils import data
from utils.data import (
    DATA_ENV_VAR,
    DatasetChecksumError,
    DatasetNotFoundError,
    filter_classes,
    load_fashion_mnist,
    load_mnist,
    train_val_split,
)


def test_loader_reads_synthetic_idx_folder(idx_root):
    x, y = load_mnist("train", idx_root, verify=False, download=False)
    assert x.shape == (12, 1, 28, 28) and x.dtype == torch.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert y.dtype == torch.int64 and y.tolist() == [i % 10 for i in range(12)]
    raw = np.frombuffer((idx_root / "MNIST/raw/train-images-idx3-ubyte").read_bytes()[16:], np.uint8)
    assert torch.allclose(x.flatten(), torch.from_numpy(raw.astype(np.float32) / 255))
    xt, yt = load_mnist("test", idx_root, verify=False, download=False)
    assert xt.shape == (6, 1, 28, 28) and yt.shape == (6,)


def test_data_dir_comes_from_environment(idx_root, monkeypatch):
    monkeypatch.setenv(DATA_ENV_VAR, str(idx_root))
    assert data.data_dir() == idx_root
    x, _ = load_mnist("test", verify=False, download=False)
    assert x.shape[0] == 6
    monkeypatch.delenv(DATA_ENV_VAR)
    assert data.data_dir() == data.REPO_ROOT / "data"


def test_missing_files_give_one_clear_message(tmp_path):
    with pytest.raises(DatasetNotFoundError) as err:
        load_mnist("train", tmp_path, download=False)
    msg = str(err.value)
    assert DATA_ENV_VAR in msg
    assert "MNIST/raw/train-images-idx3-ubyte" in msg
    assert "python -m utils.data" in msg
    assert str(tmp_path) in msg


def test_failed_download_gives_the_same_message(tmp_path, monkeypatch):
    import torchvision.datasets

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline)
    with pytest.raises(DatasetNotFoundError, match="network is unreachable") as err:
        load_mnist("test", tmp_path, download=True)
    assert DATA_ENV_VAR in str(err.value) and "python -m utils.data" in str(err.value)


def test_mnist_md5_is_checked(idx_root):
    with pytest.raises(DatasetChecksumError, match="expected the official"):
        load_mnist("train", idx_root, download=False)


def test_official_mnist_md5_accepted(idx_root, monkeypatch):
    raw = idx_root / "MNIST" / "raw"
    md5s = {f.name: hashlib.md5(f.read_bytes()).hexdigest() for f in raw.iterdir()}
    monkeypatch.setattr(data, "MNIST_MD5", md5s)
    x, _ = load_mnist("train", idx_root, download=False)
    assert x.shape[0] == 12


def test_fashion_unconfirmed_copy_prints_one_russian_note(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "_SPLIT_SIZES", {"train": 12, "test": 6})
    root = make_idx_folder(tmp_path, "FashionMNIST")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a note in the output, not an English warning with a path
        x, y = load_fashion_mnist("train", root, download=False)
        load_fashion_mnist("test", root, download=False)
    assert x.shape == (12, 1, 28, 28)
    out = capsys.readouterr().out
    assert out.count("Примечание: файлы Fashion-MNIST") == 1
    assert str(tmp_path) not in out


def test_fashion_copy_is_checked_structurally(tmp_path):
    root = make_idx_folder(tmp_path, "FashionMNIST")  # 12 images: not the official 60,000
    with pytest.raises(DatasetChecksumError, match="holds 12 images, expected 60000"):
        load_fashion_mnist("train", root, download=False)


@pytest.mark.parametrize("verify", [True, False])
@pytest.mark.parametrize(
    "damage, match",
    [
        (lambda b: b[:-100], "truncated"),
        (lambda b: b + b"x", "trailing data"),
        (lambda b: b"\x1f\x8b" + b[2:], "not the IDX images magic"),
        (lambda b: b[:5], "too short"),
    ],
)
def test_corrupt_files_give_a_clear_error(idx_root, damage, match, verify):
    path = idx_root / "MNIST/raw/train-images-idx3-ubyte"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DatasetChecksumError, match=match):
        load_mnist("train", idx_root, download=False, verify=verify)


def test_wrong_image_size_is_reported(tmp_path):
    write_idx(tmp_path / "MNIST/raw/t10k-images-idx3-ubyte", np.zeros((6, 32, 32)))
    write_idx(tmp_path / "MNIST/raw/t10k-labels-idx1-ubyte", np.arange(6))
    with pytest.raises(DatasetChecksumError, match="32x32 pixels, expected 28x28"):
        load_mnist("test", tmp_path, download=False, verify=False)


def test_replaced_file_is_not_accepted_from_the_md5_memo(idx_root, monkeypatch):
    raw = idx_root / "MNIST" / "raw"
    md5s = {f.name: hashlib.md5(f.read_bytes()).hexdigest() for f in raw.iterdir()}
    monkeypatch.setattr(data, "MNIST_MD5", md5s)
    load_mnist("train", idx_root, download=False)  # memoised as official
    path = raw / "train-images-idx3-ubyte"
    st = path.stat()
    tampered = bytearray(path.read_bytes())
    tampered[-1] ^= 0xFF  # same size
    path.write_bytes(bytes(tampered))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime, as `cp -p` would leave it
    with pytest.raises(DatasetChecksumError, match="expected the official"):
        load_mnist("train", idx_root, download=False)


def test_failed_download_leaves_no_empty_folders(tmp_path, monkeypatch):
    import torchvision.datasets

    def offline(root, **kwargs):
        Path(root, "FashionMNIST", "raw").mkdir(parents=True)  # as torchvision does before fetching
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    root = tmp_path / "fresh"
    with pytest.raises(DatasetNotFoundError):
        load_fashion_mnist("test", root, download=True)
    assert not root.exists()


def test_label_count_mismatch_is_reported(idx_root):
    write_idx(idx_root / "MNIST/raw/t10k-labels-idx1-ubyte", np.arange(5))
    with pytest.raises(DatasetChecksumError, match="6 images but 5 labels"):
        load_mnist("test", idx_root, verify=False, download=False)


def test_bad_split_name(idx_root):
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        load_mnist("validation", idx_root)


def test_train_val_split_is_seeded_disjoint_and_complete():
    x = torch.arange(100, dtype=torch.float32).view(100, 1, 1, 1).expand(100, 1, 2, 2).contiguous() / 100
    y = torch.arange(100) % 10
    (a, ay), (b, by) = train_val_split(x, y, val_size=0.2, seed=1)
    (a2, _), (b2, _) = train_val_split(x, y, val_size=0.2, seed=1)
    (_, _), (b3, _) = train_val_split(x, y, val_size=0.2, seed=2)
    assert a.shape[0] == 80 and b.shape[0] == 20
    assert torch.equal(a, a2) and torch.equal(b, b2) and not torch.equal(b, b3)
    ids = torch.cat([a[:, 0, 0, 0], b[:, 0, 0, 0]]).mul(100).round().long().sort().values
    assert torch.equal(ids, torch.arange(100))
    assert torch.equal((a[:, 0, 0, 0] * 100).round().long() % 10, ay)
    (_, _), (b4, _) = train_val_split(x, y, val_size=7)
    assert b4.shape[0] == 7


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"val_size": 1.5}, "val_size as a fraction"), ({"val_size": 100}, "must leave training")],
)
def test_train_val_split_errors(kwargs, match):
    x, y = torch.rand(100, 1, 2, 2), torch.arange(100)
    with pytest.raises(ValueError, match=match):
        train_val_split(x, y, **kwargs)


def test_train_val_split_length_mismatch():
    with pytest.raises(ValueError, match="same number of items"):
        train_val_split(torch.rand(10, 1, 2, 2), torch.arange(9))


def test_filter_classes():
    x, y = torch.rand(30, 1, 4, 4), torch.arange(30) % 3
    fx, fy = filter_classes(x, y, [0, 2])
    assert set(fy.tolist()) == {0, 2} and fx.shape[0] == 20
    fx1, fy1 = filter_classes(x, y, 1)
    assert torch.equal(fx1, x[1::3])
    with pytest.raises(ValueError, match="match no label"):
        filter_classes(x, y, [7])
    with pytest.raises(ValueError, match="classes must be"):
        filter_classes(x, y, ["a"])
    with pytest.raises(ValueError, match="labels must have length 30"):
        filter_classes(x, y[:5], 1)


@pytest.mark.skipif(
    not (Path(os.environ.get(DATA_ENV_VAR, "data")) / "MNIST/raw/t10k-labels-idx1-ubyte").exists(),
    reason="MNIST not available",
)
def test_real_mnist_test_split():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = load_mnist("test")
    assert x.shape == (10000, 1, 28, 28)
    assert torch.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
