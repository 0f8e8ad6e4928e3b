"""Stage 3: a high-frequency benchmark PDE by the Kronecker GP solver, FD and Chebyshev.

The three methods solve the same problem (:data:`sciml.solvers.gp.problems.BENCHMARKS`) on
``n`` nodes per axis through :func:`sciml.solvers.gp.solve_benchmark`; each error is the
relative L2 error against the exact solution on the method's own nodes. The GP solver
(spectral-mixture kernel, Kronecker algebra, hybrid Adam/exact-solve schedule) learns the
solution's frequency; second-order finite differences need many more points per
wavelength; Chebyshev collocation is spectrally accurate once it has more than about pi
points per wavelength.
"""

from __future__ import annotations

import numpy as np

from .parts import Context, Part, Table

#: The report section title.
TITLE = "3. High-frequency PDE: Kronecker GP beside FD and Chebyshev"

__all__ = ["TITLE", "run_gp"]

METHODS = (
    ("gp", "Kronecker GP (spectral mixture)"),
    ("fd", "finite differences (2nd order)"),
    ("chebyshev", "Chebyshev collocation"),
)


def _error(problem, solution) -> tuple[np.ndarray, np.ndarray]:
    grid = solution.value.disc
    u = solution.value.values[0].numpy()
    exact = problem.exact(grid.points()).numpy()
    return grid, np.abs(u - exact)


def _figure(ctx: Context, problem, solutions: dict):
    import torch
    from matplotlib.figure import Figure

    gp = solutions["gp"]
    fig = Figure(figsize=(15, 4.0), layout="constrained")
    axes = fig.subplots(1, 3)
    grid = gp.value.disc
    if grid.ndim == 1:
        x = grid.axes[0].nodes.numpy()
        u = gp.value.values[0].numpy()
        window = x <= x[0] + 0.1 * (x[-1] - x[0])
        fine = np.linspace(x[0], x[window][-1], 2000)
        exact = problem.exact(torch.as_tensor(fine)[:, None]).numpy()
        axes[0].plot(fine, exact, "k-", lw=1, label="exact")
        axes[0].plot(x[window], u[window], "o", ms=3, color="C0", label="GP at the nodes")
        axes[0].set_xlabel("x")
        axes[0].set_ylabel("u(x)")
        axes[0].set_title(f"{problem.name}: first 10% of the domain")
        axes[0].legend(loc="upper right", fontsize=8)
        for key, label in METHODS:
            g, err = _error(problem, solutions[key])
            axes[1].semilogy(g.axes[0].nodes.numpy(), np.maximum(err, 1e-16), lw=0.8, label=label)
        axes[1].set_xlabel("x")
        axes[1].set_ylabel("|u - u_exact| (floored at 1e-16)")
        axes[1].set_title(f"pointwise error, {grid.shape[0]} nodes")
        axes[1].legend(fontsize=8)
    else:
        lo = [a.bounds[0] for a in grid.axes]
        hi = [a.bounds[1] for a in grid.axes]
        extent = (lo[0], hi[0], lo[1], hi[1])
        u = gp.value.values[0].numpy()
        image = axes[0].imshow(u.T, origin="lower", extent=extent, cmap="RdBu_r")
        fig.colorbar(image, ax=axes[0], label="u")
        axes[0].set_title(f"{problem.name}: GP solution, {grid.shape[0]}x{grid.shape[1]}")
        _, err = _error(problem, gp)
        image = axes[1].imshow(
            np.log10(np.maximum(err, 1e-16)).T, origin="lower", extent=extent, cmap="magma"
        )
        fig.colorbar(image, ax=axes[1], label="log10 |u - u_exact|")
        axes[1].set_title("GP pointwise error")
        for ax in axes[:2]:
            ax.set_xlabel("x")
            ax.set_ylabel("y")
    spectrum = gp.stats.get("spectrum") or []
    for i, s in enumerate(spectrum):
        axes[2].stem(s["frequencies"], s["weights"], linefmt=f"C{i}-", label=f"axis {i}")
    if problem.frequency:
        axes[2].axvline(problem.frequency, color="k", ls=":", label="true frequency")
    weights = [w for s in spectrum for w in s["weights"] if w > 0]
    if weights and max(weights) > 100 * min(weights):
        axes[2].set_yscale("log")
    axes[2].set_xlabel("frequency (cycles per unit length)")
    axes[2].set_ylabel("mixture weight")
    axes[2].set_title("GP kernel: learned spectrum")
    axes[2].legend(fontsize=8)
    path = ctx.figures / "gp.png"
    fig.savefig(path, dpi=100)
    return path


def run_gp(ctx: Context) -> Part:
    """Solve the scale's benchmark with the three methods; tabulate errors and times."""
    from sciml.solvers.gp import benchmark, solve_benchmark

    s = ctx.scale.gp
    problem = benchmark(s.problem)
    options = {k: v for k, v in (("rounds", s.rounds), ("steps", s.steps)) if v is not None}
    solutions = {}
    for key, label in METHODS:
        solutions[key] = solve_benchmark(s.problem, key, s.n, **(options if key == "gp" else {}))
        st = solutions[key].stats
        ctx.say(f"  {label}: relative L2 {st['rel_l2']:.3e} in {st['seconds']:.2f} s")
    grid = "x".join([str(s.n)] * problem.ndim)
    rows = [
        (
            label,
            grid,
            solutions[key].stats["rel_l2"],
            solutions[key].stats["seconds"],
            solutions[key].status.name,
        )
        for key, label in METHODS
    ]
    part = Part("gp", TITLE)
    freq = ""
    if problem.frequency:
        lo, hi = problem.bounds[0]
        per_wave = s.n / (problem.frequency * (hi - lo))
        freq = (
            f", {problem.frequency:.2f} cycles per unit length, so {per_wave:.1f} nodes per "
            "wavelength"
        )
    schedule = (
        f"{s.rounds} round(s) of {s.steps} Adam steps + exact solve"
        if options
        else "the solver's preset schedule"
    )
    part.notes.append(
        f"Benchmark `{s.problem}` (GP-HM, Fang et al., ICLR 2024{freq}) on {grid} nodes. "
        f"The GP solver ran {schedule}. Errors are relative L2 against the exact solution "
        "on each method's nodes; FD and Chebyshev solve the same equation on the same number "
        "of nodes (uniform and Chebyshev points)."
    )
    part.tables.append(
        Table(
            "Relative L2 error and wall time",
            ("method", "nodes", "relative L2", "seconds", "status"),
            rows,
        )
    )
    part.figure(
        _figure(ctx, problem, solutions),
        "The GP solution against the exact one, the pointwise errors of the three methods, "
        "and the spectrum the GP kernel learned (dotted: the true frequency).",
    )
    gp, fd = solutions["gp"].stats["rel_l2"], solutions["fd"].stats["rel_l2"]
    part.headline = f"GP rel. L2 {gp:.2e} vs FD {fd:.2e} on {grid} nodes"
    part.results = {
        key: {"rel_l2": sol.stats["rel_l2"], "seconds": sol.stats["seconds"]}
        for key, sol in solutions.items()
    }
    return part
