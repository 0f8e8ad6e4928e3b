"""generate(): data independent of chunking and order, stored at their index, methods and
pilots recorded, interruptions resumed, existing files never clobbered."""

import h5py
import numpy as np
import pytest
import torch

from sciml.core import Field
from sciml.data import DatasetError, GenerationConfig, generate, partial_path
from sciml.solvers.krylov.auto import METHODS


def _read(path, *names):
    with h5py.File(path, "r") as f:
        return [f[name][...] for name in names]


def _relative_residuals(config, path):
    """True relative residual of every stored output against its own sample's system."""
    fam = config.problem
    x, u = _read(path, "inputs", "outputs")
    out = []
    for xi, ui in zip(x, u):
        A, b = fam.assemble(xi)
        v = ui[0, 1:-1, 1:-1].reshape(-1)
        out.append(np.linalg.norm(b - A @ v) / np.linalg.norm(b))
    return np.array(out)


@pytest.fixture(scope="module")
def darcy_direct(tmp_path_factory):
    config = GenerationConfig("darcy", n=12, resolution=17, seed=5, method="direct")
    path = tmp_path_factory.mktemp("direct") / "d.h5"
    report = generate(config, path, chunk=1)
    return config, path, report


def test_inputs_are_the_familys_per_sample_draws(darcy_direct):
    config, path, _ = darcy_direct
    (x,) = _read(path, "inputs")
    expected = config.problem.sample_inputs(12, rng=5).values.numpy()
    assert np.array_equal(x, expected)


def test_chunking_changes_nothing_bit_for_bit(darcy_direct, tmp_path):
    config, path, _ = darcy_direct
    other = tmp_path / "d5.h5"
    generate(config, other, chunk=5)
    for a, b in zip(_read(path, "inputs", "outputs"), _read(other, "inputs", "outputs")):
        assert np.array_equal(a, b)


def test_the_file_carries_its_metadata(darcy_direct):
    config, path, report = darcy_direct
    with h5py.File(path, "r") as f:
        a = f.attrs
        assert a["family"] == "darcy" and a["method"] == "direct" and a["complete"]
        assert a["config_hash"] == config.hash and a["seed"] == 5
        assert '"coefficient": "threshold"' in a["parameters"]
        assert '"dirichlet"' in a["boundary_conditions"] and a["version"]
        assert f["done"][...].all() and not f["fallback"][...].any()
        assert f["residual"][...].max() <= 1e-8 and (f["matvecs"][...] >= 1).all()
    assert report.solved == 12 and report.n == 12 and report.max_residual <= 1e-8


def test_sorted_recycling_stores_each_output_at_its_own_index(tmp_path):
    config = GenerationConfig("darcy", n=10, resolution=17, method="gcrodr_recycled_sorted")
    path = tmp_path / "s.h5"
    report = generate(config, path, chunk=3)
    (order,) = _read(path, "solve_order")
    assert sorted(order.tolist()) == list(range(10)) and order.tolist() != list(range(10))
    assert report.sort and order[0] == 0
    assert (_relative_residuals(config, path) <= 1e-8).all()


def test_auto_records_the_pilot_and_meets_the_tolerance(tmp_path):
    config = GenerationConfig("convection_diffusion", n=7, resolution=17, rtol=1e-9)
    report = generate(config, tmp_path / "c.h5")
    assert report.method in METHODS and report.method not in ("cg", "amg_cg", "factor_once")
    assert report.pilot["pilot_samples"] == 6 and "chosen_because" in report.pilot
    assert report.pilot[report.method]["status"] == "SUCCESS"
    assert (_relative_residuals(config, tmp_path / "c.h5") <= 1e-9).all()


@pytest.mark.parametrize(
    "family, params",
    [("heat", {"steps": 3}), ("burgers", {"T": 0.05}), ("navier_stokes", {"T": 0.02, "dt": 0.01})],
)
def test_time_dependent_families_match_their_own_solver(tmp_path, family, params):
    config = GenerationConfig(family, n=3, resolution=16 if family != "heat" else 9, params=params)
    report = generate(config, tmp_path / "t.h5")
    x, u = _read(tmp_path / "t.h5", "inputs", "outputs")
    fam = config.problem
    reference = np.stack(
        [fam.solve(Field(torch.from_numpy(xi[None]), fam.grid)).values[0].numpy() for xi in x]
    )
    assert u.shape == reference.shape and np.allclose(u, reference, rtol=0, atol=1e-12)
    if family == "heat":
        assert report.method == "factor_once" and u.shape[1] == 4
    else:
        assert report.method == "family_solver" and np.isnan(report.max_residual)


def test_an_interrupted_run_resumes_the_missing_samples_only(tmp_path):
    config = GenerationConfig("sweep", n=12, resolution=17, method="gcrodr_recycled")
    path = tmp_path / "sweep.h5"

    def stop_after_five(done, n):
        if done >= 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(config, path, chunk=2, progress=stop_after_five)
    assert not path.exists() and partial_path(path).exists()
    (done,) = _read(partial_path(path), "done")
    assert done.sum() == 6  # three chains of two were written before the stop
    with pytest.raises(DatasetError, match="--resume"):
        generate(config, path)
    report = generate(config, path, resume=True, chunk=2)
    assert report.resumed and report.solved == 6 and not partial_path(path).exists()
    generate(config, tmp_path / "whole.h5", chunk=2)
    x1, u1 = _read(path, "inputs", "outputs")
    x2, u2 = _read(tmp_path / "whole.h5", "inputs", "outputs")
    assert np.array_equal(x1, x2)
    assert np.abs(u1 - u2).max() <= 1e-6 * np.abs(u2).max()  # iterative: to tolerance
    assert (_relative_residuals(config, path) <= 1e-8).all()


def test_resume_with_other_options_names_the_differences(tmp_path):
    config = GenerationConfig("darcy", n=4, resolution=9, method="direct")
    path = tmp_path / "d.h5"

    def stop(done, n):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(config, path, chunk=1, progress=stop)
    changed = GenerationConfig("darcy", n=4, resolution=9, method="direct", seed=7)
    with pytest.raises(DatasetError) as err:
        generate(changed, path, resume=True)
    assert "seed: file 0 vs now 7" in str(err.value) and "--overwrite" in str(err.value)
    assert partial_path(path).exists()


def test_existing_files_are_never_clobbered(tmp_path):
    config = GenerationConfig("poisson", n=3, resolution=9)
    path = tmp_path / "p.h5"
    generate(config, path)
    stamp = path.stat().st_mtime_ns
    with pytest.raises(DatasetError, match="already exists"):
        generate(config, path)
    assert generate(config, path, resume=True).solved == 0
    assert path.stat().st_mtime_ns == stamp
    other = GenerationConfig("poisson", n=3, resolution=9, seed=1)
    with pytest.raises(DatasetError, match="different configuration"):
        generate(other, path, resume=True)
    generate(other, path, overwrite=True)
    with h5py.File(path) as f:
        assert f.attrs["seed"] == 1


def test_a_sample_above_tolerance_blocks_finalization(tmp_path):
    config = GenerationConfig("darcy", n=3, resolution=9, method="direct", rtol=1e-18)
    path = tmp_path / "d.h5"
    with pytest.raises(DatasetError, match="above the tolerance"):
        generate(config, path)
    assert not path.exists() and partial_path(path).exists()


@pytest.mark.parametrize(
    "out, match",
    [("missing/d.h5", "output folder does not exist"), (".", "--out names a folder")],
)
def test_bad_output_paths_are_refused_before_any_work(tmp_path, out, match):
    with pytest.raises(DatasetError, match=match):
        generate(GenerationConfig("darcy", n=2, resolution=9), tmp_path / out)
