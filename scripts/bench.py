"""Data-pipeline benchmark: one epoch of the classic MNIST VAE, two ways, side by side.

(a) the common pattern: torchvision dataset + ToTensor() + DataLoader (per-sample PIL work);
(b) this course's pipeline: the whole dataset in one tensor, batches by indexing, utils.fit.
Both use the same optimizer (utils.training.adam, PyTorch's fused Adam), so the ratio is the data path.

Same model (pytorch/examples `vae`: 784-400-20, batch 128, Adam 1e-3, summed BCE + KL),
same seed, same process. Prints seconds per epoch, the ratio, and achieved GFLOP/s against
a measured single-precision matrix-multiply (sgemm) peak of this machine.

    make bench        # or: python scripts/bench.py --repeats 2
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

import utils
from utils.data import data_dir
from utils.training import adam

BATCH, LR = 128, 1e-3


class ClassicVAE(nn.Module):
    """The pytorch/examples VAE: fc1 784→400, fc21/fc22 400→20, fc3 20→400, fc4 400→784."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.fc1(x.flatten(1)))
        mu, logvar = self.fc21(h), self.fc22(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.fc4(F.relu(self.fc3(z))), mu, logvar


def vae_loss(model, x):
    logits, mu, logvar = model(x)
    bce = F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.shape[0]


def flops_per_epoch(n_samples: int) -> float:
    """Multiply-adds of the linear layers ×2 (FLOPs), ×3 for forward + backward."""
    macs = 784 * 400 + 2 * 400 * 20 + 20 * 400 + 400 * 784
    return 3 * 2 * macs * n_samples


def sgemm_gflops(shapes, seconds: float = 1.5) -> float:
    """Best GFLOP/s of float32 matrix products ``(m×k) @ (k×n)`` for each ``(m, k, n)`` in ``shapes``."""
    pairs = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in shapes]
    flops = sum(2 * m * k * n for m, k, n in shapes)
    for _ in range(3):
        for a, b in pairs:
            a @ b
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        for _ in range(5):
            for a, b in pairs:
                a @ b
        best = max(best, 5 * flops / (time.perf_counter() - t) / 1e9)
    return best


# One training step's products in the two 784↔400 layers at batch 128:
# forward, gradient of the input, gradient of the weights.
MODEL_SHAPES = [
    (BATCH, 784, 400),
    (BATCH, 400, 784),
    (784, BATCH, 400),
    (BATCH, 400, 784),
    (BATCH, 784, 400),
    (400, BATCH, 784),
]


def epoch_dataloader(root) -> float:
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    utils.seed_everything(0)
    ds = datasets.MNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
    loader = DataLoader(ds, batch_size=BATCH, shuffle=True)
    model = ClassicVAE()
    opt = adam(model.parameters(), lr=LR)  # the same optimizer as (b): only the data path differs
    start = time.perf_counter()
    model.train()
    for x, _ in loader:
        loss = vae_loss(model, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def epoch_in_memory(x_train) -> float:
    utils.seed_everything(0)
    model = ClassicVAE()
    hist = utils.fit(
        model, vae_loss, x_train, epochs=1, batch_size=BATCH, lr=LR, device="cpu", progress=False
    )
    return hist["epoch_seconds"][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="epochs timed per pipeline (best is kept)")
    args = parser.parse_args()
    root = data_dir()
    t = time.perf_counter()
    x_train, _ = utils.load_mnist("train")
    load_s = time.perf_counter() - t
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} threads; MNIST loaded into memory in {load_s:.1f} s")

    peak = sgemm_gflops([(1024, 1024, 1024)])
    shaped = sgemm_gflops(MODEL_SHAPES)
    a = min(epoch_dataloader(root) for _ in range(args.repeats))
    b = min(epoch_in_memory(x_train) for _ in range(args.repeats))
    gflops = flops_per_epoch(x_train.shape[0]) / b / 1e9
    print(f"sgemm peak (1024×1024, float32):                  {peak:7.1f} GFLOP/s")
    print(f"(a) torchvision + ToTensor + DataLoader:           {a:7.2f} s/epoch")
    print(f"(b) in-memory tensors + utils.fit:                 {b:7.2f} s/epoch")
    print(f"speed-up (a)/(b):                                  {a / b:7.1f}×")
    share = f"{gflops / peak:.0%} of sgemm peak"
    print(f"(b) achieved:                                      {gflops:7.1f} GFLOP/s = {share}")
    at_shapes = f"{shaped:7.1f} GFLOP/s = {shaped / peak:.0%} of peak"
    print(f"sgemm at the model's batch-128 shapes:             {at_shapes}")
    print(f"(b) against that ceiling:                                {gflops / shaped:.0%}")


if __name__ == "__main__":
    main()
