"""Conversion of user input (numpy arrays, lists, scalars, tensors) to torch tensors.

numpy is accepted at every constructor and converted once; everything inside the package
is torch. Tensors keep their dtype and device, numpy floating arrays their dtype; integers,
booleans, lists and scalars become float64 (complex128 for complex input) on the CPU.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["as_tensor", "DEFAULT_DTYPE"]

DEFAULT_DTYPE = torch.float64


def as_tensor(x, *, dtype: torch.dtype | None = None, device=None, name: str = "input"):
    """Return ``x`` as a torch tensor, keeping dtype and device of tensors.

    Parameters
    ----------
    x : array_like or torch.Tensor
        Data of any shape.
    dtype : torch.dtype, optional
        Target dtype. Default: the own dtype of tensors and of numpy floating/complex
        arrays; float64 (complex128 for complex data) for everything else.
    device : torch.device or str, optional
        Target device. Default: the tensor's own device, else the CPU.
    name : str
        Name used in the error message when ``x`` cannot be converted.

    Returns
    -------
    torch.Tensor

    Examples
    --------
    >>> as_tensor([1, 2]).dtype
    torch.float64
    >>> as_tensor(torch.ones(2, dtype=torch.float32)).dtype
    torch.float32
    >>> as_tensor(np.ones(2, dtype=np.float32)).dtype
    torch.float32
    """
    if isinstance(x, torch.Tensor):
        return x.to(dtype=dtype or x.dtype, device=device or x.device)
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy raises many types here
        raise TypeError(
            f"{name}: expected an array, a tensor or a number, received {type(x).__name__}. "
            "Fix: pass a numpy array or a torch tensor."
        ) from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(
            f"{name}: expected numeric data, received an array of dtype {arr.dtype}. "
            "Fix: pass numbers (ragged nested lists cannot be converted)."
        )
    if dtype is None and arr.dtype in (np.float32, np.float64, np.complex64, np.complex128):
        return torch.from_numpy(np.array(arr, copy=True)).to(device=device)
    if dtype is None:
        dtype = torch.complex128 if np.iscomplexobj(arr) else DEFAULT_DTYPE
    return torch.as_tensor(np.ascontiguousarray(arr), dtype=dtype, device=device)
