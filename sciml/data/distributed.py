"""Solving chains on a Dask cluster and streaming the results back to the single writer.

:func:`connect` starts a ``distributed.LocalCluster`` on the loopback interface (one thread
per worker process) or connects to a running scheduler; :func:`stream_results` submits
:func:`~sciml.data.worker.solve_chain` tasks, keeping at most a few per worker in flight, and
yields their results as they complete. Each worker process keeps its own
:class:`~sciml.solvers.krylov.auto.SequenceSolver` from chain to chain (see
:mod:`sciml.data.worker`). Dask is imported only here, only when a cluster is asked for.

Workers of an external cluster (``--scheduler``) need the same ``sciml-numerics`` installed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from sciml.core.errors import explain

from .errors import DatasetError
from .worker import ChainResult, ChainTask, solve_chain

__all__ = ["CONNECT_TIMEOUT", "IN_FLIGHT_PER_WORKER", "connect", "stream_results"]

#: How long to wait for a scheduler given by address.
CONNECT_TIMEOUT = "10s"
#: Tasks submitted ahead per worker: enough to keep workers busy, few enough that results
#: do not pile up in worker memory when the writer is slower.
IN_FLIGHT_PER_WORKER = 2


def _import_dask():
    try:
        from dask import distributed
    except ImportError:
        raise DatasetError(
            explain(
                "--workers and --scheduler need dask.distributed",
                expected="the 'distributed' extra installed",
                received="no module dask.distributed",
                fix="pip install 'sciml-numerics[distributed]', or run without --workers",
            )
        ) from None
    return distributed


@contextlib.contextmanager
def connect(*, workers: int | None = None, scheduler: str | None = None):
    """A Dask client: a new local cluster of ``workers`` processes, or ``scheduler``'s.

    Parameters
    ----------
    workers : int, optional
        Worker processes of a new ``LocalCluster`` on 127.0.0.1, one thread each.
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.

    Yields
    ------
    distributed.Client
    """
    distributed = _import_dask()
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise DatasetError(
                explain(
                    "cannot connect to the Dask scheduler",
                    expected="the address of a running scheduler, e.g. tcp://host:8786",
                    received=f"{scheduler!r} ({exc})",
                    fix="start one with 'dask scheduler' (and 'dask worker ADDRESS' on each "
                    "machine), or use --workers N for a local cluster",
                )
            ) from None
        with client:
            yield client
        return
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def stream_results(client, tasks: Iterable[ChainTask]) -> Iterator[ChainResult]:
    """Run ``tasks`` on the cluster; yield each result as soon as it arrives.

    A worker's exception is raised here, in the caller (the writer), unchanged.
    """
    distributed = _import_dask()
    slots = max(1, sum(client.nthreads().values()))
    pending = iter(tasks)
    running = distributed.as_completed()

    def submit_next() -> None:
        task = next(pending, None)
        if task is not None:
            running.add(client.submit(solve_chain, task, pure=False))

    for _ in range(IN_FLIGHT_PER_WORKER * slots):
        submit_next()
    for future in running:
        result = future.result()
        future.release()
        submit_next()
        yield result
