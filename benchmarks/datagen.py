"""Data-generation solvers side by side: direct, AMG-CG, geometric-multigrid CG, GMRES+ILU,
GCRO-DR with and without recycling, and the automatic choice, per PDE family.

Run on demand (not in CI)::

    python benchmarks/datagen.py --families darcy,poisson --resolution 64 --n 30 --threads 1

Per family it prints one row per method: seconds and matrix-vector products per system, the
speed-up against independent GMRES(40)+ILU and against a direct LU per system (ratios > 1:
the row is faster), the largest true relative residual, and a flag on rows whose method
failed the tolerance on some systems (MAX_ITERATIONS, STAGNATION, an ILU that could not be
built): their times are not those of a correct result. Baseline rows run without fallback;
the ``auto`` row runs as the data pipeline does (pilot on the first ``--pilot`` samples,
then the chosen method with direct fallback), and its time includes the pilot.

Thread counts are set before numpy is imported (and through threadpoolctl when installed):
oversubscribed BLAS makes timings meaningless on shared machines. Compare ratios, not
milliseconds, across machines.

Reports are functions in :data:`REPORTS` (``--reports``): ``methods`` is the table above;
``pipeline`` times :func:`sciml.data.generate` on Darcy (``--resolution``, ``--pipeline-n``
samples, direct solves) in-process and on a local Dask cluster of each ``--workers`` count::

    python benchmarks/datagen.py --reports pipeline --resolution 64 --workers 1,2 --threads 1
"""

from __future__ import annotations

import argparse
import os
import sys

FAMILY_NAMES = ("darcy", "poisson", "helmholtz", "convection_diffusion", "sweep")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", default=",".join(FAMILY_NAMES), help="comma-separated")
    parser.add_argument("--resolution", type=int, default=64, help="nodes per axis R")
    parser.add_argument("--n", type=int, default=30, help="systems per family")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads")
    parser.add_argument("--rtol", type=float, default=1e-8, help="true relative residual")
    parser.add_argument(
        "--max-iter", type=int, default=2000, help="iteration cap of the iterative baselines"
    )
    parser.add_argument("--pilot", type=int, default=6, help="pilot samples of the auto row")
    parser.add_argument("--seed", type=int, default=0, help="root seed of the samples")
    parser.add_argument("--reports", default="methods", help="comma-separated, see REPORTS")
    parser.add_argument(
        "--workers", default="1,2", help="Dask worker counts (pipeline throughput report)"
    )
    parser.add_argument(
        "--pipeline-n", type=int, default=100, help="samples of the pipeline throughput report"
    )
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    unknown = set(args.families.split(",")) - set(FAMILY_NAMES)
    if unknown:
        parser.error(f"unknown families {sorted(unknown)}; choose from {', '.join(FAMILY_NAMES)}")
    return args


def set_threads(threads: int) -> dict:
    """Pin every thread pool to ``threads``; returns what was set (for the report header).

    Environment variables only work before numpy/torch are imported, so ``main`` calls this
    first; threadpoolctl, when installed, also limits pools that are already loaded.
    """
    for var in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    ):
        os.environ[var] = str(threads)
    import torch

    torch.set_num_threads(threads)
    info = {"env": threads, "torch": torch.get_num_threads(), "threadpoolctl": None}
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return info
    import numpy  # noqa: F401  (load BLAS so that its pool is limited too)
    import scipy.sparse.linalg  # noqa: F401

    threadpool_limits(limits=threads)
    info["threadpoolctl"] = threads
    return info


# --------------------------------------------------------------------------- families
def build_family(name: str, resolution: int, n: int):
    """The family and a function giving the features greedy ordering sorts by."""
    import numpy as np

    from sciml.solvers import pde

    if name == "sweep":
        family = pde.FrequencySweep(resolution, np.linspace(9.0, 11.0, n))

        def features(inputs):  # the matrix changes only through omega
            return inputs[:, 2, 0, :1]

        return family, features
    family = {
        "darcy": lambda: pde.Darcy(resolution),
        "poisson": lambda: pde.Poisson(resolution),
        "helmholtz": lambda: pde.Helmholtz(resolution),
        "convection_diffusion": lambda: pde.ConvectionDiffusion(resolution),
    }[name]()
    return family, lambda inputs: inputs.reshape(inputs.shape[0], -1)  # SKR: the whole input


# --------------------------------------------------------------------------- measuring
def run_rows(label, method, systems, order, args) -> dict:
    """Solve ``systems`` in ``order`` with one method (no fallback) and summarize."""
    import time

    import numpy as np

    from sciml.core import ParameterError
    from sciml.solvers.krylov.auto import SequenceSolver

    solver = SequenceSolver(method, rtol=args.rtol, max_iter=args.max_iter, fallback=False)
    matvecs, residuals, failures = [], [], {}
    t0 = time.perf_counter()
    for i in order:
        try:
            sol = solver.solve(*systems[i])
        except ParameterError:  # an ILU that cannot be built for this matrix
            failures["SETUP_FAILED"] = failures.get("SETUP_FAILED", 0) + 1
            residuals.append(1.0)
            continue
        matvecs.append(sol.stats["matvecs"])
        residuals.append(sol.stats["residual"])
        if not (sol.ok and sol.stats["residual"] <= args.rtol):
            failures[sol.status.name] = failures.get(sol.status.name, 0) + 1
    seconds = time.perf_counter() - t0
    return {
        "row": label,
        "method": method,
        "seconds_per_system": seconds / len(order),
        "matvecs_per_system": float(np.mean(matvecs)) if matvecs else float("nan"),
        "max_residual": float(np.nanmax(residuals)),
        "failures": failures,
        "systems": len(order),
    }


def frozen_ilu_row(systems, args) -> dict:
    """Control for the recycled rows: GCRO-DR with the ILU of the first system frozen, but a
    fresh (no) recycled space per system, so recycling is separated from freezing."""
    import time

    import numpy as np

    from sciml.solvers.krylov import gcrodr, ilu

    matvecs, residuals, failures = [], [], {}
    t0 = time.perf_counter()
    M = ilu(systems[0][0])
    for A, b in systems:
        sol = gcrodr(A, b, M=M, restart=40, recycle=20, rtol=args.rtol, max_iter=args.max_iter)
        matvecs.append(sol.stats["matvecs"])
        residuals.append(sol.stats["residual"])
        if not sol.ok:
            failures[sol.status.name] = failures.get(sol.status.name, 0) + 1
    return {
        "row": "GCRO-DR+frozen ILU, no recycling",
        "method": "gcrodr (frozen ILU)",
        "seconds_per_system": (time.perf_counter() - t0) / len(systems),
        "matvecs_per_system": float(np.mean(matvecs)),
        "max_residual": float(np.nanmax(residuals)),
        "failures": failures,
        "systems": len(systems),
    }


def auto_rows(systems, features, family, args) -> tuple[list, dict]:
    """The pipeline's way: pilot, then the chosen method (with fallback) on every system."""
    import time

    import numpy as np

    from sciml.solvers.krylov import greedy_order
    from sciml.solvers.krylov.auto import SequenceSolver, choose_method

    t0 = time.perf_counter()
    k = min(args.pilot, len(systems))
    choice = choose_method(
        systems[:k],
        shared_matrix=not family.matrix_varies,
        symmetric=family.symmetric,
        definite=family.definite,
        rtol=args.rtol,
        features=features[:k],
    )
    pilot_seconds = time.perf_counter() - t0
    order = greedy_order(features) if choice.sort else np.arange(len(systems))
    solver = SequenceSolver(choice.method, rtol=args.rtol)
    stats = [solver.solve(*systems[i]).stats for i in order]
    seconds = time.perf_counter() - t0
    fallbacks = sum(s["fallback"] for s in stats)
    common = {
        "method": choice.method,
        "matvecs_per_system": float(np.mean([s["matvecs"] for s in stats])),
        "max_residual": float(max(s["residual"] for s in stats)),
        "failures": {"FALLBACK": fallbacks} if fallbacks else {},
        "systems": len(systems),
    }
    rows = [
        {"row": "auto, pilot included", "seconds_per_system": seconds / len(systems), **common},
        {
            "row": "auto, pilot excluded",
            "seconds_per_system": (seconds - pilot_seconds) / len(systems),
            **common,
        },
    ]
    summary = {
        "method": choice.method,
        "sort": choice.sort,
        "pilot_seconds": pilot_seconds,
        "pilot_samples": k,
        "pilot": choice.pilot,
    }
    return rows, summary


def family_rows(name: str, args) -> dict:
    """Every applicable method on ``args.n`` systems of one family."""
    from sciml.solvers.krylov import greedy_order

    family, featurize = build_family(name, args.resolution, args.n)
    inputs = family.sample_inputs(args.n, rng=args.seed)
    systems = [family.assemble(x) for x in inputs]
    features = featurize(inputs.values.numpy())
    given = list(range(args.n))
    spd = family.symmetric and family.definite
    plan = [("direct LU (splu per system)", "direct", given)]
    if not family.matrix_varies:
        plan.append(("LU factored once", "factor_once", given))
    if spd:
        plan += [
            ("AMG-CG (setup per system)", "amg_cg", given),
            ("GMG-CG (V(2,2), setup per system)", "gmg_cg", given),
            ("CG", "cg", given),
        ]
    plan += [
        ("GMRES(40)+ILU", "gmres_ilu", given),
        ("GCRO-DR(40,20)+ILU, no recycling", "gcrodr", given),
        ("recycled, unsorted", "gcrodr_recycled", given),
        ("recycled, greedy-sorted", "gcrodr_recycled_sorted", list(greedy_order(features))),
    ]
    rows = [run_rows(label, method, systems, order, args) for label, method, order in plan]
    rows.insert(-2, frozen_ilu_row(systems, args))
    by_method = {r["method"]: r for r in rows}
    auto, choice = auto_rows(systems, features, family, args)
    rows += auto
    for r in rows:
        r["speedup_vs_gmres_ilu"] = (
            by_method["gmres_ilu"]["seconds_per_system"] / (r["seconds_per_system"])
        )
        r["speedup_vs_direct"] = by_method["direct"]["seconds_per_system"] / r["seconds_per_system"]
    return {
        "family": name,
        "n_unknowns": systems[0][0].shape[0],
        "flags": {"shared_matrix": not family.matrix_varies, "spd": spd},
        "rows": rows,
        "auto": choice,
    }


# --------------------------------------------------------------------------- printing
def print_family(result: dict) -> None:
    flags = ", ".join(k for k, v in result["flags"].items() if v) or "varying, not SPD"
    print(f"\n## {result['family']}  ({result['n_unknowns']} unknowns; {flags})\n")
    head = (
        f"| {'method':34} | {'ms/system':>9} | {'matvecs':>8} | {'vs GMRES+ILU':>12} "
        f"| {'vs direct':>9} | {'max resid':>9} | flag"
    )
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:]))
    for r in result["rows"]:
        flag = ", ".join(f"{k} {v}/{r['systems']}" for k, v in r["failures"].items())
        star = "*" if r["failures"] and "FALLBACK" not in r["failures"] else " "
        print(
            f"| {r['row']:34} | {1e3 * r['seconds_per_system']:9.2f} | "
            f"{r['matvecs_per_system']:8.1f} | {r['speedup_vs_gmres_ilu']:11.2f}{star} | "
            f"{r['speedup_vs_direct']:8.2f}{star} | {r['max_residual']:9.1e} | {flag}"
        )
    a = result["auto"]
    print(
        f"\nauto: {a['method']} (sort={a['sort']}), pilot {a['pilot_seconds']:.2f} s on "
        f"{a['pilot_samples']} samples: {a['pilot']['chosen_because']}"
    )


def report_methods(args) -> dict:
    """The per-family method table."""
    results = {}
    for name in args.families.split(","):
        results[name] = family_rows(name, args)
        print_family(results[name])
        sys.stdout.flush()
    print("\n* the method failed the tolerance on some systems (flag column): not a fair time.")
    return results


def _pipeline_run(config, workers, folder) -> dict:
    """One :func:`sciml.data.generate` call; end-to-end wall time (a Dask cluster's start
    and shutdown included: what a user waits for)."""
    import time
    from pathlib import Path

    from sciml.data import generate

    label = "in-process" if workers is None else f"Dask LocalCluster, {workers} worker(s)"
    out = Path(folder) / f"pipeline_{workers or 0}.h5"
    startup = 0.0
    if workers is not None:  # an empty cluster's start and shutdown, measured apart
        from sciml.data.distributed import connect

        t0 = time.perf_counter()
        with connect(workers=workers):
            pass
        startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = generate(config, out, workers=workers, overwrite=True)
    wall = time.perf_counter() - t0
    return {
        "row": label,
        "workers": workers or 0,
        "wall_seconds": wall,
        "cluster_seconds": startup,
        "samples_per_second": config.n / wall,
        "net_samples_per_second": config.n / max(wall - startup, 1e-9),
        "solve_seconds_per_sample": report.seconds_per_sample,
        "max_residual": report.max_residual,
        "method": report.method,
    }


def report_pipeline(args) -> dict:
    """Throughput of the data pipeline (:func:`sciml.data.generate`, Darcy, ``--resolution``,
    ``--pipeline-n`` samples, ``method="direct"``): in-process against a local Dask cluster
    of each ``--workers`` count. Each worker is one process with one thread; on a machine
    with fewer free cores than workers the ratio measures contention, not scaling."""
    import tempfile

    from sciml.data import GenerationConfig

    config = GenerationConfig(
        "darcy", n=args.pipeline_n, resolution=args.resolution, seed=args.seed, method="direct"
    )
    counts = [int(w) for w in str(args.workers).split(",") if w.strip()]
    with tempfile.TemporaryDirectory() as folder:
        rows = [_pipeline_run(config, None, folder)]
        rows += [_pipeline_run(config, w, folder) for w in counts]
    base = rows[0]["samples_per_second"]
    print(
        f"\n## pipeline: generate(darcy, R = {args.resolution}, n = {args.pipeline_n}, "
        f"method = direct), end to end (cluster start included)\n"
    )
    head = (
        f"| {'run':32} | {'wall s':>6} | {'samples/s':>9} | {'vs in-process':>13} "
        f"| {'cluster s':>9} | {'net samples/s':>13} | solve ms"
    )
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:]))
    for r in rows:
        r["ratio_vs_in_process"] = r["samples_per_second"] / base
        print(
            f"| {r['row']:32} | {r['wall_seconds']:6.2f} | {r['samples_per_second']:9.1f} | "
            f"{r['ratio_vs_in_process']:13.2f} | {r['cluster_seconds']:9.2f} | "
            f"{r['net_samples_per_second']:13.1f} | {1e3 * r['solve_seconds_per_sample']:8.2f}"
        )
    by_workers = {r["workers"]: r for r in rows}
    if 1 in by_workers and 2 in by_workers:
        one, two = by_workers[1], by_workers[2]
        ratio = two["samples_per_second"] / one["samples_per_second"]
        net = two["net_samples_per_second"] / one["net_samples_per_second"]
        print(f"\n2 workers / 1 worker throughput: {ratio:.2f}x end to end, {net:.2f}x net")
    print(
        "cluster s: an empty LocalCluster's start and shutdown, timed apart; net = n / (wall - "
        "cluster s). solve ms: mean per-sample solve time recorded in the file."
    )
    sys.stdout.flush()
    return {"config": config.canonical(), "rows": rows}


#: name -> report(args) -> JSON-serializable dict: ``methods`` (the per-family table) and
#: ``pipeline`` (the data pipeline's throughput in-process and with ``--workers`` Dask
#: workers).
REPORTS = {"methods": report_methods, "pipeline": report_pipeline}


def main(argv=None) -> dict:
    args = parse_args(argv)
    threads = set_threads(args.threads)
    import platform

    import numpy as np
    import pyamg  # noqa: F401  (imported here so that no timed row pays for it)
    import scipy

    print(
        f"# datagen benchmark: R = {args.resolution}, {args.n} systems/family, "
        f"rtol = {args.rtol:g}, baseline max_iter = {args.max_iter}, threads = {threads}"
    )
    print(f"# numpy {np.__version__}, scipy {scipy.__version__}, {platform.processor() or ''}")
    out = {"args": vars(args), "threads": threads}
    for name in args.reports.split(","):
        if name not in REPORTS:
            raise SystemExit(f"unknown report {name!r}; available: {', '.join(REPORTS)}")
        out[name] = REPORTS[name](args)
    if args.json:
        import json

        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1, default=float)
    return out


if __name__ == "__main__":
    main()
