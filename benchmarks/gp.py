"""Kronecker GP solver beside finite differences and Chebyshev collocation.

Run on demand (not in CI)::

    python benchmarks/gp.py --threads 1                      # all reports
    python benchmarks/gp.py --reports kronecker --threads 2

Reports (``--reports``, comma-separated):

``kronecker``
    Exact solve + log-determinant + Laplacian (conditional-mean ``K''K^{-1}`` per axis) of
    ``K1 ⊗ K2`` (spectral mixture, Q = 30) at 256² and 1024², with one shared factor
    (square grid, same kernel) and with two distinct factors (two eigendecompositions).
``accuracy``
    Every benchmark problem of GP-HM that is implemented, with the GP presets
    (``sciml.solvers.gp.api.GP_PRESETS`` and ``PROBLEM_PRESETS``), FD and Chebyshev on the
    same grid sizes: poisson1d-sin100, poisson1d-mixed, allen-cahn1d-sin100 (400 nodes),
    advection2d-beta200 and allen-cahn2d-mixed (200²), poisson2d-sin100 (400²). Relative L2
    error of the returned iterate and of the final round, wall time, the learned frequency
    nearest to the problem's.
``underresolved``
    poisson1d-sin100 at 250 nodes (2.5 points per wavelength, below Chebyshev's π).
``joint``
    GP-HM's joint Adam (``mode="joint"``, jitter 1e-6 as published) on poisson1d-sin100
    at 400 nodes, stopped at the wall time the hybrid preset took in the same run.

Set the thread count before torch is imported; compare ratios, not milliseconds, across
machines.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", default="kronecker,accuracy,underresolved,joint")
    parser.add_argument("--threads", type=int, default=1)
    return parser.parse_args(argv)


def kronecker_report() -> None:
    import torch

    from sciml.core import Axis
    from sciml.solvers.gp import KroneckerGram, SpectralMixture
    from sciml.solvers.gp.objective import factor_blocks

    for n in (256, 1024):
        ax = Axis.uniform(n, (0.0, 1.0))
        with torch.no_grad():
            k, _, k2 = factor_blocks(SpectralMixture.initial(ax, 30), ax.nodes, 1e-6)
            u = torch.randn(n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
            for label, second in (("shared factor", k), ("distinct factors", k.clone())):
                best = math.inf
                for _ in range(3):
                    t = time.perf_counter()
                    gram = KroneckerGram([k, second])
                    alpha = gram.solve(u)
                    gram.logdet()
                    gram.cross_matvec(alpha, 0, k2) + gram.cross_matvec(alpha, 1, k2)
                    best = min(best, time.perf_counter() - t)
                print(f"kronecker {n}x{n} {label:17s} solve+logdet+laplacian {best * 1e3:9.1f} ms")


def _row(name, n, sol) -> None:
    s = sol.stats
    extra = ""
    if s["method"] == "gp":
        from sciml.solvers.gp import benchmark

        target = benchmark(name).frequency
        freqs = [f for axis in s["spectrum"] for f in axis["frequencies"]]  # any axis
        nearest = min(freqs, key=lambda f: abs(f - target))
        extra = (
            f"  final-round {s['rel_l2_final_round']:.2e} (selected round {s['selected_round']})"
            f"  nearest mu {nearest:.4f} ({abs(nearest / target - 1) * 100:.2f}% off)"
        )
    head = f"{name:18s} n={n:4d} {s['method']:9s} rel L2 {s['rel_l2']:.2e}"
    print(f"{head}  {s['seconds']:7.2f} s{extra}", flush=True)


def accuracy_report(cases) -> None:
    from sciml.solvers.gp import solve_benchmark

    for name, n in cases:
        for method in ("fd", "chebyshev", "gp"):
            _row(name, n, solve_benchmark(name, method, n))


ACCURACY_CASES = [
    ("poisson1d-sin100", 400),
    ("poisson1d-mixed", 400),
    ("allen-cahn1d-sin100", 400),
    ("advection2d-beta200", 200),
    ("allen-cahn2d-mixed", 200),
    ("poisson2d-sin100", 400),
]


def joint_report() -> None:
    from sciml.solvers.gp import solve_benchmark

    name, n = "poisson1d-sin100", 400
    hybrid = solve_benchmark(name, "gp", n, select="final")
    _row(name, n, hybrid)
    joint = solve_benchmark(
        name, "gp", n, mode="joint", steps=10**9, time_limit=hybrid.stats["seconds"], jitter=1e-6
    )
    s = joint.stats
    print(
        f"{name:18s} n={n:4d} joint-adam rel L2 {s['rel_l2']:.2e}  {s['seconds']:7.2f} s"
        f"  ({s['adam_steps']} Adam steps in the hybrid's wall time;"
        f" hybrid/joint error ratio {hybrid.stats['rel_l2'] / s['rel_l2']:.1e})",
        flush=True,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)
    reports = args.reports.split(",")
    if "kronecker" in reports:
        kronecker_report()
    if "accuracy" in reports:
        accuracy_report(ACCURACY_CASES)
    if "underresolved" in reports:
        accuracy_report([("poisson1d-sin100", 250)])
    if "joint" in reports:
        joint_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
