// The Play button's clock, shared by the landscape and training components (joined into each one's module):
// `s.k` advances at the speed chosen in `.bpx-speed-choice` (steps a second; a slow frame skips steps rather
// than slowing the run), `draw(s)` shows each new step, and at step `last` the clock stops and calls `end(s)`.

function runClock(s, last, draw, end) {
  s.playing = true;
  s.playButton.textContent = "❚❚ Pause";
  s.playButton.setAttribute("aria-label", "Pause");
  const perSecond = () => Number(s.q(".bpx-speed-choice").value);
  let before = performance.now();
  let carry = 0;
  const tick = (now) => {
    if (!s.playing) return;
    carry += ((now - before) / 1000) * perSecond();
    before = now;
    if (carry >= 1) {
      s.k = Math.min(s.k + Math.floor(carry), last);
      carry -= Math.floor(carry);
      draw(s);
      if (s.k >= last) { end(s); return; }
    }
    s.raf = requestAnimationFrame(tick);
  };
  s.raf = requestAnimationFrame(tick);
}

function stop(s) {
  s.playing = false;
  cancelAnimationFrame(s.raf);
  s.playButton.textContent = "▶ Play";
  s.playButton.setAttribute("aria-label", "Play");
}
