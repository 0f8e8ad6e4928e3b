"""benchmarks/published.py: the paper's settings, and tiny CPU runs of each setup kind."""

import importlib.util
import math
from pathlib import Path

import torch

from sciml.operators import FNO, parameter_count

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("published", ROOT / "benchmarks" / "published.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


published = load_script()


def test_defaults_are_the_papers_configurations():
    darcy = published.settings(published.parse_args(["darcy85"]))
    expected = dict(resolution=85, generate_at=421, n_train=1000, n_test=100, n_modes=12,
                    hidden_channels=32, n_layers=4, batch_size=20, epochs=500, lr=1e-3,
                    step_epochs=100, gamma=0.5, published=0.0108)  # fmt: skip
    assert {k: darcy[k] for k in expected} == expected
    assert published.settings(published.parse_args(["darcy421"]))["resolution"] == 421
    ns = published.settings(published.parse_args(["ns1e-3"]))
    assert (ns["n_modes"], ns["hidden_channels"], ns["batch_size"], ns["n_test"]) == (
        8,
        20,
        10,
        200,
    )
    assert (ns["nu"], ns["T"], ns["dt"], ns["t_in"], ns["t_out"]) == (1e-3, 50.0, 1e-4, 10, 40)


def test_a_smaller_resolution_is_generated_at_its_own_size():
    cfg = published.settings(published.parse_args(["darcy85", "--resolution", "29"]))
    assert (cfg["resolution"], cfg["generate_at"]) == (29, 29)
    cfg = published.settings(
        published.parse_args(["darcy85", "--resolution", "29", "--generate-at", "57"])
    )
    assert (cfg["resolution"], cfg["generate_at"]) == (29, 57)


def test_darcy_smoke_run(tmp_path):
    args = published.parse_args(
        ["darcy85", "--n-train", "6", "--n-test", "3", "--epochs", "2", "--resolution", "17",
         "--n-modes", "4", "--hidden-channels", "8", "--batch-size", "3", "--quiet",
         "--method", "direct",
         "--data-dir", str(tmp_path)]
    )  # fmt: skip
    result = published.run(args)
    assert result["grid"] == [17, 17] and result["epochs"] == 2
    assert result["parameters"] == parameter_count(FNO(1, 1, (4, 4), 8, 4))
    assert math.isfinite(result["test_rel_l2"]) and 0.0 < result["test_rel_l2"] < 2.0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "darcy17_test_n3_seed1.h5",
        "darcy17_train_n6_seed0.h5",
    ]


def test_navier_stokes_pairs_and_smoke_run(tmp_path):
    argv = ["ns1e-3", "--n-train", "3", "--n-test", "2", "--epochs", "1", "--resolution", "16",
            "--T", "0.5", "--dt", "0.01", "--n-modes", "4", "--hidden-channels", "6",
            "--quiet", "--data-dir", str(tmp_path)]  # fmt: skip
    args = published.parse_args(argv)
    cfg = published.settings(args)
    data = published.ns_data(cfg, args, tmp_path)
    x, y, grid = data["train"]
    w = published.ns_trajectories(cfg, 3, 0, "cpu", tmp_path)  # the cached trajectories
    assert w.shape == (3, 50, 16, 16) and grid.shape == (16, 16, 40)
    assert x.shape == (3, 10, 16, 16, 1) and y.shape == (3, 1, 16, 16, 40)
    torch.testing.assert_close(x[..., 0], w[:, :10])  # inputs: frames t = 0.01 .. 0.1
    torch.testing.assert_close(y[:, 0, :, :, 7], w[:, 17])  # target frame 8 = t 0.18
    assert [ax.periodic for ax in grid.axes] == [True, True, False]
    result = published.run(args)
    assert result["grid"] == [16, 16, 40] and result["epochs"] == 1
    assert math.isfinite(result["test_rel_l2"]) and 0.0 < result["test_rel_l2"] < 2.0
