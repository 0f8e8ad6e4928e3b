"""`sciml generate`: a run a user can open with h5py, and usage errors as one paragraph
with a fix, exit status 2, no traceback."""

import os
import subprocess
import sys

import h5py
import pytest

from sciml.cli import main


def test_a_run_writes_a_complete_file_and_a_summary(tmp_path, capsys):
    out = tmp_path / "p.h5"
    assert main(["generate", "poisson", "--n", "5", "--resolution", "9", "--out", str(out)]) == 0
    text = capsys.readouterr()
    assert "factor_once" in text.out and "max residual" in text.out and "fallbacks" in text.out
    assert "Pilot" in text.out and "5/5" in text.err  # pilot table; progress bar
    with h5py.File(out) as f:
        assert f["outputs"].shape == (5, 1, 9, 9) and f.attrs["complete"]


def test_param_flags_reach_the_family(tmp_path, capsys):
    out = tmp_path / "b.h5"
    args = ["generate", "burgers", "--n", "2", "--resolution", "32", "--out", str(out)]
    assert main([*args, "--param", "T=0.02", "--param", "record_times=0.01,0.02"]) == 0
    assert "n/a (time stepper" in capsys.readouterr().out
    with h5py.File(out) as f:
        assert f["outputs"].shape == (2, 2, 32) and f.attrs["method"] == "family_solver"


@pytest.mark.parametrize(
    "args, words",
    [
        (["navier_stokez", "--n", "2"], ["unknown problem family", "navier_stokes"]),
        (["darcy", "--n", "0"], ["n (the number of samples)", "Fix:"]),
        (["darcy", "--n", "-3"], ["n (the number of samples)"]),
        (["darcy", "--resolution", "2"], ["resolution must be an integer >= 3", "Fix:"]),
        (["darcy", "--param", "beta=1"], ["no parameter 'beta'", "coefficient"]),
        (["burgers", "--method", "direct"], ["own pseudo-spectral", "drop --method"]),
        (["helmholtz", "--method", "amg_cg"], ["does not apply", "gcrodr"]),
        (["darcy", "--rtol", "2"], ["0 < rtol < 1"]),
    ],
)
def test_bad_requests_exit_2_with_one_paragraph(tmp_path, capsys, args, words):
    argv = ["generate", *args, "--out", str(tmp_path / "x.h5")]
    argv += [] if "--n" in args else ["--n", "3"]
    argv += [] if "--resolution" in args else ["--resolution", "9"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("sciml generate: error: ") and err.count("\n") == 1
    assert all(w in err for w in words), err
    assert not any(tmp_path.iterdir())


def _unwritable_folder(tmp_path):
    if os.geteuid() == 0:  # root writes anywhere a mode allows; /proc refuses new files
        return "/proc"
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    return str(folder)


@pytest.mark.parametrize(
    "where, words",
    [
        ("missing", ["output folder does not exist", "mkdir -p"]),
        ("unwritable", ["output folder is not writable"]),
    ],
)
def test_output_paths_that_cannot_work_exit_2(tmp_path, capsys, where, words):
    folder = tmp_path / "no" / "such" if where == "missing" else _unwritable_folder(tmp_path)
    argv = ["generate", "darcy", "--n", "2", "--resolution", "9", "--out", f"{folder}/d.h5"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err


def test_a_truncated_partial_file_is_explained_in_a_subprocess(tmp_path):
    out = tmp_path / "d.h5"
    (tmp_path / "d.h5.partial").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 40)
    args = ["generate", "darcy", "--n", "2", "--resolution", "9", "--out", str(out), "--resume"]
    proc = subprocess.run(
        [sys.executable, "-m", "sciml", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        timeout=120,
    )
    assert proc.returncode == 2
    assert "truncated or corrupt" in proc.stderr and "Fix:" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not out.exists()


def test_an_existing_file_is_not_clobbered(tmp_path, capsys):
    out = tmp_path / "d.h5"
    out.write_text("precious")
    argv = ["generate", "darcy", "--n", "2", "--resolution", "9", "--out", str(out)]
    assert main(argv) == 2
    assert "already exists" in capsys.readouterr().err and out.read_text() == "precious"
    assert main([*argv, "--resume"]) == 2  # not an HDF5 file: explained, still untouched
    assert "truncated or corrupt" in capsys.readouterr().err and out.read_text() == "precious"


def test_generate_help_lists_every_family_and_method(capsys):
    assert main(["generate", "--help"]) == 0
    text = capsys.readouterr().out
    for word in ("navier_stokes:", "sweep:", "omega_min=9", "gcrodr_recycled_sorted", "--resume"):
        assert word in text
