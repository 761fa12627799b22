// A Plotly figure (data, layout and frames, as plotly.py writes them) drawn with Plotly.newPlot the first
// time and Plotly.react after: a new figure updates the same plot instead of replacing it. Its own Play
// button and slider animate its frames in the browser. Text colour and font follow the app's theme; in
// presenter mode the text is 18 px.

const OBSERVED = new WeakMap(); // the root element -> the ResizeObserver that keeps the plot its box's size

export default function ({ data, parentElement }) {
  const root = parentElement.querySelector(".bpx-figure");
  if (!OBSERVED.has(root)) {
    const resize = new ResizeObserver(() => {
      if (root.dataset.draws && window.Plotly) window.Plotly.Plots.resize(root);
    });
    resize.observe(root);
    OBSERVED.set(root, resize);
  }
  root.setAttribute("aria-label", data.alt || "");
  loadPlotly(data.plotly).then((Plotly) => {
    const fig = data.figure;
    const { color: ink, fontFamily: family } = getComputedStyle(root); // the app theme's text
    const font = { ...(fig.layout.font || {}), color: ink, family, ...(data.presenter ? { size: 18 } : {}) };
    const layout = { ...fig.layout, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font };
    if (data.presenter) presenterLayout(layout); // the back row of a lecture room
    for (const key of Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
      layout[key] = { automargin: true, ...layout[key] }; // room for tick labels and titles, as a template gives
    }
    root.style.height = `${layout.height || 450}px`;
    const traces = isDark(ink) ? recoloured(fig.data, data.darkColors || {}, ink) : fig.data;
    const figure = { data: traces, layout, frames: fig.frames || [], config: plotConfig() };
    const draw = root.dataset.draws ? Plotly.react(root, figure) : Plotly.newPlot(root, figure);
    return draw.then(() => { root.dataset.draws = String(Number(root.dataset.draws || 0) + 1); });
  });
  return () => {
    OBSERVED.get(root)?.disconnect();
    OBSERVED.delete(root);
    if (window.Plotly) window.Plotly.purge(root);
  };
}

// The traces with their line and marker colours swapped for a dark page (`swap`: colour -> colour, or "ink")
function recoloured(traces, swap, ink) {
  const to = (c) => (typeof c === "string" && c.toUpperCase() in upper ? upper[c.toUpperCase()] : c);
  const upper = Object.fromEntries(Object.entries(swap).map(([k, v]) => [k.toUpperCase(), v === "ink" ? ink : v]));
  const part = (p) => (p ? { ...p, color: to(p.color), ...(p.line ? { line: part(p.line) } : {}) } : p);
  return traces.map((t) => ({ ...t, ...(t.line ? { line: part(t.line) } : {}),
                              ...(t.marker ? { marker: part(t.marker) } : {}) }));
}

// Presenter mode: 18 px text, the title larger, and the player (Play, Pause, the step slider) lower, below the
// larger axis title
function presenterLayout(layout) {
  if (layout.title) layout.title = { ...layout.title, font: { ...(layout.title.font || {}), size: 20 } };
  const lower = (items) => items && items.map((item) => ({
    ...item, y: (item.y ?? 0) - 0.1,
    ...(item.currentvalue ? { currentvalue: { ...item.currentvalue, font: { ...item.currentvalue.font, size: 18 } },
                              pad: { ...item.pad, l: (item.pad?.l ?? 0) * 18 / 14 } } // right of the larger buttons
      : {}),
  }));
  layout.updatemenus = lower(layout.updatemenus);
  layout.sliders = lower(layout.sliders);
  layout.margin = { ...(layout.margin || {}), b: (layout.margin?.b ?? 80) + 50 };
}
