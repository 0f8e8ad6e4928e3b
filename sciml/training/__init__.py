"""Training of neural operators: Trainer, relative Lp and Sobolev losses, checkpoints.

* :class:`Trainer` -- seeded, checkpointed every epoch, resumable, DDP under ``torchrun``;
* losses measured with the discretization's quadrature weights: :class:`RelativeLp`,
  :class:`Sobolev` (:func:`H1`, :func:`Hminus1`; Parseval on periodic grids);
* :func:`save_checkpoint` / :func:`load_checkpoint`: ``state_dict`` + JSON spec, atomic;
* :func:`evaluate_model`: relative L2 per resolution (zero-shot via ``Field.on``).

This package imports :mod:`sciml.core` and :mod:`sciml.operators` only.
"""

from .checkpoint import (
    load_checkpoint,
    load_training_state,
    load_weights,
    read_spec,
    save_checkpoint,
)
from .distributed import is_distributed, rank_and_world
from .evaluation import evaluate_model, regrid
from .losses import H1, AbstractLoss, Hminus1, RelativeLp, Sobolev
from .trainer import StopTraining, Trainer

__all__ = [
    "AbstractLoss",
    "H1",
    "Hminus1",
    "RelativeLp",
    "Sobolev",
    "StopTraining",
    "Trainer",
    "evaluate_model",
    "is_distributed",
    "load_checkpoint",
    "load_training_state",
    "load_weights",
    "rank_and_world",
    "read_spec",
    "regrid",
    "save_checkpoint",
]
