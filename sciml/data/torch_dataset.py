"""A torch Dataset over a generated HDF5 file: lazy, per-process file handles, optional
strided subsampling to a coarser grid and per-channel normalization.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sciml.data.config import GenerationConfig
>>> from sciml.data.generation import generate
>>> path = Path(tempfile.mkdtemp()) / "darcy.h5"
>>> _ = generate(GenerationConfig("darcy", n=3, resolution=17, method="direct"), path)
>>> ds = H5Dataset(path, resolution=9)
>>> x, y = ds[0]
>>> len(ds), tuple(x.shape), tuple(y.shape), x.dtype, ds.grid.shape
(3, (1, 9, 9), (1, 9, 9), torch.float32, (9, 9))
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch

from sciml.core import TensorGrid
from sciml.core.errors import SciMLError, explain

from .errors import DatasetError
from .h5_store import grid_from_metadata, open_h5, read_metadata

__all__ = ["H5Dataset"]

_NORMALIZERS = ("channel",)
_STAT_KEYS = ("input_mean", "input_std", "output_mean", "output_std")
_BLOCK = 64


def _cells(axis: dict) -> int:
    return axis["n"] if axis["periodic"] else axis["n"] - 1


def _stride(axes: list[dict], subsample: int, resolution: int | None) -> int:
    """The stride that takes every axis to the target; DatasetError if it is not a stride."""
    shape = tuple(a["n"] for a in axes)
    if resolution is not None:
        if subsample != 1:
            raise DatasetError(
                explain(
                    "subsample and resolution both given",
                    expected="one of them",
                    received=f"subsample={subsample}, resolution={resolution}",
                    fix="pass resolution=R (a target) or subsample=k (a stride), not both",
                )
            )
        factors = set()
        for a in axes:
            coarse = resolution if a["periodic"] else resolution - 1
            factors.add(_cells(a) // coarse if coarse > 0 and _cells(a) % coarse == 0 else 0)
        if len(factors) != 1 or 0 in factors:
            vertex = not axes[0]["periodic"]
            rule = "(R - 1) divides (n - 1)" if vertex else "R divides n"
            raise DatasetError(
                explain(
                    f"resolution {resolution} is not a strided subsample of the stored grid",
                    expected=f"a resolution where {rule} for stored shape {shape}",
                    received=f"resolution={resolution}",
                    fix="pick such a resolution (e.g. "
                    f"{(shape[0] - 1) // 2 + 1 if vertex else shape[0] // 2}), or resample the "
                    "fields with sciml.core.Field.on",
                )
            )
        return factors.pop()
    if isinstance(subsample, bool) or not isinstance(subsample, int) or subsample < 1:
        raise DatasetError(
            explain(
                "subsample must be a positive integer stride",
                expected="subsample >= 1",
                received=repr(subsample),
                fix="pass e.g. subsample=2",
            )
        )
    if any(_cells(a) % subsample for a in axes):
        raise DatasetError(
            explain(
                f"stride {subsample} does not map the stored grid onto a coarser one",
                expected=f"a stride dividing the number of cells {[_cells(a) for a in axes]}",
                received=f"subsample={subsample} for stored shape {shape}",
                fix="pick a divisor of the cell count (R - 1 on vertex grids of R nodes, R on "
                "periodic ones)",
            )
        )
    return subsample


class H5Dataset(torch.utils.data.Dataset):
    """Samples ``(input, output)`` of a data set written by ``sciml generate``.

    Parameters
    ----------
    path : str or Path
        A complete data set (or, with ``allow_partial``, a ``.partial`` file).
    subsample : int
        Keep every ``subsample``-th node per axis (boundary nodes kept on vertex grids).
    resolution : int, optional
        Target nodes per axis instead of ``subsample``; must be a strided subsample.
    normalize : None, "channel" or mapping
        ``"channel"``: subtract each channel's mean and divide by its standard deviation,
        both computed over the samples of this file (at the chosen resolution); a mapping
        with ``input_mean``, ``input_std``, ``output_mean``, ``output_std`` (e.g. the
        :attr:`normalizer` of a training set) applies given statistics.
    dtype : torch.dtype
        Of the returned tensors (default float32).
    allow_partial : bool
        Accept an incomplete file; only the samples done when the dataset is built are
        served.

    Attributes
    ----------
    grid : TensorGrid
        The grid of the returned fields.
    metadata : dict
        The file's root attributes (JSON ones decoded).
    indices : ndarray of int
        File index of each item.
    normalizer : dict of str to Tensor or None
        Per-channel statistics in use, shapes ``(C_in,)`` and ``(C_out,)``.

    Notes
    -----
    Items are ``(x, y)`` with shapes ``(C_in, *grid.shape)`` and ``(C_out, *grid.shape)``,
    channels first. The HDF5 file is opened on first access in each process (DataLoader
    workers included) and never shared across a fork.
    """

    def __init__(
        self,
        path,
        *,
        subsample: int = 1,
        resolution: int | None = None,
        normalize=None,
        dtype: torch.dtype = torch.float32,
        allow_partial: bool = False,
    ):
        self.path = Path(path)
        self.dtype = dtype
        self._handle = None
        self._pid = None
        self._locking = False if allow_partial else None  # a partial file may be in writing
        with open_h5(self.path, locking=self._locking) as f:
            self.metadata = read_metadata(f, layout=True)
            done = self._guarded("done", lambda: f["done"][...])
        if not self.metadata.get("complete", False) and not allow_partial:
            raise DatasetError(
                explain(
                    f"{self.path.name} is not a complete data set",
                    expected="a file finalized by 'sciml generate'",
                    received=f"{int(done.sum())} of {done.size} samples done",
                    fix="finish it with the same 'sciml generate' command plus --resume, or "
                    "pass allow_partial=True to use the done samples",
                )
            )
        self.indices = np.flatnonzero(done)
        axes = self.metadata["grid"]
        self.stride = _stride(axes, subsample, resolution)
        try:
            self.grid: TensorGrid = grid_from_metadata(axes)
        except SciMLError as exc:  # e.g. an offset no axis accepts
            raise DatasetError(
                explain(
                    f"{self.path.name} describes a grid sciml cannot build ({exc})",
                    expected="the 'grid' attribute written by 'sciml generate'",
                    received=str(axes)[:120],
                    fix="regenerate the file",
                )
            ) from None
        if self.stride > 1:
            self.grid = self.grid.coarsen(self.stride)
        self.input_channels = tuple(self.metadata["input_channels"])
        self.output_channels = tuple(self.metadata["output_channels"])
        self.normalizer = self._normalizer(normalize)

    # ------------------------------------------------------------------ file access
    def _file(self):
        if self._handle is None or self._pid != os.getpid():
            self._handle = open_h5(self.path, locking=self._locking)
            self._pid = os.getpid()
        return self._handle

    def _read(self, name: str, index) -> np.ndarray:
        s = self.stride
        spatial = (slice(None, None, s),) * len(self.grid.shape)
        return self._guarded(name, lambda: self._file()[name][(index, slice(None), *spatial)])

    def _guarded(self, name: str, read):
        """``read()``, with HDF5's errors on damaged data turned into :class:`DatasetError`."""
        try:
            return read()
        except DatasetError:
            raise
        except (OSError, RuntimeError, KeyError, ValueError, TypeError) as exc:
            raise DatasetError(
                explain(
                    f"dataset {name!r} of {self.path.name} cannot be read (damaged file)",
                    expected="readable chunks",
                    received=f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}",
                    fix="regenerate it with 'sciml generate ... --overwrite', or restore a "
                    "good copy",
                )
            ) from None

    def close(self) -> None:
        """Close this process's file handle (reopened on the next access)."""
        if self._handle is not None and self._pid == os.getpid():
            self._handle.close()
        self._handle = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_handle"], state["_pid"] = None, None
        return state

    # ------------------------------------------------------------------ normalization
    def _normalizer(self, normalize):
        if normalize is None:
            return None
        if isinstance(normalize, Mapping):
            missing = [k for k in _STAT_KEYS if k not in normalize]
            if missing:
                raise DatasetError(
                    explain(
                        "normalization statistics are incomplete",
                        expected="keys " + ", ".join(_STAT_KEYS),
                        received=f"missing {missing}",
                        fix="pass another dataset's .normalizer, or normalize='channel'",
                    )
                )
            return {k: torch.as_tensor(normalize[k], dtype=torch.float64) for k in _STAT_KEYS}
        if normalize not in _NORMALIZERS:
            raise DatasetError(
                explain(
                    "unknown normalization",
                    expected="None, 'channel' or a mapping of statistics",
                    received=repr(normalize),
                    fix="pass normalize='channel'",
                )
            )
        return self._channel_statistics()

    def _channel_statistics(self) -> dict:
        out = {}
        for kind, name in (("input", "inputs"), ("output", "outputs")):
            total = total_sq = count = 0.0
            for start in range(0, self.indices.size, _BLOCK):
                block = self.indices[start : start + _BLOCK]
                values = np.stack([self._read(name, int(i)) for i in block])
                axes = (0, *range(2, values.ndim))
                total = total + values.sum(axis=axes)
                total_sq = total_sq + (values**2).sum(axis=axes)
                count += values.size / values.shape[1]
            mean = total / count
            std = np.sqrt(np.maximum(total_sq / count - mean**2, 0.0))
            out[f"{kind}_mean"] = torch.as_tensor(mean)
            out[f"{kind}_std"] = torch.as_tensor(np.where(std > 0, std, 1.0))
        self.close()
        return out

    def decode(self, y: torch.Tensor) -> torch.Tensor:
        """Undo the output normalization of ``y`` (shape ``(..., C_out, *grid)``)."""
        if self.normalizer is None:
            return y
        shape = (-1,) + (1,) * len(self.grid.shape)
        std = self.normalizer["output_std"].to(y).reshape(shape)
        mean = self.normalizer["output_mean"].to(y).reshape(shape)
        return y * std + mean

    # ------------------------------------------------------------------ Dataset
    def __len__(self) -> int:
        return int(self.indices.size)

    def __getitem__(self, item: int) -> tuple[torch.Tensor, torch.Tensor]:
        if not -len(self) <= item < len(self):
            raise IndexError(f"index {item} out of range for {len(self)} samples")
        i = int(self.indices[item])
        x = torch.from_numpy(np.ascontiguousarray(self._read("inputs", i)))
        y = torch.from_numpy(np.ascontiguousarray(self._read("outputs", i)))
        if self.normalizer is not None:
            shape = (-1,) + (1,) * len(self.grid.shape)
            n = self.normalizer
            x = (x - n["input_mean"].reshape(shape)) / n["input_std"].reshape(shape)
            y = (y - n["output_mean"].reshape(shape)) / n["output_std"].reshape(shape)
        return x.to(self.dtype), y.to(self.dtype)

    def __repr__(self) -> str:
        return (
            f"H5Dataset({str(self.path)!r}, {len(self)} samples, family "
            f"{self.metadata.get('family')!r}, grid {self.grid.shape})"
        )
