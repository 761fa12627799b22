// The loss landscape (ui/landscape_chart.py): three Plotly plots drawn once (newPlot) and then updated in
// place (react); the descent is animated here, markers only: on the 2D plots they are SVG shapes over the
// plot, so a frame redraws nothing of Plotly's. The 3D surface is never redrawn while playing: its markers
// move when the animation pauses.
// Numbers go into text nodes or Plotly's own (escaped) text; nothing is evaluated.

const STATE = new WeakMap(); // the root element -> its state; the module runs again on new data
const CONFIG = { displaylogo: false, responsive: true };

export default function ({ data, parentElement }) {
  const root = parentElement.querySelector(".bpx-landscape");
  let s = STATE.get(root);
  if (!s) {
    s = create(root);
    STATE.set(root, s);
  }
  s.data = data;
  root.classList.toggle("bpx-flat", !data.show3d);
  root.classList.toggle("bpx-presenter", Boolean(data.presenter));
  loadPlotly(data.plotly).then((Plotly) => draw(s, Plotly), (err) => {
    s.q(".bpx-status").textContent = `The charts could not load Plotly.js (${err.message}).`;
  });
  return () => { // unmounted (another page, a bad input): free the plots and the 3D plot's WebGL context
    stop(s);
    if (window.Plotly) root.querySelectorAll(".bpx-plot").forEach((div) => window.Plotly.purge(div));
  };
}

// One <script> per page, however many times the component runs.
function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__bpxPlotly) {
    window.__bpxPlotly = new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = url;
      tag.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly after load")));
      tag.onerror = () => reject(new Error(`${url} did not load`));
      document.head.append(tag);
    });
  }
  return window.__bpxPlotly;
}

function create(root) {
  const q = (sel) => root.querySelector(sel);
  const s = { root, q, k: 0, playing: false, frames: 0 };
  s.scrub = q(".bpx-scrub");
  s.playButton = q(".bpx-play");
  s.playButton.onclick = () => (s.playing ? pause(s) : play(s));
  s.scrub.oninput = () => { pause(s); s.k = Number(s.scrub.value); moveHeads(s); };
  s.q(".bpx-speed-choice").onchange = () => { if (s.playing) { stop(s); play(s); } };
  s.scrub.onchange = () => move3d(s);
  return s;
}

function theme(root) {
  const css = getComputedStyle(root);
  return { ink: css.color, font: css.fontFamily };
}

// The colour of a loss: a log scale shows the levels near the minimum; "clip" spans the paths' range.
function colourOf(c) {
  if (c.scale === "log") {
    const floor = Math.max(c.min, 0) + Math.max(1e-9, (c.max - c.min) * 1e-6);
    return { z: (L) => (L === null ? null : Math.log10(Math.max(L, floor))),
             min: Math.log10(floor), max: Math.log10(Math.max(c.max, floor * 10)) };
  }
  return { z: (L) => L, min: c.min, max: c.max };
}

function colourBar(c, cz, ink) {
  const title = { text: `loss L (${c.label})`, side: "right", font: { color: ink } };
  if (c.scale !== "log") return { title, len: 0.9, thickness: 14, tickfont: { color: ink } };
  const ticks = [];
  for (let e = Math.floor(cz.min); e <= Math.ceil(cz.max); e++) ticks.push(e);
  return { title, len: 0.9, thickness: 14, tickvals: ticks, ticktext: ticks.map((e) => `1e${e}`),
           tickfont: { color: ink } };
}

function heads(d, k) {
  const at = (p) => Math.min(k, p.loss.length - 1);
  return { u: d.paths.map((p) => p.u[at(p)]), v: d.paths.map((p) => p.v[at(p)]),
           loss: d.paths.map((p) => p.loss[at(p)]), step: d.paths.map((p) => at(p)) };
}

function headMarker(paths, size) {
  return { color: paths.map((p) => p.color), symbol: paths.map((p) => p.symbol), size,
           line: { color: "#ffffff", width: 1.5 } };
}

function figures(s) {
  const d = s.data;
  const { ink, font } = theme(s.root);
  const [un, vn] = d.axes;
  const p = d.precision;
  const cz = colourOf(d.colour);
  const z = d.loss.map((row) => row.map(cz.z));
  const h = heads(d, s.k);
  const base = { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { color: ink, family: font },
                 margin: { t: 30, b: 40, l: 55, r: 10 }, uirevision: "keep" };
  const legend = { orientation: "h", x: 0, y: -0.28, font: { color: ink } };
  const hover = (who) => `${who}<br>${un} = %{x:.${p}f}<br>${vn} = %{y:.${p}f}<br>L = %{customdata:.${p}f}<extra></extra>`;
  const start = d.start;
  // the current parameters: an open diamond in the text's colour, the same in the legend and on both charts
  const startMarker = { color: ink, symbol: start.symbol, size: 14, line: { width: 2.5, color: ink } };

  // The contour map: the colour scale, then every path on top, the current parameters, the moving heads
  const map = [{ type: "contour", x: d.u, y: d.v, z, customdata: d.loss, colorscale: "Viridis", ncontours: 30,
                 zmin: cz.min, zmax: cz.max, zauto: false, contours: { coloring: "fill" }, line: { width: 0.5 },
                 colorbar: colourBar(d.colour, cz, ink), hovertemplate: hover("surface"), name: "loss" }];
  for (const path of d.paths) {
    map.push({ type: "scatter", mode: "lines+markers", x: path.u, y: path.v, customdata: path.loss, name: path.label,
               legendgroup: path.name, line: { color: path.color, dash: path.dash, width: 3 },
               marker: { color: path.color, symbol: path.symbol, size: 5 },
               hovertemplate: hover(path.label + (path.exact ? "" : " (true loss, off the slice)")) });
  }
  map.push({ type: "scatter", mode: "markers", x: [start.u], y: [start.v], customdata: [start.loss], name: start.label,
             marker: startMarker, hovertemplate: hover(start.label) });
  const mapLayout = { ...base, margin: { ...base.margin, b: 90 }, title: { text: `Contour map of L over (${un}, ${vn})`, font: { size: 14 } },
                      xaxis: { title: { text: un }, range: [d.u[0], d.u[d.u.length - 1]], color: ink },
                      yaxis: { title: { text: vn }, range: [d.v[0], d.v[d.v.length - 1]], color: ink },
                      legend, showlegend: true };

  // The loss per step: the notebook's rule on its own axis (it climbs), so the others keep their scale
  const own = d.paths.filter((q) => q.ownAxis);
  const curve = d.paths.map((path) => ({
    type: "scatter", mode: "lines", x: path.loss.map((_, i) => i), y: path.loss, name: path.label,
    legendgroup: path.name, showlegend: false, yaxis: path.ownAxis ? "y2" : "y",
    line: { color: path.color, dash: path.dash, width: 2.5 },
    hovertemplate: `${path.label} · step %{x}<br>L = %{y:.${p}f}<extra></extra>` }));
  const curveLayout = { ...base, margin: { t: 10, b: 40, l: 55, r: own.length ? 60 : 10 },
                        xaxis: { title: { text: "update step" }, color: ink },
                        yaxis: { title: { text: "loss L" }, type: d.logLoss ? "log" : "linear", color: ink },
                        showlegend: false };
  if (own.length) {
    curveLayout.yaxis2 = { title: { text: `${own[0].label}: L` }, overlaying: "y", side: "right",
                           type: d.logLoss ? "log" : "linear", color: own[0].color, showgrid: false };
  }

  // The 3D surface: static; the paths drawn just above it so that they show
  const flat = d.loss.flat().filter((x) => x !== null);
  const lift = 0.01 * (Math.max(...flat) - Math.min(...flat) || 1);
  const surface = [{ type: "surface", x: d.u, y: d.v, z: d.loss, surfacecolor: z, colorscale: "Viridis",
                     cmin: cz.min, cmax: cz.max, showscale: false, opacity: 0.85, name: "loss surface",
                     hovertemplate: `${un} = %{x:.${p}f}<br>${vn} = %{y:.${p}f}<br>L = %{z:.${p}f}<extra></extra>` }];
  for (const path of d.paths.filter((q) => !q.ownAxis)) {
    surface.push({ type: "scatter3d", mode: "lines", x: path.u, y: path.v,
                   z: path.loss.map((L) => (L === null ? null : L + lift)), name: path.label, showlegend: false,
                   line: { color: path.color, width: 7 }, hoverinfo: "skip" });
  }
  surface.push({ type: "scatter3d", mode: "markers", x: [start.u], y: [start.v], z: [start.loss + lift],
                 name: start.label, showlegend: false, marker: { color: ink, symbol: "diamond-open", size: 7 },
                 hoverinfo: "skip" });
  surface.push(head3d(d, h, lift));
  const surfaceLayout = { ...base, margin: { t: 30, b: 0, l: 0, r: 0 }, showlegend: false,
                          title: { text: `Loss surface${d.held ? `, ${d.held} held` : ""}`, font: { size: 14 } },
                          scene: { xaxis: { title: { text: un }, color: ink }, yaxis: { title: { text: vn }, color: ink },
                                   zaxis: { title: { text: "loss L" }, color: ink }, aspectmode: "manual",
                                   aspectratio: { x: 1, y: 1, z: 0.7 }, camera: { eye: { x: 1.6, y: -1.6, z: 1.05 } } } };
  s.lift = lift;
  return { map: [map, mapLayout], curve: [curve, curveLayout], surface: [surface, surfaceLayout] };
}

function head3d(d, h, lift) {
  const keep = d.paths.map((p) => !p.ownAxis);
  return { type: "scatter3d", mode: "markers", x: h.u.filter((_, i) => keep[i]), y: h.v.filter((_, i) => keep[i]),
           z: h.loss.filter((_, i) => keep[i]).map((L) => (L === null ? null : L + lift)), showlegend: false,
           hoverinfo: "skip", marker: { ...headMarker(d.paths.filter((p) => !p.ownAxis), 6), line: undefined } };
}

async function draw(s, Plotly) {
  s.Plotly = Plotly;
  const d = s.data;
  s.k = Math.min(s.k, d.steps);
  s.scrub.max = String(d.steps);
  s.scrub.value = String(s.k);
  count(s);
  const f = figures(s);
  const plots = [["map", ".bpx-map"], ["curve", ".bpx-curve"]];
  if (d.show3d) plots.push(["surface", ".bpx-surface"]);
  const started = performance.now();
  await Promise.all(plots.map(([name, sel]) => {
    const div = s.q(sel);
    const [traces, layout] = f[name];
    // newPlot the first time on a div, react afterwards: the same plot, no new WebGL context
    return div.dataset.drawn ? Plotly.react(div, traces, layout, CONFIG)
      : Plotly.newPlot(div, traces, layout, CONFIG).then(() => { div.dataset.drawn = "1"; });
  }));
  if (!d.show3d && s.q(".bpx-surface").dataset.drawn) {
    Plotly.purge(s.q(".bpx-surface")); // its WebGL context goes with it
    delete s.q(".bpx-surface").dataset.drawn;
  }
  for (const sel of [".bpx-map", ".bpx-curve"]) {
    overlay(s, sel);
    const div = s.q(sel);
    if (!div.dataset.listening) { // zoom, pan, resize: the markers follow the axes
      div.on("plotly_afterplot", () => moveHeads(s));
      div.dataset.listening = "1";
    }
  }
  moveHeads(s);
  s.root.dataset.drawnMs = String(Math.round(performance.now() - started));
  s.root.dataset.draws = String(Number(s.root.dataset.draws || 0) + 1);
}

function count(s) {
  s.q(".bpx-count").textContent = `step ${s.k} of ${s.data.steps}`;
}

// The markers at step k on the contour map and the loss curve. They are SVG shapes laid over the plots,
// placed from the axes' ranges: moving them redraws nothing of Plotly's (an animated scatter trace on a
// contour map makes plotly.js drop the contour layer, plotly.js issue 4491).
function moveHeads(s) {
  const d = s.data;
  const h = heads(d, s.k);
  s.scrub.value = String(s.k);
  count(s);
  place(s, ".bpx-map", d.paths.map((p, i) => [h.u[i], h.v[i], "y"]));
  place(s, ".bpx-curve", d.paths.map((p, i) => [h.step[i], h.loss[i], p.ownAxis ? "y2" : "y"]));
  s.frames += 1;
  s.root.dataset.frames = String(s.frames);
  s.root.dataset.step = String(s.k);
}

const SHAPES = {
  circle: "M6,0A6,6 0 1,1 -6,0A6,6 0 1,1 6,0Z",
  square: "M-5.5,-5.5H5.5V5.5H-5.5Z",
  diamond: "M0,-7.5L7.5,0L0,7.5L-7.5,0Z",
  x: "M-6,-6L6,6M6,-6L-6,6",
};

// An <svg> over a plot's drawing area with one marker per path; built when the plot is drawn.
function overlay(s, sel) {
  const div = s.q(sel);
  const ns = "http://www.w3.org/2000/svg";
  let svg = div.querySelector(":scope > svg.bpx-heads");
  if (!svg) {
    svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "bpx-heads");
    svg.setAttribute("aria-hidden", "true");
    div.style.position = "relative";
    div.append(svg);
  }
  svg.replaceChildren(...s.data.paths.map((p) => {
    const g = document.createElementNS(ns, "path");
    g.setAttribute("d", SHAPES[p.symbol] || SHAPES.circle);
    g.setAttribute("fill", p.symbol === "x" ? "none" : p.color);
    g.setAttribute("stroke", p.symbol === "x" ? p.color : "#ffffff");
    g.setAttribute("stroke-width", p.symbol === "x" ? "3" : "1.5");
    return g;
  }));
}

// Data coordinates to the overlay's pixels, from Plotly's laid-out axes (ranges after autorange, log or not)
function place(s, sel, points) {
  const div = s.q(sel);
  const svg = div.querySelector(":scope > svg.bpx-heads");
  const full = div._fullLayout;
  if (!svg || !full) return;
  const size = full._size;
  const px = (axis, value, length, flip) => {
    const a = full[axis];
    const [lo, hi] = a.range;
    const x = a.type === "log" ? Math.log10(value) : value;
    const t = (x - lo) / (hi - lo);
    return flip ? length * (1 - t) : length * t;
  };
  svg.setAttribute("style", `position:absolute;left:${size.l}px;top:${size.t}px;width:${size.w}px;` +
                   `height:${size.h}px;pointer-events:none;overflow:visible`);
  points.forEach(([x, y, yAxis], i) => {
    const mark = svg.children[i];
    const ok = x !== null && y !== null && full[yAxis === "y2" ? "yaxis2" : "yaxis"];
    mark.style.display = ok ? "" : "none";
    if (!ok) return;
    const X = px("xaxis", x, size.w, false);
    const Y = px(yAxis === "y2" ? "yaxis2" : "yaxis", y, size.h, true);
    const inside = X >= 0 && X <= size.w && Y >= 0 && Y <= size.h;
    mark.style.display = inside ? "" : "none";
    mark.setAttribute("transform", `translate(${X.toFixed(1)},${Y.toFixed(1)})`);
  });
}

function move3d(s) {
  if (!s.data.show3d || !s.Plotly) return;
  const div = s.q(".bpx-surface");
  const trace = head3d(s.data, heads(s.data, s.k), s.lift);
  const started = performance.now();
  s.Plotly.restyle(div, { x: [trace.x], y: [trace.y], z: [trace.z] }, [div.data.length - 1]).then(() => {
    s.root.dataset.move3dMs = String(Math.round(performance.now() - started)); // for benchmarks/latency.py
  });
}

function play(s) {
  if (!s.Plotly || s.data.steps === 0) return;
  if (s.k >= s.data.steps) s.k = 0;
  s.playing = true;
  s.playButton.textContent = "❚❚ Pause";
  s.playButton.setAttribute("aria-label", "Pause");
  const perSecond = () => Number(s.q(".bpx-speed-choice").value);
  let last = performance.now();
  let carry = 0;
  const tick = (now) => {
    if (!s.playing) return;
    carry += ((now - last) / 1000) * perSecond();
    last = now;
    if (carry >= 1) {
      s.k = Math.min(s.k + Math.floor(carry), s.data.steps);
      carry -= Math.floor(carry);
      moveHeads(s);
      if (s.k >= s.data.steps) { pause(s); return; }
    }
    s.raf = requestAnimationFrame(tick);
  };
  s.raf = requestAnimationFrame(tick);
}

function pause(s) {
  if (!s.playing) return;
  stop(s);
  move3d(s);
}

function stop(s) {
  s.playing = false;
  cancelAnimationFrame(s.raf);
  s.playButton.textContent = "▶ Play";
  s.playButton.setAttribute("aria-label", "Play");
}
