"""``sciml solve``: solve a GP benchmark problem with the GP solver or a classical baseline."""

from __future__ import annotations

from pathlib import Path

from ._common import EXIT_OK, UserError, check_out, positive_int

METHODS = ("gp", "fd", "chebyshev")


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
    solve = commands.add_parser(
        "solve",
        help="solve a benchmark PDE with the Kronecker GP solver, FD or Chebyshev",
        description=(
            "Solve a benchmark problem (poisson1d-sin100, poisson1d-mixed, poisson1d-xsin200, "
            "poisson2d-sin100, poisson2d-sin6cos20, allen-cahn1d-sin100, allen-cahn2d-mixed, "
            "helmholtz2d, advection2d-beta20, advection2d-beta200) on a grid of N nodes per "
            "axis; print the relative L2 error against the exact solution and the wall "
            "time, and with --out save a PNG of the solution, the error and (gp) the "
            "learned spectrum."
        ),
        epilog="Example: sciml solve poisson1d-sin100 --method gp --grid 400 --out gp-run",
    )
    solve.add_argument("problem", metavar="PROBLEM", help="benchmark problem name")
    solve.add_argument(
        "--method", choices=METHODS, default="gp", help="solution method (default: %(default)s)"
    )
    solve.add_argument("--grid", type=positive_int, default=400, metavar="N", help="nodes per axis")
    solve.add_argument(
        "--mode",
        choices=("hybrid", "fixed", "joint"),
        help="gp: hybrid (exact solves + kernel learning), fixed (initial kernel) or joint "
        "(GP-HM's Adam on values and kernel); preset if unset",
    )
    solve.add_argument("--rounds", type=positive_int, help="gp: hybrid rounds (preset if unset)")
    solve.add_argument("--steps", type=positive_int, help="gp: Adam steps per round")
    solve.add_argument("--out", metavar="DIR", help="folder for the PNG, created if missing")
    solve.add_argument("--threads", type=positive_int, default=1, metavar="N", help="torch threads")
    solve.set_defaults(handler=run)


def _figure(problem, solution, path: Path) -> None:
    import numpy as np
    from matplotlib.figure import Figure

    field = solution.value
    grid = field.disc
    u = field.values[0].numpy()
    exact = problem.exact(grid.points()).numpy()
    spectrum = solution.stats.get("spectrum")
    panels = 3 if spectrum else 2
    fig = Figure(figsize=(4.5 * panels, 3.6), layout="constrained")
    axes = fig.subplots(1, panels)
    if grid.ndim == 1:
        x = grid.axes[0].nodes.numpy()
        axes[0].plot(x, exact, lw=2, label="exact")
        axes[0].plot(x, u, "--", lw=1, label=solution.stats["method"])
        axes[0].legend()
        err = np.abs(u - exact)
        axes[1].semilogy(x, np.maximum(err, 1e-16 * max(float(err.max()), 1e-300)))
    else:
        lo = [a.bounds[0] for a in grid.axes]
        hi = [a.bounds[1] for a in grid.axes]
        extent = (lo[1], hi[1], lo[0], hi[0])
        fig.colorbar(axes[0].imshow(u, origin="lower", extent=extent), ax=axes[0])
        fig.colorbar(axes[1].imshow(np.abs(u - exact), origin="lower", extent=extent), ax=axes[1])
    axes[0].set_title(f"{problem.name}: {solution.stats['method']}")
    axes[1].set_title(f"|error|, rel L2 {solution.stats['rel_l2']:.2e}")
    if spectrum:
        for i, s in enumerate(spectrum):
            axes[2].stem(s["frequencies"], s["weights"], linefmt=f"C{i}-", label=f"axis {i}")
        if problem.frequency:
            axes[2].axvline(problem.frequency, color="k", ls=":", label="true")
        axes[2].set_yscale("log")
        axes[2].set_xlabel("frequency (cycles / unit)")
        axes[2].set_title("learned spectrum")
        axes[2].legend()
    fig.savefig(path, dpi=110)


def run(args) -> int:
    from sciml.solvers.gp.problems import BENCHMARKS

    if args.problem not in BENCHMARKS:
        raise UserError(
            f"unknown problem {args.problem!r}: expected one of {', '.join(BENCHMARKS)}. "
            "Fix: pass one of these names as PROBLEM."
        )
    if args.grid < 3:
        raise UserError(
            f"--grid {args.grid} leaves no interior node: expected N >= 3. Fix: pass e.g. "
            "--grid 400."
        )
    out = Path(args.out) if args.out else None
    if out is not None:
        check_out(out)
    options = {}
    if args.method == "gp":
        options = {k: getattr(args, k) for k in ("mode", "rounds", "steps") if getattr(args, k)}
    elif args.rounds or args.steps or args.mode:
        raise UserError(
            f"--mode/--rounds/--steps apply to --method gp only, received --method {args.method}. "
            "Fix: drop them or use --method gp."
        )

    import torch

    from sciml.solvers.gp import benchmark, solve_benchmark

    torch.set_num_threads(args.threads)
    solution = solve_benchmark(args.problem, args.method, args.grid, **options)
    stats = solution.stats
    print(
        f"{args.problem} {args.method} N={args.grid}: rel L2 {stats['rel_l2']:.3e}, "
        f"{stats['seconds']:.2f} s ({solution.status.name})"
    )
    for i, axis in enumerate(stats.get("spectrum") or []):
        top = ", ".join(f"{f:.4f}" for f in axis["frequencies"][:3])
        print(f"learned frequencies (axis {i}, by weight): {top}")
    if out is not None:
        path = out / f"{args.problem}-{args.method}-{args.grid}.png"
        try:
            _figure(benchmark(args.problem), solution, path)
        except OSError as exc:
            raise UserError(
                f"cannot write {str(path)!r} ({exc}). Fix: pass a writable --out."
            ) from None
        print(f"figure: {path}")
    return EXIT_OK
