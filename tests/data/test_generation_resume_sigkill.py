"""A real `kill -9` in the middle of `sciml generate`: the partial file stays readable, no
final file appears, and `--resume` completes it to the same data as an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

from sciml.data import GenerationConfig, generate, partial_path

ARGS = ["darcy", "--n", "60", "--resolution", "97", "--method", "direct", "--chunk", "2"]


def _sciml(*args, **kwargs):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "sciml", "generate", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def _done(path) -> int:
    try:  # the writer holds the file: read without HDF5's lock
        with h5py.File(path, "r", locking=False) as f:
            return int(f["done"][...].sum())
    except (OSError, KeyError):
        return 0  # not created yet


def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path):
    out = tmp_path / "darcy.h5"
    part = partial_path(out)
    proc = _sciml(*ARGS, "--out", str(out))
    deadline = time.monotonic() + 60
    while _done(part) < 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert not out.exists()
    with h5py.File(part, "r") as f:  # readable after the kill, lock released
        done = f["done"][...]
        assert 8 <= done.sum() < 60 and not f.attrs["complete"]
        assert np.isfinite(f["outputs"][np.flatnonzero(done)]).all()

    resumed = _sciml(*ARGS, "--out", str(out), "--resume")
    stdout, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, stderr
    assert f"{60 - int(done.sum())} solved by this run, resumed" in stdout
    assert out.exists() and not part.exists()

    config = GenerationConfig("darcy", n=60, resolution=97, method="direct")
    generate(config, tmp_path / "whole.h5", chunk=7)
    with h5py.File(out, "r") as a, h5py.File(tmp_path / "whole.h5", "r") as b:
        assert a.attrs["complete"] and a["done"][...].all()
        assert a.attrs["config_hash"] == b.attrs["config_hash"]
        assert np.array_equal(a["inputs"][...], b["inputs"][...])
        assert np.array_equal(a["outputs"][...], b["outputs"][...])  # direct: bit for bit
        for name in ("residual", "iterations", "matvecs", "fallback", "solve_order"):
            assert np.array_equal(a[name][...], b[name][...]), name  # nothing lost, nothing else
        for key in ("family", "parameters", "grid", "seed", "method", "config"):
            assert a.attrs[key] == b.attrs[key], key
