// The landscape's three figures as Plotly data and layouts (joined to landscape.js in one module): the
// contour map with every path on top, the loss per step (the notebook's rule on its own axis) and the 3D
// surface with the paths just above it. Colours: a log scale, or clipped to the paths' range.

// Points per axis of the 3D surface at most: WebGL is drawn in software on some machines, and every update
// rebuilds the whole mesh; the contour map keeps the full grid.
const SURFACE_POINTS = 31;

function theme(root) {
  const css = getComputedStyle(root);
  // grid lines: the text's colour, faint (Plotly mixes the axis colour with the background, which is transparent)
  const faint = (alpha) => css.color.replace(/^rgba?\((\d+),\s*(\d+),\s*(\d+).*$/, `rgba($1, $2, $3, ${alpha})`);
  return { ink: css.color, grid: faint(0.15), grid3d: faint(0.4), font: css.fontFamily }; // 3D lines are 1 px wide
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

// Every k-th index of 0..n-1, the last included, so that at most `most` remain
function thinned(n, most) {
  const k = Math.max(1, Math.ceil((n - 1) / (most - 1)));
  const kept = [];
  for (let i = 0; i < n; i += k) kept.push(i);
  if (kept[kept.length - 1] !== n - 1) kept.push(n - 1);
  return kept;
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
  const { ink, grid, grid3d, font } = theme(s.root);
  const axis = { color: ink, gridcolor: grid, zerolinecolor: grid };
  // presenter mode: the charts' text at 18 px, titles larger, for the back of a lecture room
  const size = d.presenter ? { text: 18, title: 20 } : { text: 12, title: 14 };
  const axis3d = { color: ink, gridcolor: grid3d, nticks: d.presenter ? 4 : 0 }; // 18 px labels need fewer ticks
  const [un, vn] = d.axes;
  const p = d.precision;
  const cz = colourOf(d.colour);
  const z = d.loss.map((row) => row.map(cz.z));
  const h = heads(d, s.k);
  const base = { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
                 font: { color: ink, family: font, size: size.text },
                 margin: { t: 30, b: 40, l: 55, r: 10 }, uirevision: "keep" };
  // the legend at the figure's foot, in the bottom margin under the axis title: placed against the plot's
  // height instead, it ran into the title whenever the plot came out shorter (presenter mode at 1280x720)
  const legend = { orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom",
                   font: { color: ink } };
  const hover = (who) =>
    `${who}<br>${un} = %{x:.${p}f}<br>${vn} = %{y:.${p}f}<br>L = %{customdata:.${p}f}<extra></extra>`;
  const start = d.start;
  // the current parameters: an open diamond in the text's colour, the same in the legend and on both charts
  const startMarker = { color: ink, symbol: start.symbol, size: 14, line: { width: 2.5, color: ink } };

  // The contour map: the colour scale, then every path on top, the current parameters, the moving heads
  const map = [{ type: "contour", x: d.u, y: d.v, z, customdata: d.loss, colorscale: "Viridis", ncontours: 30,
                 zmin: cz.min, zmax: cz.max, zauto: false, contours: { coloring: "fill" }, line: { width: 0.5 },
                 colorbar: colourBar(d.colour, cz, ink), hovertemplate: hover("surface"), name: "loss" }];
  // a light casing under every path first: a line stays visible on Viridis' dark valley as on its yellow slopes
  for (const path of d.paths) {
    map.push({ type: "scatter", mode: "lines", x: path.u, y: path.v, legendgroup: path.name, showlegend: false,
               line: { color: "rgba(255, 255, 255, 0.7)", width: 6 }, hoverinfo: "skip" });
  }
  // then the paths, the first (SGD: solid, the reference) on top of the others where they run together; the
  // legend keeps their order. Hovering a path gives every step's numbers.
  for (let i = d.paths.length - 1; i >= 0; i -= 1) {
    const path = d.paths[i];
    map.push({ type: "scatter", mode: "lines", x: path.u, y: path.v, customdata: path.loss, name: path.label,
               legendgroup: path.name, legendrank: 1000 + i, line: { color: path.color, dash: path.dash, width: 3 },
               hovertemplate: hover(path.label + (path.exact ? "" : " (true loss, off the slice)")) });
  }
  map.push(stepDots(d));
  map.push({ type: "scatter", mode: "markers", x: [start.u], y: [start.v], customdata: [start.loss], name: start.label,
             marker: startMarker, hovertemplate: hover(start.label) });
  const mapLayout = { ...base, margin: { ...base.margin, b: d.presenter ? 120 : 90 },
                      title: { text: `Contour map of L over (${un}, ${vn})`, font: { size: size.title } },
                      xaxis: { title: { text: un, standoff: 6 }, automargin: true,
                               range: [d.u[0], d.u[d.u.length - 1]], ...axis },
                      yaxis: { title: { text: vn }, range: [d.v[0], d.v[d.v.length - 1]], ...axis },
                      legend, showlegend: true };

  // The loss per step: the notebook's rule on its own axis (it climbs), so the others keep their scale
  const own = d.paths.filter((q) => q.ownAxis);
  const curve = d.paths.map((path) => ({
    type: "scatter", mode: "lines", x: path.loss.map((_, i) => i), y: path.loss, name: path.label,
    legendgroup: path.name, showlegend: false, yaxis: path.ownAxis ? "y2" : "y",
    line: { color: path.color, dash: path.dash, width: 2.5 },
    hovertemplate: `${path.label} · step %{x}<br>L = %{y:.${p}f}<extra></extra>` }));
  const curveLayout = { ...base, margin: { t: 10, b: 40, l: 55, r: own.length ? 60 : 10 },
                        xaxis: { title: { text: "update step" }, ...axis },
                        yaxis: { title: { text: "loss L" }, type: d.logLoss ? "log" : "linear", ...axis },
                        showlegend: false };
  if (own.length) {
    curveLayout.yaxis2 = { title: { text: `${own[0].label}: L` }, overlaying: "y", side: "right",
                           type: d.logLoss ? "log" : "linear", color: own[0].color, showgrid: false };
  }

  // The 3D surface: static; the paths drawn just above it so that they show
  const flat = d.loss.flat().filter((x) => x !== null);
  const lift = 0.01 * (Math.max(...flat) - Math.min(...flat) || 1);
  const iu = thinned(d.u.length, SURFACE_POINTS);
  const iv = thinned(d.v.length, SURFACE_POINTS);
  const coarse = (rows) => iv.map((r) => iu.map((c) => rows[r][c]));
  const surface = [{ type: "surface", x: iu.map((i) => d.u[i]), y: iv.map((i) => d.v[i]), z: coarse(d.loss),
                     surfacecolor: coarse(z), colorscale: "Viridis",
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
                          title: { text: `Loss surface${d.held ? `, ${d.held} held` : ""}`, font: { size: size.title } },
                          scene: { xaxis: { title: { text: un }, ...axis3d },
                                   yaxis: { title: { text: vn }, ...axis3d },
                                   zaxis: { title: { text: "loss L" }, ...axis3d }, aspectmode: "manual",
                                   aspectratio: { x: 1, y: 1, z: 0.7 },
                                   camera: { eye: { x: 1.6, y: -1.6, z: 1.05 } } } };
  s.lift = lift;
  return { map: [map, mapLayout], curve: [curve, curveLayout], surface: [surface, surfaceLayout] };
}

// The steps as dots on the contour map, a dot every `dotEvery` steps (ui/landscape_chart.py), all paths in one
// trace: each marker is an SVG element, and a dot on each of 3 x 100 steps took ~40% of the map's redraw (~60 ms
// against ~35 in software rendering) while the dots ran together into a thick line. Their spacing shows the speed.
function stepDots(d) {
  const every = d.dotEvery;
  const dots = { x: [], y: [], color: [], symbol: [] };
  for (const path of [...d.paths].reverse()) { // the first (SGD) on top, as its line
    for (let i = 0; i < path.u.length; i += every) {
      dots.x.push(path.u[i]);
      dots.y.push(path.v[i]);
      dots.color.push(path.color);
      dots.symbol.push(path.symbol);
    }
  }
  return { type: "scatter", mode: "markers", x: dots.x, y: dots.y, showlegend: false, hoverinfo: "skip",
           marker: { color: dots.color, symbol: dots.symbol, size: 6, line: { color: "#ffffff", width: 0.5 } } };
}

function head3d(d, h, lift) {
  const keep = d.paths.map((p) => !p.ownAxis);
  return { type: "scatter3d", mode: "markers", x: h.u.filter((_, i) => keep[i]), y: h.v.filter((_, i) => keep[i]),
           z: h.loss.filter((_, i) => keep[i]).map((L) => (L === null ? null : L + lift)), showlegend: false,
           hoverinfo: "skip", marker: { ...headMarker(d.paths.filter((p) => !p.ownAxis), 6), line: undefined } };
}
