"""The per-session rerun limit (ui/throttle.py): a flood of requests becomes at most BURST + RATE × t runs in any
t seconds, a person's few quick clicks never wait, and a session past the limit waits, says so, then runs."""

from __future__ import annotations

import time

from conftest import ENTRY
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from ui import throttle


def starts(asked: list[float]) -> list[float]:
    """When each run starts, for runs asked for at these times (seconds, in order)."""
    bucket, out = None, []
    for now in asked:
        bucket, wait = throttle.take(bucket, now)
        out.append(now + wait)
    return out


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.floats(0, 0.5), min_size=1, max_size=200))
def test_no_window_holds_more_runs_than_the_burst_and_the_rate_allow(gaps):
    asked = [sum(gaps[: i + 1]) for i in range(len(gaps))]
    started = starts(asked)
    assert all(s >= a for s, a in zip(started, asked, strict=True)) and started == sorted(started)
    for i, a in enumerate(started):
        for b in started[i:]:
            inside = sum(a <= s <= b for s in started)
            assert inside <= throttle.BURST + throttle.RATE * (b - a) + 1e-9


def test_a_flood_runs_at_the_rate_and_a_few_clicks_never_wait():
    flood = starts([k * 0.001 for k in range(1000)])  # 1,000 requests in one second
    assert flood[-1] >= (1000 - throttle.BURST) / throttle.RATE - 1e-9  # served at RATE once the burst is spent
    clicks = starts([0.0, 0.1, 0.2, 0.3, 0.4, 5.0, 5.1, 5.2])  # a person: a few quick clicks, a pause, a few more
    assert clicks == [0.0, 0.1, 0.2, 0.3, 0.4, 5.0, 5.1, 5.2]


def test_a_session_past_the_limit_waits_with_a_notice_then_shows_its_page():
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not [t for t in at.toast if t.value == throttle.NOTICE], "a first run never waits"
    at.session_state[throttle.BUCKET] = (0.0, time.monotonic())  # the burst spent just now
    began = time.monotonic()
    at.run()
    assert time.monotonic() - began >= 0.9 / throttle.RATE
    assert [t for t in at.toast if t.value == throttle.NOTICE]
    assert not at.exception and "Loss L" in [m.label for m in at.metric], "then the page runs whole"
