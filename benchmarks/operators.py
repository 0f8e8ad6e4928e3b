"""Neural operators side by side on generated Darcy data: same data, same time budget.

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

Threads are set through the environment before numpy and torch are imported and with
``torch.set_num_threads``; on shared 2-core machines use ``--threads 1`` and compare ratios.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

MODELS = ("fno", "tfno", "mgno", "t1", "deeponet")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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


def make_data(args, folder: Path) -> dict:
    from sciml.data import GenerationConfig, generate

    fine = 2 * args.resolution - 1
    paths = {}
    for name, n, seed in (("train", args.n_train, args.seed), ("test", args.n_test, args.seed + 1)):
        path = folder / f"darcy{fine}_{name}_n{n}_seed{seed}.h5"
        if not path.exists():
            tic = time.perf_counter()
            generate(GenerationConfig("darcy", n=n, resolution=fine, seed=seed), path)
            print(f"generated {path.name} in {time.perf_counter() - tic:.1f} s")
        paths[name] = path
    return {
        "train": load(paths["train"], args.resolution),
        "test": load(paths["test"], args.resolution),
        "test_fine": load(paths["test"]),
    }


def rel_l2(model, forward, x, y, grid, batch_size) -> float:
    from sciml.core import Field
    from sciml.training import evaluate_model

    data = {0: (Field(x, grid), Field(y, grid))}
    return evaluate_model(model, data, forward=forward, batch_size=batch_size)[0]


def train_one(model, forward, data, scaling, args) -> dict:
    import copy

    from sciml.core import Field
    from sciml.training import StopTraining, Trainer

    x, y, grid = data["train"]
    pair = (Field(scaling.encode_inputs(x), grid), Field(scaling.encode_outputs(y), grid))
    common = dict(lr=args.lr, batch_size=args.batch_size, seed=args.seed, progress=False)
    k = min(3 * args.batch_size, x.shape[0])
    probe = Trainer(copy.deepcopy(model), epochs=1, forward=forward, **common)
    probe.fit((pair[0][:k], pair[1][:k]))  # warm-up: first-call costs, allocator
    tic = time.perf_counter()
    probe.fit((pair[0][:k], pair[1][:k]))
    per_epoch = (time.perf_counter() - tic) * x.shape[0] / k
    epochs = max(1, int(args.budget_seconds / per_epoch))
    start = time.perf_counter()

    def guard(trainer, epoch, history):
        if time.perf_counter() - start > 1.5 * args.budget_seconds:
            raise StopTraining

    trainer = Trainer(model, epochs=epochs, forward=forward, callbacks=[guard], **common)
    history = trainer.fit(pair)
    seconds = time.perf_counter() - start
    physical = scaling.physical(forward)
    coarse = rel_l2(model, physical, *data["test"], args.batch_size)
    fine = rel_l2(model, physical, *data["test_fine"], args.batch_size)
    return {
        "epochs": len(history["epoch"]),
        "seconds": seconds,
        "samples_per_second": x.shape[0] * len(history["epoch"]) / seconds,
        "rel_l2": coarse,
        "rel_l2_fine": fine,
    }


def neuralop_fno(args):
    """neuraloperator's FNO with our configuration, or the reason it cannot be built."""
    try:
        from neuralop.models import FNO as ReferenceFNO
    except Exception as exc:  # not installed, or a broken install
        return None, f"neuraloperator not importable ({type(exc).__name__}: {exc})"
    try:
        modes = (args.n_modes, args.n_modes)
        model = ReferenceFNO(
            n_modes=modes,
            hidden_channels=args.hidden_channels,
            in_channels=1,
            out_channels=1,
            n_layers=args.n_layers,
        )
    except Exception as exc:
        return None, f"neuraloperator FNO could not be built ({type(exc).__name__}: {exc})"
    return model, ""


def main(argv=None) -> int:
    args = parse_args(argv)
    set_threads(args.threads)
    import torch

    from sciml.operators import parameter_count
    from sciml.training.grid_models import Scaling, build_grid_model, grid_forward

    torch.set_num_threads(args.threads)
    names = [m for m in args.models.split(",") if m]
    fine = 2 * args.resolution - 1
    print(
        f"Darcy threshold, train R={args.resolution} (injected from {fine}), n_train="
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
    for name in names:
        model = build_grid_model(name, 1, 1, grid, seed=args.seed, **hp)
        result = train_one(model, grid_forward(model), data, scaling, args)
        rows[name] = {"parameters": parameter_count(model), **result}
        print(f"  trained {name}: {rows[name]['epochs']} epochs in {result['seconds']:.1f} s")

    reference, why = neuralop_fno(args)
    if reference is not None:
        result = train_one(reference, lambda m, v, g: m(v), data, scaling, args)
        rows["neuralop fno"] = {"parameters": parameter_count(reference), **result}

    header = (
        f"{'model':<13}{'params':>10}{'epochs':>8}{'samples/s':>11}"
        f"{f'rel L2 {args.resolution}':>12}{f'rel L2 {fine}':>12}{'ratio':>7}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for name, r in rows.items():
        print(
            f"{name:<13}{r['parameters']:>10,}{r['epochs']:>8}{r['samples_per_second']:>11.1f}"
            f"{r['rel_l2']:>12.4f}{r['rel_l2_fine']:>12.4f}{r['rel_l2_fine'] / r['rel_l2']:>7.2f}"
        )
    print(f"ratio = rel L2 at {fine} (zero-shot) / rel L2 at {args.resolution}")
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
