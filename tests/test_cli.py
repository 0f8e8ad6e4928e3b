"""The ``sciml`` command: version, help for every subcommand, a full fast validation run
and clean usage errors (exit status 2, one message, no traceback)."""

import argparse
import json
import os
import subprocess
import sys

import pytest

from sciml import __version__
from sciml.cli import build_parser, main


def sciml(*args, cwd=None, timeout=240):
    env = {**os.environ, "OMP_NUM_THREADS": "2", "MPLBACKEND": "agg"}
    return subprocess.run(
        [sys.executable, "-m", "sciml", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def subcommands():
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_version():
    out = sciml("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"sciml {__version__}"


@pytest.mark.parametrize("command", [[], *([c] for c in subcommands())])
def test_help_for_the_program_and_every_subcommand(command, capsys):
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: sciml") and "--help" in text


def test_validate_is_a_subcommand():
    assert "validate" in subcommands()


def test_validate_fast_tier_writes_the_report(tmp_path):
    out = tmp_path / "report"
    proc = sciml("validate", "--tier", "fast", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "core.trapezoid.order" in proc.stdout and "Result: OK" in proc.stdout
    assert str(out) in proc.stdout.replace("\n", "")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ok"] and summary["tier"] == "fast"
    for case in summary["cases"]:
        png = out / case["figure"]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert all(f"`{c['name']}`" in (out / "summary.md").read_text() for c in summary["cases"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate", "--tier", "nonsense"], "invalid choice: 'nonsense'"),
        (["validate", "--seed", "minus-one"], "non-negative integer"),
        (["validate", "--only", "no.such.claim"], "no claim matches"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "choose a command"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args, message, tmp_path):
    proc = sciml(*args, "--out", str(tmp_path / "r")) if args[:1] == ["validate"] else sciml(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "r").exists()  # nothing ran, nothing written


def test_out_pointing_at_a_file_exits_2(tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("precious")
    proc = sciml("validate", "--only", "core.trapezoid", "--out", str(target))
    assert proc.returncode == 2
    assert "is an existing file" in proc.stderr and "Fix:" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert target.read_text() == "precious"


def test_main_returns_an_int_in_process(capsys, tmp_path):
    assert main(["validate", "--only", "core.trapezoid", "--list"]) == 0
    assert "core.trapezoid.order" in capsys.readouterr().out
    assert main(["validate", "--tier", "nonsense"]) == 2
    out = tmp_path / "r"
    assert main(["validate", "--only", "core.trapezoid", "--out", str(out)]) == 0
    assert (out / "core.trapezoid.order.png").exists()


def test_generate_accepts_every_solver_method():
    from sciml.solvers.krylov.auto import METHODS

    parser = build_parser()
    for method in ("auto", *METHODS):
        args = parser.parse_args(
            [
                "generate",
                "darcy",
                "--n",
                "2",
                "--resolution",
                "9",
                "--out",
                "x.h5",
                "--method",
                method,
            ]
        )
        assert args.method == method
