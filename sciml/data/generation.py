"""Generate a data set: plan, solve chains (here or on a cluster), write, finalize.

:func:`generate` is what ``sciml generate`` runs. The data never depend on how they were
produced: sample ``i``'s inputs come from its own seed, its output is stored at index ``i``,
and a resumed run solves exactly the samples that are not done, with the method and order
recorded in the partial file.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sciml.data.config import GenerationConfig
>>> out = Path(tempfile.mkdtemp()) / "poisson.h5"
>>> report = generate(GenerationConfig("poisson", n=4, resolution=9), out)
>>> report.method, report.solved, report.max_residual < 1e-8, out.exists()
('factor_once', 4, True, True)
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciml.core.errors import explain

from .chains import positions, split_chains
from .config import GenerationConfig, config_diff, config_hash
from .errors import DatasetError
from .h5_store import DatasetWriter, axes_metadata, open_h5, partial_path, read_metadata
from .planning import Plan, make_plan
from .worker import STAT_NAMES, ChainTask, release, solve_chain

__all__ = ["GenerationReport", "generate", "default_chunk"]

#: Largest default chain: also how many samples a kill can lose.
MAX_DEFAULT_CHUNK = 16


@dataclass(frozen=True)
class GenerationReport:
    """Summary of a :func:`generate` call (figures over all samples in the file).

    Attributes
    ----------
    path : Path
        The complete data set.
    n, solved : int
        Samples in the file; samples solved by this call (0 if it was already complete).
    method, sort, pilot
        The plan recorded in the file.
    wall_seconds : float
        This call, pilot and startup included.
    seconds_per_sample, matvecs_per_sample : float
        Means of the per-sample ``seconds`` (solver time) and ``matvecs``.
    max_residual : float
        Largest true relative residual (NaN for families without linear systems).
    fallbacks : int
        Samples where a direct solve replaced a failed iterative one.
    workers : int
        Processes that solved chains (1 without a cluster, 0 when nothing was left to do).
    resumed : bool
        Whether a partial file was continued.
    """

    path: Path
    n: int
    solved: int
    method: str
    sort: bool
    pilot: dict
    wall_seconds: float
    seconds_per_sample: float
    matvecs_per_sample: float
    max_residual: float
    fallbacks: int
    workers: int
    resumed: bool


def default_chunk(todo: int, slots: int) -> int:
    """Chain length: about four chains per worker, at most :data:`MAX_DEFAULT_CHUNK`."""
    return max(1, min(MAX_DEFAULT_CHUNK, math.ceil(todo / (4 * max(1, slots)))))


def _check_out(out: Path) -> None:
    folder = out.parent
    if not folder.is_dir():
        raise DatasetError(
            explain(
                "the output folder does not exist",
                expected="--out inside an existing folder",
                received=str(folder),
                fix=f"create it first (mkdir -p {folder}) or pass another --out",
            )
        )
    if out.is_dir():
        raise DatasetError(
            explain(
                "--out names a folder",
                expected="a file path such as data/darcy.h5",
                received=str(out),
                fix=f"pass a file name inside it, e.g. {out / 'data.h5'}",
            )
        )
    try:  # a real probe: permissions, read-only mounts, and root on /proc all show here
        fd, probe = tempfile.mkstemp(prefix=".sciml-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DatasetError(
            explain(
                "the output folder is not writable",
                expected="a folder where this user can create files",
                received=f"{folder} ({exc.strerror or exc})",
                fix="pass an --out in a writable folder, or fix the folder's permissions",
            )
        ) from None


def _mismatch(path: Path, stored: dict, wanted: dict) -> DatasetError:
    keys = config_diff(stored, wanted)
    shown = "; ".join(
        f"{k}: file {_lookup(stored, k)!r} vs now {_lookup(wanted, k)!r}" for k in keys[:8]
    )
    return DatasetError(
        explain(
            f"--resume refused: {path.name} was generated with a different configuration",
            expected="the same family, parameters, n, resolution, seed, method, rtol and version",
            received=f"differences in {', '.join(keys)} ({shown})",
            fix="repeat the original command's options with --resume, or pass --overwrite to "
            "start over with the new ones",
        )
    )


def _lookup(d: dict, dotted: str):
    for part in dotted.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def _attrs(config: GenerationConfig, canonical: dict, plan: Plan) -> dict:
    fam, spec = config.problem, config.spec
    return {
        "family": config.family,
        "family_class": type(fam).__name__,
        "kind": spec.kind,
        "parameters": fam.parameters,
        "params": dict(config.params),
        "grid": axes_metadata(fam.grid),
        "boundary_conditions": dict(spec.boundary_conditions),
        "n": config.n,
        "resolution": config.resolution,
        "seed": config.seed,
        "seeding": "sample i draws from numpy SeedSequence(seed).spawn(i + 1)[i]",
        "rtol": config.rtol,
        "method_requested": config.method,
        "method": plan.method,
        "sort": plan.sort,
        "pilot": plan.pilot,
        "version": canonical["version"],
        "config": canonical,
        "config_hash": config_hash(canonical),
    }


def _report(f, meta: dict, **extra) -> GenerationReport:
    residual = f["residual"][...]
    return GenerationReport(
        path=Path(f.filename),
        n=int(meta["n"]),
        method=meta["method"],
        sort=bool(meta["sort"]),
        pilot=meta["pilot"],
        seconds_per_sample=float(np.mean(f["seconds"][...])),
        matvecs_per_sample=float(np.mean(f["matvecs"][...])),
        max_residual=float(np.max(residual)) if np.isfinite(residual).all() else math.nan,
        fallbacks=int(f["fallback"][...].sum()),
        **extra,
    )


def _check_flags(resume: bool, overwrite: bool, workers, scheduler, chunk) -> None:
    if resume and overwrite:
        raise DatasetError(
            explain(
                "--resume and --overwrite contradict each other",
                expected="at most one of them",
                received="both",
                fix="--resume continues the partial file; --overwrite starts over",
            )
        )
    for name, value in (("workers", workers), ("chunk", chunk)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise DatasetError(
                explain(
                    f"{name} must be a positive integer",
                    expected=f"{name} >= 1",
                    received=repr(value),
                    fix=f"pass e.g. {name}=2, or leave it out",
                )
            )
    if workers is not None and scheduler is not None:
        raise DatasetError(
            explain(
                "choose one place to solve",
                expected="--workers N or --scheduler ADDRESS",
                received="both",
                fix="drop one of them",
            )
        )


def _refuse_existing(out: Path) -> DatasetError:
    return DatasetError(
        explain(
            "the output file already exists",
            expected="a new --out",
            received=str(out),
            fix="pass --overwrite to replace it (the old file stays until the new one is "
            "complete), --resume to check that it is this data set, or another --out",
        )
    )


def _refuse_partial(part: Path) -> DatasetError:
    return DatasetError(
        explain(
            "an interrupted run left a partial file",
            expected="no partial file, or --resume / --overwrite",
            received=str(part),
            fix="add --resume to continue it (same options), or --overwrite to discard it",
        )
    )


def _resume(part: Path, canonical: dict, say) -> tuple[DatasetWriter, Plan]:
    writer = DatasetWriter.open(part)
    meta = writer.metadata
    if meta.get("config_hash") != config_hash(canonical):
        writer.close()
        raise _mismatch(part, meta["config"], canonical)
    order = np.argsort(writer.solve_order, kind="stable")
    plan = Plan(meta["method"], bool(meta["sort"]), meta["pilot"], order)
    done = int(writer.done.sum())
    say(f"resuming {part.name}: {done} of {meta['n']} samples done; method {plan.method}")
    return writer, plan


def _start(config: GenerationConfig, canonical: dict, part: Path, say):
    plan = make_plan(config)
    sort = " (greedy order)" if plan.sort else ""
    say(f"method {plan.method}{sort}: {plan.pilot['chosen_because']}")
    fam = config.problem
    writer = DatasetWriter.create(
        part,
        n=config.n,
        grid=fam.grid,
        input_channels=fam.channels,
        output_channels=config.spec.output_channels(fam),
        solve_order=positions(plan.order),
        attrs=_attrs(config, canonical, plan),
    )
    return writer, plan


def _already_complete(out: Path, canonical: dict, t0: float, say, tick) -> GenerationReport:
    with open_h5(out) as f:
        meta = read_metadata(f)
        if meta.get("config_hash") != config_hash(canonical):
            raise _mismatch(out, meta["config"], canonical)
        say(f"{out} is already complete with this configuration: nothing to do")
        tick(int(meta["n"]), int(meta["n"]))
        elapsed = time.perf_counter() - t0
        return _report(f, meta, solved=0, wall_seconds=elapsed, workers=0, resumed=True)


def generate(
    config: GenerationConfig,
    out,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> GenerationReport:
    """Generate (or finish) the data set ``config`` at ``out``.

    Parameters
    ----------
    config : GenerationConfig
    out : str or Path
        The final file; work happens in ``out + ".partial"`` until it is complete.
    workers : int, optional
        Solve on a new local Dask cluster of this many processes.
    scheduler : str, optional
        Solve on the Dask cluster of this scheduler address.
    resume : bool
        Continue the partial file (refused if its configuration differs); a complete file of
        the same configuration is reported and left as is.
    overwrite : bool
        Discard a partial file; replace an existing ``out`` once the new file is complete.
    chunk : int, optional
        Samples per chain (the unit of work and of writing); default :func:`default_chunk`.
    progress : callable ``(done, n)``, optional
        Called at the start and after every chain written.
    log : callable ``(message)``, optional
        Notes on the plan, resumption and the cluster.

    Returns
    -------
    GenerationReport

    Raises
    ------
    DatasetError
        Path problems, existing files, configuration mismatches, non-finite or
        out-of-tolerance samples (the partial file is kept).
    """
    t0 = time.perf_counter()
    say = log or (lambda message: None)
    tick = progress or (lambda done, n: None)
    out = Path(out)
    part = partial_path(out)
    _check_flags(resume, overwrite, workers, scheduler, chunk)
    _check_out(out)
    canonical = config.canonical()
    resumed = bool(resume and part.exists())
    if not resumed:
        if out.exists() and resume:
            return _already_complete(out, canonical, t0, say, tick)
        if out.exists() and not overwrite:
            raise _refuse_existing(out)
        if part.exists() and not overwrite:
            raise _refuse_partial(part)
    with _executor(workers, scheduler, say) as (slots, run_chains):
        if resumed:
            writer, plan = _resume(part, canonical, say)
        else:
            if part.exists():
                part.unlink()
            if resume:
                say(f"no partial file {part.name} to resume: starting a new run")
            writer, plan = _start(config, canonical, part, say)
        with writer:
            done = writer.done
            before = int(done.sum())
            chains = split_chains(
                plan.order, done, chunk or default_chunk(config.n - before, slots)
            )
            run = uuid.uuid4().hex
            tasks = (ChainTask.of(config, plan.method, run, c) for c in chains)
            tick(before, config.n)
            solved, used = _write_all(writer, run_chains(tasks), tick, config.n, before)
            final = writer.finalize(out)
    with open_h5(final) as f:
        elapsed = time.perf_counter() - t0
        extra = {"solved": solved, "wall_seconds": elapsed, "workers": max(1, len(used))}
        return _report(f, read_metadata(f), resumed=resumed, **extra)


@contextlib.contextmanager
def _executor(workers, scheduler, say):
    """``(slots, run)``: ``run(tasks)`` yields the chains' results, solved in this process or
    on a Dask cluster (connected before any file is touched)."""
    if workers is None and scheduler is None:
        try:
            yield 1, lambda tasks: map(solve_chain, tasks)
        finally:
            release()  # the factors and recycled space of this run are not needed any more
        return
    from .distributed import connect, stream_results

    with connect(workers=workers, scheduler=scheduler) as client:
        threads = client.nthreads()
        slots = max(1, sum(threads.values()))
        say(f"Dask cluster at {client.scheduler.address}: {len(threads)} workers, {slots} threads")
        yield slots, lambda tasks: stream_results(client, tasks)


def _write_all(writer, results, tick, n: int, done: int) -> tuple[int, set]:
    solved, used = 0, set()
    for result in results:
        stats = {k: result.stats[k] for k in STAT_NAMES}
        writer.write(result.indices, result.inputs, result.outputs, stats)
        solved += len(result.indices)
        used.add(result.worker)
        tick(done + solved, n)
    return solved, used
