"""Several first visitors at once on a fresh server (a restarted replica's reconnects, a class opening a deep link):
each gets its own link's model, none the default example.

Streamlit runs a fresh server in its legacy pages/ mode until some session has run st.navigation; ui/state.py
leaves it. The flag is per process, so when one session cleared it, the others' runs that had already started in
legacy mode ran the page file alone, with the seed example (found by a double fault in tests/e2e/test_replicas.py).
Speaks Streamlit's protocol (benchmarks/load/protocol.py) to a real server; no browser needed."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.load.protocol import StreamlitClient  # noqa: E402
from deploy.local import Cluster  # noqa: E402

LINK = ("X=0,0;0,1;1,0;1,1&y=0,1,1,0&hidden=2:tanh&activation=identity&loss=mse&W1=0.5,-0.4;0.3,0.8"
        "&b1=0.1,-0.2&W2=0.7;-0.6&b2=0.05&lr=0.1")


def test_three_first_visitors_of_a_deep_link_at_once_each_get_their_link():
    from ui import render, share

    net, X, y, params = share.decode(parse_qs(LINK)).model.engine()
    expected = render.fmt(net.forward_backward(X, y, params).loss, 4)  # the engine on the decoded link
    cluster = Cluster(replicas=1).start_replicas_only()
    got: dict[int, str | None] = {}

    def visit(k: int) -> None:
        client = StreamlitClient(cluster.members[0].url, timeout=120)
        try:
            client.connect("/overview?" + LINK)  # a deep link, as a browser on the overview reconnects
            client.send_rerun(query=LINK, page_hash="", page_name="overview")
            got[k] = client.receive_run().metrics.get("Loss L")
        finally:
            client.close()

    try:
        visitors = [threading.Thread(target=visit, args=(k,)) for k in range(3)]
        for v in visitors:
            v.start()
        for v in visitors:
            v.join(180)
    finally:
        cluster.stop()
    assert got == {0: expected, 1: expected, 2: expected}
