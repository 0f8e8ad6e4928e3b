"""``sciml generate``: draw, solve and store a PDE data set."""

from __future__ import annotations

import argparse

from ._common import EXIT_OK, UserError, console, gib, non_negative_int, positive_int

_METHODS = (
    "auto",
    "factor_once",
    "direct",
    "amg_cg",
    "gmg_cg",
    "cg",
    "gmres_ilu",
    "gcrodr",
    "gcrodr_recycled",
    "gcrodr_recycled_sorted",
)

_GENERATE_DESCRIPTION = (
    "Draw N samples of a PDE problem family, solve them, and write an HDF5 data set: "
    "inputs (N, C_in, *grid), outputs (N, C_out, *grid), coordinates x, y, per-sample "
    "iterations, matvecs, residual, seconds, solve_order, fallback and done, and root "
    "attributes with the family, its parameters (JSON), grid, boundary conditions, seed, "
    "method, pilot, package version and config hash. Sample i depends only on --seed and i, "
    "so the data do not depend on --workers, --chunk, the solve order or interruptions. The "
    "file is written as OUT.partial and renamed to OUT when every sample is done and within "
    "--rtol; an interrupted run continues with the same command plus --resume."
)

_GENERATE_EPILOG_HEAD = """\
methods (--method):
  auto                    solve the first 6 samples with every applicable method and keep
                          the fastest that meets --rtol (the pilot is stored in the file)
  factor_once             one sparse LU for a matrix shared by all samples (poisson, heat)
  direct                  sparse LU per sample
  amg_cg, gmg_cg, cg      CG with smoothed-aggregation AMG / a geometric-multigrid V(2,2)
                          cycle / no preconditioner (SPD families only)
  gmres_ilu, gcrodr       GMRES(40) / GCRO-DR(40, 20) with ILU per sample
  gcrodr_recycled[_sorted]  GCRO-DR carrying its recycled space from sample to sample
                          (_sorted: in the greedy nearest-neighbour order of the inputs)
  Every sample's true residual is checked; a failed iterative solve falls back to a direct
  one (counted in 'fallback'). burgers and navier_stokes are integrated by their own
  pseudo-spectral time stepper (method 'family_solver'; only --method auto is accepted).

families and their parameters (--param key=value, defaults shown):
"""

_GENERATE_EPILOG_TAIL = """
examples:
  sciml generate darcy --n 1000 --resolution 64 --out darcy.h5
  sciml generate darcy --n 1000 --resolution 64 --out darcy.h5 --resume
  sciml generate helmholtz --n 500 --resolution 65 --param omega=12 --workers 4 --out h.h5
  sciml generate navier_stokes --n 100 --resolution 64 --param T=10 --out ns.h5
  python -c "import h5py; f = h5py.File('darcy.h5'); print(f['outputs'].shape)"
"""


class _GenerateHelp(argparse.Action):
    """``--help`` of ``generate``: the family table is built only when asked for."""

    def __init__(
        self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None
    ):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        import textwrap

        from sciml.data.families import FAMILIES

        lines = []
        for spec in FAMILIES.values():
            lines += textwrap.wrap(
                spec.help_line(), width=92, initial_indent="  ", subsequent_indent="      "
            )
        parser.epilog = _GENERATE_EPILOG_HEAD + "\n".join(lines) + "\n" + _GENERATE_EPILOG_TAIL
        parser.print_help()
        parser.exit()


def add_parser(commands) -> None:
    import textwrap

    gen = commands.add_parser(
        "generate",
        help="generate a PDE data set (HDF5), resumable, on one machine or a Dask cluster",
        description=textwrap.fill(_GENERATE_DESCRIPTION, 88),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    gen.add_argument("-h", "--help", action=_GenerateHelp, help="show this help and exit")
    gen.add_argument(
        "family",
        metavar="FAMILY",
        help="darcy, poisson, helmholtz, convection_diffusion, heat, sweep, burgers or "
        "navier_stokes",
    )
    gen.add_argument("--n", type=int, required=True, metavar="N", help="number of samples")
    gen.add_argument(
        "--resolution",
        type=int,
        required=True,
        metavar="R",
        help="grid nodes per axis (vertex grids of [0,1]^2 include the boundary nodes; "
        "burgers and navier_stokes use R periodic nodes j/R)",
    )
    gen.add_argument("--out", required=True, metavar="FILE.h5", help="the data set to write")
    gen.add_argument(
        "--method",
        choices=_METHODS,
        default="auto",
        metavar="METHOD",
        help="auto (default), " + ", ".join(_METHODS[1:]) + "; see below",
    )
    gen.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a family parameter (repeat for several); see the list below",
    )
    gen.add_argument(
        "--seed", type=non_negative_int, default=0, metavar="S", help="root seed (default: 0)"
    )
    gen.add_argument(
        "--rtol",
        type=float,
        default=1e-8,
        metavar="TOL",
        help="required true relative residual of every linear solve (default: %(default)g)",
    )
    where = gen.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=positive_int,
        metavar="W",
        help="solve on a new local Dask cluster of W processes (one thread each); default: "
        "in this process",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="solve on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (its workers need "
        "sciml-numerics installed)",
    )
    again = gen.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="continue OUT.partial (refused if the options differ from its configuration); "
        "with a complete OUT of the same configuration, do nothing",
    )
    again.add_argument(
        "--overwrite",
        action="store_true",
        help="discard OUT.partial and replace an existing OUT once the new file is complete",
    )
    gen.add_argument(
        "--chunk",
        type=positive_int,
        metavar="K",
        help="samples per chain: the unit of work of a worker (which keeps its solver's "
        "factors and recycled space along it) and of each write to the file (default: about "
        "4 chains per worker, at most 16)",
    )
    gen.set_defaults(handler=run)


def _progress(console):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task):
            speed = task.finished_speed or task.speed
            return Text("  -  samples/s" if speed is None else f"{speed:7.2f} samples/s")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


def _pilot_table(pilot: dict):
    from rich.table import Table

    table = Table(title="Pilot (first samples, every applicable method)", title_justify="left")
    for name in ("method", "s/system", "matvecs/system", "max residual", "status", "systems"):
        table.add_column(name, justify="left" if name in ("method", "status") else "right")
    for method, e in pilot.items():
        if isinstance(e, dict) and "seconds_per_system" in e:
            table.add_row(
                method,
                f"{e['seconds_per_system']:.4f}",
                f"{e['matvecs_per_system']:.1f}",
                f"{e['max_residual']:.2e}",
                e["status"],
                str(e["systems"]),
            )
    return table


def _summary_table(report, rtol: float):
    import math

    from rich.table import Table

    table = Table(title="Data set", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    resumed = ", resumed" if report.resumed else ""
    residual = (
        "n/a (time stepper, no linear systems)"
        if math.isnan(report.max_residual)
        else f"{report.max_residual:.2e} (rtol {rtol:g})"
    )
    rate = (
        f"{report.solved / report.wall_seconds:.2f} samples/s incl. startup"
        if report.solved and report.wall_seconds > 0
        else "nothing left to solve"
    )
    rows = [
        ("samples", f"{report.n} ({report.solved} solved by this run{resumed})"),
        ("method", report.method + (" (greedy order)" if report.sort else "")),
        ("why", report.pilot.get("chosen_because", "")),
        ("seconds/sample", f"{report.seconds_per_sample:.4f} (solver time)"),
        ("matvecs/sample", f"{report.matvecs_per_sample:.1f}"),
        ("max residual", residual),
        ("fallbacks", str(report.fallbacks)),
        ("workers", str(report.workers)),
        ("wall time", f"{report.wall_seconds:.2f} s ({rate})"),
        ("file", str(report.path)),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


def _check_disk(config, args) -> None:
    """Refuse a data set larger than the free space of its folder, before writing."""
    import shutil
    from pathlib import Path

    from sciml.data.config import request_size

    folder = Path(args.out).resolve().parent
    if not folder.is_dir():
        return  # the pipeline explains a missing folder
    size = request_size(config.spec, config.n, config.resolution, config.params)["file_bytes"]
    partial = Path(args.out).with_name(Path(args.out).name + ".partial")
    if args.resume and partial.is_file():  # its blocks already hold the samples done
        size -= partial.stat().st_blocks * 512
    usage = shutil.disk_usage(folder)
    free = usage.free
    if usage.total > 0 and size > free:  # (pseudo file systems report a total of 0)
        raise UserError(
            f"the data set would take about {gib(size)} on disk ({config.n} samples at "
            f"resolution {config.resolution}, float64), more than the {gib(free)} free in "
            f"{folder}; refused before writing. Fix: lower --n or --resolution, or pass an "
            "--out on a larger disk."
        )


def run(args) -> int:
    from sciml.core import DiscretizationError, ParameterError
    from sciml.data import DatasetError, GenerationConfig, generate, partial_path

    errors = (DatasetError, ParameterError, DiscretizationError)
    try:
        params = {}
        if args.param:
            from sciml.data.families import family_spec

            params = family_spec(args.family).parse(args.param)
        config = GenerationConfig(
            args.family,
            n=args.n,
            resolution=args.resolution,
            params=params,
            seed=args.seed,
            method=args.method,
            rtol=args.rtol,
        )
    except errors as exc:
        raise UserError(str(exc)) from None
    _check_disk(config, args)

    from rich.console import Console

    err = Console(stderr=True)
    out = console()
    state = {}

    def log(message: str) -> None:
        err.print(message, highlight=False, soft_wrap=True)

    bar = _progress(err)  # started on the first tick: nothing is drawn before work begins

    def tick(done: int, n: int) -> None:
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task(args.family, total=n, completed=done)
        bar.update(state["task"], completed=done)

    try:
        report = generate(
            config,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            overwrite=args.overwrite,
            chunk=args.chunk,
            progress=tick,
            log=log,
        )
    except errors as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(
            f"writing the data set failed ({exc}). The samples written so far are kept in "
            f"{partial_path(args.out)}. Fix: free disk space or fix the folder's "
            "permissions, then run the same command with --resume."
        ) from None
    except KeyboardInterrupt:
        if partial_path(args.out).exists():
            log(
                f"interrupted: finished samples are kept in {partial_path(args.out)}; "
                "continue with the same command plus --resume"
            )
        raise
    finally:
        if "task" in state:
            bar.stop()
    if args.method == "auto" and any(isinstance(v, dict) for v in report.pilot.values()):
        out.print(_pilot_table(report.pilot))
    out.print(_summary_table(report, config.rtol))
    return EXIT_OK
