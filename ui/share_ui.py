"""Share links in the app: restore a session from its link once, and show the link of the current state.

The schema and the encoding live in `ui.share` (pure); this module binds the schema's session fields to
their session-state keys, reads `st.query_params` when a session starts, and draws the copy control.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import streamlit as st

import backprop as bp

from . import landscape, presenter, share, state, training, widgets
from .model import SEED

RESTORED = "share_restored"  # this session has read its link (bool)
TOO_LARGE = "share_too_large"  # the data is too large for the address bar, and the user has been told (bool)
NOTICE = "share_notice"  # ([(kind, text)], model shown): the link's messages, kept until the model changes
LINK_PAGE = "share_link_page"  # the Data & sharing page's "the link opens" choice
LINK_STEP = "share_link_step"
STEP_PAGE = "step_by_step"

Binding = tuple[tuple[str, ...], Callable[[Any], dict[str, Any]], Callable[[list[Any]], Any]]


def _one(key: str) -> Binding:
    return (key,), lambda value: {key: value}, lambda values: values[0]


# The loss-landscape page's widget keys (ui/landscape.py; tests/test_share.py checks them against the page).
_AXES = ("landscape_axis_u", "landscape_axis_v")
_OPTIMIZERS = {"sgd": "landscape_opt_sgd", "momentum": "landscape_opt_momentum", "adam": "landscape_opt_adam",
               "notebook": "landscape_notebook"}

_FEATURES = tuple(f"train_feat_{k}" for k in bp.features.TRANSFORMS)


def _training_bindings(field: str, key: str) -> dict[str, Binding]:
    """A training run's settings (ui/training.py): batch 0 is the Full batch toggle on; the second run's own
    penalty (the first run's is the model's, from the sidebar)."""
    own = {f"{field}reg": _one(f"{key}reg"), f"{field}reg_rate": _one(f"{key}rate")} if field else {}
    return {
        f"{field}opt": _one(f"{key}opt"),
        f"{field}batch": ((f"{key}full", f"{key}batch"),
                          lambda v: {f"{key}full": v == 0, **({f"{key}batch": v} if v else {})},
                          lambda values: 0 if values[0] else int(values[1])),
        **own,
    }


# Each session field of the schema: the session-state keys it lives under (the widgets' keys), how a
# value becomes those keys' values, and how their values become the field's value.
BINDINGS: dict[str, Binding] = {
    "presenter": _one(state.PRESENTER),
    "axes": (_AXES, lambda axes: dict(zip(_AXES, axes, strict=True)), tuple),
    "span": _one("landscape_span"),
    "resolution": _one("landscape_resolution"),
    "optimizers": (tuple(_OPTIMIZERS.values()), lambda chosen: {k: n in chosen for n, k in _OPTIMIZERS.items()},
                   lambda ticks: tuple(n for n, on in zip(_OPTIMIZERS, ticks, strict=True) if on)),
    "updates": _one("landscape_steps"),
    "only_axes": _one("landscape_only"),
    "fit": _one("landscape_fit"),
    "log_loss": _one("landscape_log"),
    **_training_bindings("", "train_"),
    "epochs": _one("train_epochs"),
    "stop": (("train_stop", "train_target"),
             lambda v: {"train_stop": "loss" if v > 0 else "epochs", **({"train_target": v} if v > 0 else {})},
             lambda values: float(values[1]) if values[0] == "loss" else 0.0),
    "test": _one("train_test"),
    "seed": _one("train_seed"),
    "noise": _one("train_noise"),
    "features": (_FEATURES, lambda chosen: {f"train_feat_{k}": k in chosen for k in bp.features.TRANSFORMS},
                 lambda ticks: tuple(k for k, on in zip(bp.features.TRANSFORMS, ticks, strict=True) if on)),
    "compare": _one("train_compare"),
    **_training_bindings("b_", "train_b_"),
    "b_lr": _one("train_b_lr"),
}


def escape(text: str) -> str:
    """Text that may hold what a user typed, with Markdown's special characters escaped (never HTML)."""
    return "".join("\\" + c if c in "\\`*_[]()<>$~#|!{}:" else c for c in str(text))


def _query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def restore_once() -> None:
    """On a session's first run, restore the state its link describes (app.py calls it before the pages).

    A good link replaces the defaults; a bad one leaves the defaults in place and says what is wrong
    (`write_url` then puts the state shown into the address bar). Parameters the schema does not know stay
    (another page may read them) and are mentioned; the step page reads its own `step`. The message stays
    until the user changes the model. A reload is a new session: it reopens the work the address holds.
    """
    if not st.session_state.get(RESTORED):
        st.session_state[RESTORED] = True
        _restore(_query())
    _show_notice()


# How often the browser reruns the empty fragment below (seconds): rarely, as it exists only for its side effect.
RECONNECT_PERIOD = 6 * 3600


@st.fragment(run_every=RECONNECT_PERIOD)
def _reconnect_hook() -> None:
    """Draws nothing: a fragment with `run_every` makes Streamlit's browser code ask for a full run as soon
    as its WebSocket reconnects (it otherwise waits for the next click; frontend App.handleConnectionStateChanged
    checks `autoRerunIntervals`)."""


def restore_after_reconnect() -> None:
    """Make a browser whose server went away (a replica killed or restarted behind the proxy) reopen its
    work at once from its address bar (app.py calls it on every run).

    A session lives in one server process's memory. When that process dies, the browser reconnects, through
    the proxy, to a process that has never seen it: a new session. Without a run on reconnect, that new
    session starts on the next click, and a click on another page sends no query string (Streamlit clears it
    on a page change), so `restore_once` finds no link and the student's work is replaced by the default
    example. With the run on reconnect, the new session's first run gets the address bar's query, which
    `write_url` keeps current, and `restore_once` reopens the work. Cost per session: one empty fragment run
    every RECONNECT_PERIOD, and one small message per run (docs/deploy.md has the measurement).
    """
    _reconnect_hook()


def _restore(params: dict[str, list[str]]) -> None:
    known = {k: v for k, v in params.items() if k in share.FIELDS}
    unknown = [k for k in params if k not in share.FIELDS and k not in share.IGNORED]
    notes = []
    try:
        shared = share.decode(known)
    except share.ShareError as err:
        shared = None
        problems = "\n".join(f"- {escape(p)}" for p in err.problems[:8])
        notes.append(("error", f"**This link could not be opened**, so the app shows its default example "
                               f"instead:\n{problems}\n\nAsk for a fresh link (Data & sharing page), or fix "
                               "the address."))
    if shared is not None:
        _apply(shared)
        st.session_state[presenter.SHARE_ON] = bool(shared.session.get("presenter"))  # the link's own choice
        quiet = shared.model == SEED and not set(shared.session) - {"presenter"}
        if not quiet and not shared.session.get("presenter"):
            # The untouched app's address reopens quietly: a lecturer's `?presenter=1` shows no banner above the
            # lesson; nor does any link in presenter mode (the lecturer's own: the notice would cover the graph
            # on the room's screen). A toast: it shows once, on the page the link opens, and its × dismisses it.
            st.toast(f"Opened a shared example: {len(shared.model.X)} samples × {shared.model.n_features} "
                     "features.", icon=":material/link:")
    if unknown:
        names = ", ".join(f"`{k[:30].replace('`', '')}`" for k in unknown[:10])
        notes.append(("warning", f"The link's parameter{'s' if len(unknown) > 1 else ''} {names} "
                                 f"{'are' if len(unknown) > 1 else 'is'} not one this app knows; ignored."))
    if notes:
        st.session_state[NOTICE] = (notes, state.model())


def _apply(shared: share.Shared) -> None:
    state.set_model(shared.model, rebuild_editors=True)
    widgets.sync_settings()
    for field, value in shared.session.items():
        st.session_state.update(BINDINGS[field][1](value))


def _show_notice() -> None:
    notice = st.session_state.get(NOTICE)
    if not notice:
        return
    notes, shown = notice
    if state.model() != shown:
        del st.session_state[NOTICE]
        return
    for kind, text in notes:
        {"error": st.error, "warning": st.warning, "success": st.success}[kind](
            text, icon={"error": ":material/link_off:", "warning": ":material/help:",
                        "success": ":material/link:"}[kind])


def _session_values() -> dict[str, Any]:
    """The session fields' current values (those whose widgets have been drawn in this session; the
    landscape's settings also from its last visit, as Streamlit drops a widget's state on other pages)."""
    out = {}
    saved = {**st.session_state.get(landscape.SAVED, {}), **st.session_state.get(training.SAVED, {})}
    for field, (keys, _, value_of) in BINDINGS.items():
        if field == "presenter" and not st.session_state.get(presenter.SHARE_ON):
            continue  # links open in normal mode unless the lecturer ticks "open in presenter mode"
        if all(k in st.session_state or k in saved for k in keys):
            out[field] = value_of([st.session_state[k] if k in st.session_state else saved[k] for k in keys])
    return out


def base_url() -> str | None:
    """The app's root address in the user's browser (no page, no query), or None when unknown (tests)."""
    url = st.context.url
    if not url:
        return None
    url = url.removesuffix("/")
    for path in st.session_state.get(state.PAGES, {}):
        if path and url.endswith("/" + path):
            return url.removesuffix("/" + path)
    return url


def _params(page_values: dict[str, Any] | None = None) -> dict[str, str] | None:
    """The query parameters of the current state, or None when they would pass MAX_LINK_CHARS.

    Raises share.ShareError when the input has a bad cell (rows not filled in yet are left out).
    """
    m = state.model().filled()
    if 2 * len(m.X) * (m.n_features + 1) > share.MAX_LINK_CHARS:  # each number takes 2 characters or more
        return None
    params = share.encode(m, _session_values(), page_values)
    return params if len(share.query_string(params)) <= share.MAX_LINK_CHARS else None


def link(page_path: str = "", step: int | None = None) -> str:
    """The share link of the current state, opening at `page_path` (and `step` on the step page).

    Raises share.ShareError when the input has a bad cell or the link would pass MAX_LINK_CHARS.
    """
    params = _params({"step": step} if page_path == STEP_PAGE and step else {})
    if params is None:
        raise share.ShareError([_too_long()])
    query = share.query_string(params)
    root = base_url() or ""
    return f"{root}/{page_path}?{query}" if page_path else f"{root}/?{query}"


def write_url() -> None:
    """Keep the work in the address bar, so a reload, a bookmark or a copied address reopens it (app.py
    calls it on every run, after the page, even one that stopped; the step page writes its own `step`). Each change
    is a history entry, and the browser lays out the page to record it: written while the page was still being
    sent, it forced one layout more per edit (4-16 ms of the overview's edit; 1-4 at the end).

    While a cell is bad the address keeps the last valid state. Data too large for a link leaves the
    address bar, and the user is told once, with where the CSV export is.
    """
    try:
        params = _params()
    except share.ShareError:
        return
    if params is None:
        params = {}
        if not st.session_state.get(TOO_LARGE):
            st.toast(f"This data is too large for the address bar (links hold {share.MAX_LINK_CHARS:,} characters), "
                     "so a reload starts over: keep it as a CSV file (Data & sharing page, Export).",
                     icon=":material/link_off:")
    st.session_state[TOO_LARGE] = not params
    query = _query()
    managed = {f.key for f in share.SCHEMA if f.home != "page"}
    wanted = {**{k: [v] for k, v in params.items()}, **{k: v for k, v in query.items() if k not in managed}}
    if wanted != query:
        st.query_params.from_dict(wanted)


def _too_long() -> str:
    return (f"this data needs a link of more than {share.MAX_LINK_CHARS:,} characters (8 KB), the most a link "
            "holds. Share the data as a CSV file instead: download it on the Data & sharing page, where it "
            "imports too")


# The link as plain text with a Copy button: no code highlighter (1.5 MB of JavaScript) for one line. The script
# is constant; the link is escaped into the HTML (and is percent-encoded anyway). Clipboard API where the page is
# a secure context, else the selection and execCommand("copy").
LINK_HTML = """<div class="bpx-share-link" style="display: flex; gap: 0.5rem; align-items: flex-start">
<code style="flex: 1; min-width: 0; word-break: break-all; white-space: normal; font-size: 0.85em">{url}</code>
<button type="button" class="bpx-copy" style="flex: none; padding: 0.2rem 0.7rem; border-radius: 0.5rem;
 border: 1px solid rgba(128, 128, 128, 0.5); background: transparent; color: inherit; cursor: pointer;
 font: inherit">Copy</button>
<script>
(() => {{
  const box = document.currentScript.parentElement;
  const button = box.querySelector(".bpx-copy"), code = box.querySelector("code");
  button.addEventListener("click", async () => {{
    const text = code.textContent;
    try {{ await navigator.clipboard.writeText(text); }}
    catch (err) {{
      const range = document.createRange(); range.selectNodeContents(code);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      document.execCommand("copy");
    }}
    button.textContent = "Copied";
    setTimeout(() => {{ button.textContent = "Copy"; }}, 1500);
  }});
}})();
</script>
</div>"""


def link_ui(page_path: str = "", step: int | None = None, where: str = "page") -> str | None:
    """The link as text with a Copy button, or the reason there is none; above it the "open in presenter mode"
    tick (its widget key ends in `where`, one per place it is drawn)."""
    presenter.share_choice_ui(f"{presenter.SHARE_ON}_{where}")
    try:
        url = link(page_path, step)
    except share.ShareError as err:
        st.info(f"No share link yet: {escape('; '.join(err.problems))}", icon=":material/link_off:")
        return None
    st.html(LINK_HTML.format(url=html.escape(url, quote=True)), unsafe_allow_javascript=True)
    if not base_url():
        st.caption("Put the app's address in front of the part starting with `/`.")
    return url


def sidebar_ui(page: Any) -> None:
    """A small "Copy share link" item in the sidebar, for the page being shown (call from app.py)."""
    path = getattr(page, "url_path", "")
    step = None
    if path == STEP_PAGE:  # before the step page's first run in a session, its step is only in the URL
        step = st.session_state.get(state.STEP) or share.page_value("step", st.query_params.get("step", "")) or 1
    with st.sidebar, st.expander("Copy share link", icon=":material/share:"):
        st.caption("Opens this example" + (f" at step {step}" if step else "") + " in any browser. Copy it "
                   "with the Copy button.")
        link_ui(path, step, where="sidebar")


def page_choice_ui() -> tuple[str, int | None]:
    """Which page (and step) a link opens at, chosen on the Data & sharing page."""
    pages = {path: page.title for path, page in st.session_state.get(state.PAGES, {}).items()}
    if not pages:
        return "", None
    left, right = st.columns([2, 1])
    st.session_state.setdefault(LINK_PAGE, "")
    with left:
        path = st.selectbox("The link opens at", list(pages), format_func=pages.get, key=LINK_PAGE)
    step = None
    if path == STEP_PAGE:
        st.session_state.setdefault(LINK_STEP, int(st.session_state.get(state.STEP, 1)))
        with right:
            step = st.number_input("at step", min_value=1, max_value=99, step=1, key=LINK_STEP)
    return path, step
