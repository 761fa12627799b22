// The moving markers of the 2D plots (joined to landscape.js in one module): SVG shapes laid over each
// plot's drawing area, placed from its laid-out axes.

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
