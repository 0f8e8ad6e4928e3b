"""Docstring examples are tests: every module of the installed packages runs its doctests."""

import doctest
import importlib
import pkgutil

import pytest

import sciml


def modules():
    names = ["sciml"]
    for info in pkgutil.walk_packages(sciml.__path__, "sciml."):
        names.append(info.name)
    for sub in ("sciml.core", "sciml.solvers", "sciml.theory", "sciml.validation"):
        try:
            pkg = importlib.import_module(sub)
        except ModuleNotFoundError:
            continue
        names += [i.name for i in pkgutil.walk_packages(pkg.__path__, sub + ".")]
    return sorted(set(names) - {"sciml.__main__"})


@pytest.mark.parametrize("name", modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
