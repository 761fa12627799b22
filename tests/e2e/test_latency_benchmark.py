"""The latency benchmark (benchmarks/latency.py) still runs: its quick mode against the tests' app server, with
its own floor app, printing a row for everything it measured. Speed is the benchmark's business, not this
test's: no timing is asserted (docs/performance.md has the figures and the command)."""

from __future__ import annotations

import importlib.util
import re
import sys

from .browser import REPO, StreamlitServer

_spec = importlib.util.spec_from_file_location("latency", REPO / "benchmarks" / "latency.py")
latency = sys.modules["latency"] = importlib.util.module_from_spec(_spec)  # dataclasses look their module up
_spec.loader.exec_module(latency)


def test_the_quick_benchmark_measures_and_prints_every_row(browser, app_url, tmp_path, capsys):
    script = tmp_path / "floor_app.py"
    script.write_text(latency.FLOOR_APP)
    with StreamlitServer(script, log=tmp_path / "floor.log") as floor:
        latency.warm(browser, floor.url)
        rows = latency.run(browser, floor.url, app_url, **latency.QUICK)
    latency.report(rows)
    printed = capsys.readouterr().out.splitlines()
    expected = ["floor: one data_editor app", "overview edit -> new loss, one neuron", "floor: cold first visit",
                "cold first visit of /", "stepping"]
    assert len(rows) == len(expected), [r.label for r in rows]
    for label in expected:
        line = next((x for x in printed if x.startswith(label)), None)
        assert line is not None, f"no row for {label!r} in:\n" + "\n".join(printed)
        assert re.search(r"\d+ ms +\[\d+-\d+\]", line), line  # a median and its spread
    for label in expected[:2]:  # an edit's time in its parts, for the floor and the page
        line = next(x for x in printed if x.startswith(label))
        assert re.search(r"commit \d+ \+ start \d+ \+ run \d+ \+ after \d+ ms", line), line
    for line in printed:
        if "<=" in line or ">=" in line:  # a row with a goal says whether it is met
            assert re.search(r"\b(met|MISSED)\b", line), line
    assert printed[-1].startswith(("Missed: ", "Every goal met."))
