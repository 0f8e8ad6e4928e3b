"""Data parallelism with ``torch.distributed``, compatible with ``torchrun``.

Nothing here starts processes or a process group: under ``torchrun`` (or any launcher that
calls ``torch.distributed.init_process_group``) the :class:`~.trainer.Trainer` sees an
initialized group and

* wraps the model in :class:`~torch.nn.parallel.DistributedDataParallel`;
* draws the same permutation on every rank (same seed) and gives rank ``r`` the ``r``-th
  contiguous chunk of each global batch (``batch_size`` is the *global* batch size);
* scales each rank's mean loss by ``n_r * world / n`` so that DDP's gradient average equals
  the gradient of the mean loss over the global batch, even for uneven chunks;
* writes checkpoints and shows progress on rank 0 only.

Example launch: ``torchrun --nproc_per_node=2 train.py`` with ``train.py`` calling
``torch.distributed.init_process_group("gloo")`` and then ``Trainer(...).fit(...)``.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn

__all__ = [
    "is_distributed",
    "rank_and_world",
    "wrap_model",
    "unwrap_model",
    "local_chunk",
    "all_reduce_sum",
    "barrier",
]


def is_distributed() -> bool:
    """Whether a default process group is initialized."""
    return dist.is_available() and dist.is_initialized()


def rank_and_world() -> tuple[int, int]:
    """``(rank, world_size)``; ``(0, 1)`` outside a process group."""
    if not is_distributed():
        return 0, 1
    return dist.get_rank(), dist.get_world_size()


def wrap_model(model: nn.Module, device: torch.device) -> nn.Module:
    """``DistributedDataParallel(model)`` inside a process group, else ``model``."""
    if not is_distributed():
        return model
    ids = [device.index] if device.type == "cuda" and device.index is not None else None
    return nn.parallel.DistributedDataParallel(model, device_ids=ids)


def unwrap_model(model: nn.Module) -> nn.Module:
    """The module inside a DDP wrapper (or the model itself)."""
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model


def local_chunk(indices: torch.Tensor, rank: int, world: int) -> torch.Tensor:
    """Rank ``rank``'s contiguous share of a global batch of ``indices``.

    Chunks differ in size by at most one (``torch.tensor_split``).

    Examples
    --------
    >>> local_chunk(torch.arange(5), 1, 2).tolist()
    [3, 4]
    """
    return torch.tensor_split(indices, world)[rank]


def all_reduce_sum(value: torch.Tensor) -> torch.Tensor:
    """Sum of ``value`` over ranks (a copy; ``value`` itself outside a process group)."""
    if not is_distributed():
        return value
    out = value.clone()
    dist.all_reduce(out, op=dist.ReduceOp.SUM)
    return out


def barrier() -> None:
    """Synchronize ranks (no-op outside a process group)."""
    if is_distributed():
        dist.barrier()
