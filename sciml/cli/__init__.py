"""The ``sciml`` command line.

Each subcommand is a module with ``add_parser(commands)`` and ``run(args) -> int``; it
imports what it needs when it runs, so ``sciml --help`` stays fast.

Exit status: 0 success, 1 a validation run failed its policy, 2 a usage error (bad
arguments, an output path that is a file, a selection that matches nothing, an unusable
data set file, a request too large for the memory), 130 when interrupted (``sciml
generate`` keeps its partial file). User errors print one paragraph and no traceback; set
``SCIML_TRACEBACK=1`` to see the traceback of a sciml error or a memory error that a
command did not explain itself.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import evaluate, generate, quickstart, solve, train, transport, validate
from ._common import EXIT_INTERRUPTED, EXIT_USAGE, UserError

__all__ = ["main", "build_parser"]


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
    validate.add_parser(commands)
    generate.add_parser(commands)
    train.add_parser(commands)
    evaluate.add_parser(commands)
    solve.add_parser(commands)
    transport.add_parser(commands)
    quickstart.add_parser(commands)
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
    except Exception as exc:
        message = _known_error(exc)
        if message is None or os.environ.get("SCIML_TRACEBACK"):
            raise
        print(f"sciml {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE


def _known_error(exc: Exception) -> str | None:
    """The one-paragraph message for an error the command did not translate itself: running
    out of memory, or one of sciml's own errors (whose messages carry the fix); None for
    anything else (a bug: its traceback is shown)."""
    from sciml.core.errors import SciMLError

    text = str(exc)
    if isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError)
        and ("can't allocate memory" in text or "out of memory" in text.lower())
    ):
        first = text.splitlines()[0][:200] if text else type(exc).__name__
        return (
            f"ran out of memory ({first}). The request is too large for this machine. Fix: "
            "lower the resolution, the sample count, the model width or the batch size."
        )
    if isinstance(exc, SciMLError):
        return f"{text} (set SCIML_TRACEBACK=1 to see where it was raised)"
    return None
