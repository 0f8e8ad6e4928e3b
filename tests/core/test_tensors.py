import numpy as np
import pytest
import torch

from sciml.core import as_tensor


def test_conversion_rules():
    assert as_tensor([1, 2]).dtype == torch.float64
    assert as_tensor(np.arange(3)).dtype == torch.float64
    assert as_tensor(np.ones(2, np.float32)).dtype == torch.float32
    assert as_tensor(np.ones(2, np.complex128)).dtype == torch.complex128
    t = torch.ones(2, dtype=torch.float16)
    assert as_tensor(t) is t or as_tensor(t).dtype == torch.float16


def test_numpy_input_is_copied():
    a = np.zeros(3)
    t = as_tensor(a)
    a[0] = 1.0
    assert float(t[0]) == 0.0


def test_non_numeric_input_is_explained():
    with pytest.raises(TypeError, match="numeric data"):
        as_tensor(["a", "b"])
