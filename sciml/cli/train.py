"""``sciml train``: train a neural operator on a generated data set, checkpointed, resumable."""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path

from ._common import (
    EXIT_OK,
    UserError,
    check_memory,
    check_out,
    console,
    non_negative_int,
    positive_int,
)

MODEL_NAMES = ("fno", "tfno", "mgno", "t1", "deeponet")

_DESCRIPTION = (
    "Train an operator on a data set written by 'sciml generate' and write DIR/checkpoint.pt "
    "(model state_dict + JSON spec, optimizer and scheduler state; replaced atomically after "
    "every epoch) and DIR/config.json (the options, the data, the channel scaling, and the "
    "results once training ends). Inputs are standardized per channel and outputs divided "
    "by their per-channel root mean square, both with training-set statistics stored in "
    "config.json; reported errors are relative L2 errors in physical units, with the "
    "grid's quadrature weights. A run killed at any point continues with the same command "
    "plus --resume and ends with the same weights as an uninterrupted run (same threads)."
)

_EPILOG = """\
models:
  fno       Fourier neural operator (dense spectral weights)
  tfno      FNO with Tucker-factorized spectral weights (rank 0.1)
  mgno      multigrid neural operator (levels: the most, up to 4, the grid divides)
  t1        transform once (one FFT/DCT in, all layers on kept frequencies)
  deeponet  sensors = the training grid; evaluated at any grid (inputs resampled to the
            sensors with Field.on); --n-modes and --n-layers unused

examples:
  sciml generate darcy --n 1000 --resolution 33 --out darcy.h5
  sciml train fno --data darcy.h5 --split 0.8 --epochs 50 --out runs/fno
  sciml train fno --data darcy.h5 --split 0.8 --epochs 50 --out runs/fno --resume
  sciml evaluate runs/fno/checkpoint.pt --data darcy.h5 --resolution 17 65
"""


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"expected a fraction strictly between 0 and 1, received {text!r}; pass e.g. 0.8"
        )
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a finite positive number, received {text!r}; pass e.g. 1e-3"
        )
    return value


def _factors(text: str) -> list[int]:
    try:
        values = [int(f) for f in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated coarsening factors >= 1, received {text!r}; pass e.g. "
            "1,1,2 (every third batch on the grid with half the cells)"
        )
    return values


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
    import textwrap

    p = commands.add_parser(
        "train",
        help="train a neural operator on a data set (checkpointed every epoch, resumable)",
        description=textwrap.fill(_DESCRIPTION, 88),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", metavar="MODEL", choices=MODEL_NAMES, help=", ".join(MODEL_NAMES))
    p.add_argument("--data", required=True, metavar="FILE.h5", help="training data set")
    held_out = p.add_mutually_exclusive_group()
    held_out.add_argument(
        "--test", metavar="FILE.h5", help="test data set (same grid and channels as --data)"
    )
    held_out.add_argument(
        "--split",
        type=_fraction,
        default=0.8,
        metavar="F",
        help="without --test: the first F of --data's samples train, the rest test "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--n-modes",
        type=positive_int,
        default=12,
        metavar="M",
        help="kept Fourier modes per axis (fno, tfno, t1; default: %(default)s)",
    )
    p.add_argument(
        "--hidden-channels",
        type=positive_int,
        default=32,
        metavar="W",
        help="width (default: %(default)s)",
    )
    p.add_argument(
        "--n-layers",
        type=positive_int,
        default=4,
        metavar="L",
        help="layers (default: %(default)s)",
    )
    p.add_argument(
        "--epochs", type=positive_int, default=20, metavar="E", help="epochs (default: %(default)s)"
    )
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=16,
        metavar="B",
        help="batch size (default: %(default)s)",
    )
    p.add_argument(
        "--lr",
        type=_positive_float,
        default=1e-3,
        metavar="LR",
        help="Adam learning rate, cosine-annealed to 0 (default: %(default)g)",
    )
    p.add_argument(
        "--loss",
        choices=("l2", "h1"),
        default="l2",
        help="relative L2 or relative H1 (default: %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=non_negative_int,
        default=0,
        metavar="S",
        help="seed of the initial weights and the data order (default: %(default)s)",
    )
    p.add_argument(
        "--subsample",
        type=positive_int,
        default=1,
        metavar="K",
        help="keep every K-th node per axis (K divides the cell count; default: 1)",
    )
    p.add_argument(
        "--multiresolution",
        type=_factors,
        default=None,
        metavar="F,F,...",
        help="coarsening factors cycled over the batches, e.g. 1,1,2: every third batch on "
        "the data's grid with half the cells (samples at every other node); lowers the "
        "zero-shot error of FNOs on finer grids (default: the data's grid only)",
    )
    p.add_argument(
        "--out",
        default="sciml-run",
        metavar="DIR",
        help="folder for checkpoint.pt and config.json (default: %(default)s)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue DIR/checkpoint.pt (refused if the options differ)",
    )
    p.add_argument(
        "--threads",
        type=positive_int,
        default=1,
        metavar="N",
        help="torch threads (default: %(default)s; results are reproducible for a fixed count)",
    )
    p.set_defaults(handler=run)


# ---------------------------------------------------------------------- data
def load_data(path, *, subsample: int = 1, resolution: int | None = None, role: str = "--data"):
    """Inputs, outputs (float32 tensors ``(N, C, *shape)``), grid and metadata of a data set.

    Raises :class:`UserError` for a missing, unreadable or incomplete file, a stride or
    resolution the file does not allow, and non-finite values.
    """
    import numpy as np
    import torch

    from sciml.data import DatasetError, H5Dataset

    try:
        ds = H5Dataset(path, subsample=subsample, resolution=resolution)
        items = [ds[i] for i in range(len(ds))]
        ds.close()
    except DatasetError as exc:
        raise UserError(f"{role} {str(path)!r}: {exc}") from None
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise UserError(
            f"{role} {str(path)!r} cannot be read as a sciml data set ({type(exc).__name__}: "
            f"{exc}). Expected an HDF5 file written by 'sciml generate'. Fix: regenerate it."
        ) from None
    if not items:
        raise UserError(
            f"{role} {str(path)!r} holds no samples. Fix: generate a data set with --n >= 2."
        )
    x = torch.stack([it[0] for it in items])
    y = torch.stack([it[1] for it in items])
    bad = ~(torch.isfinite(x).flatten(1).all(1) & torch.isfinite(y).flatten(1).all(1))
    if bad.any():
        which = np.flatnonzero(bad.numpy())
        raise UserError(
            f"{role} {str(path)!r} contains NaN or infinite values in {which.size} of "
            f"{len(items)} samples (first: sample {int(ds.indices[which[0]])}). Expected "
            "finite inputs and outputs. Fix: regenerate the data set, or drop those samples."
        )
    return x, y, ds.grid, ds.metadata


def training_memory(args, grid, n_train: int) -> float:
    """A low estimate of the bytes a run needs, made before the model is built.

    The weights, their gradients and two Adam moments (4 copies): for ``fno`` and ``t1``
    the dense spectral weights, ``(2 M)^d / 2`` complex64 entries per channel pair and
    layer (``M`` kept modes, half of the last axis by the real FFT); for the other models
    only ``W^2`` float32 entries per layer. Plus three float32 activations of width ``W``
    per layer for one batch, kept for the backward pass. Real runs need more; a request
    above this estimate cannot fit.
    """
    points = math.prod(grid.shape)
    width, layers = args.hidden_channels, args.n_layers
    if args.model in ("fno", "t1"):
        per_pair = min((2 * args.n_modes) ** grid.ndim, 2 * points) / 2 * 8
    else:
        per_pair = 4
    weights = 4 * layers * width**2 * per_pair
    batch = min(args.batch_size, n_train)
    return weights + 3 * layers * batch * width * points * 4


def _split(x, y, fraction: float):
    n = x.shape[0]
    if n < 2:
        raise UserError(
            f"--split needs at least 2 samples in --data, received {n}. Fix: generate more "
            "samples or pass --test."
        )
    k = min(max(int(round(fraction * n)), 1), n - 1)
    return (x[:k], y[:k]), (x[k:], y[k:])


# ---------------------------------------------------------------------- config
def _run_options(args) -> dict:
    keys = (
        "model",
        "data",
        "test",
        "split",
        "n_modes",
        "hidden_channels",
        "n_layers",
        "epochs",
        "batch_size",
        "lr",
        "loss",
        "seed",
        "subsample",
        "multiresolution",
    )
    out = {k: getattr(args, k) for k in keys}
    out["data"] = str(Path(args.data).resolve())
    out["test"] = None if args.test is None else str(Path(args.test).resolve())
    if args.test is not None:
        out["split"] = None
    return out


def write_json(path: Path, obj: dict) -> None:
    """Write ``obj`` as JSON atomically (temporary file, then ``os.replace``)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(obj, indent=2) + "\n")
    os.replace(tmp, path)


def _check_resume(out: Path, options: dict) -> dict:
    ckpt, cfg = out / "checkpoint.pt", out / "config.json"
    if not ckpt.exists() or not cfg.exists():
        missing = "checkpoint.pt" if not ckpt.exists() else "config.json"
        raise UserError(
            f"--resume: {str(out)!r} has no {missing}. Expected the --out folder of an "
            "earlier 'sciml train' run. Fix: drop --resume to start a new run, or pass that "
            "run's --out."
        )
    try:
        stored = json.loads(cfg.read_text())["options"]
    except (ValueError, KeyError) as exc:
        raise UserError(
            f"--resume: {cfg} is not a 'sciml train' config ({type(exc).__name__}: {exc}). "
            "Fix: pass the --out folder of an earlier 'sciml train' run, or drop --resume and "
            "pass a new --out to start over."
        ) from None
    diff = {k: (stored.get(k), v) for k, v in options.items() if stored.get(k) != v}
    if diff:
        shown = "; ".join(f"{k}: checkpoint {a!r}, now {b!r}" for k, (a, b) in diff.items())
        raise UserError(
            f"--resume: the options differ from the run in {str(out)!r} ({shown}). A resumed "
            "run must repeat the original options to end where an uninterrupted run would. "
            "Fix: repeat the original command plus --resume, or pass another --out."
        )
    return json.loads(cfg.read_text())


# ---------------------------------------------------------------------- output
def relative_l2(model, forward, pair, grid, batch_size: int) -> float:
    """Mean relative L2 error of ``forward`` on raw ``(inputs, targets)`` on ``grid``."""
    from sciml.core import Field
    from sciml.training import evaluate_model

    data = {"all": (Field(pair[0], grid), Field(pair[1], grid))}
    return evaluate_model(model, data, forward=forward, batch_size=batch_size)["all"]


def _check_multiresolution(args, model, forward, grid, in_channels: int) -> None:
    """Refuse --multiresolution factors the grid or the model cannot take, before training."""
    from sciml.core import SciMLError
    from sciml.training.grid_models import check_runs

    for factor in sorted(set(args.multiresolution or [1]) - {1}):
        flag = f"--multiresolution factor {factor}"
        try:
            coarse = grid.coarsen(factor)
        except SciMLError as exc:
            raise UserError(
                f"{flag} does not divide the cells of the data's grid {grid.shape}: {exc}"
            ) from None
        try:
            check_runs(model, forward, coarse, in_channels)
        except SciMLError as exc:
            raise UserError(
                f"{flag}: {args.model} cannot run on the coarse grid {coarse.shape}: {exc} "
                "(or drop that factor)"
            ) from None


def _summary(history: dict, errors: dict, params: int, n_train: int, n_test: int):
    from rich.table import Table

    table = Table(title="Training", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rate = history.get("samples_per_second", [])
    rows = [
        ("epochs", str(len(history.get("epoch", [])))),
        ("train samples", str(n_train)),
        ("test samples", str(n_test)),
        ("train relative L2", f"{errors['train']:.4e}"),
        ("test relative L2", f"{errors['test']:.4e}"),
        ("parameters", f"{params:,}"),
        ("samples/s (training)", f"{sum(rate) / len(rate):.1f}" if rate else "-"),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


def run(args) -> int:
    import torch

    from sciml.core import Field, ParameterError, SciMLError
    from sciml.operators import parameter_count
    from sciml.operators.serialize import disc_to_json
    from sciml.training import Trainer
    from sciml.training.checkpoint import CheckpointError
    from sciml.training.grid_models import Scaling, build_grid_model, check_runs, grid_forward

    torch.set_num_threads(args.threads)
    out = Path(args.out)
    options = _run_options(args)
    ckpt = out / "checkpoint.pt"
    if args.resume:
        _check_resume(out, options)
    elif ckpt.exists():
        raise UserError(
            f"{str(out)!r} already holds a checkpoint.pt. Fix: add --resume to continue that "
            "run, or pass another --out."
        )

    x, y, grid, meta = load_data(args.data, subsample=args.subsample)
    if args.test is not None:
        xt, yt, grid_t, meta_t = load_data(args.test, subsample=args.subsample, role="--test")
        if grid_t != grid or xt.shape[1] != x.shape[1] or yt.shape[1] != y.shape[1]:
            raise UserError(
                f"--test {args.test!r} does not match --data: grid {grid_t.shape} vs "
                f"{grid.shape}, channels {xt.shape[1]}->{yt.shape[1]} vs "
                f"{x.shape[1]}->{y.shape[1]}. Fix: generate the test set with the same family "
                "and --resolution (or pick --subsample so the grids agree)."
            )
        train, test = (x, y), (xt, yt)
    else:
        train, test = _split(x, y, args.split)

    check_memory(
        training_memory(args, grid, int(train[0].shape[0])),
        f"training {args.model} with --hidden-channels {args.hidden_channels}, --n-layers "
        f"{args.n_layers}, --n-modes {args.n_modes} and --batch-size {args.batch_size} on "
        f"grid {grid.shape}",
        "lower --hidden-channels, --n-layers, --n-modes or --batch-size, or train on a "
        "coarser grid with --subsample.",
    )
    scaling = Scaling.fit(*train)
    try:
        model = build_grid_model(
            args.model,
            x.shape[1],
            y.shape[1],
            grid,
            n_modes=args.n_modes,
            hidden_channels=args.hidden_channels,
            n_layers=args.n_layers,
            seed=args.seed,
        )
        forward = grid_forward(model)
        check_runs(model, forward, grid, x.shape[1])
    except SciMLError as exc:
        raise UserError(f"{args.model} cannot run on the data's grid {grid.shape}: {exc}") from None
    _check_multiresolution(args, model, forward, grid, x.shape[1])

    check_out(out)
    config = {
        "format": "sciml-train/1",
        "options": options,
        "model": model.spec(),
        "grid": disc_to_json(grid),
        "family": meta.get("family"),
        "input_channels": list(meta.get("input_channels", [])),
        "output_channels": list(meta.get("output_channels", [])),
        "scaling": scaling.to_json(),
        "n_train": int(train[0].shape[0]),
        "n_test": int(test[0].shape[0]),
    }
    write_json(out / "config.json", config)

    def fields(pair):
        return (
            Field(scaling.encode_inputs(pair[0]), grid),
            Field(scaling.encode_outputs(pair[1]), grid),
        )

    trainer = Trainer(
        model,
        args.loss,
        lr=args.lr,
        scheduler="cosine",
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        progress=True,
        checkpoint=ckpt,
        forward=forward,
        multiresolution=args.multiresolution,
    )
    try:
        history = trainer.fit(fields(train), resume_from=ckpt if args.resume else None)
    except (CheckpointError, ParameterError) as exc:
        if not args.resume:
            raise
        raise UserError(
            f"--resume: {exc} The run in {str(out)!r} cannot be continued; to start over, "
            "pass another --out (or delete the folder)."
        ) from None
    physical = scaling.physical(forward)
    errors = {
        name: relative_l2(model, physical, pair, grid, args.batch_size)
        for name, pair in (("train", train), ("test", test))
    }
    params = parameter_count(model)
    config["results"] = {
        "epochs": len(history.get("epoch", [])),
        "train_relative_l2": errors["train"],
        "test_relative_l2": errors["test"],
        "parameters": params,
        "samples_per_second": history.get("samples_per_second", []),
        "train_loss": history.get("train_loss", []),
    }
    write_json(out / "config.json", config)
    con = console()
    con.print(_summary(history, errors, params, config["n_train"], config["n_test"]))
    con.print(f"Checkpoint: {ckpt.resolve()}", highlight=False, soft_wrap=True)
    return EXIT_OK
