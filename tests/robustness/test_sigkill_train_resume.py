"""A real ``kill -9`` of ``sciml train`` (``python -m sciml``, in a subprocess) right after its
first checkpoint, then the same command plus ``--resume``: the final weights, Adam moments,
per-epoch loss and learning-rate history and the reported errors equal those of an
uninterrupted run bit for bit (fixed seed, one thread). The resume and the reference run go
through :func:`sciml.cli.main` in this process, which also shows that the result does not
depend on the process."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from sciml.cli import main
from sciml.data import GenerationConfig, generate
from sciml.training import load_checkpoint, load_training_state

EPOCHS = 30
ARGS = ["--n-modes", "4", "--hidden-channels", "8", "--n-layers", "2", "--batch-size", "4"]
ARGS += ["--epochs", str(EPOCHS), "--seed", "5", "--threads", "1"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "agg"}


def _train(data, out, *extra) -> subprocess.Popen:
    argv = [sys.executable, "-m", "sciml", "train", "fno", "--data", str(data), *ARGS]
    return subprocess.Popen(
        [*argv, "--out", str(out), *extra],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _train_here(data, out, *extra) -> None:
    argv = ["train", "fno", "--data", str(data), *ARGS, "--out", str(out), *extra]
    assert main(argv) == 0


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "darcy.h5"
    generate(GenerationConfig("darcy", n=16, resolution=17, method="direct", seed=2), path)
    return path


@pytest.mark.slow  # three trainings of 30 epochs, one of them a fresh process: ~10 s CPU
def test_sigkill_then_resume_equals_an_uninterrupted_run(data, tmp_path):
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    proc = _train(data, killed)
    ckpt = killed / "checkpoint.pt"
    deadline = time.monotonic() + 180
    while not ckpt.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err
    done = load_training_state(ckpt)["epoch"]
    assert 1 <= done < EPOCHS  # the kill landed mid-run: the resume has work to do

    _train_here(data, killed, "--resume")
    _train_here(data, whole)

    a, b = load_training_state(ckpt), load_training_state(whole / "checkpoint.pt")
    assert a["epoch"] == b["epoch"] == EPOCHS
    for key in ("epoch", "train_loss", "lr"):
        assert a["history"][key] == b["history"][key], key  # every epoch, bit for bit
    assert len(a["history"]["train_loss"]) == EPOCHS
    weights = load_checkpoint(ckpt).state_dict()
    reference = load_checkpoint(whole / "checkpoint.pt").state_dict()
    assert weights.keys() == reference.keys()
    assert all(torch.equal(weights[k], reference[k]) for k in reference)
    moments, reference_moments = a["optimizer"]["state"], b["optimizer"]["state"]
    assert moments.keys() == reference_moments.keys()
    for i, m in moments.items():
        r = reference_moments[i]
        assert torch.equal(m["exp_avg"], r["exp_avg"])
        assert torch.equal(m["exp_avg_sq"], r["exp_avg_sq"])
    results = [json.loads((d / "config.json").read_text())["results"] for d in (killed, whole)]
    for key in ("train_relative_l2", "test_relative_l2", "train_loss", "epochs"):
        assert results[0][key] == results[1][key], key
