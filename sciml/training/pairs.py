"""What the Trainer accepts as data, normalized to indexable pairs of tensors.

* ``(inputs, targets)`` tensors with a leading sample axis, e.g. ``(N, c, *shape)``;
* ``(inputs, targets)`` :class:`~sciml.core.Field` objects with one batch axis: their
  values are used, and their discretizations are passed to the model (``grid=``) and to the
  loss;
* a ``torch.utils.data.Dataset`` whose items are ``(x, y)`` tensor (or Field) pairs,
  batched by stacking;
* a ``torch.utils.data.DataLoader``: iterated as given (its sampler decides order and, under
  DDP, sharding; determinism is then the loader's, see its ``generator``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, Dataset

from sciml.core import Discretization, Field
from sciml.core.errors import ShapeError, explain

__all__ = ["Pairs", "as_pairs"]


@dataclass
class Pairs:
    """Indexable input/target pairs.

    Attributes
    ----------
    source : tensors (x, y), a Dataset, or a DataLoader
    in_disc, out_disc : Discretization or None
        Discretizations of inputs and targets when known (Field data).
    """

    source: object
    in_disc: Discretization | None = None
    out_disc: Discretization | None = None

    @property
    def loader(self) -> DataLoader | None:
        return self.source if isinstance(self.source, DataLoader) else None

    def __len__(self) -> int:
        if isinstance(self.source, tuple):
            return int(self.source[0].shape[0])
        return len(self.source)

    def batch(self, indices: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs and targets of the samples ``indices``."""
        if isinstance(self.source, tuple):
            x, y = self.source
            return x[indices], y[indices]
        items = [self.source[int(i)] for i in indices]
        xs = [it[0].values if isinstance(it[0], Field) else it[0] for it in items]
        ys = [it[1].values if isinstance(it[1], Field) else it[1] for it in items]
        return torch.stack(xs), torch.stack(ys)


def _pair_error(received: str) -> ShapeError:
    return ShapeError(
        explain(
            "training data must be input/target pairs",
            expected="(inputs, targets) tensors or Fields with a leading sample axis, a "
            "torch Dataset of (x, y) pairs, or a DataLoader",
            received=received,
            fix="pass e.g. (a.values, u.values) or (a, u) with Fields of batch shape (N,)",
        )
    )


def as_pairs(data) -> Pairs:
    """Normalize training/validation data (see the module docstring)."""
    if isinstance(data, Pairs):
        return data
    if isinstance(data, DataLoader):
        return Pairs(data)
    if isinstance(data, (tuple, list)) and len(data) == 2:
        x, y = data
        in_disc = out_disc = None
        if isinstance(x, Field):
            if len(x.batch_shape) != 1:
                raise _pair_error(f"an input Field of batch shape {x.batch_shape}")
            x, in_disc = x.values, x.disc
        if isinstance(y, Field):
            if len(y.batch_shape) != 1:
                raise _pair_error(f"a target Field of batch shape {y.batch_shape}")
            y, out_disc = y.values, y.disc
        if not (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor)):
            raise _pair_error(f"({type(x).__name__}, {type(y).__name__})")
        if x.shape[0] != y.shape[0]:
            raise _pair_error(f"{x.shape[0]} inputs and {y.shape[0]} targets")
        return Pairs((x, y), in_disc, out_disc)
    if isinstance(data, Dataset) or (hasattr(data, "__getitem__") and hasattr(data, "__len__")):
        first = data[0]
        in_disc = first[0].disc if isinstance(first[0], Field) else None
        out_disc = first[1].disc if isinstance(first[1], Field) else None
        return Pairs(data, in_disc, out_disc)
    raise _pair_error(type(data).__name__)
