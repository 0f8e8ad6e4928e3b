"""Checkpoints: ``state_dict`` plus a JSON model spec, written atomically.

A checkpoint is one file written with ``torch.save`` containing only tensors, numbers,
strings, lists and dicts, so it loads with ``torch.load(weights_only=True)`` in a new
process and across package versions (no pickled classes):

``{"format": "sciml-checkpoint/1", "spec": <JSON string of model.spec()>, "model":
state_dict, "training": optional optimizer/scheduler/epoch/history state}``

The model is rebuilt with :func:`sciml.operators.build` from the spec (only registered
operator classes) and then loaded strictly. Writing goes to a temporary file in the same
folder, flushed and fsynced, then ``os.replace``-d over the target: a reader (or a resumed
run after a kill) sees either the old or the new checkpoint, never a torn one. Loading a
missing, truncated, corrupt or foreign file, or weights that do not fit the model, raises
:class:`CheckpointError` with the fix.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from torch import nn

from sciml.core.errors import ParameterError, SciMLError, explain
from sciml.operators import AbstractOperator, build

from .distributed import unwrap_model

__all__ = [
    "CheckpointError",
    "save_checkpoint",
    "load_checkpoint",
    "load_weights",
    "load_training_state",
    "read_spec",
    "FORMAT",
]

FORMAT = "sciml-checkpoint/1"


class CheckpointError(SciMLError, ValueError):
    """A checkpoint file is missing, truncated, corrupt, foreign, or does not fit its model.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "torn.pt")
    >>> with open(path, "wb") as fh:
    ...     _ = fh.write(b"PK\x03\x04 torn")
    >>> try:
    ...     load_checkpoint(path)
    ... except CheckpointError as exc:
    ...     print(str(exc).split(":")[0])
    torn.pt cannot be read as a checkpoint
    """


def _unreadable(path, exc: BaseException) -> CheckpointError:
    first = str(exc).splitlines()[0][:160] if str(exc) else ""
    return CheckpointError(
        explain(
            f"{Path(path).name} cannot be read as a checkpoint",
            expected=f"a whole file written by save_checkpoint (format {FORMAT!r})",
            received=f"{type(exc).__name__}: {first} (a truncated, corrupt or foreign file)",
            fix="use the checkpoint of a finished or interrupted run (written atomically, so "
            "a run's folder always holds a whole one), or train again",
        )
    )


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
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            explain(
                "no checkpoint file",
                expected="the path of a file written by save_checkpoint",
                received=str(path),
                fix="check the path (a Trainer writes the file given as checkpoint=)",
            )
        )
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises many types on torn or foreign files
        raise _unreadable(path, exc) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(
            explain(
                f"{path} is not a sciml checkpoint",
                expected=f"a file written by save_checkpoint (format {FORMAT!r})",
                received=repr(payload.get("format") if isinstance(payload, dict) else payload)[:80],
                fix="pass a checkpoint written by sciml.training (Trainer or save_checkpoint)",
            )
        )
    types = {"spec": str, "model": dict, "training": (dict, type(None))}
    bad = [k for k, t in types.items() if not isinstance(payload.get(k, ...), t)]
    if bad:
        raise _unreadable(path, KeyError(f"missing or malformed entries {bad}"))
    return payload


def _load_state(model: nn.Module, state: dict, path) -> None:
    try:
        model.load_state_dict(state, strict=True)
    except (RuntimeError, KeyError, TypeError, ValueError) as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        raise CheckpointError(
            explain(
                f"the weights in {Path(path).name} do not fit the model",
                expected=f"the state_dict of a {type(model).__name__} of this configuration",
                received="; ".join(lines[1:3])[:240] or type(exc).__name__,
                fix="load the checkpoint into the model it was written from (same class and "
                "configuration), or use load_checkpoint to rebuild it from the stored spec",
            )
        ) from None


def read_spec(path) -> dict:
    """The model spec (``{"class": ..., "config": ...}``) stored in a checkpoint."""
    try:
        return json.loads(_load(path)["spec"])
    except ValueError as exc:
        raise _unreadable(path, exc) from None


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
    try:
        model = build(json.loads(payload["spec"]))
    except (ValueError, TypeError, KeyError) as exc:  # ParameterError is a ValueError
        raise CheckpointError(
            explain(
                f"the model spec stored in {Path(path).name} cannot be rebuilt",
                expected="the JSON spec of a registered sciml.operators class",
                received=str(exc)[:240],
                fix="use a checkpoint written by this version of sciml, or train again",
            )
        ) from None
    _load_state(model, payload["model"], path)
    return model


def load_weights(model: nn.Module, path, *, map_location="cpu") -> nn.Module:
    """Load the weights stored in ``path`` into an existing ``model`` (strict); returns it."""
    _load_state(unwrap_model(model), _load(path, map_location)["model"], path)
    return model


def load_training_state(path, *, map_location="cpu") -> dict | None:
    """The training state (optimizer, scheduler, epoch, history) stored in ``path``."""
    return _load(path, map_location)["training"]
