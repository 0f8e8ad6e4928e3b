"""Fuzzing the data set reader: :class:`sciml.data.H5Dataset` fed random bytes, truncated
files, flipped bytes, and files with missing, misshapen or mistyped datasets and broken
attributes. Whatever it is given, it either serves correct items or raises
:class:`DatasetError` with a message: never an h5py, numpy, JSON or index error."""

import json

import h5py
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciml.data import DatasetError, GenerationConfig, H5Dataset, generate

FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
N, RES = 3, 9
DATASETS = ("inputs", "outputs", "done", "iterations", "residual", "solve_order")


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "d.h5"
    generate(GenerationConfig("darcy", n=N, resolution=RES, method="direct"), path)
    return path


def _read_all(path):
    """What a training script does: open, read every item, normalize."""
    ds = H5Dataset(path, normalize="channel")
    items = [ds[i] for i in range(len(ds))]
    ds.close()
    return ds, items


def _served_or_refused(path, *, must_refuse: bool = False):
    try:
        ds, items = _read_all(path)
    except DatasetError as exc:
        assert len(str(exc)) > 40 and "Fix:" in str(exc), str(exc)
        return
    assert not must_refuse, "a broken file was served"
    for x, y in items:  # whatever it served has the declared shapes
        assert tuple(x.shape) == (len(ds.input_channels), *ds.grid.shape)
        assert tuple(y.shape) == (len(ds.output_channels), *ds.grid.shape)
        assert x.dtype == y.dtype == torch.float32


def test_the_valid_file_is_served(valid):
    ds, items = _read_all(valid)
    assert len(items) == N and ds.grid.shape == (RES, RES)


@FUZZ
@given(st.binary(min_size=0, max_size=4096))
def test_random_bytes_are_refused(tmp_path, data):
    path = tmp_path / "random.h5"
    path.write_bytes(data)
    _served_or_refused(path, must_refuse=True)


@FUZZ
@given(st.data())
def test_truncated_files_are_refused(tmp_path, valid, data):
    whole = valid.read_bytes()
    cut = data.draw(st.integers(0, len(whole) - 1))
    path = tmp_path / "cut.h5"
    path.write_bytes(whole[:cut])
    _served_or_refused(path, must_refuse=True)


def _chunk_spans(path) -> list[tuple[int, int]]:
    """Byte ranges of the stored sample chunks (inputs and outputs) in the file."""
    spans = []
    with h5py.File(path, "r") as f:
        for name in ("inputs", "outputs"):
            for i in range(f[name].id.get_num_chunks()):
                info = f[name].id.get_chunk_info(i)
                spans.append((info.byte_offset, info.size))
    return spans


@FUZZ
@given(st.data())
def test_flipped_sample_bytes_are_served_or_refused(tmp_path, valid, data):
    # Flips land in the sample chunks. Flips in HDF5's own metadata (object headers,
    # B-trees) can make libhdf5 itself segfault or loop forever, which no Python code can
    # catch: those are not fuzzed in-process.
    raw = bytearray(valid.read_bytes())
    spans = _chunk_spans(valid)
    for _ in range(data.draw(st.integers(1, 8))):
        start, size = data.draw(st.sampled_from(spans))
        raw[start + data.draw(st.integers(0, size - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "flipped.h5"
    path.write_bytes(bytes(raw))
    _served_or_refused(path)


def _mutate(f: h5py.File, name: str, how: str) -> None:
    data = f[name][...]
    del f[name]
    if how == "delete":
        return
    if how == "group":
        f.create_group(name)
    elif how == "scalar":
        f[name] = 1.0
    elif how == "fewer samples":
        f[name] = data[:-1]
    elif how == "extra axis":
        f[name] = data[..., None]
    elif how == "text":
        f[name] = np.full(data.shape, b"x", dtype="S1")
    elif how == "coarser grid" and data.ndim == 4:
        f[name] = data[:, :, ::2, ::2]
    else:  # coarser grid of a per-sample column: a wrong length
        f[name] = np.concatenate([data, data])


@FUZZ
@given(
    st.sampled_from(DATASETS),
    st.sampled_from(
        ["delete", "group", "scalar", "fewer samples", "extra axis", "text", "coarser grid"]
    ),
)
def test_missing_or_misshapen_datasets_are_refused(tmp_path, valid, name, how):
    path = tmp_path / "mutated.h5"
    path.write_bytes(valid.read_bytes())
    with h5py.File(path, "r+") as f:
        _mutate(f, name, how)
    if how == "text" and name not in ("inputs", "outputs", "done"):
        _served_or_refused(path)  # a statistics column of strings is not read
    else:
        _served_or_refused(path, must_refuse=True)


attribute_junk = st.one_of(
    st.text(max_size=20),
    st.integers(-3, 3),
    st.just("[]"),
    st.just('[{"n": 9}]'),
    st.just('[{"n": -1, "bounds": [0, 1], "periodic": false, "offset": 0}]'),
    st.just('[{"n": 9, "bounds": [1, 0], "periodic": false, "offset": 0}]'),
    st.just('[{"n": 9, "bounds": [0, 1], "periodic": false, "offset": 7}]'),
    st.just("[1, 2]"),
    st.just('["a", 3]'),
    st.just("sciml-dataset/1"),
)


@FUZZ
@given(
    st.sampled_from(["grid", "input_channels", "output_channels", "format", "complete"]),
    attribute_junk,
)
def test_broken_attributes_are_served_or_refused(tmp_path, valid, key, value):
    path = tmp_path / "attrs.h5"
    path.write_bytes(valid.read_bytes())
    with h5py.File(path, "r+") as f:
        f.attrs[key] = value
    _served_or_refused(path)


def test_each_layout_fault_names_its_part(tmp_path, valid):
    path = tmp_path / "named.h5"
    path.write_bytes(valid.read_bytes())
    with h5py.File(path, "r+") as f:
        _mutate(f, "outputs", "coarser grid")
    with pytest.raises(DatasetError, match=r"'outputs' has shape \(3, 1, 5, 5\), expected"):
        H5Dataset(path)
    path.write_bytes(valid.read_bytes())
    with h5py.File(path, "r+") as f:
        f.attrs["grid"] = json.dumps([{"n": 9}])
    with pytest.raises(DatasetError, match="attribute 'grid' is not a list of 1 to 3 axes"):
        H5Dataset(path)
