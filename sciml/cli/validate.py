"""``sciml validate``: run the claim registry and write the report."""

from __future__ import annotations

from pathlib import Path

from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    UserError,
    check_out,
    console,
    non_negative_int,
    positive_int,
)


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
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
        type=non_negative_int,
        default=0,
        metavar="S",
        help="root seed; each claim derives its own stable seed from it (default: %(default)s)",
    )
    validate.add_argument(
        "--threads",
        type=positive_int,
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
    validate.set_defaults(handler=run)


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


def run(args) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        check_out(out)
    selected = _select(args)
    if args.list:
        for case in selected:
            print(f"{case.name}  [{case.tier}]  {case.statement}")
        return EXIT_OK
    check_out(out)

    import torch

    from sciml.validation.report import print_table, write_report
    from sciml.validation.runner import run_cases

    torch.set_num_threads(args.threads)

    out_console = console()

    def progress(result) -> None:
        mark = "[green]ok[/]" if result.ok else "[bold red]!![/]"
        out_console.print(
            f"{mark} {result.case.name}: claim {result.claim.verdict.value}, broken variant "
            f"{result.broken.verdict.value} ({result.seconds:.2f} s)",
            highlight=False,
        )

    out_console.print(f"Running {len(selected)} claims (tier {args.tier}, seed {args.seed})")
    run = run_cases(selected, seed=args.seed, tier=args.tier, on_result=progress)
    print_table(run, out_console)
    try:
        written = write_report(run, out)
    except OSError as exc:
        raise UserError(
            f"cannot write the report into {str(out)!r} ({exc}). Fix: pass a writable --out."
        ) from None
    figures = sum(p.suffix == ".png" for p in written)
    out_console.print(
        f"Report: {out.resolve()} (summary.md, summary.json, {figures} figures)",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_OK if run.ok else EXIT_FAILED
