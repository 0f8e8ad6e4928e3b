"""``sciml transport``: under construction."""

from __future__ import annotations

from ._common import UserError


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
    parser = commands.add_parser("transport", help="(under construction)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    raise UserError("sciml transport is under construction")
