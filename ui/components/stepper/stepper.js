// The step page's stepper (ui/stepper.py): steps through the whole trace in the browser.
// Python sends every step once; moving between steps only changes this DOM. The step goes back to Python
// (setTriggerValue("step")) when it settles: SETTLE_MS after the last move, and never while playing.
// Numbers and text are set with textContent; only the MathML Python made from the engine's LaTeX is markup.
// ui/stepper.py joins this file, graph.js (the computation graph) and bars.js (the shares' bar chart) into
// the component's one module.

const SETTLE_MS = 600;
// In presenter mode a table of more columns than this does not fit beside the graph: it takes the whole width
// (stepper.css, .body.table-wide), under the title and the formulas, with the numbers beside them.
const PRESENTER_COLUMNS = 5;
const STATE = new WeakMap(); // the root element -> its stepper state; the module runs again on new data

export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".stepper");
  let s = STATE.get(root);
  if (!s) {
    s = create(root);
    STATE.set(root, s);
  }
  s.setTriggerValue = setTriggerValue;
  const sig = JSON.stringify([data.steps, data.graph]);
  const fresh = sig !== s.sig;
  s.sig = sig;
  s.data = data;
  s.n = data.steps.length;
  root.classList.toggle("presenter", Boolean(data.presenter));
  if (fresh) {
    buildMap(s);
    buildGraph(s);
    s.revealed = new Set();
  }
  if (data.step !== s.lastDataStep) {
    // Python asks for a step (a link, fewer steps) unless it is echoing the step this stepper reported
    if (data.step !== s.reported || s.lastDataStep === undefined) s.k = data.step;
    s.lastDataStep = data.step;
    s.reported = data.step; // the step Python has now
  }
  s.k = Math.min(Math.max(s.k || 1, 1), s.n);
  show(s);
  const active = document.activeElement;
  const idle = !active || active === document.body || active.closest("[data-testid='stSidebarNav']");
  if ((data.presenter && !s.presenter) || (fresh && s.presenter === undefined && idle)) {
    // presenter mode was switched on, or the page opened with nothing focused or from the navigation's link
    // to it: the keys go to the stepper
    requestAnimationFrame(() => root.focus({ preventScroll: true }));
  }
  s.presenter = Boolean(data.presenter);
  return () => {
    stop(s);
    clearTimeout(s.settleTimer);
    window.removeEventListener("keydown", s.onWindowKey, true);
    s.resize.disconnect();
  };
}

function create(root) {
  const q = (sel) => root.querySelector(sel);
  const s = {
    root, q, k: 1, n: 1, playing: null, revealed: new Set(), predict: false,
    slider: q(".slider"), count: q(".count"), playButton: q(".play"),
  };
  q(".first").onclick = () => go(s, 1);
  q(".prev").onclick = () => go(s, s.k - 1);
  q(".next").onclick = () => go(s, s.k + 1);
  q(".last").onclick = () => go(s, s.n);
  s.playButton.onclick = () => togglePlay(s);
  q(".reveal").onclick = () => reveal(s);
  s.slider.oninput = () => go(s, Number(s.slider.value));
  q(".speed-choice").onchange = () => {
    if (s.playing) { stop(s); play(s); }
    root.focus({ preventScroll: true });
  };
  q(".save-png").onclick = () => saveSlide(s, "png");
  q(".save-svg").onclick = () => saveSlide(s, "svg");
  q(".save-tex").onclick = () => download(`step-${s.k}.tex`, new Blob([s.data.steps[s.k - 1].latex + "\n"],
                                                                      { type: "text/x-tex" }));
  q(".predict-choice").onchange = (e) => {
    s.predict = e.target.checked; s.revealed = new Set(); show(s);
    root.focus({ preventScroll: true }); // the keys go on driving the stepper (R reveals), not the checkbox
  };
  root.onkeydown = (e) => {
    // the slider and the speed list keep their own arrows, Home and End (the slider steps with them too)
    const native = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(e.key);
    if (native && e.target.closest && e.target.closest("input, select")) return;
    onKey(s, e);
  };
  // The keys drive the stepper also while the focus is elsewhere on the page: after a click on its
  // background, a closed popover (its button keeps the focus), a checkbox, a page link or the button that
  // opened the page. Never from a field, a list or a grid that takes keys itself, nor from an open menu or
  // popover, and not twice while the stepper has the focus (its own handler runs then). A key it handles
  // gives the stepper the focus back.
  const host = root.getRootNode().host;
  s.onWindowKey = (e) => {
    const active = document.activeElement;
    if (!active || active === host || root.contains(active)) return;
    // in normal mode, with nothing focused (say an edit just rebuilt the data editor), an arrow may be meant
    // for the grid: only presenter mode (no editors on screen) takes the keys from the page's background
    if (!s.presenter && active === document.body) return;
    if (takesKeys(active) || document.querySelector("[data-testid='stPopoverBody'], [role='listbox'], [role='menu']"))
      return;
    if (onKey(s, e)) root.focus({ preventScroll: true });
  };
  window.addEventListener("keydown", s.onWindowKey, true);
  // Touch: a swipe left is the next step, a swipe right the previous one
  root.addEventListener("touchstart", (e) => {
    const t = e.changedTouches[0];
    s.touch = { x: t.clientX, y: t.clientY };
  }, { passive: true });
  root.addEventListener("touchend", (e) => {
    if (!s.touch || e.target.closest("input, select, .graph-area, .values-box, .formula, .numbers")) return;
    const t = e.changedTouches[0];
    const dx = t.clientX - s.touch.x, dy = t.clientY - s.touch.y;
    s.touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) go(s, s.k + (dx < 0 ? 1 : -1));
  }, { passive: true });
  s.resize = new ResizeObserver(() => drawEdges(s));
  s.resize.observe(q(".graph-area"));
  return s;
}

function onKey(s, e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const actions = {
    ArrowRight: () => go(s, s.k + 1), ArrowLeft: () => go(s, s.k - 1),
    Home: () => go(s, 1), End: () => go(s, s.n),
    p: () => togglePlay(s), P: () => togglePlay(s), r: () => reveal(s), R: () => reveal(s),
  };
  const act = actions[e.key];
  if (!act) return false;
  e.preventDefault();
  e.stopPropagation(); // Streamlit's own hotkeys (r: rerun) must not see the keys handled here
  act();
  return true;
}

// An element that uses these keys itself: a text field, a list, a slider, a grid, tabs.
function takesKeys(e) {
  return e.isContentEditable
    || e.matches("input:not([type='checkbox']):not([type='radio']):not([type='button']), textarea, select, "
      + "[role='grid'], [role='slider'], [role='combobox'], [role='listbox'], [role='tab'], [role='spinbutton']")
    || Boolean(e.closest("[data-testid='stDataFrame'], [data-testid='stDataFrameResizable'], "
      + "[data-testid='stPlotlyChart'], [role='radiogroup'], [role='tablist']"));
}

function go(s, k) {
  k = Math.min(Math.max(k, 1), s.n);
  if (k === s.k) return;
  s.k = k;
  show(s);
  settleLater(s);
  // one column (a phone, a narrow window): the new step's lesson starts at the top of the screen
  if (narrow()) s.q(".lesson").scrollIntoView({ block: "start" });
}

function narrow() {
  return window.matchMedia("(max-width: 640px)").matches;
}

function settleLater(s) {
  clearTimeout(s.settleTimer);
  if (s.playing) return;
  s.settleTimer = setTimeout(() => {
    if (s.playing || s.k === s.reported) return;
    s.reported = s.k;
    s.setTriggerValue("step", s.k);
  }, SETTLE_MS);
}

function togglePlay(s) {
  if (s.playing) {
    stop(s);
    settleLater(s);
  } else {
    if (s.k >= s.n) { s.k = 1; show(s); } // play from the end starts over
    play(s);
  }
}

function play(s) {
  const seconds = Number(s.q(".speed-choice").value);
  s.playing = setInterval(() => {
    if (hidden(s)) reveal(s); // predicting: show the result before moving on
    else if (s.k < s.n) { s.k += 1; show(s); }
    if (s.k >= s.n && !hidden(s)) { stop(s); settleLater(s); }
  }, seconds * 1000);
  s.playButton.textContent = "⏸ Pause";
  s.playButton.setAttribute("aria-label", "Pause");
}

function stop(s) {
  clearInterval(s.playing);
  s.playing = null;
  s.playButton.textContent = "▶ Play";
  s.playButton.setAttribute("aria-label", "Play");
}

function hidden(s) {
  return s.predict && !s.revealed.has(s.k);
}

function reveal(s) {
  if (!hidden(s)) return;
  s.revealed.add(s.k);
  show(s);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function buildMap(s) {
  const map = s.q(".map");
  map.replaceChildren();
  s.chips = s.data.steps.map((step, i) => {
    const li = el("li", `chip ${step.phase}`);
    const b = el("button", "", `${i + 1} ${step.short}`);
    b.type = "button";
    b.title = step.title;
    b.onclick = () => go(s, i + 1);
    li.append(b);
    map.append(li);
    return li;
  });
}

function show(s) {
  const step = s.data.steps[s.k - 1];
  const q = s.q;
  const hide = hidden(s);
  s.slider.max = String(s.n);
  s.slider.value = String(s.k);
  s.count.textContent = `Step ${s.k} of ${s.n}`;
  q(".first").disabled = q(".prev").disabled = s.k === 1;
  q(".next").disabled = q(".last").disabled = s.k === s.n;
  s.chips.forEach((c, i) => {
    c.classList.toggle("current", i === s.k - 1);
    c.firstChild.setAttribute("aria-current", i === s.k - 1 ? "step" : "false");
  });
  s.root.dataset.step = String(s.k);
  s.root.dataset.phase = step.phase;
  const phase = q(".phase");
  phase.textContent = step.phaseLabel;
  phase.className = `phase ${step.phase}`;
  q(".title").textContent = step.title;
  q(".why").textContent = step.explanation;
  q(".formula").innerHTML = step.formula || "";
  q(".numbers").innerHTML = step.numbers || "";
  const note = q(".note");
  note.textContent = step.note || "";
  note.hidden = !step.note;
  fillTable(q(".values"), step.table);
  q(".lesson").classList.toggle("wide", step.table.columns.length > 3);
  q(".body").classList.toggle("table-wide", step.table.columns.length > PRESENTER_COLUMNS);
  drawBars(q(".bars"), step.bars);
  q(".shape").textContent = step.shape;
  const origin = q(".origin");
  origin.hidden = step.details.length === 0;
  q(".origin .lines").innerHTML = step.details.join("");
  q(".result").hidden = hide;
  q(".reveal").hidden = !hide;
  s.root.classList.toggle("predicting", hide);
  breakLines(q(".formula"));
  breakLines(q(".numbers"));
  fit(q(".formula"));
  fit(q(".numbers"));
  showGraph(s, hide);
}

// A formula wider than its box breaks into lines before its top-level = + − (the browser's MathML sets no line
// breaks itself): each piece becomes a <math> of its own in a wrapping row. A piece still wider is set smaller
// (down to 80 %), then scrolls with a visible scrollbar: never cut off.
const MATHML = "http://www.w3.org/1998/Math/MathML";
const BREAK_BEFORE = new Set(["=", "+", "−", "-", "≈"]);

function breakLines(box) {
  const math = box.querySelector(":scope > math");
  if (!math || box.scrollWidth <= box.clientWidth + 1) return;
  // mrows only group: their children join the top level (a bracket stays beside its matrix, so it still
  // stretches), and so a sum inside brackets can break too
  const flat = (e) => [...e.children].flatMap((c) => (c.localName === "mrow" ? flat(c) : [c]));
  const pieces = [[]];
  for (const child of flat(math)) {
    const op = child.localName === "mo" && BREAK_BEFORE.has(child.textContent.trim());
    if (op && pieces[pieces.length - 1].length) pieces.push([]);
    pieces[pieces.length - 1].push(child);
  }
  if (pieces.length < 2) return;
  const lines = el("div", "math-lines");
  for (const piece of pieces) {
    const part = document.createElementNS(MATHML, "math");
    part.append(...piece);
    lines.append(part);
  }
  math.replaceWith(lines);
}

function fit(box) {
  box.style.fontSize = "";
  for (let size = 90; box.scrollWidth > box.clientWidth + 1 && size >= 80; size -= 10) {
    box.style.fontSize = `${size}%`;
  }
}

function fillTable(table, t) {
  const head = el("tr");
  head.append(el("th", "", t.index));
  t.columns.forEach((c) => head.append(el("th", "", c)));
  table.tHead.replaceChildren(head);
  const rows = t.rows.map((row, i) => {
    const tr = el("tr", t.kinds[i]);
    tr.append(el("th", "", row[0]));
    row.slice(1).forEach((v) => tr.append(el("td", "", v)));
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

// A slide of the current step: its title, explanation, formula with the numbers and table (the lesson as
// shown, result revealed) above the computation graph with its values, as SVG (the HTML in a foreignObject,
// with the stepper's style sheet) or as PNG drawn from that SVG at twice the size (sharp at 1920x1080). The
// page's background behind it, or transparent. The copy is laid out off screen first, to measure it.
const SLIDE_FONT = 'Arial, "Helvetica Neue", Helvetica, "Liberation Sans", sans-serif';

function slideSvg(s) {
  const hide = hidden(s);
  if (hide) showGraph(s, false); // the graph's values of this step too, as the revealed lesson shows them
  const body = s.q(".body").cloneNode(true);
  if (hide) showGraph(s, true);
  body.querySelectorAll(".reveal, .bars, .origin").forEach((e) => e.remove());
  const result = body.querySelector(".result");
  if (result) result.hidden = false;
  const area = body.querySelector(".graph-area");
  if (area) area.style.overflow = "visible"; // the whole graph, not the part its box scrolls to
  const width = Math.max(960, s.q(".lesson").scrollWidth, s.q(".graph-area").scrollWidth);
  const clear = s.q(".save-clear").checked;
  const ink = getComputedStyle(s.root).color;
  const paper = clear ? "transparent" : getComputedStyle(document.body).backgroundColor;
  const xhtml = "http://www.w3.org/1999/xhtml";
  const box = document.createElementNS(xhtml, "div");
  box.setAttribute("class", "stepper");
  // A picture cannot load the page's web font, nor inherit the page's line height: the slide is laid out (and
  // its edges drawn) in a system font and a line height of its own, so that its boxes sit where measured.
  const look = `color: ${ink}; background: ${paper}; padding: 12px; width: ${width}px; font-family: ${SLIDE_FONT};`
    + " font-size: 16px; line-height: 1.4; letter-spacing: normal;";
  box.setAttribute("style", `${look} position: fixed; left: -20000px; top: 0;`);
  box.append(body);
  s.root.after(box); // inside the component's style scope, off screen
  if (area) { // the edges again, between the copy's boxes as laid out at the slide's width
    const boxes = Object.fromEntries([...area.querySelectorAll(".node")].map((n) => [n.dataset.node, n]));
    drawEdgesIn(area, boxes, s.data.graph.edges);
  }
  const height = Math.ceil(box.getBoundingClientRect().height);
  box.remove();
  box.setAttribute("style", look);
  const sheet = s.root.getRootNode();
  const css = [...(sheet.adoptedStyleSheets || []), ...(sheet.styleSheets || [])]
    .flatMap((st) => [...st.cssRules].map((r) => r.cssText)).join("\n");
  const style = document.createElementNS(xhtml, "style");
  style.textContent = css;
  box.prepend(style);
  const text = new XMLSerializer().serializeToString(box);
  return {
    width: width + 24, height,
    text: `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 24}" height="${height}">`
      + `<foreignObject x="0" y="0" width="100%" height="100%">${text}</foreignObject></svg>`,
  };
}

function saveSlide(s, kind) {
  const svg = slideSvg(s);
  const blob = new Blob([svg.text], { type: "image/svg+xml" });
  if (kind === "svg") { download(`step-${s.k}.svg`, blob); return; }
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = svg.width * 2;
    canvas.height = svg.height * 2;
    const g = canvas.getContext("2d");
    g.scale(2, 2);
    g.drawImage(img, 0, 0);
    canvas.toBlob((png) => download(`step-${s.k}.png`, png), "image/png");
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.text)}`;
}

