"""The error the dataset pipeline raises for problems with files, paths and configurations."""

from __future__ import annotations

from sciml.core.errors import SciMLError

__all__ = ["DatasetError"]


class DatasetError(SciMLError, ValueError):
    """A dataset file or generation request cannot be used as given.

    Raised for missing, truncated or foreign files, partial files opened as complete ones,
    output paths that cannot be written, a ``--resume`` whose configuration differs from the
    partial file's, and data that fail the pipeline's checks. The message says what was
    expected, what was found and how to fix it.
    """
