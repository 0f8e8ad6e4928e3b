"""Pieces shared by the subcommands: the user-error type, argument types, the console."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UserError(Exception):
    """A mistake in the command's input: reported in one paragraph, exit status 2."""


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (seeds)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"expected a non-negative integer, received {text!r}; pass e.g. 0"
        )
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (counts, threads, workers)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer, received {text!r}; pass e.g. 2"
        )
    return value


def console():
    from rich.console import Console

    out = Console()
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(width=140)  # logs and CI: a table wide enough not to wrap
    return out


def check_out(out: Path) -> None:
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
