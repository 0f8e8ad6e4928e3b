"""``sciml train`` and ``sciml evaluate`` on a tiny generated Darcy data set: outputs, error
tables, usage errors (exit status 2, one paragraph, no traceback) and a resume after a real
SIGKILL that ends with the weights of an uninterrupted run."""

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest
import torch

from sciml.cli import evaluate, train
from sciml.cli._common import UserError
from sciml.data import GenerationConfig, generate
from sciml.training import load_checkpoint, load_training_state

TINY = ["--n-modes", "4", "--hidden-channels", "8", "--n-layers", "2", "--batch-size", "4"]

DRIVER = """
import argparse, sys
from sciml.cli import train
parser = argparse.ArgumentParser(prog="sciml")
train.add_parser(parser.add_subparsers(dest="command"))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.handler(args))
"""


def cli(*argv) -> int:
    """Run a subcommand as ``sciml`` would: UserError -> message on stderr, exit 2."""
    parser = argparse.ArgumentParser(prog="sciml")
    commands = parser.add_subparsers(dest="command")
    train.add_parser(commands)
    evaluate.add_parser(commands)
    args = parser.parse_args([str(a) for a in argv])
    try:
        return args.handler(args)
    except UserError as exc:
        print(f"sciml {args.command}: error: {exc}", file=sys.stderr)
        return 2


def expect_usage_error(capsys, *argv) -> str:
    assert cli(*argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


@pytest.fixture(scope="module")
def darcy(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "darcy17.h5"
    generate(GenerationConfig("darcy", n=24, resolution=17, method="direct", seed=0), path)
    return path


@pytest.fixture(scope="module")
def trained(darcy, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "fno"
    assert cli("train", "fno", "--data", darcy, "--epochs", 2, *TINY, "--out", out) == 0
    return out


def test_train_writes_checkpoint_config_and_table(trained, darcy, capsys):
    config = json.loads((trained / "config.json").read_text())
    assert config["options"]["model"] == "fno" and config["n_train"] + config["n_test"] == 24
    results = config["results"]
    assert results["epochs"] == 2 and results["parameters"] > 0
    for key in ("train_relative_l2", "test_relative_l2"):
        assert math.isfinite(results[key]) and 0 < results[key] < 10
    assert load_training_state(trained / "checkpoint.pt")["epoch"] == 2
    # a second run into the same folder must say --resume
    err = expect_usage_error(capsys, "train", "fno", "--data", darcy, *TINY, "--out", trained)
    assert "--resume" in err


def test_train_with_multiresolution_and_its_errors(darcy, tmp_path, capsys):
    out = tmp_path / "mr"
    argv = ["train", "fno", "--data", darcy, "--epochs", 1, *TINY]
    assert cli(*argv, "--multiresolution", "1,2", "--out", out) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["options"]["multiresolution"] == [1, 2]
    assert load_training_state(out / "checkpoint.pt")["settings"]["multiresolution"] == [1, 2]
    # resuming with another cycle is refused; 17 nodes = 16 cells: 3 does not divide them
    err = expect_usage_error(capsys, *argv, "--out", out, "--resume")
    assert "multiresolution" in err
    err = expect_usage_error(capsys, *argv, "--multiresolution", "1,3", "--out", tmp_path / "a")
    assert "factor 3 does not divide" in err
    # 4 modes need 8 points per axis: the 5-node grid of factor 4 is too coarse
    err = expect_usage_error(capsys, *argv, "--multiresolution", "1,4", "--out", tmp_path / "b")
    assert "coarse grid (5, 5)" in err and "2 * n_modes" in err
    with pytest.raises(SystemExit):
        cli(*argv, "--multiresolution", "1,0")
    assert "factors >= 1" in capsys.readouterr().err


def test_evaluate_training_and_other_resolutions(trained, darcy, tmp_path, capsys):
    out = tmp_path / "eval"
    code = cli(
        "evaluate",
        trained / "checkpoint.pt",
        "--data",
        darcy,
        "--resolution",
        9,
        12,
        "--out",
        out,
        "--samples",
        2,
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "17x17" in text and "9x9" in text and "12x12" in text and "zero-shot" in text
    rows = json.loads((out / "evaluation.json").read_text())["rows"]
    assert [tuple(r["grid"]) for r in rows] == [(17, 17), (9, 9), (12, 12)]
    assert [r["targets"] for r in rows] == ["file", "subsampled", "resampled"]
    assert all(math.isfinite(r["relative_l2"]) and r["relative_l2"] > 0 for r in rows)
    for name in ("predictions_17x17.png", "predictions_9x9.png"):
        assert (out / name).stat().st_size > 10_000


def test_train_errors(darcy, tmp_path, capsys):
    missing = tmp_path / "none.h5"
    assert "no such data set file" in expect_usage_error(
        capsys, "train", "fno", "--data", missing, "--out", tmp_path / "a"
    )
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"not an hdf5 file" * 64)
    expect_usage_error(capsys, "train", "fno", "--data", garbage, "--out", tmp_path / "b")
    nan = tmp_path / "nan.h5"
    shutil.copy(darcy, nan)
    with h5py.File(nan, "r+") as f:
        f["outputs"][3, 0, 5, 5] = np.nan
    err = expect_usage_error(capsys, "train", "fno", "--data", nan, "--out", tmp_path / "c")
    assert "NaN" in err and "sample 3" in err
    # FNO with 12 modes needs 24 points per axis; the grid has 17
    err = expect_usage_error(
        capsys, "train", "fno", "--data", darcy, "--n-modes", 12, "--out", tmp_path / "d"
    )
    assert "2 * n_modes" in err
    err = expect_usage_error(
        capsys, "train", "fno", "--data", darcy, "--resume", "--out", tmp_path / "e"
    )
    assert "checkpoint.pt" in err


def test_evaluate_errors(trained, darcy, tmp_path, capsys):
    ckpt = trained / "checkpoint.pt"
    base = ["--out", tmp_path / "eval"]
    expect_usage_error(capsys, "evaluate", trained / "nope.pt", "--data", darcy, *base)
    corrupt = tmp_path / "corrupt" / "checkpoint.pt"
    corrupt.parent.mkdir()
    shutil.copy(trained / "config.json", corrupt.parent / "config.json")
    corrupt.write_bytes(ckpt.read_bytes()[:500])
    assert "cannot be loaded" in expect_usage_error(
        capsys, "evaluate", corrupt, "--data", darcy, *base
    )
    expect_usage_error(capsys, "evaluate", ckpt, "--data", tmp_path / "no.h5", *base)
    two = tmp_path / "two_channels.h5"
    shutil.copy(darcy, two)
    with h5py.File(two, "r+") as f:
        x = f["inputs"][...]
        del f["inputs"]
        f["inputs"] = np.concatenate([x, x], axis=1)
        f.attrs["input_channels"] = json.dumps(["a", "b"])
    assert "channels" in expect_usage_error(capsys, "evaluate", ckpt, "--data", two, *base)
    # 4 modes need 8 points per axis
    assert "2 * n_modes" in expect_usage_error(
        capsys, "evaluate", ckpt, "--data", darcy, "--resolution", 5, *base
    )


def test_mgno_refuses_a_size_its_vcycle_cannot_halve(darcy, tmp_path, capsys):
    out = tmp_path / "mgno"
    args = ["--hidden-channels", 4, "--n-layers", 1, "--epochs", 1]
    assert cli("train", "mgno", "--data", darcy, *args, "--out", out) == 0
    capsys.readouterr()
    err = expect_usage_error(
        capsys, "evaluate", out / "checkpoint.pt", "--data", darcy, "--resolution", 12
    )
    assert "MgNO" in err and "divisible" in err


def test_resume_after_sigkill_matches_an_uninterrupted_run(darcy, tmp_path):
    epochs = 30
    common = ["train", "fno", "--data", darcy, "--epochs", epochs, "--seed", 3, *TINY]
    common = [str(a) for a in common] + ["--threads", "1"]
    killed = tmp_path / "killed"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "agg"}
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, *common, "--out", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    ckpt = killed / "checkpoint.pt"
    deadline = time.monotonic() + 120
    while not ckpt.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err.decode()
    done = load_training_state(ckpt)["epoch"]
    assert 1 <= done < epochs
    assert cli(*common, "--out", killed, "--resume") == 0
    assert load_training_state(ckpt)["epoch"] == epochs

    whole = tmp_path / "whole"
    assert cli(*common, "--out", whole) == 0
    resumed = load_checkpoint(ckpt).state_dict()
    reference = load_checkpoint(whole / "checkpoint.pt").state_dict()
    assert resumed.keys() == reference.keys()
    assert all(torch.equal(resumed[k], reference[k]) for k in reference)
    # a resumed run must repeat the original options
    assert cli(*common, "--lr", "0.01", "--out", killed, "--resume") == 2
