"""Datasets as in-memory tensors (introduced in notebook 01, used by every notebook).

Images come back as float32 tensors of shape N×1×28×28 with values in [0, 1];
labels as int64 tensors of shape N. Flattening is the model's job.

The data directory is read from the environment variable ``AE_COURSE_DATA`` and
defaults to the repository's ``data/`` folder. It uses torchvision's layout::

    $AE_COURSE_DATA/MNIST/raw/train-images-idx3-ubyte
    $AE_COURSE_DATA/FashionMNIST/raw/t10k-labels-idx1-ubyte
    ...

Download everything once (needs internet) with ``python -m utils.data``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import warnings
from pathlib import Path

import torch
from torchvision import datasets
from torchvision.datasets.mnist import read_image_file, read_label_file

from .checks import (
    check_images,
    check_labels,
    check_positive_int,
    check_same_length,
    check_tensor,
)

__all__ = [
    "DATA_ENV_VAR",
    "MNIST_CLASSES",
    "FASHION_MNIST_CLASSES",
    "DatasetNotFoundError",
    "DatasetChecksumError",
    "data_dir",
    "load_mnist",
    "load_fashion_mnist",
    "train_val_split",
    "filter_classes",
]

DATA_ENV_VAR = "AE_COURSE_DATA"
REPO_ROOT = Path(__file__).resolve().parent.parent

MNIST_CLASSES = tuple(str(d) for d in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_RAW_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

# MD5 of the official, uncompressed MNIST files.
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


class DatasetNotFoundError(FileNotFoundError):
    """The dataset files are missing and could not be downloaded."""


class DatasetChecksumError(RuntimeError):
    """A dataset file exists but is not the official file."""


def data_dir(root: str | os.PathLike | None = None) -> Path:
    """The data directory: ``root`` if given, else ``$AE_COURSE_DATA``, else ``<repo>/data``."""
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get(DATA_ENV_VAR)
    return Path(env).expanduser() if env else REPO_ROOT / "data"


def _md5(path: Path, _cache: dict = {}) -> str:  # noqa: B006 - deliberate memo
    # The key changes whenever the file is rewritten or replaced (inode, size, mtime and ctime; ctime
    # cannot be set back by copying tools), so a truncated or swapped file is hashed again.
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _cache:
        digest = hashlib.md5()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        _cache[key] = digest.hexdigest()
    return _cache[key]


# IDX headers: magic number, then one big-endian uint32 per dimension.
_IDX_MAGIC = {"images": 0x00000803, "labels": 0x00000801}
_SPLIT_SIZES = {"train": 60000, "test": 10000}


def _check_idx(path: Path, kind: str, split: str, full_size: bool) -> None:
    """Check an IDX file's header and length; raise DatasetChecksumError naming what is wrong."""
    ndim = 3 if kind == "images" else 1
    header_len = 4 + 4 * ndim
    size = path.stat().st_size
    with open(path, "rb") as fh:
        header = fh.read(header_len)
    fix = f"Delete {path.parent} and download again with: python -m utils.data"
    if len(header) < header_len:
        raise DatasetChecksumError(f"{path} is too short ({size} bytes) to be an IDX {kind} file. {fix}")
    magic, *dims = struct.unpack(f">{1 + ndim}I", header)
    if magic != _IDX_MAGIC[kind]:
        raise DatasetChecksumError(
            f"{path} starts with {magic:#010x}, not the IDX {kind} magic number "
            f"{_IDX_MAGIC[kind]:#010x}: it is not an uncompressed IDX {kind} file. {fix}"
        )
    if kind == "images" and dims[1:] != [28, 28]:
        raise DatasetChecksumError(
            f"{path} holds images of {dims[1]}x{dims[2]} pixels, expected 28x28. {fix}"
        )
    if full_size and dims[0] != _SPLIT_SIZES[split]:
        raise DatasetChecksumError(
            f"{path} holds {dims[0]} {kind}, expected {_SPLIT_SIZES[split]} for the {split} split. {fix}"
        )
    expected = header_len + dims[0] * (784 if kind == "images" else 1)
    if size != expected:
        raise DatasetChecksumError(
            f"{path} has {size} bytes, expected {expected} for {dims[0]} {kind}: "
            f"the file is truncated or has trailing data. {fix}"
        )


def _missing_message(name: str, root: Path, missing: list[Path], reason: str) -> str:
    files = "\n".join(f"    {p}" for p in missing)
    return (
        f"{name} is not in the data directory {root}\n"
        f"(taken from ${DATA_ENV_VAR} if set, else the repository's data/ folder).\n"
        f"Missing files:\n{files}\n"
        f"{reason}\n"
        f"Fix one of these ways:\n"
        f"  * with internet access, download both datasets:  python -m utils.data\n"
        f"  * copy the uncompressed IDX files into {root / name / 'raw'}/ (torchvision's layout:\n"
        f"    {name}/raw/train-images-idx3-ubyte, train-labels-idx1-ubyte,\n"
        f"    t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)\n"
        f"  * or point {DATA_ENV_VAR} at a folder that already holds {name}/raw/, e.g.\n"
        f"    export {DATA_ENV_VAR}=/path/to/data"
    )


def _verify(name: str, raw: Path, files: tuple[str, str]) -> None:
    if name == "MNIST":
        for f in files:
            got = _md5(raw / f)
            if got != MNIST_MD5[f]:
                raise DatasetChecksumError(
                    f"{raw / f} has MD5 {got}, expected the official {MNIST_MD5[f]}. "
                    f"Delete {raw} and download again with: python -m utils.data"
                )
        return
    # Fashion-MNIST: torchvision keeps the downloaded .gz beside the files; check those.

    official = {url.rsplit("/", 1)[-1]: md5 for url, md5 in datasets.FashionMNIST.resources}
    gz = [raw / (f + ".gz") for f in files]
    if all(p.exists() for p in gz) and all(_md5(p) == official.get(p.name) for p in gz):
        return
    _note_unconfirmed(raw)


_NOTED: set[str] = set()


def _note_unconfirmed(raw: Path) -> None:
    """Print, once per folder and process, a short note that the copy is not confirmed as official."""
    key = str(raw.resolve())
    if key in _NOTED:
        return
    _NOTED.add(key)
    print(
        "Примечание: файлы Fashion-MNIST в папке данных не удалось подтвердить как официальный выпуск "
        "(рядом нет архивов .gz с официальными контрольными суммами). В такой копии разбиение на "
        "обучение и тест может отличаться от официального: код с ней работает, но её числа нельзя "
        "приводить как результаты бенчмарка Fashion-MNIST."
    )


def _remove_new_empty_dirs(created: list[Path]) -> None:
    """Remove folders that a failed download created and left empty (innermost first)."""
    for folder in created:
        try:
            if folder.is_dir() and not any(folder.rglob("*")):
                shutil.rmtree(folder)
        except OSError:
            pass


def _load(name: str, split: str, root, download: bool, verify: bool):
    if split not in _RAW_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    root = data_dir(root)
    raw = root / name / "raw"
    files = _RAW_FILES[split]
    missing = [raw / f for f in files if not (raw / f).exists()]
    if missing:
        if not download:
            raise DatasetNotFoundError(
                _missing_message(name, root, missing, "Automatic download is switched off.")
            )

        new_dirs = [d for d in (raw, raw.parent, root) if not d.exists()]
        try:
            getattr(datasets, name)(root=str(root), train=split == "train", download=True)
        except Exception as exc:  # no network, proxy, server down ...
            _remove_new_empty_dirs(new_dirs)
            reason = f"Downloading failed ({type(exc).__name__}: {exc})."
            raise DatasetNotFoundError(_missing_message(name, root, missing, reason)) from None
    # Structure first (cheap, also with verify=False): a corrupt file gets a clear error, not a
    # deep traceback from the reader.
    # (MNIST's sizes are covered by its MD5; Fashion-MNIST's copy cannot be confirmed by MD5.)
    full_size = verify and name == "FashionMNIST"
    _check_idx(raw / files[0], "images", split, full_size)
    _check_idx(raw / files[1], "labels", split, full_size)
    if verify:
        _verify(name, raw, files)

    images = read_image_file(str(raw / files[0]))
    labels = read_label_file(str(raw / files[1]))
    if images.shape[0] != labels.shape[0]:
        raise DatasetChecksumError(
            f"{raw}: {images.shape[0]} images but {labels.shape[0]} labels in the {split} files"
        )
    return images.unsqueeze(1).float().div_(255.0), labels.long()


def load_mnist(split: str = "train", root=None, *, download: bool = True, verify: bool = True):
    """MNIST ``split`` ('train' or 'test') as ``(images N×1×28×28 in [0, 1], labels N)``.

    Called by ``utils.setup`` in every notebook; first called by name in notebook 03. Files are
    downloaded if missing and ``download`` is true; with ``verify`` the official MD5 of the raw files
    is checked.
    """
    return _load("MNIST", split, root, download, verify)


def load_fashion_mnist(split: str = "train", root=None, *, download: bool = True, verify: bool = True):
    """Fashion-MNIST ``split`` as ``(images, labels)``; see :func:`load_mnist` (notebook 01).

    With ``verify``, the files must have the official sizes, and a copy that cannot be confirmed
    as the official release (no official .gz archives beside it) loads with a printed note.
    """
    return _load("FashionMNIST", split, root, download, verify)


def train_val_split(images, labels, *, val_size: int | float = 0.1, seed: int = 0):
    """Seeded random split into ``(train_x, train_y), (val_x, val_y)`` (notebook 01).

    ``val_size`` is a fraction in (0, 1) or a number of samples.
    """
    check_tensor("images", images, ndim=(2, 4), min_len=2)
    check_labels("labels", labels)
    n = check_same_length(images=images, labels=labels)
    if isinstance(val_size, float):
        if not 0.0 < val_size < 1.0:
            raise ValueError(f"val_size as a fraction must be in (0, 1), got {val_size}")
        n_val = max(1, round(n * val_size))
    else:
        n_val = check_positive_int("val_size", val_size)
    if n_val >= n:
        raise ValueError(f"val_size must leave training samples: asked {n_val} of {n}")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    val_idx, train_idx = perm[:n_val].sort().values, perm[n_val:].sort().values
    return (images[train_idx], labels[train_idx]), (images[val_idx], labels[val_idx])


def filter_classes(images, labels, classes):
    """Keep only samples whose label is in ``classes`` (an int or an iterable of ints; notebook 05)."""
    check_images("images", images)
    check_labels("labels", labels, n=images.shape[0])
    wanted = [classes] if isinstance(classes, int) else list(classes)
    if not wanted or not all(isinstance(c, int) and not isinstance(c, bool) for c in wanted):
        raise ValueError(f"classes must be an int or a non-empty list of ints, got {classes!r}")
    mask = torch.isin(labels, torch.tensor(wanted, dtype=labels.dtype))
    if not mask.any():
        raise ValueError(f"classes {wanted} match no label; labels present: {labels.unique().tolist()}")
    return images[mask], labels[mask]


def download_all(root=None) -> Path:
    """Download MNIST and Fashion-MNIST into the data directory (needs internet)."""
    root = data_dir(root)
    for loader in (load_mnist, load_fashion_mnist):
        for split in ("train", "test"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loader(split, root)
    return root


if __name__ == "__main__":
    print(f"Datasets ready in {download_all()}")
