"""``sciml quickstart``: the package's main job end to end, one report.

Five stages run in order, each isolated (a failing stage is reported as failed in its
section, the others still run, and the exit status is 1):

1. generate a Darcy data set with the automatic solver choice and print the speed-up over
   independent GMRES(40)+ILU, measured in the same run on the same systems;
2. train an FNO on it; evaluate at the training grid and zero-shot at twice the resolution
   (same test coefficients, injected from the fine grid);
3. solve a high-frequency benchmark PDE with the Kronecker GP solver beside finite
   differences and Chebyshev collocation;
4. fit a Light Schrödinger bridge on an entropic-OT benchmark pair; score it with the exact
   cBW2-UVP metric beside the metric's oracle floor;
5. run the fast validation tier (every claim beside its deliberately broken variant).

The report is DIR/report.md, DIR/report.html (the same, rendered), DIR/results.json and
DIR/figures/*.png; the data sets are in DIR/data/ and the validation report in
DIR/validation/. The stages live in :mod:`sciml.quickstart`; from Python,
``sciml.quickstart.run_quickstart(out, scale)`` takes any :class:`~sciml.quickstart.Scale`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import EXIT_FAILED, EXIT_OK, UserError, check_out, console, positive_int

_DESCRIPTION = """\
Run the package's main job end to end and write one report: (1) a Darcy data set with the
automatic solver choice, with its speed-up over independent GMRES(40)+ILU measured in the
same run; (2) an FNO trained on it, evaluated at the training grid and zero-shot at twice
the resolution; (3) a high-frequency benchmark PDE by the Kronecker GP solver beside finite
differences and Chebyshev collocation; (4) a Light Schrodinger bridge on an entropic-OT
benchmark pair with its exact cBW2-UVP metric beside the metric's oracle floor; (5) the
fast validation tier. A failing stage is shown as failed in the report (with its error)
and the others still run; the exit status is then 1."""

_EPILOG = """\
scales:
  small   one CPU, a few minutes: Darcy generated at 65x65 (160 train + 40 test samples),
          FNO at 33x33 (8 modes, width 24, 4 layers, 12 epochs) and zero-shot at 65x65;
          GP on poisson1d-sin100 with 400 nodes (1 round of 100 Adam steps); LightSB D = 8,
          eps = 1, K = 10, 1500 steps; fast validation tier (34 claims).
  paper   the published configurations, meant for a GPU (--device cuda): Darcy FNO
          (Li et al. 2021) 85x85, 1000 train + 100 test samples, 12 modes, width 32,
          4 layers, batch 20, 500 epochs, zero-shot at 169x169 (data generated at 169x169,
          1100 samples); GP-HM's 2-D sin(100x) sin(100y) on a 400x400 grid (solver
          preset); LightSB on the mixtures benchmark, D = 64, eps = 1, K = 50, 10 000
          steps, 1000 test points x 1000 samples; fast validation tier. Measured end to
          end on one H100 with 16 CPU cores (--threads 8): 596 s in all; data 178 s
          (gmg_cg, 48.7x faster than GMRES(40)+ILU), FNO 316 s (test 1.45 %, zero-shot
          1.94 %), GP 6 s (2.0e-6), LightSB 70 s (cBW2-UVP 0.79 %, floor 0.35 %),
          validation 26 s. On one CPU core the FNO part alone would take days.

output (DIR):
  report.md, report.html   the report: a summary, then a section per part with its
                           tables and figures (an HTML page with the same content)
  results.json             the measured numbers, machine-readable
  figures/*.png            the report's figures
  data/*.h5                the Darcy data sets (train, test) at the generation grid
  validation/summary.json  the validation run's measurements (per-claim figures:
                           'sciml validate --tier fast --out DIR')

examples:
  sciml quickstart
  sciml quickstart --out qs-run --threads 2
  sciml quickstart --scale paper --device cuda --out qs-paper
"""


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
    import textwrap

    p = commands.add_parser(
        "quickstart",
        help="the main job end to end: data, operator, GP solver, bridge, validation; one report",
        description=textwrap.fill(" ".join(_DESCRIPTION.split()), 88),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--out",
        default="sciml-quickstart",
        metavar="DIR",
        help="report folder, created if missing; files of an earlier run there are "
        "replaced (default: %(default)s)",
    )
    p.add_argument(
        "--scale",
        choices=("small", "paper"),
        default="small",
        help="parameter set (default: %(default)s; see below)",
    )
    p.add_argument(
        "--device",
        choices=("cuda", "cpu"),
        help="where the FNO and the bridge train (default: cuda if available, else cpu)",
    )
    p.add_argument(
        "--threads",
        type=positive_int,
        default=1,
        metavar="N",
        help="torch threads (default: %(default)s, as the other commands: reproducible "
        "results, and on a busy machine two-thread OpenMP regions were measured several "
        "times slower than one thread; on an idle multi-core machine pass e.g. --threads 4)",
    )
    p.set_defaults(handler=run)


def run(args) -> int:
    out = Path(args.out)
    check_out(out)
    import torch

    from sciml.quickstart import SCALES, default_device, run_quickstart

    device = args.device or default_device()
    if device == "cuda" and not torch.cuda.is_available():
        raise UserError(
            "--device cuda was requested, but torch sees no CUDA device. Fix: pass --device "
            "cpu (the small scale runs in minutes on a CPU), or install a CUDA build of torch."
        )
    torch.set_num_threads(args.threads)
    con = console()
    scale = SCALES[args.scale]
    con.print(
        f"sciml quickstart: scale {scale.name} ({scale.runtime}), device {device}, "
        f"{torch.get_num_threads()} torch thread(s), report in {out.resolve()}",
        highlight=False,
        soft_wrap=True,
    )
    result = run_quickstart(out, scale, device=device, console=con)
    failed = [p.title for p in result.parts if not p.ok]
    status = "all parts ok" if not failed else f"FAILED: {', '.join(failed)}"
    con.print(
        f"Report: {result.report.resolve()} (and {result.html.name}); total "
        f"{result.seconds:.1f} s; {status}",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_OK if result.exit_code == 0 else EXIT_FAILED
