// Plotly.js from the app's static folder, loaded once per page for every component that draws with it
// (joined into the landscape's and the figure's modules).

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
