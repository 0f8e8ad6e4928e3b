"""benchmarks/operators.py end to end on a tiny generated Darcy set (FNO only)."""

import importlib.util
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location(
        "operators_bench", ROOT / "benchmarks" / "operators.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_script()
TINY = (
    "--resolution 9 --n-train 8 --n-test 4 --models fno --epochs 1 --n-modes 2 "
    "--hidden-channels 4 --n-layers 2 --batch-size 4"
).split()


@pytest.mark.parametrize("extra", [[], ["--multiresolution", "1,2"]])
def test_fno_row_with_and_without_multiresolution(extra, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench, "set_threads", lambda n: None)  # leave the test's threads alone
    threads = ["--threads", str(torch.get_num_threads())]
    assert bench.main([*TINY, *extra, *threads, "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("fno "))
    rel_train, rel_fine, ratio = (float(v) for v in row.split()[-3:])
    assert (
        0 < rel_train < 2
        and 0 < rel_fine < 2
        and ratio == pytest.approx(rel_fine / rel_train, abs=0.01)
    )


def test_burgers_family_trains_on_every_second_periodic_node(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench, "set_threads", lambda n: None)
    argv = [*TINY, "--family", "burgers", "--resolution", "16", "--models", "fno,t1"]
    argv += ["--threads", str(torch.get_num_threads()), "--data-dir", str(tmp_path)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "rel L2 16" in out and "rel L2 32" in out and "set up for --family darcy" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "burgers32_test_n4_seed1.h5",
        "burgers32_train_n8_seed0.h5",
    ]
    assert bench.main([*TINY, "--family", "burgers", "--even"]) == 2


def test_multiresolution_factors_are_parsed_and_checked():
    assert bench.parse_args(["--multiresolution", "1,1,2"]).multiresolution == (1, 1, 2)
    for bad in ("1,0", "two", ""):
        with pytest.raises(SystemExit):
            bench.parse_args(["--multiresolution", bad])
