"""The HDF5 layout of a data set, and a writer that is safe to kill at any moment.

Layout (``N`` samples, channels first, grid axes last)::

    /inputs       (N, C_in, *grid)  float64, one chunk per sample
    /outputs      (N, C_out, *grid) float64, one chunk per sample
    /x, /y        (n_axis,)         node coordinates per axis (HDF5 dimension scales)
    /iterations   (N,) int64        /matvecs (N,) int64     /residual (N,) float64
    /seconds      (N,) float64      /solve_order (N,) int64 /fallback (N,) bool
    /done         (N,) bool         True once the sample's data are written and flushed
    attributes    family, parameters, grid, boundary_conditions, seed, method, pilot,
                  version, config, config_hash, created, completed, complete, ...

Crash safety: every dataset is allocated when the file is created (chunks included, without
writing fill values, so the file is sparse on disk) and the metadata are flushed then; later
writes change raw data only, never the file's structure (finalize overwrites two
fixed-size attributes in place), so a process killed at any moment leaves a readable file.
A sample's ``done`` flag is written and flushed only after its data were flushed. The
writer works on ``FILE.h5.partial`` and :meth:`DatasetWriter.finalize` renames it to
``FILE.h5`` (``os.replace``) only after checking that every sample is done and within
tolerance, so a file at the final path is always complete.

Per-sample statistics: ``iterations`` and ``matvecs`` of the linear solve (summed over the
steps of a heat trajectory; for burgers/navier_stokes ``iterations`` counts time steps and
``matvecs`` is 0), ``residual`` the true ``||b - A u|| / ||b||`` (the largest over heat
steps; NaN for families without linear systems), ``seconds`` the solver's time,
``solve_order`` the sample's position in the solve sequence, ``fallback`` whether a direct
solve replaced a failed iterative one.

JSON-valued attributes (:data:`JSON_ATTRS`) are stored as strings; :func:`read_metadata`
decodes them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import h5py
import numpy as np
from h5py import h5d, h5p

from sciml.core import Axis, TensorGrid
from sciml.core.errors import explain

from .errors import DatasetError

__all__ = [
    "AXIS_NAMES",
    "FORMAT",
    "JSON_ATTRS",
    "PER_SAMPLE",
    "DatasetWriter",
    "axes_metadata",
    "grid_from_metadata",
    "open_h5",
    "partial_path",
    "read_metadata",
]

#: Per-sample datasets, their dtypes and initial values.
PER_SAMPLE = {
    "iterations": ("i8", 0),
    "matvecs": ("i8", 0),
    "residual": ("f8", np.nan),
    "seconds": ("f8", np.nan),
    "solve_order": ("i8", -1),
    "fallback": ("?", False),
    "done": ("?", False),
}
AXIS_NAMES = ("x", "y", "z")
JSON_ATTRS = (
    "parameters",
    "params",
    "grid",
    "boundary_conditions",
    "pilot",
    "config",
    "input_channels",
    "output_channels",
)
_FORMAT_PREFIX = "sciml-dataset/"
#: Name and version of the layout, stored as the ``format`` attribute.
FORMAT = _FORMAT_PREFIX + "1"


def partial_path(path) -> Path:
    """Where the data set at ``path`` is written until it is complete (``path + .partial``)."""
    path = Path(path)
    return path.with_name(path.name + ".partial")


_STAMP = "S32"  # fixed-length ASCII of the completion timestamp


def now() -> str:
    """UTC timestamp, ISO 8601, seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_h5(path, mode: str = "r", *, locking: bool | None = None) -> h5py.File:
    """Open an HDF5 file, turning h5py's errors into :class:`DatasetError` with a fix.

    Parameters
    ----------
    path : str or Path
    mode : {"r", "r+"}
    locking : bool, optional
        False disables HDF5 file locking (readers of a file still being written); the
        default leaves HDF5's own setting, as ``h5py.File`` does. One process must open a
        file with one setting at a time.
    """
    path = Path(path)
    if not path.exists():
        hint = "check the path"
        if partial_path(path).exists():
            hint = (
                f"an interrupted run left {partial_path(path).name} next to it: finish it "
                "with the same 'sciml generate' command plus --resume, or read its done "
                "samples with allow_partial=True"
            )
        raise DatasetError(
            explain(
                "no such data set file",
                expected="an existing .h5 file",
                received=str(path),
                fix=hint,
            )
        )
    if path.is_dir():
        raise DatasetError(
            explain(
                "the data set path is a folder",
                expected="an .h5 file",
                received=str(path),
                fix="pass the path of the file inside it, e.g. data/darcy.h5",
            )
        )
    try:
        return h5py.File(path, mode, **({} if locking is None else {"locking": locking}))
    except OSError as exc:
        text = " ".join(str(exc).split())  # one line: HDF5 messages may hold newlines
        lowered = text.lower()
        if "unable to lock" in lowered or "already open" in lowered:
            problem, fix = (
                "the file is open for writing in another process",
                "wait for that 'sciml generate' to finish (or stop it), then retry",
            )
        elif "permission denied" in lowered or "errno = 13" in lowered:
            problem, fix = "the file cannot be read", "fix its permissions"
        else:  # HDF5 names the broken part variously: truncated, signature, address, ...
            problem, fix = (
                "the file is not a readable HDF5 file (truncated or corrupt)",
                "regenerate it with 'sciml generate ... --overwrite', or restore a good copy",
            )
        raise DatasetError(
            explain(
                problem, expected="a readable HDF5 data set", received=f"{path} ({text})", fix=fix
            )
        ) from None


def read_metadata(f: h5py.File, *, layout: bool = False) -> dict:
    """The root attributes of an open data set, JSON attributes decoded, numpy scalars as
    Python values; with ``layout`` (what readers of the samples, such as
    :class:`~sciml.data.H5Dataset`, ask for) also the grid, the channel names and the
    shapes and dtypes of the datasets are checked against each other.

    Raises
    ------
    DatasetError
        If the file is not a sciml data set, or its attributes or datasets do not have the
        layout above (undecodable JSON, a grid that is not a list of axes, ``inputs`` or
        ``outputs`` of another shape or of a non-float dtype, per-sample datasets of
        another length). The message names the part and the fix.
    """
    try:
        fmt = f.attrs.get("format", "")
        missing = [name for name in ("inputs", "outputs", *PER_SAMPLE) if name not in f]
    except (OSError, RuntimeError, KeyError, ValueError) as exc:  # a damaged object header
        raise _corrupt(f, f"its root group cannot be read ({exc})") from None
    if isinstance(fmt, bytes):
        fmt = fmt.decode(errors="replace")
    if not str(fmt).startswith(_FORMAT_PREFIX) or missing:
        raise DatasetError(
            explain(
                "the file is not a sciml data set",
                expected=f"format attribute '{_FORMAT_PREFIX}*' and datasets inputs, outputs, done",
                received=f"format {fmt!r}, missing {missing}",
                fix="open a file written by 'sciml generate'",
            )
        )
    out = {}
    try:
        items = list(f.attrs.items())
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as exc:
        raise _corrupt(f, f"its attributes cannot be read ({exc})") from None
    for key, value in items:
        if isinstance(value, bytes):
            value = value.decode(errors="replace")
        if key in JSON_ATTRS:
            try:
                value = json.loads(value)
            except (TypeError, ValueError) as exc:
                raise _corrupt(f, f"attribute {key!r} is not valid JSON ({exc})") from None
        elif isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bytes):
            value = value.decode(errors="replace")
        out[key] = value
    if layout:
        _check_layout(f, out)
    return out


def _corrupt(f: h5py.File, what: str) -> DatasetError:
    return DatasetError(
        explain(
            f"{Path(f.filename).name} is damaged: {what}",
            expected="the layout written by 'sciml generate' (see sciml.data.h5_store)",
            received="a file that differs from it",
            fix="regenerate it with 'sciml generate ... --overwrite', or restore a good copy",
        )
    )


def _check_axes(f: h5py.File, axes) -> tuple[int, ...]:
    keys = {"n": int, "bounds": list, "periodic": bool, "offset": (int, float)}
    ok = isinstance(axes, list) and 1 <= len(axes) <= len(AXIS_NAMES)
    for a in axes if ok else ():
        ok = ok and isinstance(a, dict)
        ok = ok and all(isinstance(a.get(k), t) for k, t in keys.items())
        ok = ok and not isinstance(a["n"], bool) and a["n"] >= 1 and len(a["bounds"]) == 2
        ok = (
            ok
            and all(isinstance(b, (int, float)) and np.isfinite(b) for b in a["bounds"])
            and (a["bounds"][0] < a["bounds"][1])
        )
    if not ok:
        raise _corrupt(
            f,
            "attribute 'grid' is not a list of 1 to 3 axes, each with an integer n >= 1, "
            f"bounds [lo, hi] (lo < hi), periodic and offset (received {str(axes)[:120]})",
        )
    return tuple(a["n"] for a in axes)


def _check_layout(f: h5py.File, meta: dict) -> None:
    """Shapes and dtypes of the datasets against the metadata (see the module docstring)."""
    shape = _check_axes(f, meta.get("grid"))
    channels = {}
    for key in ("input_channels", "output_channels"):
        names = meta.get(key)
        if not (isinstance(names, list) and names and all(isinstance(c, str) for c in names)):
            raise _corrupt(f, f"attribute {key!r} is not a non-empty list of names")
        channels[key] = len(names)
    try:
        done = f["done"]
        n = done.shape[0] if done.ndim == 1 else -1
        if n < 0 or done.dtype != np.bool_:
            raise _corrupt(
                f,
                f"dataset 'done' has shape {done.shape} and dtype {done.dtype}, expected (N,) bool",
            )
        for name, key in (("inputs", "input_channels"), ("outputs", "output_channels")):
            dset = f[name]
            want = (n, channels[key], *shape)
            if not isinstance(dset, h5py.Dataset) or dset.shape != want:
                got = dset.shape if isinstance(dset, h5py.Dataset) else type(dset).__name__
                raise _corrupt(
                    f,
                    f"dataset {name!r} has shape {got}, expected {want} (samples, channels, *grid)",
                )
            if dset.dtype.kind != "f":
                raise _corrupt(f, f"dataset {name!r} has dtype {dset.dtype}, expected float")
        for name in PER_SAMPLE:
            dset = f[name]
            if not isinstance(dset, h5py.Dataset) or dset.shape != (n,):
                raise _corrupt(f, f"dataset {name!r} is not of shape ({n},)")
    except DatasetError:
        raise
    except (OSError, RuntimeError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise _corrupt(f, f"its datasets cannot be read ({exc})") from None


def axes_metadata(grid: TensorGrid) -> list[dict]:
    """JSON description of a grid's axes (uniform axes only: what the families use)."""
    return [
        {
            "name": AXIS_NAMES[k],
            "kind": ax.kind,
            "n": ax.n,
            "bounds": list(ax.bounds),
            "periodic": ax.periodic,
            "offset": ax.offset,
        }
        for k, ax in enumerate(grid.axes)
    ]


def grid_from_metadata(axes: list[dict]) -> TensorGrid:
    """The :class:`TensorGrid` described by :func:`axes_metadata`."""
    return TensorGrid(
        tuple(
            Axis.uniform(a["n"], tuple(a["bounds"]), periodic=a["periodic"], offset=a["offset"])
            for a in axes
        )
    )


def _preallocated(f, name, shape, chunks):
    """A float64 dataset whose chunks are all allocated now, without writing fill values."""
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
    return f.create_dataset(
        name, shape=shape, dtype="f8", chunks=chunks, dcpl=dcpl, fill_time="never"
    )


class DatasetWriter:
    """Writes samples into a partial data set and finalizes it.

    Build with :meth:`create` (a new partial file) or :meth:`open` (resume one). Use as a
    context manager, or call :meth:`close`.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from sciml.core import TensorGrid
    >>> folder = Path(tempfile.mkdtemp())
    >>> grid = TensorGrid.uniform((5,))
    >>> w = DatasetWriter.create(folder / "d.h5.partial", n=2, grid=grid,
    ...     input_channels=["a"], output_channels=["u"], solve_order=[1, 0],
    ...     attrs={"kind": "stationary", "rtol": 1e-8})
    >>> stats = {"iterations": [3, 4], "matvecs": [3, 4], "residual": [1e-9, 1e-10],
    ...          "seconds": [0.1, 0.1], "fallback": [False, False]}
    >>> w.write([1, 0], np.ones((2, 1, 5)), np.zeros((2, 1, 5)), stats)
    >>> int(w.done.sum())
    2
    >>> w.finalize(folder / "d.h5").name
    'd.h5'
    """

    def __init__(self, f: h5py.File, path: Path):
        self._f = f
        self.path = Path(path)
        self.metadata = read_metadata(f)

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        path,
        *,
        n: int,
        grid: TensorGrid,
        input_channels,
        output_channels,
        solve_order,
        attrs: Mapping,
    ) -> DatasetWriter:
        """Create the partial file with every dataset allocated and the metadata flushed.

        Parameters
        ----------
        path : Path
            The partial file; must not exist (mode ``w-``).
        n : int
        grid : TensorGrid
        input_channels, output_channels : sequence of str
        solve_order : array_like of shape (n,)
            Position of each sample in the solve sequence.
        attrs : mapping
            Root attributes; values of :data:`JSON_ATTRS` keys are JSON-encoded.
        """
        path = Path(path)
        try:
            f = h5py.File(path, "w-")
        except (OSError, FileExistsError) as exc:
            raise DatasetError(
                explain(
                    "cannot create the partial data set file",
                    expected="a new file in a writable folder",
                    received=f"{path} ({exc})",
                    fix="check the folder's permissions, free space, and that no other run "
                    "writes the same --out",
                )
            ) from None
        try:
            shape = grid.shape
            ins = _preallocated(
                f, "inputs", (n, len(input_channels), *shape), (1, len(input_channels), *shape)
            )
            outs = _preallocated(
                f, "outputs", (n, len(output_channels), *shape), (1, len(output_channels), *shape)
            )
            ins.attrs["channels"] = json.dumps(list(input_channels))
            outs.attrs["channels"] = json.dumps(list(output_channels))
            for dset in (ins, outs):
                dset.dims[0].label, dset.dims[1].label = "sample", "channel"
            for k, ax in enumerate(grid.axes):
                name = AXIS_NAMES[k]
                coord = f.create_dataset(name, data=ax.nodes.numpy())
                coord.make_scale(name)
                for dset in (ins, outs):
                    dset.dims[2 + k].attach_scale(coord)
                    dset.dims[2 + k].label = name
            order = np.asarray(solve_order, dtype=np.int64)
            for name, (dtype, initial) in PER_SAMPLE.items():
                data = order if name == "solve_order" else np.full(n, initial, dtype=dtype)
                f.create_dataset(name, data=data.astype(dtype))
            for key, value in attrs.items():
                f.attrs[key] = json.dumps(value) if key in JSON_ATTRS else value
            f.attrs["format"] = FORMAT
            f.attrs["input_channels"] = json.dumps(list(input_channels))
            f.attrs["output_channels"] = json.dumps(list(output_channels))
            f.attrs["created"] = now()
            # fixed-size attributes, so finalize can overwrite them in place (one write)
            f.attrs.create("completed", np.bytes_(""), dtype=_STAMP)
            f.attrs.create("complete", False, dtype=np.bool_)
            f.flush()
        except BaseException:
            f.close()
            path.unlink(missing_ok=True)
            raise
        return cls(f, path)

    @classmethod
    def open(cls, path) -> DatasetWriter:
        """Reopen a partial file to resume it (refused while another process writes it)."""
        f = open_h5(path, "r+")
        try:
            return cls(f, path)
        except BaseException:
            f.close()
            raise

    # ------------------------------------------------------------------ state
    @property
    def done(self) -> np.ndarray:
        """The ``done`` mask, shape ``(N,)``."""
        return self._f["done"][...]

    @property
    def solve_order(self) -> np.ndarray:
        """Position of each sample in the solve sequence, shape ``(N,)``."""
        return self._f["solve_order"][...]

    def column(self, name: str) -> np.ndarray:
        """A per-sample dataset (see :data:`PER_SAMPLE`), shape ``(N,)``."""
        return self._f[name][...]

    # ------------------------------------------------------------------ writing
    def write(self, indices, inputs, outputs, stats: Mapping) -> None:
        """Store samples at their indices, flush, then mark them done and flush again.

        Parameters
        ----------
        indices : sequence of int, length k
        inputs : ndarray of shape (k, C_in, *grid)
        outputs : ndarray of shape (k, C_out, *grid)
        stats : mapping of str to array_like of length k
            ``iterations``, ``matvecs``, ``residual``, ``seconds``, ``fallback``.

        Raises
        ------
        DatasetError
            If an output is not finite (nothing of the batch is marked done).
        """
        idx = np.asarray(indices, dtype=np.int64)
        inputs, outputs = np.asarray(inputs), np.asarray(outputs)
        bad = [int(i) for i, o in zip(idx, outputs) if not np.isfinite(o).all()]
        if bad:
            raise DatasetError(
                explain(
                    f"samples {bad[:10]} have non-finite solutions",
                    expected="finite outputs",
                    received="NaN or Inf values",
                    fix="for the time-dependent families lower dt (--param dt=...) or the "
                    "final time; then start over with --overwrite (a different configuration)",
                )
            )
        for k, i in enumerate(idx):
            self._f["inputs"][i] = inputs[k]
            self._f["outputs"][i] = outputs[k]
        perm = np.argsort(idx)
        for name in ("iterations", "matvecs", "residual", "seconds", "fallback"):
            self._f[name][idx[perm]] = np.asarray(stats[name])[perm]
        self._f.flush()
        self._f["done"][idx[perm]] = True
        self._f.flush()

    # ------------------------------------------------------------------ finishing
    def check_complete(self) -> None:
        """Raise :class:`DatasetError` unless every sample is done and, for families that
        solve linear systems, every residual is finite and at most ``rtol``."""
        done = self.done
        if not done.all():
            missing = np.flatnonzero(~done)
            raise DatasetError(
                explain(
                    "the data set is not complete",
                    expected="every sample done",
                    received=f"{missing.size} samples missing (first: {missing[:5].tolist()})",
                    fix="run the same command with --resume",
                )
            )
        if self.metadata.get("kind") == "trajectory":
            return
        rtol = float(self.metadata["rtol"])
        residual = self.column("residual")
        bad = np.flatnonzero(~(residual <= rtol))
        if bad.size:
            worst = residual[bad]
            worst = float(np.nanmax(worst)) if np.isfinite(worst).any() else float("nan")
            raise DatasetError(
                explain(
                    f"{bad.size} samples are above the tolerance; the file is kept as "
                    f"{self.path.name} and not finalized",
                    expected=f"every true relative residual <= rtol = {rtol:g}",
                    received=f"max {worst:.3g} at samples {bad[:5].tolist()}",
                    fix="these systems are too ill-conditioned for this rtol: generate again "
                    "with a larger --rtol (and --overwrite), or inspect the partial file",
                )
            )

    def finalize(self, final_path) -> Path:
        """Check, mark complete, flush to disk and atomically rename to ``final_path``."""
        self.check_complete()
        self._f.attrs.modify("completed", np.bytes_(now().encode()))
        self._f.attrs.modify("complete", True)
        self._f.flush()
        _fsync_h5(self._f)
        self.close()
        final_path = Path(final_path)
        os.replace(self.path, final_path)
        _fsync_dir(final_path.parent)
        self.path = final_path
        return final_path

    def close(self) -> None:
        """Flush and close (idempotent)."""
        if self._f.id.valid:
            self._f.flush()
            self._f.close()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _fsync_h5(f: h5py.File) -> None:
    try:
        os.fsync(f.id.get_vfd_handle())
    except (OSError, TypeError, ValueError):  # a driver without a POSIX descriptor
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
