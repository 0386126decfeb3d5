"""The package's layers hold: importing the pure core or any figure module loads neither TensorFlow, Keras nor
Streamlit (a figure builds in milliseconds, a script can use the core without them), and no layer imports one above
it (rnn_demo/__init__.py names the order)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "rnn_demo"
HEAVY = ("tensorflow", "keras", "streamlit")
# Who may import whom (besides itself): each layer, the layers below it.
ALLOWED = {
    "core": set(),
    "figures": {"core"},
    "model": {"core"},
    "lessons": {"core", "model"},
    "serving": {"core", "model"},
    "web": {"core", "model", "lessons", "serving", "figures"},
    "tools": {"core", "model", "lessons", "serving", "figures"},
}


def _modules(package: str) -> list[str]:
    return sorted("rnn_demo." + path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
                  .removesuffix(".__init__") for path in (PACKAGE / package).rglob("*.py"))


def _loaded_after_import(module: str) -> list[str]:
    code = (f"import sys, {module}\n"
            f"print(sorted({{name.split('.')[0] for name in sys.modules}} & {set(HEAVY)!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                            check=True)
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package", ["core", "figures"])
def test_core_and_figures_load_no_tensorflow_keras_or_streamlit(package):
    modules = _modules(package)
    assert len(modules) >= 8
    # One interpreter per package: importing all of its modules together loads none of the heavy libraries.
    assert _loaded_after_import(", ".join(modules)) == []


def test_the_check_sees_a_heavy_import():
    """The check above can fail: a module of the model layer does load TensorFlow."""
    assert "tensorflow" in _loaded_after_import("rnn_demo.model.training")


def test_no_layer_imports_a_layer_above_it():
    wrong = []
    for layer, allowed in ALLOWED.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnn_demo."):
                    target = node.module.split(".")[1]
                    if target != layer and target not in allowed:
                        wrong.append(f"{path.relative_to(REPO)} imports {node.module}")
    assert wrong == []


def test_only_the_web_layer_imports_streamlit():
    importers = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
                importers.add(path.relative_to(PACKAGE).parts[0])
    assert importers <= {"web", "tools"}  # tools: the load test reads Streamlit's protobuf messages
    assert "web" in importers
