"""A per-session limit on reruns: a token bucket in session state, checked at the top of every run.

A browser asks the server for a run on every change. A client that asks as fast as it can (a script, a stuck key)
would keep the server computing its page back to back, and since one Streamlit process runs every session's
script under one GIL, every other student in the room would wait. Each session may start BURST runs at once and
RATE more per second. A run beyond that first waits, sleeping (which frees the CPU and the GIL for the others)
until its token is there, at most 1 / RATE seconds, and says so in a short notice; only a run that goes on spends
a token. While it sleeps, Streamlit folds every further request of the session into one pending rerun (the newest
widget states win; `.streamlit/config.toml` sets `runner.fastReruns = false`, so a request does not start a new
script thread each time): a flood of requests becomes at most RATE short runs a second. A person clicking
quickly is delayed by a fraction of a second, never refused. Measured in docs/deploy.md.
"""

from __future__ import annotations

import time

import streamlit as st

RATE = 2.0  # runs per second, sustained, per session
BURST = 8.0  # runs at once before the limit applies (a few quick clicks, the app's own reruns)
BUCKET = "rerun_bucket"  # session state: (tokens, time.monotonic() of their count)
NOTICE = "Too many changes per second: waiting a moment before the next run."

Bucket = tuple[float, float]


def take(bucket: Bucket | None, now: float) -> tuple[Bucket, float]:
    """One run asked for at `now` (seconds): the bucket after it, and how long it must wait to start (0 when a token
    is there). Tokens refill at RATE per second up to BURST; a new session starts full."""
    tokens, then = bucket if bucket is not None else (BURST, now)
    tokens = min(BURST, tokens + (now - then) * RATE)  # below 0 while an earlier run's wait is not over
    wait = max(0.0, (1.0 - tokens) / RATE)
    return (tokens + wait * RATE - 1.0, now + wait), wait


def wait_turn() -> None:
    """Charge this run to the session's bucket; past the limit, show the notice and sleep until its turn."""
    bucket, wait = take(st.session_state.get(BUCKET), time.monotonic())
    if wait > 0:
        st.toast(NOTICE, icon=":material/hourglass_top:", duration="short")
        time.sleep(wait)  # not interruptible, at most 1 / RATE: the requests meanwhile become one rerun
        bucket, _ = take(st.session_state.get(BUCKET), time.monotonic())
    st.session_state[BUCKET] = bucket
