"""The HDF5 writer: allocation at creation, done-after-data, refusals, atomic finalize,
and clear errors for missing, truncated and foreign files."""

import os

import h5py
import numpy as np
import pytest

from sciml.core import TensorGrid
from sciml.data import DatasetError
from sciml.data.h5_store import DatasetWriter, grid_from_metadata, open_h5, read_metadata

GRID = TensorGrid.uniform((9, 9))


def _stats(k, residual=1e-10):
    return {
        "iterations": np.arange(k),
        "matvecs": np.arange(k) + 1,
        "residual": np.full(k, residual),
        "seconds": np.full(k, 0.01),
        "fallback": np.zeros(k, bool),
    }


def _writer(path, n=4):
    return DatasetWriter.create(
        path,
        n=n,
        grid=GRID,
        input_channels=["a"],
        output_channels=["u"],
        solve_order=np.arange(n)[::-1],
        attrs={"kind": "stationary", "rtol": 1e-8, "grid": [{"n": 9}], "seed": 3},
    )


def test_samples_land_at_their_index_and_only_they_are_done(tmp_path):
    with _writer(tmp_path / "d.h5.partial") as w:
        x = np.random.default_rng(0).standard_normal((2, 1, 9, 9))
        w.write([3, 1], x, 2 * x, _stats(2))
        assert w.done.tolist() == [False, True, False, True]
        assert w.solve_order.tolist() == [3, 2, 1, 0]
    with h5py.File(tmp_path / "d.h5.partial") as f:
        assert np.array_equal(f["inputs"][3], x[0]) and np.array_equal(f["outputs"][1], 2 * x[1])
        assert f["matvecs"][3] == 1 and f["matvecs"][1] == 2
        assert np.isnan(f["residual"][0])  # never written
        assert f.attrs["complete"] == False  # noqa: E712  (numpy bool)
        assert f.attrs["seed"] == 3


def test_every_chunk_is_allocated_at_creation_so_writes_never_change_the_structure(tmp_path):
    path = tmp_path / "d.h5.partial"
    with _writer(path, n=6) as w:
        size = os.path.getsize(path)
        assert size >= 2 * 6 * 81 * 8  # inputs and outputs reserved up front
        w.write([0, 5, 2], np.ones((3, 1, 9, 9)), np.ones((3, 1, 9, 9)), _stats(3))
        assert os.path.getsize(path) == size


def test_non_finite_outputs_are_refused_and_not_marked_done(tmp_path):
    with _writer(tmp_path / "d.h5.partial") as w:
        y = np.ones((1, 1, 9, 9))
        y[0, 0, 4, 4] = np.nan
        with pytest.raises(DatasetError, match=r"samples \[2\] have non-finite"):
            w.write([2], np.ones((1, 1, 9, 9)), y, _stats(1))
        assert not w.done.any()


def test_finalize_refuses_an_incomplete_file_and_leaves_no_final_file(tmp_path):
    part, final = tmp_path / "d.h5.partial", tmp_path / "d.h5"
    with _writer(part) as w:
        w.write([0, 1, 2], np.ones((3, 1, 9, 9)), np.ones((3, 1, 9, 9)), _stats(3))
        with pytest.raises(DatasetError, match="1 samples missing"):
            w.finalize(final)
    assert part.exists() and not final.exists()


def test_finalize_refuses_samples_above_tolerance(tmp_path):
    part, final = tmp_path / "d.h5.partial", tmp_path / "d.h5"
    with _writer(part) as w:
        stats = _stats(4)
        stats["residual"][2] = 3e-7
        w.write(range(4), np.ones((4, 1, 9, 9)), np.ones((4, 1, 9, 9)), stats)
        with pytest.raises(DatasetError, match=r"above the tolerance.*3e-07 at samples \[2\]"):
            w.finalize(final)
    assert not final.exists()


def test_finalize_marks_complete_and_renames(tmp_path):
    part, final = tmp_path / "d.h5.partial", tmp_path / "d.h5"
    w = _writer(part)
    w.write(range(4), np.ones((4, 1, 9, 9)), np.ones((4, 1, 9, 9)), _stats(4))
    assert w.finalize(final) == final
    assert final.exists() and not part.exists()
    with open_h5(final) as f:
        meta = read_metadata(f)
        assert meta["complete"] is True and meta["completed"] >= meta["created"]
        assert f["inputs"].dims[2][0].name == "/x" and np.allclose(f["y"][:], np.linspace(0, 1, 9))
        assert meta["input_channels"] == ["a"] and meta["output_channels"] == ["u"]


def test_grid_metadata_round_trips():
    grid = TensorGrid.uniform((8, 6), periodic=True)
    from sciml.data.h5_store import axes_metadata

    assert grid_from_metadata(axes_metadata(grid)) == grid


def test_missing_file_points_at_the_partial_one(tmp_path):
    with pytest.raises(DatasetError, match="no such data set file"):
        open_h5(tmp_path / "nothing.h5")
    (tmp_path / "d.h5.partial").write_bytes(b"")
    with pytest.raises(DatasetError, match="--resume"):
        open_h5(tmp_path / "d.h5")


def test_truncated_and_foreign_files_are_explained(tmp_path):
    part, final = tmp_path / "d.h5.partial", tmp_path / "d.h5"
    w = _writer(part)
    w.write(range(4), np.ones((4, 1, 9, 9)), np.ones((4, 1, 9, 9)), _stats(4))
    w.finalize(final)
    data = final.read_bytes()
    final.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match="truncated or corrupt.*--overwrite"):
        open_h5(final)
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(DatasetError, match="truncated or corrupt"):
        open_h5(tmp_path / "text.h5")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["data"] = np.zeros(3)
    with open_h5(tmp_path / "other.h5") as f, pytest.raises(DatasetError, match="not a sciml"):
        read_metadata(f)


def test_create_refuses_an_existing_partial_file(tmp_path):
    part = tmp_path / "d.h5.partial"
    part.write_bytes(b"x")
    with pytest.raises(DatasetError, match="cannot create the partial"):
        _writer(part)
    assert part.read_bytes() == b"x"
