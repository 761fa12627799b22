// The maps over the input plane (ui/components/training): the network's forward pass on a grid of (x0, x1)
// points, from one frame's flat parameters, the decision map's colours (viz/decision.py's rule) and each unit's
// activation. Pure functions of numbers; drawing is into canvases by ImageData, never by markup.

const ACT = {
  relu: (z) => (z > 0 ? z : 0),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  identity: (z) => z,
};
const TRANSFORM = {
  sq0: (a, b) => a * a, sq1: (a, b) => b * b, prod: (a, b) => a * b, sin0: (a) => Math.sin(a), sin1: (a, b) => Math.sin(b),
};

// Every layer's activations at each grid point: acts[l][unit][point], l = 0 the first hidden layer (or the
// output); points run row by row from the top (x1 high) down, x0 left to right.
function forwardGrid(d, params, n) {
  const [[a0, a1], [b0, b1]] = d.plane;
  let inputs = [];
  for (let r = 0; r < n; r += 1) {
    const x1 = b1 - ((r + 0.5) / n) * (b1 - b0);
    for (let c = 0; c < n; c += 1) {
      const x0 = a0 + ((c + 0.5) / n) * (a1 - a0);
      inputs.push([x0, x1, ...d.transforms.map((t) => TRANSFORM[t](x0, x1))]);
    }
  }
  const acts = [];
  let offset = 0;
  for (const layer of d.layers) {
    const W = params.slice(offset, offset + layer.fanIn * layer.fanOut);
    offset += layer.fanIn * layer.fanOut;
    const b = params.slice(offset, offset + layer.fanOut);
    offset += layer.fanOut;
    const z = inputs.map((x) => {
      const out = b.slice();
      for (let i = 0; i < layer.fanIn; i += 1) {
        const xi = x[i];
        for (let j = 0; j < layer.fanOut; j += 1) out[j] += xi * W[i * layer.fanOut + j];
      }
      return out;
    });
    const a = layer.activation === "softmax" ? z.map(softmax) : z.map((row) => row.map(ACT[layer.activation]));
    acts.push(Array.from({ length: layer.fanOut }, (_, j) => a.map((row) => row[j])));
    inputs = a;
  }
  return acts;
}

function softmax(z) {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / s);
}

function hexRgb(hex) {
  const h = hex.replace("#", "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

// The decision map's colour of each grid point: its top class's colour mixed with the background, FLOOR of it at
// the top probability 1/K, CEIL of it at 1 (viz/decision.py map_rgb)
function classColours(d, out, bg) {
  const probs = d.classifies === "threshold" && out.length === 1 ? [out[0].map((p) => 1 - p), out[0]] : out;
  const k = probs.length;
  const palette = d.palette.map(hexRgb);
  return probs[0].map((_, i) => {
    let top = 0;
    for (let c = 1; c < k; c += 1) if (probs[c][i] > probs[top][i]) top = c;
    const sure = Math.min(1, Math.max(0, (probs[top][i] - 1 / k) / (1 - 1 / k)));
    const s = d.floor + (d.ceil - d.floor) * sure;
    return bg.map((v, ch) => Math.round(v + (palette[top][ch] - v) * s));
  });
}

// A value's colour: blue below the centre, orange above, its strength by the distance over `scale`
function valueColours(values, centre, scale, bg) {
  const neg = hexRgb("#0072B2");
  const pos = hexRgb("#E69F00");
  return values.map((v) => {
    const t = Math.max(-1, Math.min(1, (v - centre) / scale));
    const c = t < 0 ? neg : pos;
    return bg.map((x, ch) => Math.round(x + (c[ch] - x) * Math.abs(t)));
  });
}

// A unit's map: probabilities and sigmoid outputs centred on 0.5, others on 0, scaled by their largest size (>= 1)
function unitColours(values, activation, bg) {
  const prob = activation === "sigmoid" || activation === "softmax";
  const centre = prob ? 0.5 : 0;
  const scale = prob ? 0.5 : Math.max(1, ...values.map(Math.abs));
  return valueColours(values, centre, scale, bg);
}

// Paint n x n colours into `canvas` (its pixels: the grid; CSS scales it up smoothly)
function paint(canvas, colours, n) {
  canvas.width = n;
  canvas.height = n;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(n, n);
  colours.forEach((c, i) => { img.data.set([c[0], c[1], c[2], 255], 4 * i); });
  ctx.putImageData(img, 0, 0);
}
