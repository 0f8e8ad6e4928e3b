"""``sciml transport``: both methods print their metrics and write a PNG; bad arguments give
exit status 2 and one paragraph naming the problem and the fix."""

import re

import pytest
import torch

from sciml.cli import main


@pytest.fixture(autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    yield
    torch.set_num_threads(previous)


def test_lightsb_prints_score_floor_and_time_and_writes_png(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["--dim", "3", "--eps", "1", "--steps", "30", "--components", "5", "--no-anneal"]
    args += ["--test", "8", "--samples", "40", "--out", str(out)]
    code = main(["transport", "lightsb", *args])
    text = capsys.readouterr().out
    assert code == 0, text
    score, floor = map(float, re.search(r"cBW2-UVP ([\d.]+) %, floor ([\d.]+) %", text).groups())
    assert 0.0 < floor and 0.0 < score
    assert "s CPU" in text
    assert (out / "lightsb-D3-eps1.png").stat().st_size > 1000


def test_sinkhorn_converges_and_matches_pot(tmp_path, capsys):
    import ot

    out = tmp_path / "run"
    code = main(["transport", "sinkhorn", "--n", "300", "--dtype", "float64", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0 and "(SUCCESS)" in text, text
    linear = float(re.search(r"linear ([\d.e+-]+)\)", text).group(1))
    # the same problem through POT (reg = factor * median cost, cost |x - y|^2)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(300, 2, generator=g, dtype=torch.float64)
    y = 1.0 + 2.0**0.5 * torch.randn(300, 2, generator=g, dtype=torch.float64)
    M = torch.cdist(x, y) ** 2
    w = torch.full((300,), 1 / 300, dtype=torch.float64)
    ref = float(ot.sinkhorn2(w, w, M, 0.05 * float(M.median()), method="sinkhorn_log"))
    assert abs(linear / ref - 1) < 1e-5
    assert (out / "sinkhorn-n300-log.png").stat().st_size > 1000


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["transport", "lightsb", "--eps", "-1"], "--eps"),
        (["transport", "lightsb", "--samples", "1"], "--samples"),
        (["transport", "sinkhorn", "--n", "40000"], "memory guard"),
        (["transport", "sinkhorn", "--reg-factor", "0"], "--reg-factor"),
        (["transport"], "choose a method"),
    ],
)
def test_bad_arguments_exit_2_with_one_paragraph(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "Fix:" in err
    assert "\n" not in err and "Traceback" not in err


def test_output_path_that_is_a_file_is_refused(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("")
    assert main(["transport", "sinkhorn", "--n", "50", "--out", str(f)]) == 2
    assert "existing file" in capsys.readouterr().err
