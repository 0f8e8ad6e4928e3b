"""Every user error of the ``sciml`` commands ends in one paragraph on stderr that names the
problem and the fix, no traceback, and exit status 2: bad arguments, missing / corrupt /
truncated data sets and checkpoints, NaN/Inf in data, mismatched channels, dimensions and
resolutions, non-convergence, and requests too large for the machine (refused before
allocating, with the estimated size). Run in-process through :func:`sciml.cli.main`."""

import json
import shutil

import h5py
import numpy as np
import pytest
import torch

import sciml.cli.validate
from sciml.cli import main
from sciml.core import ConvergenceError
from sciml.data import GenerationConfig, generate

TINY = ["--n-modes", "4", "--hidden-channels", "8", "--n-layers", "2", "--batch-size", "4"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A good data set and run, and one broken copy of each kind."""
    d = tmp_path_factory.mktemp("robust")
    good = d / "darcy17.h5"
    generate(GenerationConfig("darcy", n=6, resolution=17, method="direct"), good)
    generate(GenerationConfig("burgers", n=2, resolution=32, params={"T": 0.02}), d / "b32.h5")
    raw = good.read_bytes()
    (d / "truncated.h5").write_bytes(raw[: len(raw) // 2])
    (d / "random.h5").write_bytes(np.random.default_rng(0).bytes(4096))
    (d / "empty.h5").write_bytes(b"")
    with h5py.File(d / "foreign.h5", "w") as f:
        f["a"] = np.zeros(3)

    def variant(name, edit):
        shutil.copy(good, d / name)
        with h5py.File(d / name, "r+") as f:
            edit(f)

    def replace(name, fn):
        return lambda f: f.__setitem__(name, fn(f.pop(name)[...]))

    variant("inf.h5", lambda f: f["inputs"].__setitem__((2, 0, 3, 3), np.inf))
    variant("nan.h5", lambda f: f["outputs"].__setitem__((4, 0, 1, 1), np.nan))
    variant("coarse_inputs.h5", replace("inputs", lambda x: x[:, :, ::2, ::2]))
    variant("fewer_outputs.h5", replace("outputs", lambda x: x[:-2]))
    variant("text_inputs.h5", replace("inputs", lambda x: np.full(x.shape, b"a", "S1")))
    variant("bad_grid.h5", lambda f: f.attrs.__setitem__("grid", "{not json"))
    variant("two_channels.h5", replace("inputs", lambda x: np.concatenate([x, x], 1)))
    with h5py.File(d / "two_channels.h5", "r+") as f:
        f.attrs["input_channels"] = json.dumps(["a", "b"])
    partial = d / "partial.h5"
    shutil.copy(good, partial)
    with h5py.File(partial, "r+") as f:
        f.attrs.modify("complete", False)

    run = d / "run"
    argv = ["train", "fno", "--data", str(good), "--epochs", "1", *TINY, "--out", str(run)]
    assert main(argv) == 0
    ckpt = run / "checkpoint.pt"
    payload = torch.load(ckpt, weights_only=True)

    def broken_run(name, data=None, config=None, payload_edit=None):
        folder = d / name
        folder.mkdir()
        shutil.copy(run / "config.json", folder / "config.json")
        if config is not None:
            (folder / "config.json").write_text(config)
        if payload_edit is not None:
            p = dict(payload, model=dict(payload["model"]))
            payload_edit(p)
            torch.save(p, folder / "checkpoint.pt")
        else:
            (folder / "checkpoint.pt").write_bytes(ckpt.read_bytes() if data is None else data)

    broken_run("ck_truncated", data=ckpt.read_bytes()[:2000])
    broken_run("ck_random", data=np.random.default_rng(1).bytes(3000))
    broken_run("ck_empty", data=b"")
    broken_run("ck_bad_config", config="{truncated")
    broken_run("ck_no_scaling", config=json.dumps({"grid": 1, "model": 2}))
    broken_run("ck_foreign", payload_edit=lambda p: p.update(format="other/1"))
    broken_run("ck_bad_spec", payload_edit=lambda p: p.update(spec='{"class": "Nope"}'))
    key = next(iter(payload["model"]))
    broken_run("ck_bad_weights", payload_edit=lambda p: p["model"].update({key: torch.zeros(1)}))
    (d / "ck_no_config").mkdir()
    shutil.copy(ckpt, d / "ck_no_config" / "checkpoint.pt")
    return d


def one_paragraph(capsys, argv, command):
    """Run ``sciml ARGV``; assert exit 2 and a one-paragraph error (the last line of stderr,
    after any progress a long command printed); return its text."""
    assert main([str(a) for a in argv]) == 2
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr and stderr.endswith("\n"), stderr
    err = stderr.splitlines()[-1]
    assert err.startswith(f"sciml {command}: error: "), stderr
    assert stderr.count(f"sciml {command}: error") == 1, stderr
    assert "Fix" in err or "fix" in err, err
    return err


# ------------------------------------------------------------------------- data sets
DATA_CASES = [
    ("missing.h5", ["no such data set file"]),
    ("truncated.h5", ["not a readable HDF5 file (truncated or corrupt)"]),
    ("random.h5", ["not a readable HDF5 file"]),
    ("empty.h5", ["not a readable HDF5 file"]),
    ("foreign.h5", ["not a sciml data set"]),
    ("inf.h5", ["NaN or infinite values", "sample 2"]),
    ("nan.h5", ["NaN or infinite values", "sample 4"]),
    ("coarse_inputs.h5", ["'inputs' has shape (6, 1, 9, 9), expected (6, 1, 17, 17)"]),
    ("fewer_outputs.h5", ["'outputs' has shape (4, 1, 17, 17)"]),
    ("text_inputs.h5", ["'inputs' has dtype |S1, expected float"]),
    ("bad_grid.h5", ["attribute 'grid' is not valid JSON"]),
    ("partial.h5", ["not a complete data set", "--resume"]),
    (".", ["is a folder"]),
]


@pytest.mark.parametrize("name, words", DATA_CASES, ids=[c[0] for c in DATA_CASES])
@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_unusable_data_sets(files, capsys, tmp_path, command, name, words):
    data = files / name
    if command == "train":
        argv = ["train", "fno", "--data", data, *TINY, "--out", tmp_path / "run"]
    else:
        argv = ["evaluate", files / "run" / "checkpoint.pt", "--data", data]
        argv += ["--out", tmp_path / "eval"]
    err = one_paragraph(capsys, argv, command)
    assert all(w in err for w in words), err
    assert not (tmp_path / "run" / "checkpoint.pt").exists()


# ------------------------------------------------------------------------- checkpoints
CHECKPOINT_CASES = [
    ("ck_missing", ["no checkpoint at"]),
    ("ck_truncated", ["cannot be read as a checkpoint", "truncated, corrupt or foreign"]),
    ("ck_random", ["cannot be read as a checkpoint"]),
    ("ck_empty", ["cannot be read as a checkpoint"]),
    ("ck_foreign", ["is not a sciml checkpoint", "'other/1'"]),
    ("ck_bad_spec", ["model spec stored in checkpoint.pt cannot be rebuilt"]),
    ("ck_bad_weights", ["weights in checkpoint.pt do not fit the model", "size mismatch"]),
    ("ck_bad_config", ["not a 'sciml train' config", "JSONDecodeError"]),
    ("ck_no_scaling", ["not a 'sciml train' config"]),
    ("ck_no_config", ["not a 'sciml train' config", "No such file"]),
]


@pytest.mark.parametrize("name, words", CHECKPOINT_CASES, ids=[c[0] for c in CHECKPOINT_CASES])
def test_unusable_checkpoints(files, capsys, tmp_path, name, words):
    argv = ["evaluate", files / name / "checkpoint.pt", "--data", files / "darcy17.h5"]
    err = one_paragraph(capsys, [*argv, "--out", tmp_path], "evaluate")
    assert all(w in err for w in words), err


@pytest.mark.parametrize("name", ["ck_truncated", "ck_bad_weights", "ck_bad_config"])
def test_resume_from_an_unusable_run_folder(files, capsys, tmp_path, name):
    out = tmp_path / name
    shutil.copytree(files / name, out)
    config = json.loads((files / "run" / "config.json").read_text())
    if name != "ck_bad_config":  # a config of this very command, so the options match
        (out / "config.json").write_text(json.dumps(config))
    argv = ["train", "fno", "--data", config["options"]["data"], "--epochs", "1", *TINY]
    err = one_paragraph(capsys, [*argv, "--out", out, "--resume"], "train")
    assert "--resume" in err and ("another --out" in err or "drop --resume" in err), err


# ------------------------------------------------------------------------- mismatches
def test_mismatched_channels_dimensions_and_resolutions(files, capsys, tmp_path):
    ckpt = files / "run" / "checkpoint.pt"
    out = ["--out", tmp_path]
    err = one_paragraph(
        capsys, ["evaluate", ckpt, "--data", files / "two_channels.h5", *out], "evaluate"
    )
    assert "has 2 input and 1 output channels" in err and "maps 1 to 1" in err
    err = one_paragraph(capsys, ["evaluate", ckpt, "--data", files / "b32.h5", *out], "evaluate")
    assert "grid (32,)" in err and "2-D" in err
    err = one_paragraph(  # 4 kept modes need 8 points per axis
        capsys,
        ["evaluate", ckpt, "--data", files / "darcy17.h5", "--resolution", 5, *out],
        "evaluate",
    )
    assert "2 * n_modes" in err
    argv = ["train", "fno", "--data", files / "darcy17.h5", "--test", files / "b32.h5", *TINY]
    err = one_paragraph(capsys, [*argv, "--out", tmp_path / "r"], "train")
    assert "does not match --data: grid (32,) vs (17, 17)" in err
    argv = ["train", "fno", "--data", files / "darcy17.h5", "--subsample", 3, *TINY]
    err = one_paragraph(capsys, [*argv, "--out", tmp_path / "r"], "train")
    assert "stride 3 does not map" in err


# ------------------------------------------------------------------------- too large
def test_absurd_requests_are_refused_before_allocating(files, capsys, tmp_path, monkeypatch):
    def gen(*args):
        return ["generate", *map(str, args), "--out", tmp_path / "big.h5"]

    for argv in (
        gen("darcy", "--n", 10, "--resolution", 100_000),
        gen("darcy", "--n", 10**9, "--resolution", 64),
        gen("navier_stokes", "--n", 2, "--resolution", 100_000),
        gen("burgers", "--n", 10**11, "--resolution", 1024),
    ):
        err = one_paragraph(capsys, argv, "generate")
        assert "GiB of memory" in err and "refused before allocating" in err, err
        assert "GiB on disk" in err and "lower --resolution" in err
    assert not any(tmp_path.iterdir())
    # fits in memory, one sample at a time, but not on the disk (1 MB free)
    full = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: full._replace(free=2**20))
    err = one_paragraph(capsys, gen("darcy", "--n", 1000, "--resolution", 17), "generate")
    assert "would take about 4.41 MiB on disk" in err and "1 MiB free" in err, err
    assert "refused before writing" in err and "larger disk" in err
    assert not any(tmp_path.iterdir())
    monkeypatch.undo()

    argv = ["train", "fno", "--data", files / "darcy17.h5", "--hidden-channels", 10**8]
    err = one_paragraph(capsys, [*argv, "--out", tmp_path / "r"], "train")
    assert "TiB of memory" in err and "refused before allocating" in err
    assert "lower --hidden-channels" in err and not (tmp_path / "r").exists()
    argv = ["evaluate", files / "run" / "checkpoint.pt", "--data", files / "darcy17.h5"]
    err = one_paragraph(capsys, [*argv, "--resolution", 100_000, "--out", tmp_path], "evaluate")
    assert "grid (100000, 100000)" in err and "of memory" in err


def test_out_of_memory_inside_a_command_is_one_paragraph(capsys, monkeypatch):
    def exhausted(args):
        raise RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate")

    monkeypatch.setattr(sciml.cli.validate, "run", exhausted)
    err = one_paragraph(capsys, ["validate"], "validate")
    assert "ran out of memory" in err


def test_sciml_errors_escaping_a_command_are_one_paragraph_bugs_keep_tracebacks(
    capsys, monkeypatch
):
    def stalls(args):
        raise ConvergenceError("GMRES stalled after 500 iterations. Fix: raise max_iter.")

    monkeypatch.setattr(sciml.cli.validate, "run", stalls)
    err = one_paragraph(capsys, ["validate"], "validate")
    assert "GMRES stalled" in err and "SCIML_TRACEBACK=1" in err
    monkeypatch.setenv("SCIML_TRACEBACK", "1")
    with pytest.raises(ConvergenceError):
        main(["validate"])

    def bug(args):
        return [][1]

    monkeypatch.setattr(sciml.cli.validate, "run", bug)
    with pytest.raises(IndexError):  # a bug is not dressed up as a user error
        main(["validate"])


# ------------------------------------------------------------------------- non-convergence
def test_a_tolerance_no_solver_meets_keeps_the_partial_file(capsys, tmp_path):
    out = tmp_path / "d.h5"
    argv = ["generate", "darcy", "--n", 2, "--resolution", 9, "--method", "cg"]
    err = one_paragraph(capsys, [*argv, "--rtol", "1e-17", "--out", out], "generate")
    assert "above the tolerance" in err and "d.h5.partial" in err and "larger --rtol" in err
    assert not out.exists() and (tmp_path / "d.h5.partial").exists()


# ------------------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    "argv, words",
    [
        (["train", "fno", "--data", "x.h5", "--lr", "inf"], ["--lr", "finite positive"]),
        (["train", "fno", "--data", "x.h5", "--lr", "nan"], ["--lr"]),
        (["train", "fno", "--data", "x.h5", "--split", "1"], ["--split", "strictly between"]),
        (["train", "fno", "--data", "x.h5", "--epochs", "0"], ["--epochs", "positive"]),
        (["train", "nope", "--data", "x.h5"], ["invalid choice: 'nope'"]),
        (["evaluate", "c.pt", "--data", "x.h5", "--resolution", "0"], ["--resolution"]),
        (["generate", "darcy", "--n", "2", "--resolution", "x", "--out", "d.h5"], ["invalid"]),
        (["generate", "darcy", "--n", "2", "--resolution", "9", "--seed", "-1"], ["--seed"]),
        (["validate", "--tier", "nope"], ["--tier"]),
        (["solve", "p", "--grid", "0"], ["--grid"]),
        ([], ["choose a command"]),
    ],
)
def test_bad_arguments_exit_2_with_usage(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and all(w in err for w in words), err


@pytest.mark.parametrize(
    "argv, words",
    [
        (["generate", "darcy", "--n", "2", "--resolution", "9", "--rtol", "nan"], ["rtol"]),
        (["generate", "darcy", "--n", "2", "--resolution", "9", "--param", "tau=x"], ["tau"]),
        (["generate", "darcy", "--n", "2", "--resolution", "9", "--param", "tau=-1"], ["tau"]),
        (["validate", "--only", "no-such-claim", "--list"], ["no claim matches"]),
        (["solve", "no-such-problem"], ["unknown problem"]),
    ],
)
def test_bad_values_are_one_paragraph(capsys, tmp_path, argv, words):
    if argv[0] == "generate":
        argv = [*argv, "--out", str(tmp_path / "d.h5")]
    err = one_paragraph(capsys, argv, argv[0])
    assert all(w in err for w in words), err


# ------------------------------------------------------------------------- other commands
@pytest.mark.parametrize(
    "argv, words",
    [
        (["transport", "sinkhorn", "--n", "200000"], ["--n 200000", "memory"]),
        (["transport", "sinkhorn", "--n", "50", "--reg-factor", "nan"], ["--reg-factor"]),
        (["transport", "lightsb", "--dim", "2", "--eps", "-1", "--steps", "1"], ["--eps"]),
        (["quickstart", "--out", "{file}"], ["is an existing file"]),
    ],
)
def test_transport_and_quickstart_refuse_bad_values(capsys, tmp_path, argv, words):
    (tmp_path / "file").write_text("precious")
    argv = [a.format(file=tmp_path / "file") for a in argv]
    err = one_paragraph(capsys, argv, argv[0])
    assert all(w in err for w in words), err
    assert (tmp_path / "file").read_text() == "precious"
