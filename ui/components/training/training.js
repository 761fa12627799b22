// The training page's component (ui/training_chart.py): the loss curves (Plotly, drawn once and updated with
// react), and per run its decision map, accuracy and confusion matrices at the epoch shown, and each unit's map.
// Play, Pause, One step and Reset move through the frames Python sent, here in the browser: no rerun per frame.
// Numbers go into text nodes; nothing is evaluated. ui/training_chart.py joins this file, maps.js (the forward
// pass and the colours) and plotly_loader.js into the component's one module.

const STATE = new WeakMap(); // the root element -> its state; the module runs again on new data

export default function ({ data, parentElement }) {
  const root = parentElement.querySelector(".bpx-training");
  let s = STATE.get(root);
  if (!s) {
    s = create(root);
    STATE.set(root, s);
  }
  s.data = { ...data, runs: themed(data.runs, getComputedStyle(root).color) };
  s.frames = Math.max(...data.runs.map((r) => r.frames.length));
  s.k = s.frames - 1; // new results open at their end: the trained state; Reset goes back to the start
  root.classList.toggle("bpx-presenter", Boolean(data.presenter));
  root.classList.toggle("bpx-compare", data.runs.length > 1);
  build(s);
  show(s);
  loadPlotly(data.plotly).then((Plotly) => drawCurve(s, Plotly), (err) => {
    s.q(".bpx-status").textContent = `The loss chart could not load Plotly.js (${err.message}).`;
  });
  return () => {
    stop(s);
    s.resize.disconnect();
    if (window.Plotly) window.Plotly.purge(s.q(".bpx-curve"));
  };
}

function create(root) {
  const q = (sel) => root.querySelector(sel);
  const s = { root, q, k: 0, playing: false, zoom: null };
  s.playButton = q(".bpx-play");
  s.scrub = q(".bpx-scrub");
  s.playButton.onclick = () => (s.playing ? stop(s) : play(s));
  q(".bpx-step").onclick = () => { stop(s); s.k = Math.min(s.k + 1, s.frames - 1); show(s); };
  q(".bpx-reset").onclick = () => { stop(s); s.k = 0; show(s); };
  s.scrub.oninput = () => { stop(s); s.k = Number(s.scrub.value); show(s); };
  q(".bpx-speed-choice").onchange = () => { if (s.playing) { stop(s); play(s); } };
  s.resize = new ResizeObserver(() => {
    const div = q(".bpx-curve");
    if (div.dataset.drawn && window.Plotly) window.Plotly.Plots.resize(div);
  });
  s.resize.observe(q(".bpx-curve"));
  return s;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v, p) {
  return v === null || v === undefined ? "—" : Number(v).toFixed(p);
}

function pct(v) {
  return v === null || v === undefined ? "—" : `${(100 * v).toFixed(1)}%`;
}

function background(root) {
  const app = root.closest("[data-testid='stApp']") || document.body;
  const m = getComputedStyle(app).backgroundColor.match(/\d+(\.\d+)?/g) || [255, 255, 255];
  return m.slice(0, 3).map(Number);
}

// The runs' panels (map, numbers, confusion matrices) and the unit maps, built afresh for new data
function build(s) {
  const d = s.data;
  const runs = s.q(".bpx-runs");
  runs.replaceChildren();
  s.panels = d.runs.map((run, i) => {
    const box = el("div", "bpx-run");
    box.dataset.run = String(i);
    if (d.runs.length > 1) box.append(el("h4", "", `${i === 0 ? "First" : "Second"} run: ${run.label}`));
    const panel = { box };
    if (d.plane) {
      const mapBox = el("div", "bpx-map-box");
      panel.map = el("canvas", "bpx-map");
      panel.map.setAttribute("role", "img");
      panel.map.setAttribute("aria-label", d.classes ? "Decision map: each point of the input plane coloured by its "
        + "most probable class, paler where the network is less sure; circles: training samples, triangles: test "
        + "samples" : "The prediction over the input plane: orange above 0, blue below");
      const [[a0, a1], [b0, b1]] = d.plane;
      mapBox.append(panel.map, el("div", "bpx-axis",
        `${d.inputs[0]} from ${a0.toFixed(2)} to ${a1.toFixed(2)} (across), ${d.inputs[1]} from ${b0.toFixed(2)} `
        + `to ${b1.toFixed(2)} (up)`));
      if (d.classes) mapBox.append(legend(d));
      box.append(mapBox);
    }
    panel.numbers = el("div", "bpx-numbers");
    box.append(panel.numbers);
    runs.append(box);
    return panel;
  });
  buildUnits(s);
}

function legend(d) {
  const box = el("div", "bpx-legend");
  d.palette.forEach((c, k) => {
    const item = el("span", "", "");
    const sw = el("span", "bpx-swatch");
    sw.style.background = c;
    item.append(sw, document.createTextNode(`class ${k}`));
    box.append(item);
  });
  box.append(el("span", "", "● train  ▲ test"));
  return box;
}

function buildUnits(s) {
  const d = s.data;
  const units = s.q(".bpx-units");
  units.replaceChildren();
  s.q(".bpx-zoom").hidden = true;
  s.unitCanvases = [];
  s.q(".bpx-units-box").hidden = !d.plane;
  if (!d.plane) return;
  d.layers.forEach((layer, l) => {
    const col = el("div", "bpx-layer");
    col.append(el("span", "", l === d.layers.length - 1 ? "output" : `layer ${l + 1}`));
    const row = [];
    for (let j = 0; j < layer.fanOut; j += 1) {
      const name = d.units[l][j];
      const button = el("button", "bpx-unit");
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", `${name}: its activation over the input plane; click to enlarge`);
      const canvas = el("canvas");
      button.append(canvas, el("span", "", name));
      button.onclick = () => toggleZoom(s, l, j, button);
      col.append(button);
      row.push(canvas);
    }
    units.append(col);
    s.unitCanvases.push(row);
  });
}

function toggleZoom(s, l, j, button) {
  const open = s.zoom && s.zoom[0] === l && s.zoom[1] === j;
  s.root.querySelectorAll(".bpx-unit").forEach((b) => b.setAttribute("aria-pressed", "false"));
  const zoom = s.q(".bpx-zoom");
  if (open) {
    s.zoom = null;
    zoom.hidden = true;
    return;
  }
  s.zoom = [l, j];
  button.setAttribute("aria-pressed", "true");
  zoom.replaceChildren(el("canvas", "bpx-zoomed"), el("div", "bpx-axis", `${s.data.units[l][j]} (click it again to close)`));
  zoom.hidden = false;
  show(s);
}

// Everything at frame k: the counter, each run's map and numbers, the unit maps, the marker on the loss chart
function show(s) {
  const d = s.data;
  const first = d.runs[0];
  const f = first.frames[Math.min(s.k, first.frames.length - 1)];
  const last = first.frames[first.frames.length - 1];
  s.scrub.max = String(s.frames - 1);
  s.scrub.value = String(s.k);
  s.q(".bpx-count").textContent = `epoch ${f.epoch} of ${last.epoch} (step ${f.step})`;
  s.root.dataset.frame = String(s.k);
  s.root.dataset.frames = String(s.frames);
  const bg = background(s.root);
  const ink = getComputedStyle(s.root).color;
  d.runs.forEach((run, i) => {
    const k = Math.min(s.k, run.frames.length - 1);
    const frame = run.frames[k];
    const panel = s.panels[i];
    numbers(d, run, k, panel.numbers);
    if (!panel.map) return;
    const acts = forwardGrid(d, frame.params, d.grid);
    const out = acts[acts.length - 1];
    const colours = d.classes ? classColours(d, out, bg) : unitColours(out[0], "identity", bg);
    panel.map.__bpxGrid = colours; // read by the browser tests against viz/decision.py
    drawMap(panel.map, colours, d, ink);
    if (i === 0) drawUnits(s, frame.params, bg);
  });
  moveNow(s);
}

function drawUnits(s, params, bg) {
  const d = s.data;
  if (!s.unitCanvases.length) return;
  const acts = forwardGrid(d, params, d.unitGrid);
  acts.forEach((layer, l) => layer.forEach((values, j) => {
    paint(s.unitCanvases[l][j], unitColours(values, d.layers[l].activation, bg), d.unitGrid);
  }));
  if (s.zoom) {
    const [l, j] = s.zoom;
    paint(s.q(".bpx-zoomed"), unitColours(acts[l][j], d.layers[l].activation, bg), d.unitGrid);
  }
}

function drawMap(canvas, colours, d, ink) {
  const n = d.grid;
  const grid = document.createElement("canvas");
  paint(grid, colours, n);
  const size = canvas.clientWidth || 300;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(size * ratio);
  canvas.height = Math.round(size * ratio);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(grid, 0, 0, canvas.width, canvas.height);
  const [[a0, a1], [b0, b1]] = d.plane;
  const px = (x) => ((x - a0) / (a1 - a0)) * canvas.width;
  const py = (y) => ((b1 - y) / (b1 - b0)) * canvas.height;
  const r = 4.5 * ratio;
  ctx.lineWidth = 1.5 * ratio;
  ctx.strokeStyle = ink;
  const fill = (c) => (d.classes ? d.palette[c] : "#888888");
  for (const [x, y, c] of d.train) {
    ctx.beginPath();
    ctx.arc(px(x), py(y), r, 0, 2 * Math.PI);
    ctx.fillStyle = fill(c);
    ctx.fill();
    ctx.stroke();
  }
  ctx.lineWidth = 2 * ratio;
  for (const [x, y, c] of d.test) {
    const cx = px(x);
    const cy = py(y);
    ctx.beginPath();
    ctx.moveTo(cx, cy - 1.4 * r);
    ctx.lineTo(cx + 1.25 * r, cy + 0.8 * r);
    ctx.lineTo(cx - 1.25 * r, cy + 0.8 * r);
    ctx.closePath();
    ctx.fillStyle = fill(c);
    ctx.fill();
    ctx.stroke();
  }
}

// A run's numbers at frame k, as text: losses, accuracy, and the confusion matrices
function numbers(d, run, k, box) {
  const p = d.precision;
  const e = run.frames[k].epoch;
  const pe = run.perEpoch;
  const parts = [el("p", "bpx-losses", `train loss ${fmt(pe.train[e], p)}`
    + (pe.test ? `, test loss ${fmt(pe.test[e], p)}` : ""))];
  if (pe.trainAcc) {
    parts.push(el("p", "bpx-accuracy", `accuracy: train ${pct(pe.trainAcc[e])}`
      + (pe.testAcc ? `, test ${pct(pe.testAcc[e])}` : "")));
  }
  if (run.confusionTrain) parts.push(confusion("train", run.confusionTrain[k]));
  if (run.confusionTest) parts.push(confusion("test", run.confusionTest[k]));
  box.replaceChildren(...parts);
}

function confusion(which, matrix) {
  const box = el("div", `bpx-cm bpx-cm-${which}`);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const right = matrix.reduce((a, row, i) => a + row[i], 0);
  box.append(el("div", "", `${which}: ${right} of ${total} right (rows: true class, columns: predicted)`));
  const table = el("table", "bpx-confusion");
  const head = el("tr");
  head.append(el("th", "", ""), ...matrix.map((_, j) => el("th", "", `→ ${j}`)));
  table.append(head);
  matrix.forEach((row, i) => {
    const tr = el("tr");
    tr.append(el("th", "", `${i}`), ...row.map((v, j) => el("td", i === j ? "bpx-diag" : "", String(v))));
    table.append(tr);
  });
  box.append(table);
  return box;
}

function drawCurve(s, Plotly) {
  s.Plotly = Plotly;
  const d = s.data;
  const ink = getComputedStyle(s.root).color;
  const size = d.presenter ? 18 : 12;
  const traces = [];
  d.runs.forEach((run, i) => {
    const name = d.runs.length > 1 ? (i === 0 ? "first: " : "second: ") : "";
    const pe = run.perEpoch;
    const custom = pe.epoch.map((e, j) => [e, pe.step[j], fmt(pe.train[j], d.precision),
      pe.test ? fmt(pe.test[j], d.precision) : "—", pe.trainAcc ? pct(pe.trainAcc[j]) : "—"]);
    const hover = "epoch %{customdata[0]}, step %{customdata[1]}<br>train loss %{customdata[2]}<br>"
      + "test loss %{customdata[3]}<br>accuracy %{customdata[4]}<extra>%{fullData.name}</extra>";
    if (!run.full) {
      traces.push({ x: run.batchLoss.map((_, t) => t / run.stepsPerEpoch), y: run.batchLoss, mode: "lines", name: `${name}batch loss (each step)`,
                    line: { color: run.color, width: 1, dash: run.dash }, opacity: 0.35, hoverinfo: "skip",
                    meta: "batch" });
    }
    traces.push({ x: pe.epoch, y: pe.train, customdata: custom, mode: "lines+markers", name: `${name}train loss`,
                  line: { color: run.color, width: 2.5, dash: run.dash }, marker: { size: 4 }, hovertemplate: hover,
                  meta: "train" });
    if (pe.test) {
      traces.push({ x: pe.epoch, y: pe.test, customdata: custom, mode: "lines+markers", name: `${name}test loss`,
                    line: { color: run.color, width: 2, dash: "dot" }, marker: { size: 6, symbol: "triangle-up" },
                    hovertemplate: hover, meta: "test" });
    }
  });
  const layout = {
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: ink, family: getComputedStyle(s.root).fontFamily, size },
    margin: { l: 60, r: 10, t: 10, b: 50 }, showlegend: true,
    legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0 },
    xaxis: { title: { text: "epoch (each step's batch between)" }, gridcolor: "rgba(128,128,128,0.25)", zeroline: false },
    yaxis: { title: { text: "loss" }, gridcolor: "rgba(128,128,128,0.25)", range: [0, lossTop(d)] },
    hovermode: "closest",
  };
  const div = s.q(".bpx-curve");
  const drawn = div.dataset.drawn ? Plotly.react(div, traces, layout, plotConfig())
    : Plotly.newPlot(div, traces, layout, plotConfig()).then(() => { div.dataset.drawn = "1"; });
  drawn.then(() => {
    if (!div.dataset.listening) {
      div.on("plotly_afterplot", () => moveNow(s));
      div.dataset.listening = "1";
    }
    s.root.dataset.draws = String(Number(s.root.dataset.draws || 0) + 1);
    moveNow(s);
  });
}

// The loss axis's top: every epoch's loss, and all but the highest 2% of the batches' (a batch of one sample
// may score far above the rest: the other curves would flatten under it)
function lossTop(d) {
  let top = 0;
  for (const run of d.runs) {
    const pe = run.perEpoch;
    for (const v of [...pe.train, ...(pe.test || [])]) if (v !== null && v > top) top = v;
    const batch = run.batchLoss.filter((v) => v !== null).sort((a, b) => a - b);
    if (!run.full && batch.length) top = Math.max(top, batch[Math.floor(0.98 * (batch.length - 1))]);
  }
  return 1.08 * (top || 1);
}

// The line on the loss chart at the frame's step: a DOM element over the plot, so a frame redraws nothing of Plotly's
function moveNow(s) {
  const div = s.q(".bpx-curve");
  const layout = div._fullLayout;
  if (!layout || !layout.xaxis) return;
  let line = div.querySelector(".bpx-now");
  if (!line) {
    line = el("div", "bpx-now");
    div.append(line);
  }
  const run = s.data.runs[0];
  const epoch = run.frames[Math.min(s.k, run.frames.length - 1)].epoch;
  line.style.left = `${layout._size.l + layout.xaxis.l2p(epoch)}px`;
  line.style.top = `${layout._size.t}px`;
  line.style.height = `${layout._size.h}px`;
}

function play(s) {
  if (s.frames <= 1) return;
  if (s.k >= s.frames - 1) s.k = 0;
  show(s);
  runClock(s, s.frames - 1, show, stop);
}

