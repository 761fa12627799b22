"""The load generator still speaks Streamlit's protocol (benchmarks/load): five simulated students against one
server each open a link, edit X three times, step through the step page and leave, with no error. Timing is
reported by the generator, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_five_students_complete_the_lecture_without_an_error(tmp_path):
    report = tmp_path / "load.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks.load.students", "--students", "5", "--seconds", "3",
                           "--direct", "--json", str(report)], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(report.read_text())
    assert figures["errors"] == {}
    assert figures["completed_students"] == 5
    assert [figures[k]["n"] for k in ("first numbers", "edit", "step page", "step")] == [5, 15, 5, 15]
    assert figures["peak_sessions"] >= 1 and figures["server_cpu_s"] > 0
