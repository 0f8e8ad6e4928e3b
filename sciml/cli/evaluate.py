"""``sciml evaluate``: relative L2 errors of a trained operator per resolution, and a figure."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from ._common import EXIT_OK, UserError, check_memory, check_out, console, positive_int

_DESCRIPTION = (
    "Evaluate a checkpoint written by 'sciml train' (its folder's config.json gives the "
    "channel scaling and the training grid) and print the mean relative L2 error, in "
    "physical units with the grid's quadrature weights, per resolution. Writes "
    "DIR/evaluation.json and, for each 2-D row with solver targets, "
    "DIR/predictions_<shape>.png (input, truth, prediction, error for a few samples)."
)

_EPILOG = """\
where the targets come from (one table row each):
  file        every --data file at its own grid, against its own solver outputs; give
              files generated at other resolutions (same family and parameters) for
              zero-shot errors against true solutions there. Each row averages over its
              own file's samples: Darcy draws its random field on each grid, so files at
              two resolutions with one seed hold different coefficients
  subsampled  --resolution R that the first --data file reaches by a stride (vertex grids:
              R - 1 divides n - 1): its inputs and solutions at those nodes
  resampled   any other --resolution R: the first file's inputs resampled to R with
              Field.on (FFT on periodic grids, linear interpolation otherwise), the
              prediction resampled back to the file's grid and compared with the file's
              solutions there (the reference is never interpolated). Interpolation smooths
              discontinuous inputs (e.g. Darcy's thresholded coefficient), so this row
              measures the model on a slightly different input; prefer a file.
  A resolution the model cannot use (FNO/T1: fewer than 2 * n_modes points per axis; MgNO:
  a size its V-cycle does not halve) is refused with the model's reason (exit status 2).

examples:
  sciml evaluate runs/fno/checkpoint.pt --data darcy33.h5 --resolution 17 24
  sciml evaluate runs/fno/checkpoint.pt --data darcy33.h5 --data darcy65.h5 --out eval
"""


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
    import textwrap

    p = commands.add_parser(
        "evaluate",
        help="relative L2 errors of a trained operator per resolution, and a figure",
        description=textwrap.fill(_DESCRIPTION, 88),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("checkpoint", metavar="CHECKPOINT", help="a checkpoint.pt of 'sciml train'")
    p.add_argument(
        "--data",
        action="append",
        required=True,
        metavar="FILE.h5",
        help="data set(s) to evaluate on; repeat for files at other resolutions",
    )
    p.add_argument(
        "--resolution",
        type=positive_int,
        nargs="+",
        default=[],
        metavar="R",
        help="further grid sizes (nodes per axis) to evaluate on (see below)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder for evaluation.json and the figures (default: the checkpoint's folder)",
    )
    p.add_argument(
        "--samples",
        type=positive_int,
        default=3,
        metavar="K",
        help="samples shown in each figure (default: %(default)s)",
    )
    p.add_argument("--batch-size", type=positive_int, default=16, metavar="B", help="(default: 16)")
    p.add_argument(
        "--threads", type=positive_int, default=1, metavar="N", help="torch threads (default: 1)"
    )
    p.set_defaults(handler=run)


def _load(checkpoint: Path):
    """The model, its config.json (with ``scaling`` and ``grid`` decoded) of a run folder."""
    from sciml.operators.serialize import disc_from_json
    from sciml.training import load_checkpoint
    from sciml.training.checkpoint import CheckpointError
    from sciml.training.grid_models import Scaling

    if not checkpoint.is_file():
        raise UserError(
            f"no checkpoint at {str(checkpoint)!r}. Expected the checkpoint.pt of a 'sciml "
            "train' run. Fix: check the path (e.g. runs/fno/checkpoint.pt)."
        )
    cfg_path = checkpoint.parent / "config.json"
    try:
        config = json.loads(cfg_path.read_text())
        config["scaling"] = Scaling.from_json(config["scaling"])
        config["grid"] = disc_from_json(config["grid"])
        config["model"]  # noqa: B018
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(
            f"{str(cfg_path)!r} is missing or not a 'sciml train' config "
            f"({type(exc).__name__}: {str(exc)[:200]}). Expected the config.json that 'sciml "
            "train' writes next to its checkpoint. Fix: keep the two files together in one "
            "folder, or train again."
        ) from None
    try:
        model = load_checkpoint(checkpoint)
    except CheckpointError as exc:  # its message names the problem and the fix
        raise UserError(f"{str(checkpoint)!r} cannot be loaded: {exc}") from None
    except Exception as exc:  # anything else a damaged file may raise
        text = str(exc).splitlines()[0][:400] if str(exc) else type(exc).__name__
        raise UserError(
            f"{str(checkpoint)!r} cannot be loaded as a sciml checkpoint: {text} (It is "
            "truncated, corrupt or written by another program. Fix: use the checkpoint.pt of "
            "a finished or interrupted 'sciml train' run, which is replaced atomically.)"
        ) from None
    return model, config


def _check_memory(model, config, x, grid, batch_size: int, label: str) -> None:
    """Refuse a grid whose resampled inputs (float32, all samples) and three activations of
    width ``W`` for one batch (a low estimate of what the model needs) exceed the memory."""
    width = int(config.get("options", {}).get("hidden_channels", 64))
    points = math.prod(grid.shape)
    need = (x.shape[0] * x.shape[1] + 3 * min(batch_size, x.shape[0]) * width) * points * 4
    check_memory(
        need,
        f"evaluating at {label}, grid {grid.shape}",
        "evaluate at a smaller --resolution, or lower --batch-size.",
    )


def _check_channels(model, config, x, y, meta, path) -> None:
    want_in, want_out = model.in_channels, model.out_channels
    if x.shape[1] == want_in and y.shape[1] == want_out:
        return
    names = config.get("input_channels"), config.get("output_channels")
    have = meta.get("input_channels"), meta.get("output_channels")
    raise UserError(
        f"--data {str(path)!r} has {x.shape[1]} input and {y.shape[1]} output channels "
        f"{have}, but the checkpoint's model maps {want_in} to {want_out} channels {names} "
        f"(trained on family {config.get('family')!r}). Fix: evaluate on a data set of the "
        "family the model was trained on."
    )


def _check_runs(model, forward, grid, label: str) -> None:
    from sciml.core import SciMLError
    from sciml.training.grid_models import check_runs

    try:
        check_runs(model, forward, grid, model.in_channels)
    except SciMLError as exc:
        raise UserError(
            f"the model ({type(model).__name__}) cannot be evaluated at {label}, grid "
            f"{grid.shape}: {exc}"
        ) from None


def _table(rows, train_shape):
    from rich.table import Table

    table = Table(title="Relative L2 error per resolution", title_justify="left")
    for name in ("grid", "targets", "data", "samples", "relative L2", "vs training"):
        table.add_column(name, justify="right" if name in ("samples", "relative L2") else "left")
    for r in rows:
        shape = tuple(r["grid"])
        table.add_row(
            "x".join(map(str, shape)),
            r["targets"],
            Path(r["data"]).name,
            str(r["samples"]),
            f"{r['relative_l2']:.4e}",
            "training grid" if shape == train_shape else "zero-shot",
        )
    return table


def _figure(model, forward, x, y, grid, k: int, label: str, path: Path) -> bool:
    import torch

    from sciml.plot_predictions import prediction_figure

    if grid.ndim != 2:
        return False
    with torch.no_grad():
        model.eval()
        pred = forward(model, x[:k], grid)
    bounds = [ax.bounds for ax in grid.axes]
    fig = prediction_figure(
        x[:k, 0].numpy(),
        y[:k, 0].numpy(),
        pred[:k, 0].numpy(),
        extent=(*bounds[0], *bounds[1]),
        title=label,
    )
    fig.savefig(path, dpi=90)
    return True


def run(args) -> int:
    import torch

    from sciml.core import Field
    from sciml.training import evaluate_model
    from sciml.training.grid_models import grid_forward

    from .train import load_data, relative_l2, write_json

    torch.set_num_threads(args.threads)
    checkpoint = Path(args.checkpoint)
    model, config = _load(checkpoint)
    model.eval()
    scaling = config["scaling"]
    forward = scaling.physical(grid_forward(model))
    train_shape = tuple(config["grid"].shape)
    out = Path(args.out) if args.out else checkpoint.parent

    rows, plots = [], []
    files = []
    for path in args.data:
        x, y, grid, meta = load_data(path)
        _check_channels(model, config, x, y, meta, path)
        _check_runs(model, forward, grid, f"--data {str(path)!r}")
        files.append((path, x, y, grid))
    for res in args.resolution:
        if any(g.shape == (res,) * g.ndim for _, _, _, g in files):
            continue
        path, x0, y0, g0 = files[0]
        try:
            x, y, grid, _ = load_data(path, resolution=res)
            files.append((path, x, y, grid))
            continue
        except UserError:
            pass  # not a stride of the file: resample the inputs instead
        from sciml.training.evaluation import regrid

        grid = regrid(g0, res)
        _check_memory(model, config, x0, grid, args.batch_size, f"--resolution {res}")
        _check_runs(model, forward, grid, f"--resolution {res}")
        error = evaluate_model(
            model,
            (Field(x0, g0), Field(y0, g0)),
            [res],
            forward=forward,
            batch_size=args.batch_size,
        )[res]
        rows.append(
            dict(
                grid=grid.shape,
                targets="resampled",
                data=str(path),
                samples=int(x0.shape[0]),
                relative_l2=error,
            )
        )
    for i, (path, x, y, grid) in enumerate(files):
        _check_runs(model, forward, grid, f"grid {grid.shape}")
        error = relative_l2(model, forward, (x, y), grid, args.batch_size)
        kind = "file" if i < len(args.data) else "subsampled"
        rows.append(
            dict(
                grid=grid.shape,
                targets=kind,
                data=str(path),
                samples=int(x.shape[0]),
                relative_l2=error,
            )
        )
        plots.append((x, y, grid, f"{Path(path).name} at {grid.shape} ({kind} targets)"))
    rows.sort(key=lambda r: (tuple(r["grid"]) != train_shape, tuple(r["grid"])))

    check_out(out)
    written = []
    for x, y, grid, label in plots:
        name = "predictions_" + "x".join(map(str, grid.shape)) + ".png"
        if _figure(model, forward, x, y, grid, args.samples, label, out / name):
            written.append(name)
    summary = {"checkpoint": str(checkpoint.resolve()), "model": config["model"], "rows": rows}
    write_json(out / "evaluation.json", json.loads(json.dumps(summary, default=list)))
    con = console()
    con.print(_table(rows, train_shape))
    con.print(
        f"Written to {out.resolve()}: evaluation.json, {', '.join(written) or 'no figures'}",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_OK
