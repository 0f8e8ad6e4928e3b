"""A rich progress bar for training, or a silent stand-in."""

from __future__ import annotations

import contextlib

__all__ = ["progress_bar"]


class _Silent:
    def advance(self, description: str) -> None:
        pass


class _Rich:
    def __init__(self, progress, task):
        self._progress, self._task = progress, task

    def advance(self, description: str) -> None:
        self._progress.update(self._task, advance=1, description=description)


@contextlib.contextmanager
def progress_bar(enabled: bool, total: int):
    """Yield an object with ``advance(description)``: a rich bar over ``total`` steps when
    ``enabled``, else a no-op."""
    if not enabled:
        yield _Silent()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns) as progress:
        yield _Rich(progress, progress.add_task("training", total=total))
