"""Stage 2: train an FNO on the Darcy data; evaluate at the training grid and zero-shot at 2x.

The training and test inputs at ``R`` nodes per axis are the stage-1 files (generated at
``2 R - 1``) *injected* onto every second node, so the test set at ``R`` and at ``2 R - 1``
holds the same coefficient functions and the ``R`` targets are the fine solutions at the
coarse nodes. The zero-shot row applies the same weights to the fine test inputs: one
operator, two grids. Inputs are standardized and outputs scaled by their root mean square
(:class:`sciml.training.grid_models.Scaling`, training statistics); errors are mean relative
L2 errors in physical units with the grid's quadrature weights.
"""

from __future__ import annotations

import time

from .parts import Context, Part, Table

#: The report section title.
TITLE = "2. Fourier neural operator on the Darcy data"

__all__ = ["TITLE", "run_operator"]


def _load(path, resolution=None):
    import torch

    from sciml.data import H5Dataset

    ds = H5Dataset(path, resolution=resolution)
    x = torch.stack([ds[i][0] for i in range(len(ds))])
    y = torch.stack([ds[i][1] for i in range(len(ds))])
    ds.close()
    return x, y, ds.grid


def _rel_l2(model, forward, x, y, grid, batch_size: int) -> float:
    from sciml.core import Field
    from sciml.training import evaluate_model

    data = {0: (Field(x, grid), Field(y, grid))}
    return evaluate_model(model, data, forward=forward, batch_size=batch_size)[0]


def _figures(ctx: Context, model, forward, fine, history) -> list:
    import numpy as np
    import torch
    from matplotlib.figure import Figure

    from sciml.plot_predictions import prediction_figure

    x, y, grid = fine
    k = min(2, x.shape[0])
    with torch.no_grad():
        pred = forward(model, x[:k], grid)
    n = grid.shape[0]
    fig = prediction_figure(
        x[:k, 0].numpy(),
        y[:k, 0].numpy(),
        pred[:k, 0].numpy(),
        title=f"FNO zero-shot at {n}x{n} (trained at {(n + 1) // 2}x{(n + 1) // 2}): test samples",
    )
    predictions = ctx.figures / "operator_zero_shot.png"
    fig.savefig(predictions, dpi=90)

    fig = Figure(figsize=(6, 3.6), layout="constrained")
    ax = fig.subplots()
    epochs = np.asarray(history["epoch"])
    ax.semilogy(epochs, history["train_loss"], "o-", ms=3)
    ax.set_xlabel("epoch")
    ax.set_ylabel("relative L2 loss (scaled outputs)")
    ax.set_title("FNO training loss")
    ax.grid(True, which="both", alpha=0.3)
    loss = ctx.figures / "operator_loss.png"
    fig.savefig(loss, dpi=100)
    return [
        (
            predictions,
            "Input coefficient, solver solution, FNO prediction and error at twice "
            "the training resolution (zero-shot).",
        ),
        (loss, "Training loss per epoch."),
    ]


def run_operator(ctx: Context) -> Part:
    """Train an FNO on stage 1's files and evaluate it at two resolutions."""
    from sciml.core import Field
    from sciml.operators import parameter_count
    from sciml.training import Trainer
    from sciml.training.grid_models import Scaling, build_grid_model, grid_forward

    files = ctx.shared.get("darcy")
    if files is None:
        raise RuntimeError("needs the Darcy data set of part 1, which was not produced")
    s, d = ctx.scale.operator, ctx.scale.darcy
    train = _load(files["train"], d.resolution)
    test = _load(files["test"], d.resolution)
    fine = _load(files["test"])
    x, y, grid = train
    scaling = Scaling.fit(x, y)
    model = build_grid_model(
        "fno",
        1,
        1,
        grid,
        n_modes=s.n_modes,
        hidden_channels=s.hidden_channels,
        n_layers=s.n_layers,
        seed=ctx.scale.seed,
    )
    forward = grid_forward(model)
    pair = (Field(scaling.encode_inputs(x), grid), Field(scaling.encode_outputs(y), grid))
    trainer = Trainer(
        model,
        "l2",
        lr=s.lr,
        scheduler="cosine",
        epochs=s.epochs,
        batch_size=s.batch_size,
        seed=ctx.scale.seed,
        device=ctx.device,
        progress=True,
        forward=forward,
    )
    t0 = time.perf_counter()
    history = trainer.fit(pair)
    seconds = time.perf_counter() - t0
    model = model.cpu()
    physical = scaling.physical(forward)
    errors = {
        "train": _rel_l2(model, physical, *train, s.batch_size),
        "test": _rel_l2(model, physical, *test, s.batch_size),
        "zero_shot": _rel_l2(model, physical, *fine, s.batch_size),
    }
    ratio = errors["zero_shot"] / errors["test"]
    r, f = d.resolution, d.fine
    ctx.say(
        f"  FNO test relative L2 {errors['test']:.4f} at {r}x{r}, zero-shot "
        f"{errors['zero_shot']:.4f} at {f}x{f}"
    )
    part = Part("operator", TITLE)
    part.notes.append(
        f"FNO with {s.n_modes} modes per axis, width {s.hidden_channels}, {s.n_layers} layers "
        f"({parameter_count(model):,} parameters), trained for {s.epochs} epochs (Adam, lr "
        f"{s.lr:g}, cosine schedule, batch {s.batch_size}, relative L2 loss) on {x.shape[0]} "
        f"samples at {r}x{r} on {ctx.device}. The {r}x{r} samples are the {f}x{f} files "
        f"injected onto every second node, so the zero-shot row evaluates the same weights "
        f"on the same test coefficients at twice the resolution."
    )
    rate = history.get("samples_per_second", [])
    part.tables.append(
        Table(
            "Mean relative L2 error (physical units, quadrature weights)",
            ("data", "grid", "samples", "relative L2", "vs training grid"),
            [
                ("training set", f"{r}x{r}", x.shape[0], errors["train"], "training grid"),
                ("test set", f"{r}x{r}", test[0].shape[0], errors["test"], "training grid"),
                ("test set", f"{f}x{f}", fine[0].shape[0], errors["zero_shot"], "zero-shot"),
            ],
        )
    )
    part.tables.append(
        Table(
            "Training",
            ("parameters", "epochs", "seconds", "samples/s", "final loss", "zero-shot / test"),
            [
                (
                    parameter_count(model),
                    len(history["epoch"]),
                    seconds,
                    sum(rate) / len(rate),
                    history["train_loss"][-1],
                    ratio,
                )
            ],
        )
    )
    for path, caption in _figures(ctx, model, physical, fine, history):
        part.figure(path, caption)
    part.headline = (
        f"test rel. L2 {errors['test']:.3g} at {r}x{r}, {errors['zero_shot']:.3g} zero-shot "
        f"at {f}x{f}"
    )
    part.results = {
        "relative_l2": errors,
        "parameters": parameter_count(model),
        "epochs": len(history["epoch"]),
        "seconds": seconds,
        "train_loss": history["train_loss"],
    }
    return part
