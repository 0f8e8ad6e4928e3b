"""``sciml solve`` (the subcommand module): output, figure, and user errors."""

import argparse

import pytest

from sciml.cli import solve
from sciml.cli._common import UserError


def _parse(argv):
    parser = argparse.ArgumentParser(prog="sciml")
    solve.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["solve", *argv])


def test_solve_prints_error_and_time_and_saves_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    args = _parse(["poisson1d-sin100", "--method", "fd", "--grid", "64", "--out", str(tmp_path)])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "rel L2" in out and " s " in out
    assert (tmp_path / "poisson1d-sin100-fd-64.png").stat().st_size > 0


def test_gp_figure_includes_the_spectrum(tmp_path):
    pytest.importorskip("matplotlib")
    args = _parse(
        ["poisson1d-mixed", "--grid", "40", "--rounds", "1", "--steps", "2", "--out", str(tmp_path)]
    )
    assert args.handler(args) == 0
    assert (tmp_path / "poisson1d-mixed-gp-40.png").exists()


def test_mode_selects_the_joint_adam_solver(capsys):
    args = _parse(["allen-cahn1d-sin100", "--grid", "24", "--mode", "joint", "--steps", "3"])
    assert args.mode == "joint"
    with pytest.warns(UserWarning, match="Nyquist"):  # 24 nodes cannot hold sin(100x)
        assert args.handler(args) == 0
    assert "allen-cahn1d-sin100 gp N=24: rel L2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, match",
    [
        (["poisson7d"], "unknown problem"),
        (["poisson1d-sin100", "--grid", "2"], "interior"),
        (["poisson1d-sin100", "--method", "fd", "--steps", "3"], "gp only"),
        (["poisson1d-sin100", "--method", "chebyshev", "--mode", "joint"], "gp only"),
    ],
)
def test_user_errors_say_how_to_fix_them(argv, match):
    args = _parse(argv)
    with pytest.raises(UserError, match=match):
        args.handler(args)
