"""The engine stays pure NumPy: importing it (and its math modules) pulls in neither Streamlit nor Plotly."""

from __future__ import annotations

import pkgutil
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
