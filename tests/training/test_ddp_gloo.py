"""Data parallelism: 2 CPU processes on the gloo backend (torch.multiprocessing.spawn)
reproduce the single-process gradient and training run on the same global batches."""

import os
import subprocess
import sys

import torch

COMMON = """
import torch
from sciml.core import Field, TensorGrid
from sciml.operators import FNO
from sciml.solvers.pde import PeriodicGRF
from sciml.training import Trainer

def data(n_samples):
    grid = TensorGrid.uniform((32,), periodic=True)
    a = PeriodicGRF(grid, alpha=2, tau=5, sigma=25).sample(n_samples, rng=0)
    k = grid.fft_frequencies()[0]
    u = torch.fft.ifft(torch.fft.fft(a.values) / (1 + k**2)).real
    return a.to(torch.float32), Field(u, grid).to(torch.float32)

def make_model():
    return FNO(1, 1, (4,), 8, 2, positional_embedding="periodic", seed=0)

def sgd_step():
    model = make_model()
    Trainer(model, optimizer="sgd", lr=0.1, scheduler=None, epochs=1, batch_size=8,
            progress=False).fit(data(8))
    return [p.detach() for p in model.parameters()]

def adam_run(checkpoint=None):
    model = make_model()
    Trainer(model, lr=3e-3, epochs=2, batch_size=5, seed=3, progress=False,
            checkpoint=checkpoint).fit(data(12))  # batches of 5, 5, 2: uneven shares
    return [p.detach() for p in model.parameters()]
"""

SCRIPT = (
    COMMON
    + """
import os, sys
import torch.distributed as dist
import torch.multiprocessing as mp
from sciml.training import RelativeLp, is_distributed, rank_and_world
from sciml.training.distributed import local_chunk, wrap_model

def worker(rank, world, init_file, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method="file://" + init_file, rank=rank,
                            world_size=world)
    assert is_distributed() and rank_and_world() == (rank, world)
    # the raw gradient of the mean loss over the global batch
    a, u = data(8)
    model = make_model()
    ddp = wrap_model(model, torch.device("cpu"))
    idx = local_chunk(torch.arange(8), rank, world)
    loss = RelativeLp()(ddp(a.values[idx], grid=a.disc), u.values[idx], u.disc)
    (loss * len(idx) * world / 8).backward()
    grads = [p.grad.clone() for p in model.parameters()]
    result = {"grads": grads, "sgd": sgd_step(),
              "adam": adam_run(os.path.join(out, "ddp.pt"))}
    torch.save(result, os.path.join(out, f"rank{rank}.pt"))
    dist.destroy_process_group()

if __name__ == "__main__":
    out = sys.argv[1]
    mp.spawn(worker, args=(2, os.path.join(out, "init"), out), nprocs=2, join=True)
"""
)


def test_two_gloo_processes_match_one_process(tmp_path):
    script = tmp_path / "ddp_run.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1)]

    namespace = {}
    exec(COMMON, namespace)  # the same data and model, one process
    a, u = namespace["data"](8)
    model = namespace["make_model"]()
    from sciml.training import RelativeLp

    RelativeLp()(model(a.values, grid=a.disc), u.values, u.disc).backward()
    reference = [p.grad for p in model.parameters()]
    for result in ranks:
        for g, ref in zip(result["grads"], reference):
            torch.testing.assert_close(g, ref, atol=1e-6, rtol=1e-5)

    single_sgd, single_adam = namespace["sgd_step"](), namespace["adam_run"]()
    for result in ranks:
        for w, ref in zip(result["sgd"], single_sgd):
            torch.testing.assert_close(w, ref, atol=1e-6, rtol=1e-5)
        for w, ref in zip(result["adam"], single_adam):
            torch.testing.assert_close(w, ref, atol=1e-5, rtol=1e-4)
    # the ranks hold identical replicas; rank 0 wrote the checkpoint
    assert all(torch.equal(x, y) for x, y in zip(ranks[0]["adam"], ranks[1]["adam"]))
    assert (tmp_path / "ddp.pt").exists()
