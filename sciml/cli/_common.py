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


def gib(nbytes: float) -> str:
    """``nbytes`` as a short human-readable size."""
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes / 2**10:.3g} KiB"


def check_memory(need: float, what: str, fix: str) -> None:
    """Raise :class:`UserError` before allocating if ``need`` bytes exceed the memory left.

    ``need`` is an estimate of the request's peak memory, ``what`` names the request in
    the message, ``fix`` says how to make it smaller.
    """
    from sciml.data.config import available_memory

    have = available_memory()
    if have is not None and need > have:
        raise UserError(
            f"{what} needs about {gib(need)} of memory, more than the {gib(have)} available "
            f"here; refused before allocating. Fix: {fix}"
        )
