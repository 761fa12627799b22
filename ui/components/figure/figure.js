// A Plotly figure (data and layout, as plotly.py writes them) drawn with Plotly.newPlot the first time and
// Plotly.react after: a new figure updates the same plot instead of replacing it. An animation's frames come as
// plain data (frame k: for each of `traces`, the attributes that change at step k), packed small (`unpacked`,
// from ui/landscape_chart.py's pack_frames); the player above the plot (Play/Pause, a step slider and "step k of
// T" as text) shows them in the browser: playing and scrubbing run no script. Frames that need a redraw (a
// heatmap) go by Plotly.restyle, which redraws the plot with every layer; the others by Plotly.animate, which
// moves their traces without one. Text colour and font follow the app's theme; in presenter mode the text is
// 18 px.

const STATE = new WeakMap(); // the root element -> its state; the module runs again on new data

export default function ({ data, parentElement }) {
  const root = parentElement.querySelector(".bpx-figure");
  let s = STATE.get(root);
  if (!s) {
    s = create(root);
    STATE.set(root, s);
  }
  stop(s);
  if (s.plot.getAttribute("aria-label") !== (data.alt || "")) s.plot.setAttribute("aria-label", data.alt || "");
  root.classList.toggle("bpx-presenter", Boolean(data.presenter));
  const run = (s.run = (s.run || 0) + 1); // a newer run's data replaces this one's
  const kept = s.k; // an edit keeps the step on screen
  s.anim = NO_FRAMES; // until the new ones are unpacked: nothing to play or show
  s.last = 0;
  const failed = (err) => {
    s.player.hidden = false;
    s.count.textContent = `The chart could not be drawn (${err.message}).`;
  };
  const frames = unpacked(data.frames).then((f) => { if (run === s.run) player(s, f, data, kept); });
  frames.catch(failed);
  // The figure shows step 0 itself: it is drawn at once, the frames unpacked beside it; another step waits for them
  Promise.all([loadPlotly(data.plotly), kept > 0 ? frames : null]).then(([Plotly]) => {
    return run === s.run ? draw(s, Plotly, data.figure, data) : undefined;
  }).catch(failed);
  return () => { // unmounted (another page, another tab)
    stop(s);
    s.resize.disconnect();
    STATE.delete(root);
    if (window.Plotly) window.Plotly.purge(s.plot);
  };
}

const NO_FRAMES = Object.freeze({ frames: [], decoded: [], traces: [] });

// The player on new frames: at step `kept` (or the last), hidden when there is nothing to play
function player(s, { frames, bytes }, data, kept) {
  s.anim = { frames, bytes, decoded: [], traces: data.traces || [], redraw: Boolean(data.redraw),
             duration: data.duration || 100 };
  s.last = Math.max(frames.length - 1, 0);
  s.k = Math.min(kept, s.last);
  if (s.player.hidden !== frames.length < 2) s.player.hidden = frames.length < 2;
  if (s.scrub.max !== String(s.last)) s.scrub.max = String(s.last);
  moved(s);
}

function create(root) {
  const q = (sel) => root.querySelector(sel);
  const s = { root, k: 0, last: 0, shown: 0, playing: false, anim: NO_FRAMES, plot: q(".bpx-figure-plot"),
              player: q(".bpx-player"), playButton: q(".bpx-play"), scrub: q(".bpx-scrub"), count: q(".bpx-count") };
  s.playButton.onclick = () => (s.playing ? stop(s) : play(s));
  s.scrub.oninput = () => { stop(s); s.k = Number(s.scrub.value); show(s); };
  s.resize = new ResizeObserver(() => {
    if (s.root.dataset.draws && window.Plotly) window.Plotly.Plots.resize(s.plot);
  });
  s.resize.observe(s.plot);
  return s;
}

function draw(s, Plotly, fig, data) {
  s.Plotly = Plotly;
  const { color: ink, fontFamily: family } = getComputedStyle(s.root); // the app theme's text
  const font = { ...(fig.layout.font || {}), color: ink, family, ...(data.presenter ? { size: 18 } : {}) };
  const layout = { ...fig.layout, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font };
  if (data.presenter && layout.title) { // the back row of a lecture room: the title larger than the text
    layout.title = { ...layout.title, font: { ...(layout.title.font || {}), size: 20 } };
  }
  for (const key of Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    layout[key] = { automargin: true, ...layout[key] }; // room for tick labels and titles, as a template gives
  }
  s.plot.style.height = `${layout.height || 450}px`;
  const traces = atStep(s, isDark(ink) ? recoloured(fig.data, data.darkColors || {}, ink) : fig.data);
  const figure = { data: traces, layout, config: plotConfig() };
  const drawn = s.root.dataset.draws ? Plotly.react(s.plot, figure) : Plotly.newPlot(s.plot, figure);
  return drawn.then(() => {
    s.root.dataset.draws = String(Number(s.root.dataset.draws || 0) + 1);
    s.root.dataset.step = String(s.k);
  });
}

// The figure's traces with step k's frame in them (the figure itself shows step 0): a new figure is drawn at
// the step on screen in one draw.
function atStep(s, traces) {
  if (s.k === 0 || !s.anim.frames[s.k]) return traces;
  const frame = frameAt(s, s.k);
  const out = traces.slice();
  s.anim.traces.forEach((i, j) => { out[i] = { ...out[i], ...frame[j] }; });
  return out;
}

// Step k's frame on the plot. A step asked for while one is being drawn waits for it; only the latest is drawn.
function show(s) {
  moved(s);
  if (!s.Plotly || !s.root.dataset.draws || !s.anim.frames[s.k]) return Promise.resolve();
  if (s.drawing) {
    s.pending = true;
    return s.drawing;
  }
  const k = s.k;
  s.drawing = (s.anim.redraw ? restyle(s, k) : animate(s, k)).then(() => {
    s.drawing = null;
    s.shown += 1;
    s.root.dataset.frames = String(s.shown); // frames drawn, for the tests and benchmarks/latency.py
    s.root.dataset.step = String(k);
    if (s.pending) {
      s.pending = false;
      return show(s);
    }
    return undefined;
  });
  return s.drawing;
}

// Frame k as Plotly.restyle takes it: per attribute, its value for each trace (undefined: that trace keeps its own)
function restyle(s, k) {
  const frame = frameAt(s, k);
  const update = {};
  for (const key of new Set(frame.flatMap(Object.keys))) update[key] = frame.map((d) => d[key]);
  return s.Plotly.restyle(s.plot, update, s.anim.traces);
}

function animate(s, k) {
  const options = { frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" };
  return s.Plotly.animate(s.plot, { data: frameAt(s, k), traces: s.anim.traces }, options);
}

// Frame k with its typed arrays made, the first time it is shown (an edit that is never played makes none)
function frameAt(s, k) {
  s.anim.decoded[k] = s.anim.decoded[k] || s.anim.frames[k].map((d) => decoded(d, s.anim.bytes));
  return s.anim.decoded[k];
}

function moved(s) {
  s.scrub.value = String(s.k);
  const text = `step ${s.k} of ${s.last}`;
  if (s.count.textContent !== text) s.count.textContent = text; // an edit at the same step changes no text
}

// One frame every `duration` ms (or as fast as the plot draws, if slower), from the step on screen to the last
function play(s) {
  if (!s.Plotly || s.last < 1) return;
  s.k = s.k >= s.last ? 0 : s.k + 1;
  s.playing = true;
  s.playButton.textContent = "❚❚ Pause";
  s.playButton.setAttribute("aria-label", "Pause");
  const tick = () => {
    const started = performance.now();
    show(s).then(() => {
      if (!s.playing) return;
      if (s.k >= s.last) {
        stop(s);
        return;
      }
      s.k += 1;
      s.timer = setTimeout(tick, Math.max(0, s.anim.duration - (performance.now() - started)));
    });
  };
  tick();
}

function stop(s) {
  clearTimeout(s.timer);
  if (!s.playing) return;
  s.playing = false;
  s.playButton.textContent = "▶ Play";
  s.playButton.setAttribute("aria-label", "Play");
}

// Packed frames (base64 of deflated: u32 length of the JSON, the JSON, the arrays' bytes) -> the frames (JSON, an
// array as {dtype, at, n, shape}: its bytes' offset and length) and the bytes; "" -> no frames
async function unpacked(packed) {
  if (!packed) return { frames: [], bytes: new ArrayBuffer(0) };
  const text = atob(packed);
  const zipped = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) zipped[i] = text.charCodeAt(i);
  const stream = new Blob([zipped]).stream().pipeThrough(new DecompressionStream("deflate"));
  const buffer = await new Response(stream).arrayBuffer();
  const length = new DataView(buffer).getUint32(0, true);
  const frames = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  return { frames, bytes: buffer.slice(4 + length) };
}

// A frame's attributes with its arrays made typed arrays from the bytes: a 2D one as rows (views on one buffer),
// as a heatmap's z
const TYPED = { u1: Uint8Array, i1: Int8Array, u2: Uint16Array, i2: Int16Array, u4: Uint32Array, i4: Int32Array,
                f4: Float32Array, f8: Float64Array };
function decoded(attributes, bytes) {
  const out = {};
  for (const [key, v] of Object.entries(attributes)) {
    if (!(v && typeof v === "object" && Number.isInteger(v.at) && v.dtype in TYPED)) {
      out[key] = v;
      continue;
    }
    const flat = new TYPED[v.dtype](bytes.slice(v.at, v.at + v.n)); // a copy: aligned for its type
    const [rows, cols] = String(v.shape || "").split(",").map(Number);
    out[key] = v.shape ? Array.from({ length: rows }, (_, r) => flat.subarray(r * cols, (r + 1) * cols)) : flat;
  }
  return out;
}

// The traces with their line and marker colours swapped for a dark page (`swap`: colour -> colour, or "ink")
function recoloured(traces, swap, ink) {
  const to = (c) => (typeof c === "string" && c.toUpperCase() in upper ? upper[c.toUpperCase()] : c);
  const upper = Object.fromEntries(Object.entries(swap).map(([k, v]) => [k.toUpperCase(), v === "ink" ? ink : v]));
  const part = (p) => (p ? { ...p, color: to(p.color), ...(p.line ? { line: part(p.line) } : {}) } : p);
  return traces.map((t) => ({ ...t, ...(t.line ? { line: part(t.line) } : {}),
                              ...(t.marker ? { marker: part(t.marker) } : {}) }));
}
