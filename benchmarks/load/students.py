"""Simulated students (Locust users) against the app, on this machine only: a bounded run that stops by itself.

    python -m benchmarks.load.students --students 200 --seconds 60 --replicas 2     # nginx + 2 replicas
    python -m benchmarks.load.students --students 5 --seconds 5 --replicas 1 --direct  # one server, no proxy
    python -m benchmarks.load.students --students 20 --seconds 20 --direct --adversaries flooder --baseline

Each student, arriving uniformly over --seconds: opens a shared link (the XOR network), waits until the loss
is in the delta stream, edits a cell of X three times (a data_editor widget state), goes to the step page and
steps through three steps (the stepper component's trigger), and leaves. Reported: time to first numbers, edit
latency and step latency at p50/p95/p99 (Locust's statistics), errors, the servers' CPU seconds and peak
resident memory, and the most sessions (open connections) they held. --adversaries adds a client that never
reads its socket and one that floods reruns (or one of them: --adversaries flooder); with --baseline the same
students first run alone on the same servers, and the report gives the ratio of their p95. Runs go to 127.0.0.1
only; the servers it starts are stopped. Timing is reported, never asserted; figures on a shared machine must be
re-measured on a quiet one.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import User, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.exception import StopUser  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from benchmarks.load.protocol import ProtocolError, StreamlitClient  # noqa: E402
from deploy.local import Cluster  # noqa: E402

LINK = ("X=0,0;0,1;1,0;1,1&y=0,1,1,0&hidden=2:tanh&activation=identity&loss=mse&W1=0.5,-0.4;0.3,0.8"
        "&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1")


def _ms(t0: float, t1: float) -> float:
    return (t1 - t0) * 1000


class Student(User):
    """One student: open the link, edit X three times, step through the step page, leave."""

    host = "http://127.0.0.1:8080"

    def _fire(self, name: str, started: float, ended: float, length: int = 0, exc: Exception | None = None):
        self.environment.events.request.fire(request_type="student", name=name, response_time=_ms(started, ended),
                                             response_length=length, exception=exc, context={})

    @task
    def lecture(self) -> None:
        client = StreamlitClient(self.host, timeout=120)
        step = "open"
        t0 = time.perf_counter()
        try:
            run = client.open(LINK)
            if "Loss L" not in run.metrics or run.exceptions:
                raise ProtocolError(f"first run: no loss or an exception {run.exceptions}")
            self._fire("first numbers", t0, run.metric_at["Loss L"], run.bytes)
            loss = run.metrics["Loss L"]
            for k, value in enumerate((2, 3, 4)):
                step = f"edit {k + 1}"
                t0 = time.perf_counter()
                run = client.edit_cells("xy_editor", {0: {"x0": value}})
                if run.metrics.get("Loss L") in (None, loss) or run.exceptions:
                    raise ProtocolError(f"{step}: the loss did not change ({loss})")
                loss = run.metrics["Loss L"]
                self._fire("edit", t0, run.metric_at["Loss L"], run.bytes)
            step = "step page"
            t0 = time.perf_counter()
            run = client.go_to("step_by_step")
            self._fire("step page", t0, run.finished_at, run.bytes)
            for k in (2, 3, 4):
                step = f"step {k}"
                t0 = time.perf_counter()
                run = client.trigger("stepper", "step", k)
                if not client.query.endswith(f"step={k}"):
                    raise ProtocolError(f"{step}: the address did not follow ({client.query[-20:]})")
                self._fire("step", t0, run.finished_at, run.bytes)
        except Exception as err:  # every failure is counted under the step it happened in
            self._fire(step, t0, time.perf_counter(), 0, err)
        finally:
            client.close()
            self.environment.students_done = getattr(self.environment, "students_done", 0) + 1
        raise StopUser()


class SlowReader(User):
    """An adversary: opens the app, asks for a run every second and never reads what the server sends."""

    host = Student.host

    @task
    def hog(self) -> None:
        client = StreamlitClient(self.host)
        client.connect("/?" + LINK)
        client.send_rerun(query=LINK, page_hash="")
        while time.monotonic() < self.environment.adversaries_until:
            gevent.sleep(1)
            try:
                client.send_rerun(query=LINK)
            except Exception:
                break
        client.close()
        raise StopUser()


class Flooder(User):
    """An adversary: asks for a new run as fast as it can, reading only enough to keep the socket open."""

    host = Student.host

    @task
    def flood(self) -> None:
        client = StreamlitClient(self.host)
        client.open(LINK)
        self.environment.flood_requests = 0
        while time.monotonic() < self.environment.adversaries_until:
            try:
                client.send_rerun()
                self.environment.flood_requests += 1
                client.ws.settimeout(0.05)
                with contextlib.suppress(Exception):  # reads what is there, at most 50 ms
                    client.ws.recv()
            except Exception:
                break
        client.close()
        raise StopUser()


ADVERSARIES = {"both": (SlowReader, Flooder), "slow": (SlowReader,), "flooder": (Flooder,)}


def _proc(pid: int) -> tuple[float, float]:
    """(CPU seconds, resident MB) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:")) / 1024
    return cpu, rss


def _connections(ports: set[int]) -> int:
    """Established TCP connections to these local ports (a session is one WebSocket)."""
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[3] == "01" and int(cols[1].rsplit(":", 1)[1], 16) in ports:
                n += 1
    return n


def _students(env: Environment, runner, students: int, seconds: float) -> dict:
    """Students arriving over `seconds`, until all have left (or 4×seconds + 120 s): their figures."""
    env.stats.reset_all()
    env.students_done = 0
    t0 = time.monotonic()
    rate = max(students / max(seconds, 0.1), 0.01)
    for _ in range(students):
        runner.spawn_users({"Student": 1})
        gevent.sleep(1 / rate)
    limit = t0 + 4 * seconds + 120
    while env.students_done < students and time.monotonic() < limit:
        gevent.sleep(0.2)
    elapsed = time.monotonic() - t0
    stats = env.stats
    out = {"students": students, "seconds": seconds, "elapsed_s": round(elapsed, 1), "uptime": _uptime()}
    for name in ("first numbers", "edit", "step page", "step"):
        s = stats.get(name, "student")
        out[name] = {"n": s.num_requests, "p50_ms": s.get_response_time_percentile(0.5),
                     "p95_ms": s.get_response_time_percentile(0.95), "p99_ms": s.get_response_time_percentile(0.99)}
    out["errors"] = {f"{e.name}: {e.error}"[:200]: e.occurrences for e in stats.errors.values()}
    out["completed_students"] = stats.get("step", "student").num_requests // 3
    out["unfinished_students"] = students - env.students_done  # still running at the time limit
    out["edits_per_s"] = round(stats.get("edit", "student").num_requests / elapsed, 2)
    return out


def run(url: str, pids: list[int], ports: set[int], students: int, seconds: float, adversaries: str | None,
        baseline: bool = False) -> dict:
    """Students arriving over `seconds`, measured; with `adversaries`, those run beside them. With `baseline`
    too, the same students first run alone on the same servers, and the report gives both and the ratios of
    their p95 (with / alone)."""
    classes = [Student, *ADVERSARIES.get(adversaries, ())]
    for c in classes:
        c.host = url
    env = Environment(user_classes=classes, events=events, parsed_options=argparse.Namespace(seconds=seconds))
    env.adversaries_until = 0.0
    runner = env.create_local_runner()
    cpu0 = {p: _proc(p)[0] for p in pids}
    peak = {"rss_mb": {p: _proc(p)[1] for p in pids}, "sessions": 0}

    def sample():
        while True:
            for p in pids:
                peak["rss_mb"][p] = max(peak["rss_mb"][p], _proc(p)[1])
            peak["sessions"] = max(peak["sessions"], _connections(ports))
            gevent.sleep(0.5)

    sampler = gevent.spawn(sample)
    t0 = time.monotonic()
    if baseline and adversaries:
        _students(env, runner, 1, 0.1)  # one student first, unmeasured: the caches are warm for both phases
    alone = _students(env, runner, students, seconds) if baseline and adversaries else None
    if adversaries:
        env.adversaries_until = float("inf")
        runner.spawn_users({c.__name__: 1 for c in ADVERSARIES[adversaries]})
        gevent.sleep(3)  # they are at it before the first student arrives
    out = _students(env, runner, students, seconds)
    env.adversaries_until = 0.0
    gevent.sleep(1.5)
    runner.quit()
    sampler.kill()
    if adversaries:
        out["adversaries"] = adversaries
        out["flood_requests"] = getattr(env, "flood_requests", 0)
    if alone is not None:
        out = {"alone": alone, "with adversaries": out,
               "p95_ratio": {k: round(out[k]["p95_ms"] / max(alone[k]["p95_ms"], 1), 2)
                             for k in ("first numbers", "edit", "step page", "step")}}
    out["elapsed_s"] = round(time.monotonic() - t0, 1)
    out["server_cpu_s"] = round(sum(_proc(p)[0] - cpu0[p] for p in pids), 1)
    out["server_peak_rss_mb"] = {str(p): round(v) for p, v in peak["rss_mb"].items()}
    out["peak_sessions"] = peak["sessions"]
    return out


def _uptime() -> str:
    return "load average: " + ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20, help="the students arrive over this many seconds")
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--direct", action="store_true", help="one server, no proxy (--replicas 1 only)")
    ap.add_argument("--adversaries", nargs="?", const="both", choices=sorted(ADVERSARIES),
                    help="add adversaries beside the students: a slow reader and a flooder (both, the default), or one")
    ap.add_argument("--baseline", action="store_true",
                    help="with --adversaries: the same students first run alone, on the same servers; report both "
                         "and the ratios of their p95")
    ap.add_argument("--json", type=Path, help="write the report here too")
    args = ap.parse_args(argv)
    if not 1 <= args.students <= 1000 or not 0 < args.seconds <= 600:
        ap.error("bounded runs only: 1-1000 students over at most 600 seconds")
    cluster = Cluster(replicas=args.replicas)
    if args.direct:
        cluster.start_replicas_only()
        url = cluster.members[0].url
    else:
        cluster.start()
        url = cluster.url
    try:
        report = run(url, cluster.pids(), {r.port for r in cluster.members}, args.students, args.seconds,
                     args.adversaries, args.baseline)
    finally:
        cluster.stop()
    report["replicas"], report["proxy"] = args.replicas, not args.direct
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
