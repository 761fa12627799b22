// The stepper's bar chart of each sample's share of the gradient (joined to stepper.js in one
// module): SVG shapes and text nodes only.

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
  if (bars.more) {
    legend.append(el("span", "", `(the first ${bars.samples.length} of ${bars.samples.length + bars.more} samples)`));
  }
  box.append(svg, legend);
}
