"""Transport benchmarks: Sinkhorn speed against POT, LightSB on the EOT mixtures benchmark.

    python benchmarks/transport.py [sinkhorn] [--n 1000,5000,10000] [--threads 1]
                                   [--atol 1e-5] [--pot-iters 10] [--methods log,scaling]
                                   [--overrelax 1,1.5] [--seed 0]
    python benchmarks/transport.py lightsb [--dims 2,16,64] [--eps 0.1,1,10] [--rotated]
                                   [--covariance diagonal] [--components 50]
                                   [--steps 10000] [--lr LR] [--no-anneal] [--init target]
                                   [--bandwidth BW]
                                   [--threads 1]
                                   [--seed 0]

``sinkhorn``:

Problem: two n-samples in d = 2 (N(0, I) and N(1, 2I)), float32, cost ||x - y||^2,
reg = 0.05 * median cost, uniform weights. Timings include building the cost matrix.

Columns: time to ``atol`` (marginal error) for our two methods, classical (``w = 1``) and
over-relaxed (``w = 1.5``, the default), their iteration counts, ms per iteration; POT
``ot.sinkhorn(method="sinkhorn_log")`` on the same torch tensors is run for ``--pot-iters``
iterations (its per-iteration cost is flat), timed per iteration and extrapolated to the
first row's iteration count; ratios > 1 mean ours is faster.
Targets: n = 5k <= 2 s, n = 10k <= 8 s; log-domain per-iteration at most POT's.

``lightsb``: for each (eps, D), a fresh ``MixtureBenchmark.random(D, eps, rotated=...)``
instance; LightSB (K components, batch 128, Adam at ``--lr`` or ``default_lr(eps, covariance)``,
cosine-annealed unless ``--no-anneal``) trained on fresh samples; cBW2-UVP (%) on
200 test points x 1000 samples beside the floor (the same estimator on exact samples of
``pi*``), the goal ``2 floor + 0.05``, the published LightSB figure and the training time
(wall and process CPU, drawing the benchmark's samples excluded).
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


def _ours(x, y, method: str, omega: float, atol: float):
    t = time.perf_counter()
    C = cost_matrix(x, y)
    reg = 0.05 * float(C.median())
    sol = sinkhorn(None, None, C, reg, method=method, atol=atol, max_iter=2000, overrelax=omega)
    elapsed = time.perf_counter() - t
    return elapsed, sol, reg


def _pot(x, y, reg: float, iters: int):
    t = time.perf_counter()
    C = cost_matrix(x, y)
    w = torch.full((x.shape[0],), 1.0 / x.shape[0])
    ot.sinkhorn(w, w, C, reg, method="sinkhorn_log", numItermax=iters, stopThr=0.0, warn=False)
    return (time.perf_counter() - t) / iters


def lightsb_main(args) -> None:
    from sciml.solvers.transport.lightsb_benchmark import run_lightsb_benchmark

    print(
        f"threads={args.threads} K={args.components} covariance={args.covariance} "
        f"rotated={args.rotated} steps={args.steps} batch=128 init={args.init} "
        f"bandwidth={'default' if args.bandwidth is None else args.bandwidth} "
        f"anneal={args.anneal} seed={args.seed}"
    )
    print(
        f"{'eps':>5} {'D':>3} {'lr':>8} {'cBW2-UVP':>9} {'floor':>7} {'goal':>7} {'met':>4} "
        f"{'paper':>6} {'train s':>8} {'cpu s':>7}"
    )
    for eps in (float(v) for v in args.eps.split(",")):
        for dim in (int(v) for v in args.dims.split(",")):
            r = run_lightsb_benchmark(
                dim,
                eps,
                rotated=args.rotated,
                covariance=args.covariance,
                n_components=args.components,
                steps=args.steps,
                lr=args.lr,
                anneal=args.anneal,
                init=args.init,
                bandwidth=args.bandwidth,
                seed=args.seed,
            )
            goal = 2 * r["floor"] + 0.05
            paper = "-" if r["published"] is None or args.rotated else f"{r['published']:.2f}"
            print(
                f"{eps:>5g} {dim:>3} {r['lr']:>8.1e} {r['cbw2_uvp']:>9.3f} {r['floor']:>7.3f} "
                f"{goal:>7.3f} {'yes' if r['cbw2_uvp'] <= goal else 'NO':>4} {paper:>6} "
                f"{r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f}",
                flush=True,
            )


def main(argv=None) -> None:
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "lightsb":
        p = argparse.ArgumentParser(description="LightSB on the EOT mixtures benchmark")
        p.add_argument("--dims", default="2,16,64")
        p.add_argument("--eps", default="0.1,1,10")
        p.add_argument("--rotated", action="store_true")
        p.add_argument("--covariance", default="diagonal", choices=("diagonal", "full"))
        p.add_argument("--components", type=int, default=50)
        p.add_argument("--steps", type=int, default=10_000)
        p.add_argument("--lr", type=float, default=None)
        p.add_argument(
            "--no-anneal", dest="anneal", action="store_false", help="constant lr (authors')"
        )
        p.add_argument("--init", default="target", choices=("target", "samples"))
        p.add_argument(
            "--bandwidth", type=float, default=None, help="init bandwidth (0.25 diag, 1 full)"
        )
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--seed", type=int, default=0)
        args = p.parse_args(argv[1:])
        torch.set_num_threads(args.threads)
        lightsb_main(args)
        return
    if argv and argv[0] == "sinkhorn":
        argv = argv[1:]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", default="1000,5000,10000")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--pot-iters", type=int, default=10)
    p.add_argument("--methods", default="log,scaling")
    p.add_argument("--overrelax", default="1,1.5", help="over-relaxation factors to time")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"threads={args.threads} atol={args.atol} float32 d=2 reg=0.05*median(C)")
    head = (
        f"{'n':>6} {'method':>12} {'status':>8} {'iters':>5} {'time s':>8} "
        f"{'ms/it':>8} {'POT ms/it':>9} {'it ratio':>8} {'POT est s':>9} {'ratio':>6}"
    )
    print(head)
    for n in (int(v) for v in args.n.split(",")):
        x, y = _problem(n, args.seed)
        results = {
            f"{m} w={w}": _ours(x, y, m, float(w), args.atol)
            for m in args.methods.split(",")
            for w in args.overrelax.split(",")
        }
        first = next(iter(results.values()))
        reg = first[2]
        pot_it = _pot(x, y, reg, args.pot_iters)
        pot_total = pot_it * first[1].stats["iterations"]
        for m, (elapsed, sol, _) in results.items():
            it = sol.stats["iterations"]
            ms = 1e3 * elapsed / it
            print(
                f"{n:>6} {m:>12} {sol.status.name[:8]:>8} {it:>5} {elapsed:>8.2f} {ms:>8.1f} "
                f"{1e3 * pot_it:>9.1f} {1e3 * pot_it / ms:>8.2f} {pot_total:>9.2f} "
                f"{pot_total / elapsed:>6.2f}"
            )


if __name__ == "__main__":
    main()
