"""Stage 1: generate Darcy data with the automatic solver choice; speed-up over GMRES.

Two files are generated with :func:`sciml.data.generate` (``method="auto"``: a pilot
solves the first samples with every applicable method and keeps the fastest that meets
``rtol``) at the fine grid ``2 R - 1``: a training set (seed ``s``) and a test set (seed
``s + 1``, solved by the method the training set's pilot chose). Then the first
``gmres_systems`` training systems are solved again, in this process, by the chosen
method and by independent GMRES(40)+ILU (no recycling, no fallback): the ratio of their
seconds per system is the speed-up printed, measured in the same run on the same
systems. The pipeline's own time per sample (pilot, chains and HDF5 writes included) is
shown beside it.
"""

from __future__ import annotations

import time

import numpy as np

from .parts import Context, Part, Table

#: The report section title.
TITLE = "1. Darcy data set, automatic solver choice"

__all__ = ["TITLE", "run_darcy_data"]

GMRES = "gmres_ilu"


def _solve_all(method: str, systems, rtol: float, fallback: bool) -> dict:
    from sciml.solvers.krylov.auto import SequenceSolver

    solver = SequenceSolver(method, rtol=rtol, fallback=fallback)
    matvecs, residuals, failed = [], [], 0
    t0 = time.perf_counter()
    for A, b in systems:
        sol = solver.solve(A, b)
        matvecs.append(sol.stats["matvecs"])
        residuals.append(sol.stats["residual"])
        failed += not (sol.ok and sol.stats["residual"] <= rtol)
    seconds = time.perf_counter() - t0
    return {
        "seconds_per_system": seconds / len(systems),
        "matvecs_per_system": float(np.mean(matvecs)),
        "max_residual": float(np.max(residuals)),
        "failed": failed,
    }


def _generate(config, path, ctx: Context, label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from sciml.data import generate

    bar = Progress(
        f"  {label}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=ctx.console
    )
    task = bar.add_task(label, total=config.n)

    def log(message: str) -> None:  # the plan's reason, when there was a pilot
        if config.method == "auto":
            ctx.say(f"  {label}: {message}")

    with bar:
        return generate(
            config,
            path,
            overwrite=True,
            progress=lambda done, n: bar.update(task, completed=done, total=n),
            log=log,
        )


def _figure(ctx: Context, train_path, pilot: dict, chosen: str, gmres: dict):
    from matplotlib.figure import Figure

    from sciml.data import H5Dataset

    ds = H5Dataset(train_path)
    a, u = (t[0].numpy() for t in ds[0])
    ds.close()
    fig = Figure(figsize=(15, 4.2), layout="constrained")
    axes = fig.subplots(1, 3, width_ratios=(1, 1, 1.1))
    for ax, values, title, label in (
        (axes[0], a, "coefficient a (sample 0)", "a(x, y)"),
        (axes[1], u, "solution u (sample 0)", "u(x, y)"),
    ):
        image = ax.imshow(values.T, origin="lower", extent=(0, 1, 0, 1), cmap="viridis")
        fig.colorbar(image, ax=ax, label=label)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(f"{title}, {values.shape[0]}x{values.shape[1]} grid")
    names = [m for m, e in pilot.items() if isinstance(e, dict) and "seconds_per_system" in e]
    ms = [1e3 * pilot[m]["seconds_per_system"] for m in names]
    colors = ["C2" if m == chosen else ("C3" if m == GMRES else "C0") for m in names]
    bars = axes[2].barh(names, ms, color=colors)
    axes[2].bar_label(bars, labels=[f"{v:.3g}" for v in ms], padding=2, fontsize=8)
    axes[2].set_xlim(0, 1.2 * max(ms))
    axes[2].invert_yaxis()
    axes[2].set_xlabel("ms per system (pilot median)")
    axes[2].set_title(
        f"pilot (green: chosen, red: GMRES+ILU)\nsame {gmres['systems']} systems: "
        f"{gmres['speedup']:.1f}x faster than GMRES+ILU",
        fontsize=10,
    )
    path = ctx.figures / "darcy_data.png"
    fig.savefig(path, dpi=100)
    return path


def run_darcy_data(ctx: Context) -> Part:
    """Generate the training and test files; measure the speed-up over GMRES+ILU."""
    from sciml.data import GenerationConfig

    s = ctx.scale.darcy
    part = Part("darcy_data", TITLE)
    folder = ctx.out / "data"
    folder.mkdir(parents=True, exist_ok=True)
    reports = {}
    root = ctx.scale.seed
    method = "auto"
    for name, n, seed in (("train", s.n_train, root), ("test", s.n_test, root + 1)):
        config = GenerationConfig(
            "darcy", n=n, resolution=s.fine, seed=seed, method=method, rtol=s.rtol
        )
        path = folder / f"darcy{s.fine}_{name}.h5"
        if method != "auto":
            ctx.say(f"  {name} set: {method}, the training set's choice")
        reports[name] = (config, _generate(config, path, ctx, f"{name} set"))
        method = reports[name][1].method  # the test set reuses the training set's choice
    config, report = reports["train"]
    k = min(s.gmres_systems, config.n)
    family = config.problem
    inputs = family.sample_inputs(k, rng=config.seed).values.numpy()
    systems = [family.assemble(x) for x in inputs]
    auto = _solve_all(report.method, systems, s.rtol, fallback=True)
    gmres = _solve_all(GMRES, systems, s.rtol, fallback=False)
    speedup = gmres["seconds_per_system"] / auto["seconds_per_system"]
    pipeline = report.wall_seconds / report.n
    gmres["systems"], gmres["speedup"] = k, speedup
    ctx.say(
        f"  automatic choice {report.method}: {speedup:.1f}x faster than independent "
        f"GMRES(40)+ILU on the same {k} systems ({1e3 * auto['seconds_per_system']:.2f} vs "
        f"{1e3 * gmres['seconds_per_system']:.2f} ms/system)"
    )
    unknowns = systems[0][0].shape[0]
    part.notes.append(
        f"Darcy flow -div(a grad u) = 1 on the unit square, u = 0 on the boundary, a "
        f"thresholded Gaussian random field (12 / 3), five-point finite differences on the "
        f"{s.fine}x{s.fine} vertex grid ({unknowns:,} unknowns). `sciml.data.generate` with "
        f"`method='auto'` piloted every applicable method on the first samples and chose "
        f"**{report.method}** ({report.pilot.get('chosen_because', '')}). The same first "
        f"{k} training systems were then solved again by that method and by independent "
        f"GMRES(40)+ILU (true relative residual <= {s.rtol:g}): the automatic choice is "
        f"**{speedup:.1f}x faster** than GMRES+ILU, measured in this run."
    )
    rows = [
        (f"{report.method} (automatic), same {k} systems", *_row(auto), 1.0 * speedup),
        ("GMRES(40)+ILU, independent, same systems", *_row(gmres), 1.0),
        (
            f"{report.method}, whole training set (solver time)",
            1e3 * report.seconds_per_sample,
            report.matvecs_per_sample,
            report.max_residual,
            gmres["seconds_per_system"] / report.seconds_per_sample,
        ),
        (
            "pipeline per sample (pilot, chains, HDF5 writes)",
            1e3 * pipeline,
            report.matvecs_per_sample,
            report.max_residual,
            gmres["seconds_per_system"] / pipeline,
        ),
    ]
    part.tables.append(
        Table(
            f"Solvers on Darcy {s.fine}x{s.fine} (speed-up: GMRES+ILU seconds / row's seconds)",
            ("solver", "ms/system", "matvecs/system", "max residual", "speed-up vs GMRES"),
            rows,
        )
    )
    part.tables.append(
        Table(
            "Data sets written",
            ("file", "samples", "grid", "method", "wall s", "fallbacks"),
            [
                (r.path.name, r.n, f"{s.fine}x{s.fine}", r.method, r.wall_seconds, r.fallbacks)
                for _, r in reports.values()
            ],
        )
    )
    part.figure(
        _figure(ctx, report.path, report.pilot, report.method, gmres),
        "Left: a coefficient and its solution. Right: the pilot's time per system for every "
        "applicable method (green: the automatic choice, red: GMRES(40)+ILU).",
    )
    part.headline = f"{report.method}: {speedup:.1f}x faster than GMRES(40)+ILU"
    part.results = {
        "method": report.method,
        "speedup_vs_gmres": speedup,
        "auto": auto,
        "gmres": gmres,
        "pipeline_seconds_per_sample": pipeline,
        "files": {name: str(r.path) for name, (_, r) in reports.items()},
    }
    ctx.shared["darcy"] = {name: r.path for name, (_, r) in reports.items()}
    return part


def _row(stats: dict) -> tuple:
    return (
        1e3 * stats["seconds_per_system"],
        stats["matvecs_per_system"],
        stats["max_residual"],
    )
