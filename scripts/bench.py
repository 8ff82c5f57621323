"""Training-pipeline benchmark: one epoch of the classic MNIST VAE, three ways, side by side.

(a) the common pattern, as pytorch/examples `vae/main.py` writes it: torchvision dataset +
    ToTensor() + DataLoader(batch 128, shuffle), plain torch.optim.Adam, loss.item() per step;
(b) this course's pipeline: the whole dataset in one tensor, batches by indexing, utils.fit
    (fused Adam) with the course's checked loss terms (utils.losses.bernoulli_nll, kl_normal_standard);
(c) the bare floor of eager PyTorch: (b)'s in-memory batches and fused Adam in a loop with no checks,
    no loss read and pytorch/examples' unchecked loss: the most (b) could reach with no overhead of its own.

fit's target is to stay within 15 % of (c). The ceiling (the time the epoch's float32 matrix products
take alone, at the model's shapes) is printed for information: a step of this small model spends
much of its time outside the matrix products, in elementwise work, the optimizer and autograd.

Same model (784-400-20, batch 128, Adam 1e-3, BCE summed over pixels + KL), same seed, same
process. Prints seconds per epoch, the ratios (a)/(b) and (b)/(c), the achieved GFLOP/s against
the ceiling, and a per-step breakdown of (b) from the PyTorch profiler. The machine is timed in
rounds (ceiling, (a), (b), (c)) and the best of each is kept; with one torch thread the clock is the
process's CPU time. `--loss examples` gives (b) the same unchecked loss as (a).

    make bench        # or: python scripts/bench.py --repeats 3
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

import utils
from utils.data import data_dir
from utils.losses import bernoulli_nll, kl_normal_standard
from utils.optim import adam

BATCH, LR = 128, 1e-3


def clock() -> float:
    """Seconds for the timings: this process's CPU time when torch runs on one thread (a busy
    shared machine then slows nothing it measures), else wall-clock time."""
    return time.process_time() if torch.get_num_threads() == 1 else time.perf_counter()


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
    """pytorch/examples' loss (summed BCE + KL), divided by the batch size."""
    logits, mu, logvar = model(x)
    bce = F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.shape[0]


def course_loss(model, x):
    """The same loss from the course's helpers, which check their inputs on every batch (notebook 05)."""
    logits, mu, logvar = model(x)
    return bernoulli_nll(logits.view_as(x), x).mean() + kl_normal_standard(mu, logvar).mean()


def flops_per_epoch(n_samples: int) -> float:
    """FLOPs of one epoch's matrix products: the products of a training step (STEP_SHAPES), per sample."""
    return sum(2 * m * k * n for m, k, n in STEP_SHAPES) / BATCH * n_samples


def sgemm_gflops(shapes, seconds: float = 1.5) -> float:
    """Best GFLOP/s of float32 matrix products ``(m×k) @ (k×n)`` for each ``(m, k, n)`` in ``shapes``."""
    pairs = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in shapes]
    flops = sum(2 * m * k * n for m, k, n in shapes)
    for _ in range(3):
        for a, b in pairs:
            a @ b
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = clock()
        for _ in range(5):
            for a, b in pairs:
                a @ b
        best = max(best, 5 * flops / max(clock() - t, 1e-9) / 1e9)
    return best


# One training step's products in the two 784↔400 layers at batch 128: forward, gradient of
# the input, gradient of the weights. fc1's input is the data, which needs no gradient, so
# autograd computes no input gradient there (the profiler counts 5 addmm + 9 mm per step).
MODEL_SHAPES = [
    (BATCH, 784, 400),  # fc1 forward
    (784, BATCH, 400),  # fc1 weight gradient
    (BATCH, 400, 784),  # fc4 forward
    (BATCH, 784, 400),  # fc4 input gradient
    (400, BATCH, 784),  # fc4 weight gradient
]
# ... and in the three small layers (fc21, fc22: 400→20; fc3: 20→400).
SMALL_SHAPES = [(BATCH, 400, 20), (BATCH, 20, 400), (20, BATCH, 400)] * 2 + [
    (BATCH, 20, 400),
    (BATCH, 400, 20),
    (400, BATCH, 20),
]
STEP_SHAPES = MODEL_SHAPES + SMALL_SHAPES


def matmul_epoch_seconds(n_samples: int) -> float:
    """Seconds for one epoch's matrix products alone: every step's products, nothing else."""
    pairs = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in STEP_SHAPES]
    for a, b in pairs:
        a @ b
    start = clock()
    for _ in range(-(-n_samples // BATCH)):
        for a, b in pairs:
            a @ b
    return clock() - start


def epoch_dataloader(root) -> float:
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    utils.seed_everything(0)
    ds = datasets.MNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
    loader = DataLoader(ds, batch_size=BATCH, shuffle=True)
    model = ClassicVAE()
    opt = torch.optim.Adam(model.parameters(), lr=LR)  # as pytorch/examples vae/main.py
    start = clock()
    model.train()
    train_loss = 0.0
    for x, _ in loader:
        opt.zero_grad()
        loss = vae_loss(model, x)
        loss.backward()
        train_loss += loss.item()
        opt.step()
    return clock() - start


def epoch_in_memory(x_train, loss=course_loss) -> float:
    utils.seed_everything(0)
    model = ClassicVAE()
    start = clock()  # the whole call: fit's one check of the training data counts too
    utils.fit(model, loss, x_train, epochs=1, batch_size=BATCH, lr=LR, device="cpu", progress=False)
    return clock() - start


def epoch_bare_loop(x_train) -> float:
    """(c) the least a PyTorch training step can do: in-memory batches, pytorch/examples' unchecked
    loss, the same fused Adam, no checks, no loss read. What (b) could reach with no overhead of its own."""
    utils.seed_everything(0)
    model = ClassicVAE()
    opt = adam(model.parameters(), lr=LR)
    order = torch.randperm(x_train.shape[0], generator=torch.Generator().manual_seed(0))
    start = clock()
    for idx in order.split(BATCH):
        loss = vae_loss(model, x_train[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return clock() - start


# Profiler rows (self time of each op) grouped into what a training step spends its time on.
CATEGORIES = [
    ("matrix products", ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm", "aten::addmv")),
    ("loss (BCE, KL)", ("binary_cross_entropy", "log_sigmoid", "BinaryCrossEntropy", "LogSigmoid")),
    ("input checks (aminmax)", ("aten::aminmax",)),
    ("host syncs (.item(), bool)", ("aten::item", "aten::_local_scalar_dense", "aten::is_nonzero")),
    ("optimizer (Adam, zero_grad)", ("Optimizer.", "aten::_fused_adam", "aten::_foreach_")),
    ("batch indexing", ("aten::index", "aten::randperm")),
    ("autograd engine", ("autograd::", "Backward", "AccumulateGrad")),
    ("elementwise and other ops", ("aten::",)),
]


def _category(name: str) -> str:
    for label, keys in CATEGORIES:
        if any(k in name for k in keys):
            return label
    return "elementwise and other ops"


def breakdown(run, steps: int) -> tuple[dict[str, float], float]:
    """µs per step in each category, and the profiled wall time per step (µs)."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        t = time.perf_counter()
        run()
        wall = (time.perf_counter() - t) * 1e6 / steps
    per: dict[str, float] = dict.fromkeys([label for label, _ in CATEGORIES], 0.0)
    for row in prof.key_averages():
        per[_category(row.key)] += row.self_cpu_time_total / steps
    per["Python and the rest"] = max(wall - sum(per.values()), 0.0)
    return per, wall


def profile_steps(x_train, steps: int = 40, rounds: int = 3, loss=course_loss):
    """Per-step breakdown of (b) in utils.fit; the round with the shortest step is kept."""
    x = x_train[: steps * BATCH]
    utils.seed_everything(0)
    model = ClassicVAE()
    utils.fit(model, loss, x[: 10 * BATCH], epochs=1, device="cpu", progress=False)  # warm-up
    best = (None, float("inf"))
    for _ in range(rounds):
        rows, wall = breakdown(
            lambda: utils.fit(model, loss, x, epochs=1, device="cpu", progress=False), steps
        )
        best = min(best, (rows, wall), key=lambda r: r[1])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="timing rounds (best of each is kept)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiler breakdown")
    parser.add_argument(
        "--loss",
        choices=["course", "examples"],
        default="course",
        help="(b)'s loss: the course's checked helpers, or the same unchecked loss as (a)",
    )
    args = parser.parse_args()
    loss = course_loss if args.loss == "course" else vae_loss
    root = data_dir()
    t = time.perf_counter()
    x_train, _ = utils.load_mnist("train")
    load_s = time.perf_counter() - t
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__}, {threads} threads; MNIST loaded into memory in {load_s:.1f} s")

    peak = sgemm_gflops([(1024, 1024, 1024)])
    n = x_train.shape[0]
    shaped, mm, a, b, c = 0.0, float("inf"), float("inf"), float("inf"), float("inf")
    for _ in range(args.repeats):  # rounds, so that a busy spell of the machine hits all of them alike
        shaped = max(shaped, sgemm_gflops(MODEL_SHAPES, seconds=1.0))
        mm = min(mm, matmul_epoch_seconds(n))
        a = min(a, epoch_dataloader(root))
        b = min(b, epoch_in_memory(x_train, loss))
        c = min(c, epoch_bare_loop(x_train))
    flops = flops_per_epoch(n)
    gflops, ceiling = flops / b / 1e9, flops / mm / 1e9

    if not args.no_profile:
        fit_rows, fit_wall = profile_steps(x_train, loss=loss)
        print("\nPer-step breakdown of (b), PyTorch profiler (self time; µs per step of batch 128):")
        for label, value in fit_rows.items():
            print(f"  {label:32s}{value:8.0f} {value / fit_wall:4.0%}")
        print(f"  {'total (profiled)':32s}{fit_wall:8.0f}")

    print("\nSummary (copy into site/benchmark.md):")
    print("```")
    timer = "CPU time of the process" if threads == 1 else "wall-clock time"
    print(f"torch {torch.__version__}, {threads} threads, best of {args.repeats} rounds, {timer}")
    print(f"sgemm peak (1024×1024, float32):              {peak:7.1f} GFLOP/s")
    print(f"sgemm at the model's shapes, best burst:      {shaped:7.1f} GFLOP/s")
    print(f"the epoch's matrix products alone:           {mm:7.2f} s = {ceiling:.1f} GFLOP/s  (the ceiling)")
    print(f"(a) torchvision + ToTensor + DataLoader, Adam: {a:7.2f} s/epoch")
    print(f"(b) in-memory tensors + utils.fit, {args.loss + ' loss:':11s}{b:7.2f} s/epoch")
    bare = f"{c:7.2f} s/epoch = {flops / c / 1e9 / ceiling:.0%} of the ceiling"
    print(f"(c) bare loop: no checks, unchecked loss:      {bare}")
    print(f"speed-up (a)/(b):                              {a / b:7.1f}×")
    print(f"(b) against the floor (c):                     {b / c - 1:+7.0%}  (target: within +15 %)")
    share = f"{gflops / ceiling:.0%} of the ceiling, {gflops / shaped:.0%} of the best burst"
    print(f"(b) achieved, for information:                {gflops:7.1f} GFLOP/s = {share}")
    if not args.no_profile:
        groups = {
            "matrix products": ["matrix products"],
            "elementwise + loss": ["elementwise and other ops", "loss (BCE, KL)"],
            "optimizer": ["optimizer (Adam, zero_grad)"],
            "checks + syncs + batching": [
                "input checks (aminmax)",
                "host syncs (.item(), bool)",
                "batch indexing",
            ],
            "autograd + Python": ["autograd engine", "Python and the rest"],
        }
        shares = ", ".join(
            f"{g} {sum(fit_rows[k] for k in keys) / fit_wall:.0%}" for g, keys in groups.items()
        )
        print(f"(b) step, profiled: {shares}")
    print("```")


if __name__ == "__main__":
    main()
