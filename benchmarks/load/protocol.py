"""A Streamlit client that speaks the browser's protocol: protobuf BackMsg / ForwardMsg over /_stcore/stream.

What Streamlit's frontend does (frontend/app/src/App.tsx, checked against the 1.67 bundle): it opens the
WebSocket with the subprotocol "streamlit", asks for a run with a `rerun_script` BackMsg (a ClientState: the
query string, the widget states it holds, the page's script hash, the browser's context), and renders the
ForwardMsgs that follow: `new_session` when a run starts, `navigation` (the pages and their hashes),
`delta`s (the elements), `page_info_changed` (the query string the script wrote) and `script_finished`.
A widget change is another `rerun_script` carrying the widget's new state under its element id; a page
change carries the page's script hash and no query string (Streamlit clears it on a page change).

Pure protocol, no Locust: benchmarks/load/students.py drives it. Synchronous (websocket-client); under
Locust's gevent every socket wait yields to the other simulated students.
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websocket
from streamlit.components.v2.bidi_component.constants import EVENT_DELIM
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ProtocolError(RuntimeError):
    """The server closed, timed out, or said something a browser would show as an error."""


@dataclass
class Run:
    """What one script run sent: its elements by kind, the metrics by label, and its timings (seconds)."""

    started: float
    metrics: dict[str, str] = field(default_factory=dict)
    metric_at: dict[str, float] = field(default_factory=dict)
    elements: int = 0
    exceptions: list[str] = field(default_factory=list)
    bytes: int = 0
    finished_at: float | None = None
    status: int | None = None


class StreamlitClient:
    """One browser tab: `open(query)`, then `rerun(...)` for each interaction, then `close()`."""

    def __init__(self, base_url: str, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.ws: websocket.WebSocket | None = None
        self.cookies: dict[str, str] = {}
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> page script hash
        self.page_hash = ""
        self.query = ""
        self.widget_ids: list[str] = []  # ids of the widgets and components the last run drew
        self.messages = 0

    # -- connection ---------------------------------------------------------------------------------------
    def _get_page(self, path: str) -> None:
        """GET the app's HTML, as a browser's first request: it carries and receives the affinity cookie."""
        request = urllib.request.Request(self.base_url + path, headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:
            answer.read()
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def connect(self, path: str = "/") -> None:
        self._get_page(path)
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws = websocket.create_connection(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream", timeout=self.timeout,
            subprotocols=["streamlit"], origin=f"{parts.scheme}://{parts.netloc}",
            header=[f"{k}: {v}" for k, v in self._cookie_header().items()])

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    # -- messages -----------------------------------------------------------------------------------------
    def send_rerun(self, *, query: str | None = None, widgets: list[WidgetState] = (), page_hash: str | None = None,
                   page_name: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query if query is None else query
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = page_name
        state.widget_states.widgets.extend(widgets)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url, info.is_embedded, info.color_scheme = self.base_url + "/", False, "light"
        self.ws.send_binary(msg.SerializeToString())

    def receive_run(self, wait_for_metric: str | None = None) -> Run:
        """Read ForwardMsgs until the run the last request started has finished; its elements and times."""
        run = Run(started=time.perf_counter())
        deadline = run.started + self.timeout
        while True:
            self.ws.settimeout(max(0.1, deadline - time.perf_counter()))
            try:
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException as err:
                raise ProtocolError(f"no end of run within {self.timeout:.0f}s") from err
            except websocket.WebSocketConnectionClosedException as err:
                raise ProtocolError("the server closed the connection") from err
            if not data:
                raise ProtocolError("the server closed the connection")
            self.messages += 1
            run.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
                self.widget_ids = []
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta":
                self._element(msg, run)
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # another run follows (the app's own st.rerun)
                run.finished_at = time.perf_counter()
                run.status = msg.script_finished
                if wait_for_metric and wait_for_metric not in run.metrics:
                    raise ProtocolError(f"the run ended without the metric {wait_for_metric!r}")
                return run

    def _element(self, msg: ForwardMsg, run: Run) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        run.elements += 1
        kind = element.WhichOneof("type")
        if kind == "metric":
            run.metrics[element.metric.label] = element.metric.body
            run.metric_at.setdefault(element.metric.label, time.perf_counter())
        elif kind == "exception":
            run.exceptions.append(element.exception.message or element.exception.type)
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if widget_id:
            self.widget_ids.append(widget_id)

    # -- what a student does ------------------------------------------------------------------------------
    def open(self, query: str, page: str = "") -> Run:
        """Open the app at /PAGE?QUERY, as a browser does (the HTML, the WebSocket, the first run)."""
        self.connect("/" + page + (f"?{query}" if query else ""))
        self.send_rerun(query=query, page_hash="", page_name=page)
        return self.receive_run()

    def widget_id(self, key_part: str) -> str:
        found = [w for w in self.widget_ids if key_part in w]
        if not found:
            raise ProtocolError(f"no widget with {key_part!r} in its id in the last run")
        return found[-1]

    def edit_cells(self, editor_key: str, edited_rows: dict[int, dict[str, str | float]]) -> Run:
        """A data_editor's widget state: every edit made in it so far, as the browser sends it (a JSON
        string); `editor_key` is part of the widget's key (the app versions its editors' keys)."""
        state = WidgetState(id=self.widget_id(editor_key))
        state.string_value = json.dumps({"edited_rows": {str(r): c for r, c in edited_rows.items()},
                                         "added_rows": [], "deleted_rows": []})
        self.send_rerun(widgets=[state])
        return self.receive_run()

    def go_to(self, page: str) -> Run:
        """A click on a page in the sidebar's navigation: the page's hash, no query string."""
        if page not in self.pages:
            raise ProtocolError(f"no page {page!r} in the navigation ({sorted(self.pages)})")
        self.send_rerun(query="", page_hash=self.pages[page])
        return self.receive_run()

    def trigger(self, component_key: str, event: str, value) -> Run:
        """A components-v2 component's trigger (JavaScript `setTriggerValue(event, value)`): the payload list
        under the component's trigger-aggregator id."""
        base = self.widget_id(component_key)
        state = WidgetState(id=f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{base}{EVENT_DELIM}events")
        state.json_trigger_value = json.dumps([{"event": event, "value": value}])
        self.send_rerun(widgets=[state])
        return self.receive_run()
