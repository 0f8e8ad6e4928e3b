"""Checkpoints: ``state_dict`` plus a JSON model spec, written atomically.

A checkpoint is one file written with ``torch.save`` containing only tensors, numbers,
strings, lists and dicts, so it loads with ``torch.load(weights_only=True)`` in a new
process and across package versions (no pickled classes):

``{"format": "sciml-checkpoint/1", "spec": <JSON string of model.spec()>, "model":
state_dict, "training": optional optimizer/scheduler/epoch/history state}``

The model is rebuilt with :func:`sciml.operators.build` from the spec (only registered
operator classes) and then loaded strictly. Writing goes to a temporary file in the same
folder, flushed and fsynced, then ``os.replace``-d over the target: a reader (or a resumed
run after a kill) sees either the old or the new checkpoint, never a torn one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from torch import nn

from sciml.core.errors import ParameterError, explain
from sciml.operators import AbstractOperator, build

from .distributed import unwrap_model

__all__ = [
    "save_checkpoint",
    "load_checkpoint",
    "load_weights",
    "load_training_state",
    "read_spec",
    "FORMAT",
]

FORMAT = "sciml-checkpoint/1"


def save_checkpoint(path, model: nn.Module, *, training: dict | None = None) -> Path:
    """Write ``model`` (and optional training state) to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
    model : AbstractOperator (or a DDP wrapper around one)
    training : dict, optional
        Optimizer/scheduler state dicts, epoch, history: tensors and plain data only.

    Returns
    -------
    Path
    """
    model = unwrap_model(model)
    if not isinstance(model, AbstractOperator):
        raise ParameterError(
            explain(
                "only sciml.operators models can be checkpointed with a rebuildable spec",
                expected="an AbstractOperator",
                received=type(model).__name__,
                fix="save torch.save(model.state_dict()) yourself for other modules",
            )
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "spec": json.dumps(model.spec()),
        "model": model.state_dict(),
        "training": training,
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            torch.save(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _load(path, map_location="cpu") -> dict:
    payload = torch.load(Path(path), map_location=map_location, weights_only=True)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ParameterError(
            explain(
                f"{path} is not a sciml checkpoint",
                expected=f"a file written by save_checkpoint (format {FORMAT!r})",
                received=repr(payload.get("format") if isinstance(payload, dict) else payload)[:80],
                fix="pass a checkpoint written by sciml.training (Trainer or save_checkpoint)",
            )
        )
    return payload


def read_spec(path) -> dict:
    """The model spec (``{"class": ..., "config": ...}``) stored in a checkpoint."""
    return json.loads(_load(path)["spec"])


def load_checkpoint(path, *, map_location="cpu") -> AbstractOperator:
    """Rebuild the model stored in ``path`` and load its weights.

    Examples
    --------
    >>> import tempfile, os
    >>> from sciml.operators import FNO
    >>> m = FNO(1, 1, (4,), 8, 2, seed=0)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = save_checkpoint(os.path.join(d, "m.pt"), m)
    ...     m2 = load_checkpoint(p)
    >>> x = torch.randn(2, 1, 16)
    >>> bool((m(x) == m2(x)).all())
    True
    """
    payload = _load(path, map_location)
    model = build(json.loads(payload["spec"]))
    model.load_state_dict(payload["model"], strict=True)
    return model


def load_weights(model: nn.Module, path, *, map_location="cpu") -> nn.Module:
    """Load the weights stored in ``path`` into an existing ``model`` (strict); returns it."""
    unwrap_model(model).load_state_dict(_load(path, map_location)["model"], strict=True)
    return model


def load_training_state(path, *, map_location="cpu") -> dict | None:
    """The training state (optimizer, scheduler, epoch, history) stored in ``path``."""
    return _load(path, map_location)["training"]
