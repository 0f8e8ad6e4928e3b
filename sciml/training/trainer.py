"""The training loop: seeded, checkpointed every epoch, resumable, data-parallel under
``torchrun``.

Determinism
-----------
The model's initial weights are the caller's (build it with ``seed=``). Everything random
inside :meth:`Trainer.fit` derives from ``Trainer(seed=...)`` and the epoch number only:
the sample permutation of epoch ``e`` comes from its own ``torch.Generator``, and the global
RNG (dropout, if any) is seeded per epoch inside ``torch.random.fork_rng``, so the caller's
RNG state is untouched. Same model seed, same trainer seed, same data, same thread count
=> identical weights; and a run resumed from the checkpoint of epoch ``e`` replays epochs
``e+1..`` exactly as the uninterrupted run would.

Checkpoints
-----------
With ``checkpoint=path`` the trainer writes, after every epoch, the model (state_dict + JSON
spec) and the training state (optimizer, scheduler, epoch, history, trainer settings)
atomically (:mod:`.checkpoint`). ``fit(..., resume_from=path)`` restores them and continues;
the trainer settings must match the checkpoint's.
"""

from __future__ import annotations

import time

import torch
from torch import nn

from sciml.core.errors import ParameterError, explain

from . import distributed as ddp
from .checkpoint import load_training_state, load_weights, save_checkpoint
from .evaluation import default_forward, evaluate_model
from .losses import make_loss
from .multiresolution import MultiResolution, check_factors
from .pairs import Pairs, as_pairs
from .progress import progress_bar

__all__ = ["Trainer", "StopTraining"]

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}
SCHEDULERS = (None, "cosine", "step")
# settings added after checkpoints were first written: the value those checkpoints used
SETTINGS_BEFORE_THEY_EXISTED = {"multiresolution": [1]}


class StopTraining(Exception):
    """Raise from a callback to end :meth:`Trainer.fit` after the current epoch."""


def _epoch_seed(seed: int, epoch: int) -> int:
    return (seed * 1_000_003 + epoch * 7_919 + 1) % (2**63 - 1)


def _check(ok: bool, problem: str, expected: str, received, fix: str) -> None:
    if not ok:
        raise ParameterError(explain(problem, expected=expected, received=repr(received), fix=fix))


class Trainer:
    """Train an operator on input/target pairs.

    Parameters
    ----------
    model : nn.Module
        Usually a :mod:`sciml.operators` model (needed for checkpoints).
    loss : AbstractLoss or str
        ``loss(pred, target, grid) -> scalar``; default relative L2 (:mod:`.losses`).
    optimizer : {"adam", "adamw", "sgd"}
    lr : float
    weight_decay : float
    scheduler : {"cosine", "step", None}
        Stepped every batch: cosine annealing to 0 over all steps, or halving
        (``gamma``) every ``step_epochs`` epochs (default a quarter of the epochs).
    epochs, batch_size : int
        ``batch_size`` is the global batch size (split over DDP ranks).
    seed : int
        Seed of the data order and of in-training randomness.
    device : str or torch.device
    progress : bool
        Show a rich progress bar (rank 0).
    checkpoint : str or Path, optional
        Write a checkpoint here after every epoch.
    forward : callable, optional
        ``forward(model, x, grid) -> prediction``; default ``model(x, grid=grid)`` (grid
        from Field data, else omitted). DeepONet: ``lambda m, u, grid: m(u, y)``.
    callbacks : sequence of callables
        ``callback(trainer, epoch, history)`` after each epoch (after the checkpoint);
        raise :class:`StopTraining` to stop.
    multiresolution : sequence of int, optional
        Coarsening factors cycled over the batches of an epoch: batch ``j`` is trained on
        the data injected onto its grid coarsened by ``multiresolution[j % len]`` (1 = the
        data's own grid; see :mod:`.multiresolution`). ``(1, 1, 2)`` puts every third
        batch on the grid with half the cells, which makes FNOs more accurate zero-shot
        on finer grids. Needs Field data on a TensorGrid. Default: the data's grid only.

    Examples
    --------
    >>> from sciml.operators import FNO
    >>> x = torch.randn(8, 1, 16)
    >>> model = FNO(1, 1, (4,), 8, 2, seed=0)
    >>> trainer = Trainer(model, epochs=2, batch_size=4, progress=False)
    >>> history = trainer.fit((x, 2 * x))
    >>> len(history["train_loss"])
    2
    """

    def __init__(
        self,
        model: nn.Module,
        loss="l2",
        *,
        optimizer: str = "adam",
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        scheduler: str | None = "cosine",
        step_epochs: int | None = None,
        gamma: float = 0.5,
        epochs: int = 10,
        batch_size: int = 16,
        seed: int = 0,
        device="cpu",
        progress: bool = True,
        checkpoint=None,
        forward=None,
        callbacks=(),
        multiresolution=None,
    ):
        _check(
            optimizer in OPTIMIZERS,
            "unknown optimizer",
            " | ".join(OPTIMIZERS),
            optimizer,
            "pass optimizer='adam'",
        )
        _check(
            scheduler in SCHEDULERS,
            "unknown scheduler",
            "'cosine', 'step' or None",
            scheduler,
            "pass scheduler='cosine'",
        )
        for name, value in (("epochs", epochs), ("batch_size", batch_size)):
            _check(
                isinstance(value, int) and value >= 1,
                f"{name} must be a positive int",
                f"{name} >= 1",
                value,
                f"pass an int {name}",
            )
        _check(
            isinstance(seed, int) and seed >= 0,
            "seed must be a non-negative int",
            "seed >= 0",
            seed,
            "pass seed=0",
        )
        self.device = torch.device(device)
        self.model = model.to(self.device)
        self.loss = make_loss(loss)
        self.settings = {
            "optimizer": optimizer,
            "lr": float(lr),
            "weight_decay": float(weight_decay),
            "scheduler": scheduler,
            "step_epochs": step_epochs or max(1, epochs // 4),
            "gamma": float(gamma),
            "epochs": epochs,
            "batch_size": batch_size,
            "seed": seed,
            "multiresolution": list(check_factors(multiresolution)),
        }
        self.progress = progress
        self.checkpoint = checkpoint
        self.forward = forward or default_forward
        self.callbacks = tuple(callbacks)
        self.history: dict[str, list] = {}

    # ------------------------------------------------------------------ setup
    def _optimizer(self) -> torch.optim.Optimizer:
        s = self.settings
        return OPTIMIZERS[s["optimizer"]](
            self.model.parameters(), lr=s["lr"], weight_decay=s["weight_decay"]
        )

    def _scheduler(self, opt, steps_per_epoch: int):
        s = self.settings
        if s["scheduler"] == "cosine":
            total = s["epochs"] * steps_per_epoch
            return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
        if s["scheduler"] == "step":
            return torch.optim.lr_scheduler.StepLR(
                opt, step_size=s["step_epochs"] * steps_per_epoch, gamma=s["gamma"]
            )
        return None

    def _batches(self, data: Pairs, epoch: int, world: int):
        """Global batches of sample indices for one epoch (same on every rank)."""
        if data.loader is not None:
            return None
        gen = torch.Generator().manual_seed(_epoch_seed(self.settings["seed"], epoch))
        perm = torch.randperm(len(data), generator=gen)
        size = self.settings["batch_size"]
        batches = [perm[i : i + size] for i in range(0, len(perm), size)]
        return [b for b in batches if len(b) >= world]  # every rank needs a sample

    def _resume(self, path, opt, sched) -> int:
        state = load_training_state(path, map_location=self.device)
        _check(
            state is not None,
            f"{path} holds no training state",
            "a Trainer checkpoint",
            path,
            "resume from a checkpoint written by Trainer(checkpoint=...)",
        )
        saved = {**SETTINGS_BEFORE_THEY_EXISTED, **state["settings"]}
        diff = {k: (saved.get(k), v) for k, v in self.settings.items() if saved.get(k) != v}
        _check(
            not diff,
            "the trainer settings differ from the checkpoint's",
            "the settings the checkpoint was written with",
            diff,
            "construct the Trainer with the checkpoint's settings",
        )
        load_weights(self.model, path, map_location=self.device)
        opt.load_state_dict(state["optimizer"])
        if sched is not None:
            sched.load_state_dict(state["scheduler"])
        self.history = {k: list(v) for k, v in state["history"].items()}
        return int(state["epoch"])

    # ------------------------------------------------------------------ training
    def _step(self, model, opt, sched, batch, weight: float) -> float:
        x, y, in_disc, out_disc = batch
        x, y = x.to(self.device), y.to(self.device)
        pred = self.forward(model, x, in_disc)
        loss = self.loss(pred, y, out_disc)
        opt.zero_grad(set_to_none=True)
        (loss * weight).backward()
        opt.step()
        if sched is not None:
            sched.step()
        return float(loss.detach())

    def fit(self, train, val=None, *, resume_from=None) -> dict:
        """Train for the configured number of epochs.

        Parameters
        ----------
        train, val : data pairs
            See :mod:`.pairs` (tensors, Fields, a Dataset or a DataLoader).
        resume_from : str or Path, optional
            A checkpoint written by this trainer's ``checkpoint=`` option.

        Returns
        -------
        dict
            History: ``epoch``, ``train_loss``, ``lr``, ``seconds``,
            ``samples_per_second`` and, with ``val``, ``val_loss`` (one entry per epoch).
        """
        train, val = as_pairs(train), (None if val is None else as_pairs(val))
        grids = MultiResolution(self.settings["multiresolution"], train)
        rank, world = ddp.rank_and_world()
        model = ddp.wrap_model(self.model, self.device)
        opt = self._optimizer()
        first = self._batches(train, 0, world)
        steps = len(first) if first is not None else len(train.loader)
        sched = self._scheduler(opt, steps)
        start = 0
        if resume_from is not None:
            start = self._resume(resume_from, opt, sched)
        else:
            self.history = {}
        epochs = self.settings["epochs"]
        with (
            torch.random.fork_rng(devices=[]),
            progress_bar(self.progress and rank == 0, (epochs - start) * steps) as bar,
        ):
            for epoch in range(start, epochs):
                torch.manual_seed(_epoch_seed(self.settings["seed"], epoch) + 1)
                model.train()
                tic = time.perf_counter()
                total, count = torch.zeros(()), 0
                batches = self._batches(train, epoch, world)
                iterator = batches if batches is not None else train.loader
                for step, item in enumerate(iterator):
                    if batches is not None:
                        n_global = len(item)
                        local = ddp.local_chunk(item, rank, world)
                        x, y = train.batch(local)
                        weight = len(local) * world / n_global
                    else:
                        (x, y), weight = item, 1.0
                    batch = grids.batch(step, x, y)
                    value = self._step(model, opt, sched, batch, weight)
                    total += value * len(x)
                    count += len(x)
                    bar.advance(f"epoch {epoch + 1}/{epochs} loss {value:.4g}")
                sums = ddp.all_reduce_sum(torch.stack([total, torch.tensor(float(count))]))
                seconds = time.perf_counter() - tic
                record = {
                    "epoch": epoch + 1,
                    "train_loss": float(sums[0] / sums[1]),
                    "lr": opt.param_groups[0]["lr"],
                    "seconds": seconds,
                    "samples_per_second": float(sums[1]) / seconds,
                }
                if val is not None:
                    record["val_loss"] = self._validate(val)
                for key, value in record.items():
                    self.history.setdefault(key, []).append(value)
                if self.checkpoint is not None and rank == 0:
                    self.save_checkpoint(self.checkpoint, opt, sched, epoch + 1)
                ddp.barrier()
                try:
                    for callback in self.callbacks:
                        callback(self, epoch + 1, self.history)
                except StopTraining:
                    break
        return self.history

    @torch.no_grad()
    def _validate(self, val: Pairs) -> float:
        model = ddp.unwrap_model(self.model)
        model.eval()
        total, count = 0.0, 0
        batches = (
            val.loader
            if val.loader is not None
            else [
                val.batch(torch.arange(i, min(i + self.settings["batch_size"], len(val))))
                for i in range(0, len(val), self.settings["batch_size"])
            ]
        )
        for x, y in batches:
            pred = self.forward(model, x.to(self.device), val.in_disc)
            total += float(self.loss(pred, y.to(self.device), val.out_disc)) * len(x)
            count += len(x)
        model.train()
        return total / count

    # ------------------------------------------------------------------ outputs
    def save_checkpoint(self, path, opt=None, sched=None, epoch: int | None = None):
        """Write the model (and, inside ``fit``, the training state) to ``path``."""
        training = None
        if opt is not None:
            training = {
                "optimizer": opt.state_dict(),
                "scheduler": sched.state_dict() if sched is not None else None,
                "epoch": epoch,
                "history": self.history,
                "settings": self.settings,
            }
        return save_checkpoint(path, self.model, training=training)

    def evaluate(
        self, data, resolutions=None, *, targets=None, batch_size: int | None = None
    ) -> dict:
        """Mean relative L2 error per resolution (see
        :func:`~sciml.training.evaluation.evaluate_model`)."""
        return evaluate_model(
            ddp.unwrap_model(self.model),
            data,
            resolutions,
            targets=targets,
            forward=self.forward,
            batch_size=batch_size or self.settings["batch_size"],
        )
