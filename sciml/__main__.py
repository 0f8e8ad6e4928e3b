"""``python -m sciml``: the same as the ``sciml`` command."""

from sciml.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
