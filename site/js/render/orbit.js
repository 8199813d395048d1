/**
 * Pointer and wheel input for a Scatter (scatter3.js): our own small orbit
 * control, since three's OrbitControls needs a bare-specifier import map that
 * the Content-Security-Policy would block.
 */
/**
 * Mouse and wheel input for a Scatter: drag rotates in 3-D (pans in 2-D),
 * shift- or right-drag pans, the wheel zooms; a click without a drag calls onClick.
 */
export function attachOrbit(scatter, { onClick, onHover } = {}) {
  const el = scatter.host;
  let drag = null;
  el.addEventListener('contextmenu', (e) => e.preventDefault());
  let wheelTimer = 0;
  el.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, moved: false, pan: e.shiftKey || e.button === 2 };
    el.setPointerCapture(e.pointerId);
    scatter.interact(true);
  });
  el.addEventListener('pointermove', (e) => {
    if (!drag) {
      onHover?.(e);
      return;
    }
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    drag.x = e.clientX;
    drag.y = e.clientY;
    const v = scatter.view;
    const scale = 2.3 / v.zoom / Math.max(1, el.clientHeight);
    if (drag.pan || v.dims === 2) {
      v.panX -= dx * scale;
      v.panY += dy * scale;
    } else {
      v.yaw -= dx * 0.008;
      v.pitch = Math.max(-1.5, Math.min(1.5, v.pitch + dy * 0.008));
    }
    scatter.redraw();
  });
  el.addEventListener('pointerup', (e) => {
    if (drag && !drag.moved) onClick?.(e);
    drag = null;
    scatter.interact(false);
  });
  el.addEventListener('pointercancel', () => {
    drag = null;
    scatter.interact(false);
  });
  el.addEventListener('wheel', (e) => {
    e.preventDefault();
    scatter.view.zoom = Math.max(0.2, Math.min(200, scatter.view.zoom * Math.exp(-e.deltaY * 0.0015)));
    scatter.interact(true);
    clearTimeout(wheelTimer);
    wheelTimer = setTimeout(() => scatter.interact(false), 200); // the wheel has no "up": end after a pause
    scatter.redraw();
  }, { passive: false });
}
