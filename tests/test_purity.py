"""The engine stays pure NumPy: importing it (and its math modules) pulls in neither Streamlit nor Plotly."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import backprop

ROOT = Path(__file__).resolve().parents[1]


def test_importing_backprop_loads_neither_streamlit_nor_plotly():
    modules = sorted(m.name for m in pkgutil.iter_modules(backprop.__path__))  # no exemption
    assert {"trace", "surface", "training", "validation"} <= set(modules)
    code = (
        "import importlib, sys\n"
        "import backprop\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('backprop.' + name)\n"
        "print(sorted(m for m in ('streamlit', 'plotly', 'pandas', 'graphviz') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_backprop_pulls_in_no_lesson_text():
    """The lesson (titles, explanations, formulas with numbers, the script's templates) lives in `lesson`, which
    reads traces; the math never imports it."""
    code = "import sys, backprop; print(sorted(m for m in sys.modules if m.split('.')[0] == 'lesson'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    for path in (ROOT / "backprop").glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+lesson\b", path.read_text(), flags=re.M), path.name


def test_imports_inside_backprop_run_one_way():
    """Each module of backprop imports only modules before it in this order: no circle."""
    order = ["validation", "activations", "losses", "penalties", "ops", "trace", "training", "surface", "gradcheck",
             "network", "neuron", "datasets", "features", "metrics", "__init__"]
    for k, name in enumerate(order):
        source = (ROOT / "backprop" / f"{name}.py").read_text()
        imported = set(re.findall(r"^\s*from \.(\w+) import", source, flags=re.M))
        imported |= set(re.findall(r"^\s*from \. import (\w+)", source, flags=re.M))
        assert imported <= set(order[:k]), (name, imported - set(order[:k]))
    assert sorted(p.stem for p in (ROOT / "backprop").glob("*.py")) == sorted(order)
