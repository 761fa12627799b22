"""The app's static folder (served at /app/static/ with server.enableStaticServing): Plotly.js for the
landscape component, copied from the installed `plotly` package.

The copy is made, not committed: 4.8 MB of minified JavaScript would sit in the history of every clone, and
a committed copy could drift from the plotly version that builds the app's other figures. The Dockerfile
makes it at build time (the container's user cannot write the app's folder); `ensure_plotly` makes it
at startup elsewhere. No Streamlit here, so the Dockerfile can run it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import plotly

STATIC = Path(__file__).resolve().parents[1] / "static"
PLOTLY_JS = "plotly.min.js"
SOURCE = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS


def ensure_plotly() -> Path:
    """static/plotly.min.js, copied from the plotly package unless an identical-size copy is there."""
    target = STATIC / PLOTLY_JS
    if not target.exists() or target.stat().st_size != SOURCE.stat().st_size:
        STATIC.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=STATIC, suffix=".partial", delete=False) as partial, \
                open(SOURCE, "rb") as source:
            shutil.copyfileobj(source, partial)
        Path(partial.name).chmod(0o644)  # readable by the server's user (the Dockerfile copies it as root)
        Path(partial.name).replace(target)  # whole or not at all, whoever copies at the same time
    return target


if __name__ == "__main__":
    print(ensure_plotly())
