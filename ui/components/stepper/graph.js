// The stepper's computation graph (joined to stepper.js in one module): one card per node, a
// table of its columns, drawn once per trace; each step then only fills or empties cells and moves the
// highlight. A column is shown once the stepper has reached the step that computes it (and, predicting,
// once revealed). Edges are an SVG laid under the cards.

function buildGraph(s) {
  const nodes = s.q(".nodes");
  nodes.replaceChildren();
  s.boxes = {};
  s.columns = [];
  for (const node of s.data.graph.nodes) {
    const box = el("div", "node");
    box.dataset.node = node.id;
    box.style.setProperty("--rank", node.rank);
    box.style.setProperty("--slot", node.slot);
    box.append(el("div", "node-title", node.title));
    const table = el("table");
    const head = el("tr");
    head.append(el("th"));
    const body = node.rows.map((label, r) => {
      const tr = el("tr", node.off.includes(r) ? "off" : "");
      tr.append(el("th", "", label === null ? "⋮" : label));
      return tr;
    });
    for (const col of node.columns) {
      const th = el("th", "", col.head);
      head.append(th);
      const cells = col.cells.map((v, r) => {
        const td = el("td");
        body[r].append(td);
        return td;
      });
      s.columns.push({ ...col, node: node.id, th, tds: cells });
    }
    table.append(head, ...body);
    box.append(table);
    nodes.append(box);
    s.boxes[node.id] = box;
  }
  requestAnimationFrame(() => drawEdges(s));
}

function showGraph(s, hide) {
  const now = s.k - 1;
  const step = s.data.steps[now];
  for (const col of s.columns) {
    const known = col.step < now || (col.step === now && !hide);
    const lit = col.step === now;
    col.th.classList.toggle("lit", lit);
    col.th.classList.toggle("future", !known);
    col.tds.forEach((td, r) => {
      const v = col.cells[r];
      td.textContent = known ? (v === null ? "⋮" : v) : "";
      td.classList.toggle("lit", lit);
      td.classList.toggle("future", !known);
    });
  }
  for (const [id, box] of Object.entries(s.boxes)) box.classList.toggle("current", step.nodes.includes(id));
  keepInView(s.q(".graph-area"), s.boxes[step.nodes[0]]);
}

// A network's graph can be larger than its area: scroll the area (never the page) to the current node. A node wider
// than the area (a Jacobian's columns) shows its current columns, from their left edge, never a middle cut both ways.
function keepInView(area, box) {
  if (!area || !box || !area.offsetWidth) return;
  const a = area.getBoundingClientRect();
  const lit = [...box.querySelectorAll("th.lit")];
  let b = box.getBoundingClientRect();
  if (b.width > a.width && lit.length) {
    const first = lit[0].getBoundingClientRect(), last = lit[lit.length - 1].getBoundingClientRect();
    b = {left: first.left, right: Math.min(last.right, first.left + a.width), top: b.top, bottom: b.bottom};
    b.width = b.right - b.left;
  }
  if (b.width > a.width) {
    area.scrollLeft += b.left - a.left;
  } else if (b.left < a.left || b.right > a.right) {
    area.scrollLeft += b.left - a.left - (a.width - b.width) / 2;
  }
  if (b.top < a.top || b.bottom > a.bottom) area.scrollTop += b.top - a.top - ((a.height - (b.bottom - b.top)) / 2);
}

function drawEdges(s) {
  if (s.boxes) drawEdgesIn(s.q(".graph-area"), s.boxes, s.data.graph.edges);
}

// The edges of the graph in `area` between its node boxes (id -> element), as laid out now.
function drawEdgesIn(area, boxes, edges) {
  const svg = area.querySelector(".edges");
  if (!area.offsetWidth) return;
  const origin = area.getBoundingClientRect();
  const ns = "http://www.w3.org/2000/svg";
  svg.setAttribute("width", area.scrollWidth);
  svg.setAttribute("height", area.scrollHeight);
  const parts = [];
  const marker = (id, cls) => {
    const m = document.createElementNS(ns, "marker");
    m.setAttribute("id", id);
    m.setAttribute("viewBox", "0 0 10 10");
    m.setAttribute("refX", "9");
    m.setAttribute("refY", "5");
    m.setAttribute("markerWidth", "7");
    m.setAttribute("markerHeight", "7");
    m.setAttribute("orient", "auto-start-reverse");
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", "M0,0 L10,5 L0,10 z");
    p.setAttribute("class", cls);
    m.append(p);
    return m;
  };
  const defs = document.createElementNS(ns, "defs");
  defs.append(marker("arrow-f", "head forward"), marker("arrow-b", "head backward"));
  parts.push(defs);
  for (const e of edges) {
    const a = boxes[e.from].getBoundingClientRect();
    const b = boxes[e.to].getBoundingClientRect();
    const [x1, y1, x2, y2] = ends(a, b, origin);
    const line = document.createElementNS(ns, "line");
    line.setAttribute("x1", x1); line.setAttribute("y1", y1);
    line.setAttribute("x2", x2); line.setAttribute("y2", y2);
    line.setAttribute("class", e.backward ? "backward" : "forward");
    line.setAttribute("marker-end", `url(#${e.backward ? "arrow-b" : "arrow-f"})`);
    parts.push(line);
    if (e.label) { // beside a vertical edge, above a horizontal one: never on the arrow head
      const t = document.createElementNS(ns, "text");
      const vertical = Math.abs(y2 - y1) > Math.abs(x2 - x1);
      t.setAttribute("x", (x1 + x2) / 2 + (vertical ? 8 : -4));
      t.setAttribute("y", (y1 + y2) / 2 + (vertical ? 5 : -6));
      t.setAttribute("class", "edge-label");
      t.textContent = e.label;
      parts.push(t);
    }
  }
  svg.replaceChildren(...parts);
}

// The two boxes' facing sides: left/right when they sit mostly side by side, else top/bottom.
function ends(a, b, o) {
  const ax = (a.left + a.right) / 2 - o.left, ay = (a.top + a.bottom) / 2 - o.top;
  const bx = (b.left + b.right) / 2 - o.left, by = (b.top + b.bottom) / 2 - o.top;
  const apart = Math.max(b.left - a.right, a.left - b.right) > Math.max(b.top - a.bottom, a.top - b.bottom);
  if (apart) {
    const right = bx > ax;
    return [right ? a.right - o.left : a.left - o.left, ay, right ? b.left - o.left : b.right - o.left, by];
  }
  const down = by > ay;
  return [ax, down ? a.bottom - o.top : a.top - o.top, bx, down ? b.top - o.top : b.bottom - o.top];
}
