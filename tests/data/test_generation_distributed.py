"""A real two-process Dask LocalCluster produces the data of the single-process run."""

import h5py
import numpy as np
import pytest

from sciml.data import DatasetError, GenerationConfig, generate

pytest.importorskip("dask.distributed")


def test_two_workers_give_the_single_process_data(tmp_path):
    config = GenerationConfig("helmholtz", n=16, resolution=17, method="gcrodr_recycled")
    one = generate(config, tmp_path / "one.h5", chunk=2)
    two = generate(config, tmp_path / "two.h5", workers=2, chunk=2)
    assert one.workers == 1 and two.workers == 2  # both processes solved chains
    with h5py.File(tmp_path / "one.h5") as a, h5py.File(tmp_path / "two.h5") as b:
        assert np.array_equal(a["inputs"][...], b["inputs"][...])
        u1, u2 = a["outputs"][...], b["outputs"][...]
        assert np.abs(u1 - u2).max() <= 1e-6 * np.abs(u1).max()
        assert b["residual"][...].max() <= 1e-8 and b["done"][...].all()
        assert a.attrs["config_hash"] == b.attrs["config_hash"]


def test_an_unreachable_scheduler_is_explained_before_any_file_is_written(tmp_path, monkeypatch):
    from sciml.data import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", "1s")
    config = GenerationConfig("darcy", n=2, resolution=9, method="direct")
    with pytest.raises(DatasetError, match="cannot connect to the Dask scheduler"):
        generate(config, tmp_path / "d.h5", scheduler="tcp://127.0.0.1:9")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_scheduler_is_used_by_address(tmp_path):
    from dask.distributed import LocalCluster

    config = GenerationConfig("poisson", n=6, resolution=9)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        report = generate(config, tmp_path / "s.h5", scheduler=cluster.scheduler_address)
    generate(config, tmp_path / "l.h5")
    assert report.workers == 1 and report.solved == 6
    with h5py.File(tmp_path / "s.h5") as a, h5py.File(tmp_path / "l.h5") as b:
        assert np.array_equal(a["inputs"][...], b["inputs"][...])
        assert np.abs(a["outputs"][...] - b["outputs"][...]).max() <= 1e-12
