"""What a room can read: every visible text's font size and every element that overflows, in one pass.

`audit(page)` walks the main area and the presenter bar, into the shadow roots of the app's components, and
returns the visible texts set smaller than the room needs (18 px; 16 px for captions marked secondary: a
Streamlit caption, or an element of class `secondary`), the texts under the presenter bar (Keys, Exit: fixed
at the top right), and the elements whose content is wider than their box without a visible scrollbar
(clipped silently, or cut with an ellipsis). Used by the readability walk (test_readability_e2e.py), the
phone tests and the training page's presenter test.

The grids (st.data_editor, st.dataframe: glide-data-grid) draw their text on a canvas, out of reach of the walk
over text nodes. Streamlit gives glide one theme object (its cells' and its headers' font, "400 14px") and glide
writes it onto the grid's element as CSS variables (--gdg-base-font-style, --gdg-header-font-style); the text on
screen is that size times how much larger the canvas is on screen than in its own CSS pixels (presenter mode's
zoom). That product is each grid's text size here.
"""

from __future__ import annotations

AUDIT_JS = r"""
({minimum, secondary}) => {
  const small = [], clipped = [], grids = [], covered = [];
  const roots = [document.querySelector('[data-testid="stMain"]'), document.querySelector('.st-key-presenter_bar')]
    .filter(Boolean);
  const visible = (e) => {
    if (!e.getClientRects().length) return false;
    const cs = getComputedStyle(e);
    return cs.visibility !== 'hidden' && parseFloat(cs.opacity) > 0;
  };
  const name = (e) => {
    const id = e.closest('[data-testid]');
    const key = e.closest('[class*="st-key-"]');
    const keyName = key ? [...key.classList].find((c) => c.startsWith('st-key-')) : '';
    const where = id ? id.dataset.testid : '?';
    return `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 3).join('.')} in ${where} ${keyName}`;
  };
  const isSecondary = (e) => !!e.closest('[data-testid="stCaptionContainer"], .secondary, [data-secondary]')
    || (e.getRootNode().host && e.getRootNode().host.closest('[data-testid="stCaptionContainer"]'));
  const skip = (e) => !!e.closest('[data-testid="stTooltipContent"], [role="tooltip"], .modebar, '
    + '[aria-hidden="true"], .hovertext, .katex-mathml');
  // The presenter bar (Keys, Exit) is fixed at the top right: no text of the page may lie under it.
  const barBox = roots[1] && roots[1].getBoundingClientRect();
  const range = document.createRange();
  const shownPart = (r, e) => {  // the part of box r that e's scrolling or clipping ancestors let through
    let box = {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    for (let a = e; a; a = a.parentElement || (a.getRootNode().host ?? null)) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      box = {left: Math.max(box.left, c.left), right: Math.min(box.right, c.right),
             top: Math.max(box.top, c.top), bottom: Math.min(box.bottom, c.bottom)};
    }
    return box;
  };
  const underBar = (n, e) => {
    if (!barBox || roots[1].contains(e)) return false;
    const r = e.getBoundingClientRect();
    if (r.right <= barBox.left || r.left >= barBox.right || r.bottom <= barBox.top || r.top >= barBox.bottom)
      return false;
    range.selectNodeContents(n);
    return [...range.getClientRects()].some((t) => {
      const s = shownPart(t, e);
      return Math.min(s.right, barBox.right) - Math.max(s.left, barBox.left) > 1
        && Math.min(s.bottom, barBox.bottom) - Math.max(s.top, barBox.top) > 1;
    });
  };
  const seen = new Set();
  const walk = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === Node.ELEMENT_NODE) {
        if (n.shadowRoot) walk(n.shadowRoot);
        if (!visible(n) || skip(n)) continue;
        const cs = getComputedStyle(n);
        const over = n.scrollWidth - n.clientWidth;
        if (over > 2 && n.clientWidth > 1 && cs.display !== 'inline') {  // 1 px: visually hidden (a11y)
          const scrolls = ['auto', 'scroll'].includes(cs.overflowX);
          const borders = parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
          const bar = n.offsetHeight - n.clientHeight - borders;  // the horizontal scrollbar's height
          const clips = ['hidden', 'clip'].includes(cs.overflowX) || (scrolls && bar < 1);
          if (clips) clipped.push({what: name(n), scrollWidth: n.scrollWidth, clientWidth: n.clientWidth,
                                   text: (n.textContent || '').trim().slice(0, 60)});
        }
        continue;
      }
      const text = n.textContent.trim();
      const e = n.parentElement;
      if (!text || !e || seen.has(e) || !visible(e) || skip(e)) continue;
      seen.add(e);
      const size = parseFloat(getComputedStyle(e).fontSize);
      const floor = isSecondary(e) ? secondary : minimum;
      if (size < floor - 0.05) small.push({what: name(e), size, text: text.slice(0, 40)});
      if (underBar(n, e)) covered.push({what: name(e), text: text.slice(0, 40)});
    }
  };
  roots.forEach(walk);
  for (const grid of roots[0].querySelectorAll('[data-testid="stDataFrame"]')) {
    const canvas = grid.querySelector('[data-testid="data-grid-canvas"]');
    const themed = grid.querySelector('.stDataFrameGlideDataEditor');
    if (!canvas || !themed || !visible(canvas) || !canvas.offsetHeight) continue;
    const zoom = canvas.getBoundingClientRect().height / canvas.offsetHeight;
    const place = grid.closest('.stElementContainer').getBoundingClientRect();
    const drawn = grid.querySelector('[data-testid="stDataFrameResizable"]').getBoundingClientRect();
    if (drawn.right > place.right + 1 || drawn.bottom > place.bottom + 1)  // over what follows it
      clipped.push({what: `grid beyond its place, in ${name(grid)}`, scrollWidth: Math.round(drawn.right - place.left),
                    clientWidth: Math.round(place.width), text: `bottom ${drawn.bottom} > ${place.bottom}`});
    for (const part of ['base', 'header']) {
      const font = getComputedStyle(themed).getPropertyValue(`--gdg-${part}-font-style`);
      const px = parseFloat((font.match(/([\d.]+)px/) || [])[1]);
      const size = Math.round(px * zoom * 100) / 100;
      grids.push({what: `${part} of ${name(grid)}`, size});
      if (!(size >= minimum - 0.05)) small.push({what: `grid ${part} font ${font.trim()} x ${zoom.toFixed(3)} in `
        + name(grid), size, text: (grid.querySelector('[role="columnheader"]') || {}).textContent || ''});
    }
  }
  return {small, clipped, grids, covered};
}
"""


def audit(page, minimum: float = 18, secondary: float = 16) -> dict:
    """{"small": [texts under the floor], "clipped": [elements cut without a scrollbar], "grids": [each visible
    grid's cell and header text size], "covered": [texts under the presenter bar]} of the page as shown."""
    return page.evaluate(AUDIT_JS, {"minimum": minimum, "secondary": secondary})
