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

// Whether the page is dark: its text colour (`ink`, "rgb(r, g, b)") is light.
function isDark(ink) {
  const [r, g, b] = (ink.match(/\d+(\.\d+)?/g) || [0, 0, 0]).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 128;
}

// Items (paths, runs) with the colour made for the page's theme: `colorDark` on a dark page.
function themed(items, ink) {
  const dark = isDark(ink);
  return items.map((item) => ({ ...item, color: dark && item.colorDark ? item.colorDark : item.color }));
}

// WebGL at the screen's own resolution: Plotly draws 3D scenes and WebGL traces at twice the CSS size by
// default, four times the pixels a screen of ratio 1 (a projector, often) shows, and slow in software WebGL.
// The camera button gives way to four: PNG and SVG, each on the page's background or transparent. Plotly's
// "Share chart..." (an upload to Plotly Cloud) goes: the app sends nobody's data anywhere.
// The buttons are made once: Plotly.react compares the config with the last one, and new click functions on
// every update made it a changed config, so every edit redrew each chart from scratch (the 3D scene included:
// the landscape edit took 1.9 s instead of 0.8 s).
let saveButtonsOnce = null;
function plotConfig() {
  saveButtonsOnce = saveButtonsOnce || saveButtons();
  return { displaylogo: false, responsive: true,
           plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)),
           modeBarButtonsToRemove: ["toImage", "sendChartToCloud"], modeBarButtonsToAdd: saveButtonsOnce };
}

// The modebar's download buttons, each an icon of its format's name (a checkered square: transparent)
function saveButtons() {
  const icon = (text, clear) => ({
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${clear ? 46 : 34} 16" class="icon">`
      + `<text x="0" y="13" font-size="13" font-weight="700" font-family="sans-serif" fill="#7f7f7f">${text}</text>`
      + (clear ? '<path d="M35 3h5v5h-5zM40 8h5v5h-5z" fill="#7f7f7f"/><path d="M35 3h10v10h-10z" fill="none" '
        + 'stroke="#7f7f7f"/>' : "") + "</svg>",
  });
  return [["png", false], ["svg", false], ["png", true], ["svg", true]].map(([format, clear]) => ({
    name: `save-${format}${clear ? "-clear" : ""}`,
    title: `Download as ${format.toUpperCase()}${clear ? ", transparent background" : ""}`,
    icon: icon(format.toUpperCase(), clear),
    click: (gd) => saveImage(gd, format, clear),
  }));
}

// The plot as a file: PNG at twice its size on screen (sharp on a 1920x1080 slide), or SVG. On screen the plot
// lies on the page (its paper is transparent): the file gets the page's background unless asked for none.
function saveImage(gd, format, clear) {
  const paper = clear ? "rgba(0,0,0,0)" : getComputedStyle(document.body).backgroundColor;
  const layout = { ...gd.layout, paper_bgcolor: paper };
  const size = gd._fullLayout;
  const name = (gd.getAttribute("aria-label") || gd.dataset.name || "chart").split(/[:.]/)[0].trim()
    .toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 40) || "chart";
  return window.Plotly.toImage({ data: gd.data, layout, config: { plotGlPixelRatio: 2 } },
                               { format, width: size.width, height: size.height, scale: format === "png" ? 2 : 1 })
    .then((url) => {
      const a = document.createElement("a");
      a.href = url;
      a.download = `${name}.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
    });
}
