"""The .pyi stubs parse and declare every public name."""

import ast
import importlib
from pathlib import Path

import pytest

import springbok

MODULES = ["springbok", "springbok.httptools", "springbok.multipart", "springbok.wsgi", "springbok.uvicorn"]


@pytest.mark.parametrize("name", MODULES)
def test_stub_declares_public_names(name):
    module = importlib.import_module(name)
    stub = Path(module.__file__).with_suffix(".pyi")
    if stub.name == "__init__.pyi":
        stub = Path(springbok.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    declared = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    missing = [n for n in module.__all__ if n not in declared]
    assert not missing, missing
    assert Path(springbok.__file__).with_name("py.typed").exists()
