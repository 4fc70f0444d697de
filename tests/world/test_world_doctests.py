"""The docstring examples of the world modules run (DESIGN.md section 9.6)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import cluegraph.world

MODULES = [m.name for m in pkgutil.iter_modules(cluegraph.world.__path__, "cluegraph.world.")]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
