"""The ``sciml`` command line.

Subcommands import what they need when they run, so ``sciml --help`` stays fast.

Exit status: 0 success, 1 a validation run failed its policy, 2 a usage error (bad
arguments, an output path that is a file, a selection that matches nothing), 130 when
interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UserError(Exception):
    """A mistake in the command's input: reported in one paragraph, exit status 2."""


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"expected a non-negative integer, received {text!r}; pass e.g. --seed 0"
        )
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer, received {text!r}; pass e.g. --threads 1"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``sciml`` and its subcommands."""
    from sciml import __version__

    parser = argparse.ArgumentParser(
        prog="sciml",
        description="Scientific ML and numerics on one function-space abstraction.",
        epilog="Run 'sciml COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"sciml {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    validate = commands.add_parser(
        "validate",
        help="check the package's numerical claims and write a report",
        description=(
            "Run each selected claim and its deliberately broken variant, judge them, print "
            "a table and write summary.json, summary.md and one PNG per claim. The run "
            "fails (exit status 1) if a claim FAILs or errors, or if a broken variant does "
            "not FAIL; INCONCLUSIVE claims are reported without failing the run."
        ),
        epilog="Example: sciml validate --tier fast --only 'core.*' --out validation-report",
    )
    validate.add_argument(
        "--tier",
        choices=("fast", "slow", "gpu", "all"),
        default="fast",
        help="which claims to run: fast (CI), slow, gpu, or all = fast + slow (+ gpu when "
        "CUDA is available) (default: %(default)s)",
    )
    validate.add_argument(
        "--out",
        default="validation-report",
        metavar="DIR",
        help="folder for the report, created if missing (default: %(default)s)",
    )
    validate.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="run only claims whose name matches: a glob such as 'core.*', or a plain "
        "substring; repeat to add patterns",
    )
    validate.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="S",
        help="root seed; each claim derives its own stable seed from it (default: %(default)s)",
    )
    validate.add_argument(
        "--threads",
        type=_positive,
        default=1,
        metavar="N",
        help="torch threads (default: %(default)s; the claims run many small tensor "
        "operations, where extra threads mostly wait for each other)",
    )
    validate.add_argument(
        "--list",
        action="store_true",
        help="list the selected claims and exit without running them",
    )
    validate.set_defaults(handler=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``sciml`` command; returns the exit status.

    Examples
    --------
    >>> main(["validate", "--tier", "fast", "--only", "core.trapezoid", "--list"])
    core.trapezoid.order  [fast]  The trapezoid weights of ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or argparse's own usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("sciml: error: choose a command, e.g. 'sciml validate'", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"sciml {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"sciml {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


# ------------------------------------------------------------------------- validate
def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(
            f"--out {str(out)!r} is an existing file: expected a folder or a new path. "
            "Fix: pass another --out, or move the file away."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the report folder {str(out)!r} ({exc.strerror or exc}). "
            "Fix: pass an --out inside a writable folder."
        ) from None


def _select(args):
    from sciml.validation.registry import REGISTRY, cases

    selected = cases(args.tier, args.only)
    if selected:
        return selected
    known = ", ".join(f"{c.name} ({c.tier})" for c in REGISTRY) or "none"
    where = f"tier {args.tier!r}" + (f" with --only {' '.join(args.only)}" if args.only else "")
    raise UserError(
        f"no claim matches {where}. Registered claims: {known}. Fix: pick another --tier, "
        "or an --only pattern such as 'core.*' (a plain word matches as a substring)."
    )


def _console():
    from rich.console import Console

    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=140)  # logs and CI: a table wide enough not to wrap
    return console


def _validate(args) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        _check_out(out)
    selected = _select(args)
    if args.list:
        for case in selected:
            print(f"{case.name}  [{case.tier}]  {case.statement}")
        return EXIT_OK
    _check_out(out)

    import torch

    from sciml.validation.report import print_table, write_report
    from sciml.validation.runner import run_cases

    torch.set_num_threads(args.threads)

    console = _console()

    def progress(result) -> None:
        mark = "[green]ok[/]" if result.ok else "[bold red]!![/]"
        console.print(
            f"{mark} {result.case.name}: claim {result.claim.verdict.value}, broken variant "
            f"{result.broken.verdict.value} ({result.seconds:.2f} s)",
            highlight=False,
        )

    console.print(f"Running {len(selected)} claims (tier {args.tier}, seed {args.seed})")
    run = run_cases(selected, seed=args.seed, tier=args.tier, on_result=progress)
    print_table(run, console)
    try:
        written = write_report(run, out)
    except OSError as exc:
        raise UserError(
            f"cannot write the report into {str(out)!r} ({exc}). Fix: pass a writable --out."
        ) from None
    figures = sum(p.suffix == ".png" for p in written)
    console.print(
        f"Report: {out.resolve()} (summary.md, summary.json, {figures} figures)",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_OK if run.ok else EXIT_FAILED
