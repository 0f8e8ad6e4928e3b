"""Operator-learning data: dataset generation pipeline, HDF5 datasets, torch Dataset.

Generate with ``sciml generate FAMILY ...`` or :func:`generate`; read with
:class:`H5Dataset` (torch) or plain h5py (layout in :mod:`sciml.data.h5_store`).

Modules: :mod:`~sciml.data.families` (command-line names and parameters of the problem
families), :mod:`~sciml.data.config` (what determines a data set, its hash),
:mod:`~sciml.data.planning` (method pilot and solve order), :mod:`~sciml.data.chains`
(ordering and chains), :mod:`~sciml.data.worker` (solving a chain),
:mod:`~sciml.data.distributed` (Dask), :mod:`~sciml.data.h5_store` (file layout, crash-safe
writer), :mod:`~sciml.data.generation` (the pipeline), :mod:`~sciml.data.torch_dataset`.
"""

from .config import GenerationConfig
from .errors import DatasetError
from .families import FAMILIES
from .generation import GenerationReport, generate
from .h5_store import partial_path
from .torch_dataset import H5Dataset

__all__ = [
    "FAMILIES",
    "DatasetError",
    "GenerationConfig",
    "GenerationReport",
    "H5Dataset",
    "generate",
    "partial_path",
]
