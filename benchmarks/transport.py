"""Sinkhorn speed: own torch solver (log-domain and scaling) against POT's torch log-domain.

    python benchmarks/transport.py [--n 1000,5000,10000] [--threads 1] [--atol 1e-5]
                                   [--pot-iters 10] [--methods log,scaling] [--seed 0]

Problem: two n-samples in d = 2 (N(0, I) and N(1, 2I)), float32, cost ||x - y||^2,
reg = 0.05 * median cost, uniform weights. Timings include building the cost matrix.

Columns: time to ``atol`` (sum |P 1 - a|) for our two methods, their iteration counts, ms per
iteration; POT ``ot.sinkhorn(method="sinkhorn_log")`` on the same torch tensors is run for
``--pot-iters`` iterations (its per-iteration cost is flat), timed per iteration and
extrapolated to the first method's iteration count; ratios > 1 mean ours is faster.
Targets: n = 5k <= 2 s, n = 10k <= 8 s; log-domain per-iteration at most POT's.
"""

from __future__ import annotations

import argparse
import time

import ot
import torch

from sciml.solvers.transport import cost_matrix, sinkhorn


def _problem(n: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = 1.0 + 2.0**0.5 * torch.randn(n, 2, generator=g)
    return x, y


def _ours(x, y, method: str, atol: float):
    t = time.perf_counter()
    C = cost_matrix(x, y)
    reg = 0.05 * float(C.median())
    sol = sinkhorn(None, None, C, reg, method=method, atol=atol, max_iter=2000)
    elapsed = time.perf_counter() - t
    return elapsed, sol, reg


def _pot(x, y, reg: float, iters: int):
    t = time.perf_counter()
    C = cost_matrix(x, y)
    w = torch.full((x.shape[0],), 1.0 / x.shape[0])
    ot.sinkhorn(w, w, C, reg, method="sinkhorn_log", numItermax=iters, stopThr=0.0, warn=False)
    return (time.perf_counter() - t) / iters


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", default="1000,5000,10000")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--pot-iters", type=int, default=10)
    p.add_argument("--methods", default="log,scaling")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"threads={args.threads} atol={args.atol} float32 d=2 reg=0.05*median(C)")
    head = (
        f"{'n':>6} {'method':>8} {'status':>8} {'iters':>5} {'time s':>8} "
        f"{'ms/it':>8} {'POT ms/it':>9} {'it ratio':>8} {'POT est s':>9} {'ratio':>6}"
    )
    print(head)
    for n in (int(v) for v in args.n.split(",")):
        x, y = _problem(n, args.seed)
        results = {m: _ours(x, y, m, args.atol) for m in args.methods.split(",")}
        first = next(iter(results.values()))
        reg = first[2]
        pot_it = _pot(x, y, reg, args.pot_iters)
        pot_total = pot_it * first[1].stats["iterations"]
        for m, (elapsed, sol, _) in results.items():
            it = sol.stats["iterations"]
            ms = 1e3 * elapsed / it
            print(
                f"{n:>6} {m:>8} {sol.status.name[:8]:>8} {it:>5} {elapsed:>8.2f} {ms:>8.1f} "
                f"{1e3 * pot_it:>9.1f} {1e3 * pot_it / ms:>8.2f} {pot_total:>9.2f} "
                f"{pot_total / elapsed:>6.2f}"
            )


if __name__ == "__main__":
    main()
