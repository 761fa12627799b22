// A picture (ui/render.py): the SVG text Python drew (a diagram, a small chart) shown in the page as DOM, and a row
// that saves it, or the overview's slide, as SVG or as PNG at twice its size (sharp on a 1920x1080 slide), on the
// page's background or transparent. The diagrams draw in `currentColor` with halos of the system colour `Canvas`: a
// file gets the page's own colours instead, so a picture saved from the dark theme is a dark slide, designed as on
// screen. The SVG escapes every text it holds (viz/); it is replaced only when it changed, a few milliseconds.

const SHOWN = new WeakMap(); // the picture's element -> the SVG text it shows

export default function ({ data, parentElement }) {
  const shown = parentElement.querySelector(".bpx-picture");
  shown.hidden = !data.show;
  if (data.show && SHOWN.get(shown) !== data.svg) {
    shown.innerHTML = data.svg;
    SHOWN.set(shown, data.svg);
    // as wide as its column (its text grows with it), never narrower than `least` px (a narrow column scrolls)
    shown.firstElementChild?.setAttribute("style", `width: 100%; height: auto; min-width: ${data.least}px; display: block`);
  }
  const root = parentElement.querySelector(".bpx-save");
  root.hidden = Boolean(data.presenter); // the room's screen shows pictures; slides are saved in normal mode
  root.setAttribute("aria-label", `Download ${data.label}`);
  root.querySelector(".what").textContent = `${data.label}:`;
  root.querySelector(".save-svg").onclick = () => {
    download(`${data.name}.svg`, new Blob([picture(root, data.svg)], { type: "image/svg+xml" }));
  };
  root.querySelector(".save-png").onclick = () => savePng(root, data);
}

function picture(root, svg) {
  const clear = root.querySelector(".save-clear").checked;
  const ink = getComputedStyle(root).color;
  const paper = getComputedStyle(document.body).backgroundColor;
  const open = svg.indexOf(">", svg.indexOf("<svg")) + 1; // the end of the root element's opening tag
  const head = svg.slice(0, open).replace("<svg ", `<svg color="${ink}" style="color: ${ink}" `);
  const back = clear ? "" : `<rect width="100%" height="100%" fill="${paper}"/>`;
  return head + back + svg.slice(open).replaceAll("stroke: Canvas", `stroke: ${paper}`);
}

function savePng(root, data) {
  const text = picture(root, data.svg);
  const box = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  const view = (box.getAttribute("viewBox") || "").split(/\s+/).map(Number);
  const width = Number(box.getAttribute("width")) || view[2], height = Number(box.getAttribute("height")) || view[3];
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * 2);
    canvas.height = Math.round(height * 2);
    const g = canvas.getContext("2d");
    g.scale(2, 2);
    g.drawImage(img, 0, 0, width, height);
    canvas.toBlob((png) => download(`${data.name}.png`, png), "image/png");
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
}

