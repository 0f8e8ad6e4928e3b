"""Neural operators side by side on generated Darcy (or Burgers) data: same data, same time
budget.

Run on demand (not in CI)::

    python benchmarks/operators.py --n-train 200 --n-test 50 --budget-seconds 20 --threads 1

Data. Darcy (thresholded coefficient 12/3, unit source, zero Dirichlet data) is generated
with :func:`sciml.data.generate` at the fine resolution ``2 R - 1`` (65 for the default
``R = 33``), training set from ``--seed`` and test set from ``--seed + 1``. The training
resolution's samples are the fine files *injected* onto every second node (inputs and
solutions). The family draws its Gaussian random field on each resolution's own grid, so
files generated at 33 and at 65 with the same seed hold *different* coefficients and cannot
be compared sample by sample; injecting from the fine grid gives both resolutions the same
coefficient functions, and the 33 targets are the fine solution at the coarse nodes (free of
the 33-grid discretization error), so the two columns measure one operator at two grids.
``--family burgers`` does the same for 1-D Burgers (``nu = 0.1``, initial condition to the
solution at ``t = 1``, the FNO paper's problem) on periodic grids: generated at ``2 R`` nodes,
trained on every second one (pass e.g. ``--resolution 128``); the neuraloperator comparison
and ``--even`` are Darcy's only.

Training. Each model is built with the same ``--n-modes``, ``--hidden-channels`` and
``--n-layers`` where they apply (see :func:`sciml.training.grid_models.build_grid_model`),
trained with Adam, a cosine schedule and the relative L2 loss on standardized inputs and
RMS-scaled outputs. The epoch count fills ``--budget-seconds``: three timed batches on a
copy of the model (after three warm-up batches) give the seconds per epoch; a stop at 1.5x
the budget guards against slowdowns on a loaded machine. Errors are mean relative L2 in
physical units with the grid's quadrature weights.

Columns: parameters, epochs, training samples/s, test relative L2 at ``R`` and zero-shot at
``2 R - 1`` (the same weights on the fine test inputs; DeepONet resamples them to its sensors,
which here is exact injection), and their ratio. If the ``neuraloperator`` package is
importable its FNO is trained with the identical configuration, loop and budget and ratios
against ours are printed; otherwise the run says it was skipped.

``--epochs E`` trains every model for exactly ``E`` epochs instead of filling the budget.
``--even`` drops the last node of every axis (periodic grids of ``R - 1`` and ``2 R - 2``
points), for the neuraloperator comparison: its 2.0.0 release misplaces the frequencies of
odd-sized grids (see :func:`odd_size_shift_bug`). ``--equal-accuracy`` records the test error
after every epoch and prints seconds per epoch and training seconds to a target error (FNO's
final error unless ``--target-error``), as FNO / model ratios.

Threads are set through the environment before numpy and torch are imported and with
``torch.set_num_threads``; on shared 2-core machines use ``--threads 1`` and compare ratios.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

MODELS = ("fno", "tfno", "mgno", "t1", "deeponet")
# family -> (description, whether its grid is periodic: fine grid 2 R, else 2 R - 1)
FAMILIES = {
    "darcy": ("Darcy threshold", False),
    "burgers": ("Burgers 1-D, nu = 0.1, u(0) -> u(1)", True),
}
MULTIRESOLUTION_MODELS = ("fno", "tfno")


def coarsening_factors(text: str) -> tuple[int, ...]:
    """``"1,1,2"`` -> ``(1, 1, 2)``; argparse reports anything else as an invalid value."""
    factors = tuple(int(f) for f in text.split(","))
    if min(factors) < 1:
        raise ValueError(text)
    return factors


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", choices=tuple(FAMILIES), default="darcy")
    parser.add_argument("--resolution", type=int, default=33, help="training nodes per axis R")
    parser.add_argument("--n-train", type=int, default=200)
    parser.add_argument("--n-test", type=int, default=50)
    parser.add_argument("--budget-seconds", type=float, default=20.0, help="per model")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated")
    parser.add_argument("--n-modes", type=int, default=12)
    parser.add_argument("--hidden-channels", type=int, default=32)
    parser.add_argument("--n-layers", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch/BLAS/OpenMP threads")
    parser.add_argument("--data-dir", default=None, help="keep the generated files here")
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="train every model for exactly this many epochs instead of filling the budget",
    )
    parser.add_argument(
        "--equal-accuracy",
        action="store_true",
        help="evaluate after every epoch; report seconds per epoch and time to reach the "
        "target error (default: FNO's final error) against FNO",
    )
    parser.add_argument("--target-error", type=float, default=None)
    parser.add_argument(
        "--same-init",
        action="store_true",
        help="start our FNO from neuraloperator's initial weights (isolates the training "
        "from the draw of the initial weights)",
    )
    parser.add_argument(
        "--multiresolution",
        type=coarsening_factors,
        default=None,
        help="coarsening factors cycled over the batches of the FNO-type models (fno, tfno "
        "and neuraloperator's), e.g. 1,1,2: every third batch on the grid with half the cells",
    )
    parser.add_argument(
        "--even",
        action="store_true",
        help="drop the last node of every axis: periodic grids of R - 1 and 2 R - 2 points",
    )
    return parser.parse_args(argv)


def set_threads(n: int) -> None:
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)


def load(path, resolution=None):
    from sciml.data import H5Dataset

    ds = H5Dataset(path, resolution=resolution)
    import torch

    x = torch.stack([ds[i][0] for i in range(len(ds))])
    y = torch.stack([ds[i][1] for i in range(len(ds))])
    ds.close()
    return x, y, ds.grid


def fine_resolution(args) -> int:
    """The generation (zero-shot) grid: ``2 R`` periodic nodes, or ``2 R - 1`` vertex nodes,
    so that the training grid is every second node of it."""
    return 2 * args.resolution if FAMILIES[args.family][1] else 2 * args.resolution - 1


def make_data(args, folder: Path) -> dict:
    from sciml.data import GenerationConfig, generate

    fine = fine_resolution(args)
    paths = {}
    for name, n, seed in (("train", args.n_train, args.seed), ("test", args.n_test, args.seed + 1)):
        path = folder / f"{args.family}{fine}_{name}_n{n}_seed{seed}.h5"
        if not path.exists():
            tic = time.perf_counter()
            generate(GenerationConfig(args.family, n=n, resolution=fine, seed=seed), path)
            print(f"generated {path.name} in {time.perf_counter() - tic:.1f} s")
        paths[name] = path
    data = {
        "train": load(paths["train"], args.resolution),
        "test": load(paths["test"], args.resolution),
        "test_fine": load(paths["test"]),
    }
    return {k: drop_last_node(*v) for k, v in data.items()} if args.even else data


def drop_last_node(x, y, grid):
    """Values without the last node of each axis, on the periodic grid of the remaining
    nodes ``j / (n - 1)``: an even number of points, the grid convention of
    neuraloperator's positional embedding. The Darcy solution is 0 on both ends, so the
    dropped nodes carry no information about ``u``."""
    from sciml.core import TensorGrid

    d = grid.ndim
    for i in range(d):
        x, y = x.narrow(2 + i, 0, x.shape[2 + i] - 1), y.narrow(2 + i, 0, y.shape[2 + i] - 1)
    shape = tuple(n - 1 for n in grid.shape)
    return x.contiguous(), y.contiguous(), TensorGrid.uniform(shape, periodic=True)


def rel_l2(model, forward, x, y, grid, batch_size) -> float:
    from sciml.core import Field
    from sciml.training import evaluate_model

    data = {0: (Field(x, grid), Field(y, grid))}
    return evaluate_model(model, data, forward=forward, batch_size=batch_size)[0]


def train_one(model, forward, data, scaling, args, multiresolution=None) -> dict:
    """Train within the budget (or ``--epochs``); with ``--equal-accuracy`` also record
    the test error at the training resolution after every epoch, against the training
    seconds so far (evaluation time excluded). ``multiresolution``: the Trainer's
    coarsening cycle (see :mod:`sciml.training.multiresolution`)."""
    import copy
    import statistics

    from sciml.core import Field
    from sciml.training import StopTraining, Trainer

    x, y, grid = data["train"]
    pair = (Field(scaling.encode_inputs(x), grid), Field(scaling.encode_outputs(y), grid))
    common = dict(
        lr=args.lr,
        batch_size=args.batch_size,
        seed=args.seed,
        progress=False,
        multiresolution=multiresolution,
    )
    k = min(3 * args.batch_size, x.shape[0])
    probe = Trainer(copy.deepcopy(model), epochs=1, forward=forward, **common)
    probe.fit((pair[0][:k], pair[1][:k]))  # warm-up: first-call costs, allocator
    if args.epochs is None:
        tic = time.perf_counter()
        probe.fit((pair[0][:k], pair[1][:k]))
        per_epoch = (time.perf_counter() - tic) * x.shape[0] / k
        epochs = max(1, int(args.budget_seconds / per_epoch))
    else:
        epochs = args.epochs
    physical = scaling.physical(forward)
    curve = []

    def guard(trainer, epoch, history):
        trained = sum(history["seconds"])
        if args.equal_accuracy:
            curve.append((trained, rel_l2(model, physical, *data["test"], args.batch_size)))
        if args.epochs is None and trained > 1.5 * args.budget_seconds:
            raise StopTraining

    trainer = Trainer(model, epochs=epochs, forward=forward, callbacks=[guard], **common)
    history = trainer.fit(pair)
    seconds = sum(history["seconds"])
    coarse = curve[-1][1] if curve else rel_l2(model, physical, *data["test"], args.batch_size)
    fine = rel_l2(model, physical, *data["test_fine"], args.batch_size)
    return {
        "epochs": len(history["epoch"]),
        "seconds": seconds,
        "seconds_per_epoch": statistics.median(history["seconds"]),
        "samples_per_second": x.shape[0] * len(history["epoch"]) / seconds,
        "rel_l2": coarse,
        "rel_l2_fine": fine,
        "curve": curve,
    }


def time_to(curve, target: float):
    """Training seconds at the first epoch whose test error is <= ``target`` (or None)."""
    return next((t for t, err in curve if err <= target), None)


def equal_accuracy_report(rows: dict, target: float | None) -> None:
    """Seconds per epoch and time to reach the target error, each model against FNO."""
    if "fno" not in rows:
        print("equal-accuracy report needs fno among --models")
        return
    target = rows["fno"]["rel_l2"] if target is None else target
    ref = rows["fno"]
    t_ref = time_to(ref["curve"], target)
    print(f"\nequal accuracy: target test rel L2 {target:.4f} (at the training resolution)")
    print(f"{'model':<13}{'s/epoch':>9}{'epoch ratio':>13}{'s to target':>13}{'ratio':>8}  best")
    for name, r in rows.items():
        t = time_to(r["curve"], target)
        best = min(err for _, err in r["curve"])
        epoch_ratio = ref["seconds_per_epoch"] / r["seconds_per_epoch"]
        reached = f"{t:>13.1f}" if t is not None else f"{'not reached':>13}"
        ratio = f"{t_ref / t:>8.2f}" if t is not None and t_ref is not None else f"{'-':>8}"
        per_epoch = r["seconds_per_epoch"]
        print(f"{name:<13}{per_epoch:>9.2f}{epoch_ratio:>13.2f}{reached}{ratio}  {best:.4f}")
    print("ratios = FNO / model (> 1: the model is faster); times are training seconds")


def neuralop_fno(args, ndim: int = 2):
    """neuraloperator's FNO in our FNO's configuration, or the reason it cannot be built.

    Matched (neuraloperator 2.0.0 names): the kept frequencies ``|k_i| < n_modes`` (its
    ``n_modes`` counts the centred modes of the full spectrum, and halves the last one:
    ``(2 m - 1, ..., 2 m - 2)``), ``hidden_channels``, ``n_layers``, lifting and projection
    MLPs with one hidden layer of ``2 * hidden_channels`` (its default ratio 2), GELU applied
    twice between Fourier layers (its post-activation block calls the activation before and
    after the switched-off channel MLP; our default ``"gelu_twice"``) and none after the
    last, a linear pointwise skip, no domain
    padding, two linear coordinate channels (its ``"grid"`` embedding, nodes ``j / n``,
    the nodes of our grid under ``--even``), and the spectral initialization std
    ``sqrt(2 / (in + out)) = 1 / sqrt(width)``. Switched off so the two networks coincide:
    its channel MLP after each spectral layer (``use_channel_mlp=False``). Differences:
    its bias sits in the spectral layer, ours in the skip (same function class, same
    count, same initial distributions); the initial weights come from ``torch.manual_seed(
    args.seed)`` here and from our own generator for ours, unless ``--same-init``.
    """
    try:
        from neuralop.models import FNO as ReferenceFNO
    except Exception as exc:  # not installed, or a broken install
        return None, f"neuraloperator not importable ({type(exc).__name__}: {exc})"
    import torch

    m = args.n_modes
    torch.manual_seed(args.seed)  # its initial weights come from the global generator
    try:
        model = ReferenceFNO(
            n_modes=(2 * m - 1,) * (ndim - 1) + (2 * m - 2,),
            in_channels=1,
            out_channels=1,
            hidden_channels=args.hidden_channels,
            n_layers=args.n_layers,
            lifting_channel_ratio=2,
            projection_channel_ratio=2,
            positional_embedding="grid",
            use_channel_mlp=False,
            fno_skip="linear",
            domain_padding=None,
        )
    except Exception as exc:
        return None, f"neuraloperator FNO could not be built ({type(exc).__name__}: {exc})"
    return model, ""


def copy_reference_weights(ours, reference, n_modes: int, forward) -> float:
    """Load neuraloperator's 2-D FNO weights into our FNO; returns the relative gap of the
    outputs on a random 32 x 32 input (``forward(x)`` evaluates ours on the training grid).

    Its spectral weights hold the first kept axis in ``fftshift`` order (``-m+1 .. m-1``),
    ours in FFT order (``0 .. m-1, -m+1 .. -1``); its per-layer bias (added after the
    spectral layer) is our skip bias, the same place in the sum.
    """
    import torch

    state = {}
    for name, mlp in (("lifting", reference.lifting), ("projection", reference.projection)):
        for i, fc in enumerate(mlp.fcs):
            state[f"{name}.mlp.net.{2 * i}.weight"] = fc.weight[..., 0]
            state[f"{name}.mlp.net.{2 * i}.bias"] = fc.bias
    blocks = reference.fno_blocks
    for i, conv in enumerate(blocks.convs):
        w = conv.weight.to_tensor() if hasattr(conv.weight, "to_tensor") else conv.weight
        w = torch.roll(w.detach(), -(n_modes - 1), dims=2)
        state[f"spectral.{i}.weight.weight"] = torch.view_as_real(w.contiguous())
        state[f"skips.{i}.mlp.net.0.weight"] = blocks.fno_skips[i].conv.weight[..., 0]
        state[f"skips.{i}.mlp.net.0.bias"] = conv.bias.reshape(-1)
    ours.load_state_dict({k: v.detach().clone() for k, v in state.items()})
    x = torch.randn(2, 1, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        a, b = forward(x), reference(x)
    return float((a - b).norm() / b.norm())


def odd_size_shift_bug() -> bool:
    """True if the installed neuraloperator's spectral layer misplaces frequencies on
    grids with an odd number of points (``fftshift`` applied where ``ifftshift`` is due;
    fixed upstream after 2.0.0): an identity multiplier must reproduce a kept cosine."""
    import torch
    from neuralop.layers.spectral_convolution import SpectralConv as ReferenceConv

    conv = ReferenceConv(1, 1, n_modes=(8, 8), bias=False)
    with torch.no_grad():
        conv.weight.tensor.fill_(1.0)
        x = torch.arange(33) / 33
        u = torch.cos(2 * torch.pi * (2 * x[:, None] + x[None, :]))[None, None]
        return float((conv(u) - u).abs().max()) > 1e-4


def main(argv=None) -> int:
    args = parse_args(argv)
    set_threads(args.threads)
    import torch

    from sciml.operators import parameter_count
    from sciml.training.grid_models import Scaling, build_grid_model, grid_forward

    torch.set_num_threads(args.threads)
    names = [m for m in args.models.split(",") if m]
    if args.even and args.family != "darcy":
        print("--even applies to darcy only (its vertex grids)", file=sys.stderr)
        return 2
    fine = fine_resolution(args)
    train_n = args.resolution - 1 if args.even else args.resolution
    if args.even:
        print(f"--even: last node dropped, periodic grids of {train_n} and {fine - 1} points")
    print(
        f"{FAMILIES[args.family][0]}, train R={args.resolution} (injected from {fine}), n_train="
        f"{args.n_train}, n_test={args.n_test}, budget {args.budget_seconds:g} s/model, "
        f"threads {torch.get_num_threads()}, torch {torch.__version__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.data_dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data = make_data(args, folder)
    x, y, grid = data["train"]
    scaling = Scaling.fit(x, y)
    hp = dict(n_modes=args.n_modes, hidden_channels=args.hidden_channels, n_layers=args.n_layers)
    rows = {}
    reference, why = (
        neuralop_fno(args, grid.ndim)
        if args.family == "darcy"
        else (None, "set up for --family darcy only")
    )
    for name in names:
        model = build_grid_model(name, 1, 1, grid, seed=args.seed, **hp)
        if name == "fno" and args.same_init and reference is not None:
            gap = copy_reference_weights(
                model, reference, args.n_modes, partial(grid_forward(model), model, grid=grid)
            )
            print(f"  --same-init: fno starts from neuraloperator's weights (output gap {gap:.1e})")
        multires = args.multiresolution if name in MULTIRESOLUTION_MODELS else None
        result = train_one(model, grid_forward(model), data, scaling, args, multires)
        rows[name] = {"parameters": parameter_count(model), **result}
        print(f"  trained {name}: {rows[name]['epochs']} epochs in {result['seconds']:.1f} s")

    if reference is not None and not args.even and odd_size_shift_bug():
        print(
            "warning: this neuraloperator version misplaces frequencies on odd grids "
            f"({grid.shape}); pass --even for a fair comparison"
        )
    if reference is not None:
        result = train_one(
            reference, lambda m, v, g: m(v), data, scaling, args, args.multiresolution
        )
        rows["neuralop fno"] = {"parameters": parameter_count(reference), **result}

    fine = fine - 1 if args.even else fine
    header = (
        f"{'model':<13}{'params':>10}{'epochs':>8}{'samples/s':>11}"
        f"{f'rel L2 {train_n}':>12}{f'rel L2 {fine}':>12}{'ratio':>7}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for name, r in rows.items():
        print(
            f"{name:<13}{r['parameters']:>10,}{r['epochs']:>8}{r['samples_per_second']:>11.1f}"
            f"{r['rel_l2']:>12.4f}{r['rel_l2_fine']:>12.4f}{r['rel_l2_fine'] / r['rel_l2']:>7.2f}"
        )
    print(f"ratio = rel L2 at {fine} (zero-shot) / rel L2 at {train_n}")
    if args.equal_accuracy:
        equal_accuracy_report(rows, args.target_error)
    if reference is None:
        print(f"neuraloperator comparison skipped: {why}")
    elif "fno" in rows:
        ours, ref = rows["fno"], rows["neuralop fno"]
        print(
            "neuraloperator FNO / ours: "
            f"params {ref['parameters'] / ours['parameters']:.2f}x, "
            f"samples/s {ref['samples_per_second'] / ours['samples_per_second']:.2f}x, "
            f"rel L2 {ref['rel_l2'] / ours['rel_l2']:.2f}x, "
            f"zero-shot rel L2 {ref['rel_l2_fine'] / ours['rel_l2_fine']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
