// Plotly.js from the app's static folder, loaded once per page for every component that draws with it, and
// the configuration of every plot (joined into the landscape's and the figure's modules).

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

// WebGL at the screen's own resolution: Plotly draws 3D scenes and WebGL traces at twice the CSS size by
// default, four times the pixels a screen of ratio 1 (a projector, often) shows, and slow in software WebGL.
function plotConfig() {
  return { displaylogo: false, responsive: true,
           plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)) };
}
