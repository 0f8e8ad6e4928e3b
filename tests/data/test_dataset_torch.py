"""H5Dataset: lazy reads, channels-first float32, strided subsampling, normalization,
partial files, DataLoader workers."""

import pickle

import h5py
import numpy as np
import pytest
import torch

from sciml.data import DatasetError, GenerationConfig, H5Dataset, generate, partial_path


@pytest.fixture(scope="module")
def darcy(tmp_path_factory):
    path = tmp_path_factory.mktemp("torch") / "darcy.h5"
    generate(GenerationConfig("darcy", n=6, resolution=17, method="direct"), path)
    return path


def test_items_are_the_stored_samples_channels_first(darcy):
    ds = H5Dataset(darcy)
    x, y = ds[4]
    with h5py.File(darcy) as f:
        assert torch.equal(x, torch.from_numpy(f["inputs"][4]).float())
        assert torch.equal(y, torch.from_numpy(f["outputs"][4]).float())
    assert len(ds) == 6 and x.dtype == torch.float32 and tuple(y.shape) == (1, 17, 17)
    assert ds.metadata["family"] == "darcy" and ds.grid.shape == (17, 17)
    assert ds.output_channels == ("u",) and torch.equal(ds[-1][0], ds[5][0])
    with pytest.raises(IndexError):
        ds[6]


def test_subsampling_is_a_stride_that_keeps_the_boundary(darcy):
    by_stride, by_target = H5Dataset(darcy, subsample=4), H5Dataset(darcy, resolution=5)
    with h5py.File(darcy) as f:
        full = f["inputs"][2]
    assert np.array_equal(by_target[2][0].numpy(), full[:, ::4, ::4].astype(np.float32))
    assert torch.equal(by_stride[2][1], by_target[2][1])
    nodes = by_target.grid.axes[0].nodes.tolist()
    assert by_target.grid.shape == (5, 5) and nodes == [0.0, 0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"resolution": 6}, "not a strided subsample.*e.g. 9"),
        ({"subsample": 3}, "stride 3 does not map"),
        ({"subsample": 0}, "positive integer stride"),
        ({"subsample": 2, "resolution": 9}, "not both"),
        ({"normalize": "minmax"}, "unknown normalization"),
    ],
)
def test_impossible_requests_are_refused(darcy, kwargs, match):
    with pytest.raises(DatasetError, match=match):
        H5Dataset(darcy, **kwargs)


def test_channel_normalization_and_its_inverse(darcy):
    ds = H5Dataset(darcy, normalize="channel", dtype=torch.float64)
    xs = torch.stack([ds[i][0] for i in range(len(ds))])
    ys = torch.stack([ds[i][1] for i in range(len(ds))])
    assert abs(float(xs.mean())) < 1e-12 and abs(float(xs.std(unbiased=False)) - 1) < 1e-12
    assert torch.allclose(ds.decode(ys[3]), H5Dataset(darcy, dtype=torch.float64)[3][1])
    test = H5Dataset(darcy, normalize=ds.normalizer, dtype=torch.float64)  # reuse stats
    assert torch.allclose(test[1][0], ds[1][0])


def test_dataloader_workers_open_their_own_handles(darcy):
    ds = H5Dataset(darcy)
    _ = ds[0]  # the parent opens a handle first
    clone = pickle.loads(pickle.dumps(ds))
    assert clone._handle is None and torch.equal(clone[3][1], ds[3][1])
    loader = torch.utils.data.DataLoader(ds, batch_size=4, num_workers=2)
    batches = list(loader)
    assert [tuple(b[0].shape) for b in batches] == [(4, 1, 17, 17), (2, 1, 17, 17)]
    assert torch.equal(batches[1][1][1], ds[5][1])


def test_partial_files_need_consent_and_serve_only_done_samples(tmp_path):
    path = tmp_path / "d.h5"
    config = GenerationConfig("darcy", n=5, resolution=9, method="direct")

    def stop(done, n):
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(config, path, chunk=2, progress=stop)
    with pytest.raises(DatasetError, match="--resume"):
        H5Dataset(path)  # the final file does not exist: points at the partial one
    with pytest.raises(DatasetError, match="allow_partial=True"):
        H5Dataset(partial_path(path))
    ds = H5Dataset(partial_path(path), allow_partial=True)
    assert len(ds) == 2 and ds.indices.tolist() == [0, 1]


def test_a_truncated_file_is_refused_with_a_fix(darcy, tmp_path):
    broken = tmp_path / "broken.h5"
    data = darcy.read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(DatasetError, match="truncated or corrupt.*Fix"):
        H5Dataset(broken)
