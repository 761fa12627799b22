// The loss landscape (ui/landscape_chart.py): three Plotly plots drawn once (newPlot) and then updated in
// place (react), the 3D surface last, once the 2D plots are on screen; the descent is animated here, markers
// only: on the 2D plots they are SVG shapes over the plot, so a frame redraws nothing of Plotly's. The 3D
// surface is never redrawn while playing: its markers move when the animation pauses.
// Numbers go into text nodes or Plotly's own (escaped) text; nothing is evaluated. ui/landscape_chart.py joins
// this file, plots.js (the figures), markers.js (the 2D markers) and ../clock.js (Play) into the component's one
// module.

const STATE = new WeakMap(); // the root element -> its state; the module runs again on new data

export default function ({ data, parentElement }) {
  const root = parentElement.querySelector(".bpx-landscape");
  let s = STATE.get(root);
  if (!s) {
    s = create(root);
    STATE.set(root, s);
  }
  s.data = { ...data, paths: themed(data.paths, getComputedStyle(root).color) };
  root.classList.toggle("bpx-flat", !data.show3d);
  root.classList.toggle("bpx-presenter", Boolean(data.presenter));
  loadPlotly(data.plotly).then((Plotly) => draw(s, Plotly), (err) => {
    s.q(".bpx-status").textContent = `The charts could not load Plotly.js (${err.message}).`;
  });
  return () => { // unmounted (another page, a bad input): free the plots and the 3D plot's WebGL context
    stop(s);
    s.resize.disconnect();
    if (window.Plotly) root.querySelectorAll(".bpx-plot").forEach((div) => window.Plotly.purge(div));
  };
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
  // A plot follows its box (the sidebar collapsing changes it without a window resize); the markers follow
  // the plot (plotly_afterplot).
  s.resize = new ResizeObserver((entries) => {
    for (const { target } of entries) if (target.dataset.drawn && window.Plotly) window.Plotly.Plots.resize(target);
  });
  root.querySelectorAll(".bpx-plot").forEach((div) => s.resize.observe(div));
  return s;
}

async function draw(s, Plotly) {
  s.Plotly = Plotly;
  const d = s.data;
  const run = (s.run = (s.run || 0) + 1); // a newer run's data replaces this one's
  s.k = Math.min(s.k, d.steps);
  s.scrub.max = String(d.steps);
  s.scrub.value = String(s.k);
  count(s);
  const f = figures(s);
  const started = performance.now();
  await Promise.all([plot(s, ".bpx-map", f.map), plot(s, ".bpx-curve", f.curve)]);
  for (const sel of [".bpx-map", ".bpx-curve"]) {
    overlay(s, sel);
    const div = s.q(sel);
    if (!div.dataset.listening) { // zoom, pan, resize: the markers follow the axes
      div.on("plotly_afterplot", () => moveHeads(s));
      div.dataset.listening = "1";
    }
  }
  moveHeads(s);
  // The 3D surface last, once the 2D plots are on screen: it is the slowest to draw (WebGL, in software on some
  // machines) and the one that shows least, so the numbers and the 2D plots come first.
  const surface = s.q(".bpx-surface");
  if (d.show3d) {
    await painted();
    if (run !== s.run) return;
    await plot(s, ".bpx-surface", f.surface);
  } else if (surface.dataset.drawn) {
    Plotly.purge(surface); // its WebGL context goes with it
    delete surface.dataset.drawn;
  }
  s.root.dataset.drawnMs = String(Math.round(performance.now() - started));
  s.root.dataset.draws = String(Number(s.root.dataset.draws || 0) + 1);
}

// newPlot the first time on a div, react afterwards: the same plot, no new WebGL context
function plot(s, sel, [traces, layout]) {
  const div = s.q(sel);
  return div.dataset.drawn ? s.Plotly.react(div, traces, layout, plotConfig())
    : s.Plotly.newPlot(div, traces, layout, plotConfig()).then(() => { div.dataset.drawn = "1"; });
}

// Resolves once the browser has painted what is drawn so far (a frame, then a task after it)
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
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

function move3d(s) {
  const div = s.q(".bpx-surface");
  if (!s.data.show3d || !s.Plotly || !div.dataset.drawn) return;
  const trace = head3d(s.data, heads(s.data, s.k), s.lift);
  const started = performance.now();
  s.Plotly.restyle(div, { x: [trace.x], y: [trace.y], z: [trace.z] }, [div.data.length - 1]).then(() => {
    s.root.dataset.move3dMs = String(Math.round(performance.now() - started)); // for benchmarks/latency.py
  });
}

function play(s) {
  if (!s.Plotly || s.data.steps === 0) return;
  if (s.k >= s.data.steps) s.k = 0;
  runClock(s, s.data.steps, moveHeads, pause);
}

function pause(s) {
  if (!s.playing) return;
  stop(s);
  move3d(s);
}

