// The step page's stepper (ui/stepper.py): steps through the whole trace in the browser.
// Python sends every step once; moving between steps only changes this DOM. The step goes back to Python
// (setTriggerValue("step")) when it settles: SETTLE_MS after the last move, and never while playing.
// Numbers and text are set with textContent; only the MathML Python made from the engine's LaTeX is markup.

const SETTLE_MS = 600;
const STATE = new WeakMap(); // the root element -> its stepper state; the module runs again on new data

export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".stepper");
  let s = STATE.get(root);
  if (!s) {
    s = create(root);
    STATE.set(root, s);
  }
  s.setTriggerValue = setTriggerValue;
  const sig = JSON.stringify([data.steps, data.graph]);
  const fresh = sig !== s.sig;
  s.sig = sig;
  s.data = data;
  s.n = data.steps.length;
  root.classList.toggle("presenter", Boolean(data.presenter));
  if (fresh) {
    buildMap(s);
    buildGraph(s);
    s.revealed = new Set();
  }
  if (data.step !== s.lastDataStep) {
    // Python asks for a step (a link, fewer steps) unless it is echoing the step this stepper reported
    if (data.step !== s.reported || s.lastDataStep === undefined) s.k = data.step;
    s.lastDataStep = data.step;
    s.reported = data.step; // the step Python has now
  }
  s.k = Math.min(Math.max(s.k || 1, 1), s.n);
  show(s);
  const active = document.activeElement;
  const idle = !active || active === document.body || active.closest("[data-testid='stSidebarNav']");
  if ((data.presenter && !s.presenter) || (fresh && s.presenter === undefined && idle)) {
    // presenter mode was switched on, or the page opened with nothing focused or from the navigation's link
    // to it: the keys go to the stepper
    requestAnimationFrame(() => root.focus({ preventScroll: true }));
  }
  s.presenter = Boolean(data.presenter);
  return () => {
    stop(s);
    clearTimeout(s.settleTimer);
    window.removeEventListener("keydown", s.onWindowKey, true);
    s.resize.disconnect();
  };
}

function create(root) {
  const q = (sel) => root.querySelector(sel);
  const s = {
    root, q, k: 1, n: 1, playing: null, revealed: new Set(), predict: false,
    slider: q(".slider"), count: q(".count"), playButton: q(".play"),
  };
  q(".first").onclick = () => go(s, 1);
  q(".prev").onclick = () => go(s, s.k - 1);
  q(".next").onclick = () => go(s, s.k + 1);
  q(".last").onclick = () => go(s, s.n);
  s.playButton.onclick = () => togglePlay(s);
  q(".reveal").onclick = () => reveal(s);
  s.slider.oninput = () => go(s, Number(s.slider.value));
  q(".speed-choice").onchange = () => { if (s.playing) { stop(s); play(s); } };
  q(".predict-choice").onchange = (e) => { s.predict = e.target.checked; s.revealed = new Set(); show(s); };
  root.onkeydown = (e) => {
    // the slider and the speed list keep their own arrows, Home and End (the slider steps with them too)
    const native = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(e.key);
    if (native && e.target.closest && e.target.closest("input, select")) return;
    onKey(s, e);
  };
  // In presenter mode (no editors on screen) the keys drive the stepper also while the focus is elsewhere
  // on the page, say after a click on its background; never from a field or a grid that takes keys itself,
  // and not twice while the stepper has the focus (its own handler runs then).
  const host = root.getRootNode().host;
  s.onWindowKey = (e) => {
    const active = document.activeElement;
    if (!s.presenter || !active || active === host || root.contains(active)) return;
    if (active.isContentEditable || active.matches("input, textarea, select, button, [role='grid']")
        || active.closest("[data-testid='stDataFrame'], [data-testid='stDataFrameResizable']")) return;
    onKey(s, e);
  };
  window.addEventListener("keydown", s.onWindowKey, true);
  s.resize = new ResizeObserver(() => drawEdges(s));
  s.resize.observe(q(".graph-area"));
  return s;
}

function onKey(s, e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const actions = {
    ArrowRight: () => go(s, s.k + 1), ArrowLeft: () => go(s, s.k - 1),
    Home: () => go(s, 1), End: () => go(s, s.n),
    p: () => togglePlay(s), P: () => togglePlay(s), r: () => reveal(s), R: () => reveal(s),
  };
  const act = actions[e.key];
  if (!act) return;
  e.preventDefault();
  e.stopPropagation(); // Streamlit's own hotkeys (r: rerun) must not see the keys handled here
  act();
}

function go(s, k) {
  k = Math.min(Math.max(k, 1), s.n);
  if (k === s.k) return;
  s.k = k;
  show(s);
  settleLater(s);
}

function settleLater(s) {
  clearTimeout(s.settleTimer);
  if (s.playing) return;
  s.settleTimer = setTimeout(() => {
    if (s.playing || s.k === s.reported) return;
    s.reported = s.k;
    s.setTriggerValue("step", s.k);
  }, SETTLE_MS);
}

function togglePlay(s) {
  if (s.playing) {
    stop(s);
    settleLater(s);
  } else {
    if (s.k >= s.n) { s.k = 1; show(s); } // play from the end starts over
    play(s);
  }
}

function play(s) {
  const seconds = Number(s.q(".speed-choice").value);
  s.playing = setInterval(() => {
    if (hidden(s)) reveal(s); // predicting: show the result before moving on
    else if (s.k < s.n) { s.k += 1; show(s); }
    if (s.k >= s.n && !hidden(s)) { stop(s); settleLater(s); }
  }, seconds * 1000);
  s.playButton.textContent = "⏸ Pause";
  s.playButton.setAttribute("aria-label", "Pause");
}

function stop(s) {
  clearInterval(s.playing);
  s.playing = null;
  s.playButton.textContent = "▶ Play";
  s.playButton.setAttribute("aria-label", "Play");
}

function hidden(s) {
  return s.predict && !s.revealed.has(s.k);
}

function reveal(s) {
  if (!hidden(s)) return;
  s.revealed.add(s.k);
  show(s);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function buildMap(s) {
  const map = s.q(".map");
  map.replaceChildren();
  s.chips = s.data.steps.map((step, i) => {
    const li = el("li", `chip ${step.phase}`);
    const b = el("button", "", `${i + 1} ${step.short}`);
    b.type = "button";
    b.title = step.title;
    b.onclick = () => go(s, i + 1);
    li.append(b);
    map.append(li);
    return li;
  });
}

function show(s) {
  const step = s.data.steps[s.k - 1];
  const q = s.q;
  const hide = hidden(s);
  s.slider.max = String(s.n);
  s.slider.value = String(s.k);
  s.count.textContent = `Step ${s.k} of ${s.n}`;
  q(".first").disabled = q(".prev").disabled = s.k === 1;
  q(".next").disabled = q(".last").disabled = s.k === s.n;
  s.chips.forEach((c, i) => {
    c.classList.toggle("current", i === s.k - 1);
    c.firstChild.setAttribute("aria-current", i === s.k - 1 ? "step" : "false");
  });
  s.root.dataset.step = String(s.k);
  s.root.dataset.phase = step.phase;
  const phase = q(".phase");
  phase.textContent = step.phaseLabel;
  phase.className = `phase ${step.phase}`;
  q(".title").textContent = step.title;
  q(".why").textContent = step.explanation;
  q(".formula").innerHTML = step.formula || "";
  q(".numbers").innerHTML = step.numbers || "";
  const note = q(".note");
  note.textContent = step.note || "";
  note.hidden = !step.note;
  fillTable(q(".values"), step.table);
  q(".lesson").classList.toggle("wide", step.table.columns.length > 3);
  drawBars(q(".bars"), step.bars);
  q(".shape").textContent = step.shape;
  const origin = q(".origin");
  origin.hidden = step.details.length === 0;
  q(".origin .lines").innerHTML = step.details.join("");
  q(".result").hidden = hide;
  q(".reveal").hidden = !hide;
  s.root.classList.toggle("predicting", hide);
  fit(q(".formula"));
  fit(q(".numbers"));
  showGraph(s, hide);
}

// A formula wider than its box is set smaller (down to 60 %), not cut off.
function fit(box) {
  box.style.fontSize = "";
  for (let size = 90; box.scrollWidth > box.clientWidth + 1 && size >= 60; size -= 10) {
    box.style.fontSize = `${size}%`;
  }
}

const BAR_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];

// Grouped bars: per sample, its share of each gradient; the bars of one colour add up to that gradient.
function drawBars(box, bars) {
  box.replaceChildren();
  box.hidden = !bars;
  if (!bars) return;
  const ns = "http://www.w3.org/2000/svg";
  const make = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const W = 380, H = 170, top = 10, bottom = 26, left = 4;
  const all = bars.series.flatMap((s) => s.values);
  const hi = Math.max(0, ...all), lo = Math.min(0, ...all);
  const y = (v) => top + (hi - v) / ((hi - lo) || 1) * (H - top - bottom);
  const group = (W - left) / bars.samples.length;
  const width = Math.min(28, (group * 0.8) / bars.series.length);
  const svg = make("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  svg.append(make("line", { x1: left, x2: W, y1: y(0), y2: y(0), class: "zero" }));
  bars.samples.forEach((label, i) => {
    const x0 = left + i * group + (group - width * bars.series.length) / 2;
    bars.series.forEach((series, j) => {
      const v = series.values[i];
      const rect = make("rect", { x: x0 + j * width, y: Math.min(y(v), y(0)), width: width - 1,
                                  height: Math.max(Math.abs(y(v) - y(0)), 1), fill: BAR_COLOURS[j % 7] });
      rect.append(make("title", {}, `sample ${label}: share of ${series.name} = ${series.text[i]}`));
      svg.append(rect);
    });
    svg.append(make("text", { x: left + (i + 0.5) * group, y: H - 8, class: "bar-label" }, `sample ${label}`));
  });
  const legend = el("figcaption", "bar-legend");
  bars.series.forEach((series, j) => {
    const key = el("span", "bar-key", series.name);
    key.style.setProperty("--key", BAR_COLOURS[j % 7]);
    legend.append(key);
  });
  if (bars.more) legend.append(el("span", "", `(the first ${bars.samples.length} samples of ${bars.samples.length + bars.more})`));
  box.append(svg, legend);
}

function fillTable(table, t) {
  const head = el("tr");
  head.append(el("th", "", t.index));
  t.columns.forEach((c) => head.append(el("th", "", c)));
  table.tHead.replaceChildren(head);
  const rows = t.rows.map((row, i) => {
    const tr = el("tr", t.kinds[i]);
    tr.append(el("th", "", row[0]));
    row.slice(1).forEach((v) => tr.append(el("td", "", v)));
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

function buildGraph(s) {
  const nodes = s.q(".nodes");
  nodes.replaceChildren();
  s.boxes = {};
  s.columns = [];
  for (const node of s.data.graph.nodes) {
    const box = el("div", "node");
    box.dataset.node = node.id;
    box.style.setProperty("--rank", node.rank);
    box.style.setProperty("--slot", node.slot);
    box.append(el("div", "node-title", node.title));
    const table = el("table");
    const head = el("tr");
    head.append(el("th"));
    const body = node.rows.map((label, r) => {
      const tr = el("tr", node.off.includes(r) ? "off" : "");
      tr.append(el("th", "", label === null ? "⋮" : label));
      return tr;
    });
    for (const col of node.columns) {
      const th = el("th", "", col.head);
      head.append(th);
      const cells = col.cells.map((v, r) => {
        const td = el("td");
        body[r].append(td);
        return td;
      });
      s.columns.push({ ...col, node: node.id, th, tds: cells });
    }
    table.append(head, ...body);
    box.append(table);
    nodes.append(box);
    s.boxes[node.id] = box;
  }
  requestAnimationFrame(() => drawEdges(s));
}

function showGraph(s, hide) {
  const now = s.k - 1;
  const step = s.data.steps[now];
  for (const col of s.columns) {
    const known = col.step < now || (col.step === now && !hide);
    const lit = col.step === now;
    col.th.classList.toggle("lit", lit);
    col.th.classList.toggle("future", !known);
    col.tds.forEach((td, r) => {
      const v = col.cells[r];
      td.textContent = known ? (v === null ? "⋮" : v) : "";
      td.classList.toggle("lit", lit);
      td.classList.toggle("future", !known);
    });
  }
  for (const [id, box] of Object.entries(s.boxes)) box.classList.toggle("current", id === step.node);
}

function drawEdges(s) {
  const area = s.q(".graph-area");
  const svg = s.q(".edges");
  if (!s.boxes || !area.offsetWidth) return;
  const origin = area.getBoundingClientRect();
  const ns = "http://www.w3.org/2000/svg";
  svg.setAttribute("width", area.scrollWidth);
  svg.setAttribute("height", area.scrollHeight);
  const parts = [];
  const marker = (id, cls) => {
    const m = document.createElementNS(ns, "marker");
    m.setAttribute("id", id);
    m.setAttribute("viewBox", "0 0 10 10");
    m.setAttribute("refX", "9");
    m.setAttribute("refY", "5");
    m.setAttribute("markerWidth", "7");
    m.setAttribute("markerHeight", "7");
    m.setAttribute("orient", "auto-start-reverse");
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", "M0,0 L10,5 L0,10 z");
    p.setAttribute("class", cls);
    m.append(p);
    return m;
  };
  const defs = document.createElementNS(ns, "defs");
  defs.append(marker("arrow-f", "head forward"), marker("arrow-b", "head backward"));
  parts.push(defs);
  for (const e of s.data.graph.edges) {
    const a = s.boxes[e.from].getBoundingClientRect();
    const b = s.boxes[e.to].getBoundingClientRect();
    const [x1, y1, x2, y2] = ends(a, b, origin);
    const line = document.createElementNS(ns, "line");
    line.setAttribute("x1", x1); line.setAttribute("y1", y1);
    line.setAttribute("x2", x2); line.setAttribute("y2", y2);
    line.setAttribute("class", e.backward ? "backward" : "forward");
    line.setAttribute("marker-end", `url(#${e.backward ? "arrow-b" : "arrow-f"})`);
    parts.push(line);
    if (e.label) { // beside a vertical edge, above a horizontal one: never on the arrow head
      const t = document.createElementNS(ns, "text");
      const vertical = Math.abs(y2 - y1) > Math.abs(x2 - x1);
      t.setAttribute("x", (x1 + x2) / 2 + (vertical ? 8 : -4));
      t.setAttribute("y", (y1 + y2) / 2 + (vertical ? 5 : -6));
      t.setAttribute("class", "edge-label");
      t.textContent = e.label;
      parts.push(t);
    }
  }
  svg.replaceChildren(...parts);
}

// The two boxes' facing sides: left/right when they sit mostly side by side, else top/bottom.
function ends(a, b, o) {
  const ax = (a.left + a.right) / 2 - o.left, ay = (a.top + a.bottom) / 2 - o.top;
  const bx = (b.left + b.right) / 2 - o.left, by = (b.top + b.bottom) / 2 - o.top;
  const apart = Math.max(b.left - a.right, a.left - b.right) > Math.max(b.top - a.bottom, a.top - b.bottom);
  if (apart) {
    const right = bx > ax;
    return [right ? a.right - o.left : a.left - o.left, ay, right ? b.left - o.left : b.right - o.left, by];
  }
  const down = by > ay;
  return [ax, down ? a.bottom - o.top : a.top - o.top, bx, down ? b.top - o.top : b.bottom - o.top];
}
