"""``sciml quickstart`` end to end at the tiny scale, and its failure handling.

The tiny run (about 30 s on one thread) goes through the Python entry point once per
module; the checks read its report: every part succeeded, its tables hold finite numbers,
the figures are PNG files, the HTML carries every table, and the numbers are consistent
with the data they came from.
"""

import io
import json
import math

import h5py
import pytest
from rich.console import Console

from sciml.cli import main
from sciml.quickstart import TINY, Part, Table, run_quickstart
from sciml.quickstart import runner as runner_module
from sciml.quickstart.html import slug
from sciml.quickstart.operator import run_operator
from sciml.quickstart.scales import SCALES

PNG = b"\x89PNG\r\n\x1a\n"


def _quiet():
    return Console(file=io.StringIO(), width=120)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("quickstart")
    return run_quickstart(out, TINY, device="cpu", console=_quiet())


def test_every_part_succeeds_and_the_report_is_written(tiny):
    assert tiny.exit_code == 0, [(p.key, p.error) for p in tiny.parts]
    assert [p.key for p in tiny.parts] == ["darcy_data", "operator", "gp", "bridge", "validation"]
    out = tiny.report.parent
    for name in ("report.md", "report.html", "results.json"):
        assert (out / name).stat().st_size > 0
    results = json.loads((out / "results.json").read_text())
    assert all(entry["ok"] for entry in results["parts"].values())


def test_every_part_has_tables_of_finite_numbers_and_png_figures(tiny):
    for part in tiny.parts:
        assert part.tables, part.key
        numbers = [
            v
            for table in part.tables
            for row in table.rows
            for v in row
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        assert numbers, part.key
        assert all(math.isfinite(v) for v in numbers), part.key
        assert part.figures, part.key
        for path, caption in part.figures:
            assert path.read_bytes()[:8] == PNG and caption


def test_html_contains_every_table_and_figure(tiny):
    page = tiny.html.read_text()
    text = tiny.report.read_text()
    tables = sum(len(p.tables) for p in tiny.parts) + 1  # + the summary table
    delimiters = sum(line.startswith("|---") for line in text.splitlines())
    assert page.count("<table>") == tables == delimiters
    for part in tiny.parts:
        assert f'<h2 id="{slug(part.title)}">' in page
        for table in part.tables:
            assert table.caption in page
        for path, _ in part.figures:
            rel = path.relative_to(tiny.report.parent).as_posix()
            assert f'src="{rel}"' in page and f"]({rel})" in text


def test_darcy_speedup_and_files_are_consistent(tiny):
    darcy = next(p for p in tiny.parts if p.key == "darcy_data").results
    ratio = darcy["gmres"]["seconds_per_system"] / darcy["auto"]["seconds_per_system"]
    assert darcy["speedup_vs_gmres"] == pytest.approx(ratio)
    assert darcy["auto"]["max_residual"] <= TINY.darcy.rtol
    assert darcy["gmres"]["max_residual"] <= TINY.darcy.rtol
    fine = TINY.darcy.fine
    with h5py.File(darcy["files"]["train"]) as f:
        assert f["inputs"].shape == (TINY.darcy.n_train, 1, fine, fine)
    with h5py.File(darcy["files"]["test"]) as f:
        assert f["outputs"].shape == (TINY.darcy.n_test, 1, fine, fine)


def test_gp_and_bridge_numbers_match_their_tables(tiny):
    gp = next(p for p in tiny.parts if p.key == "gp")
    table_errors = [row[2] for row in gp.tables[0].rows]
    assert table_errors == [gp.results[k]["rel_l2"] for k in ("gp", "fd", "chebyshev")]
    bridge = next(p for p in tiny.parts if p.key == "bridge").results["cbw2_uvp"]
    # the metric separates exact plan samples from the untrained reference process
    assert 0.0 < bridge["oracle"] < bridge["reference"]


def _fine(ctx):
    return Part("fine", "x", tables=[Table("Numbers", ("x",), [(1.5,)])], headline="fine")


def _boom(ctx):
    raise ValueError("the solver diverged")


def test_a_failing_stage_is_reported_and_the_job_goes_on(tmp_path):
    stages = [("a", "1. First", _boom), ("b", "2. Second", _fine), ("c", "3. Third", run_operator)]
    result = run_quickstart(tmp_path, TINY, device="cpu", console=_quiet(), stages=stages)
    assert result.exit_code == 1
    first, second, third = result.parts
    assert not first.ok and first.error == "ValueError: the solver diverged"
    assert "Traceback" in first.detail
    assert second.ok and second.title == "2. Second"
    assert not third.ok and "Darcy data set" in third.error
    text = result.report.read_text()
    assert "**FAILED**" in text and "ValueError: the solver diverged" in text
    assert "2 of 3 part(s) FAILED" in text
    page = result.html.read_text()
    assert "ValueError: the solver diverged" in page and "<pre><code>" in page


def test_cli_exit_status_is_non_zero_when_a_stage_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner_module, "STAGES", (("a", "1. First", _boom),))
    monkeypatch.setitem(SCALES, "small", TINY)
    assert main(["quickstart", "--out", str(tmp_path / "qs"), "--device", "cpu"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "report.md" in out
    assert (tmp_path / "qs" / "report.html").exists()


def test_cli_refuses_a_file_as_report_folder(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("")
    assert main(["quickstart", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "existing file" in err and "Fix" in err
