/**
 * Level of detail for a point cloud that is slow to draw (software WebGL, as
 * Chromium uses on machines whose GPU it blocks, or no GPU at all): while the
 * user drags or zooms, a fixed, evenly strided subset is drawn if one full draw
 * was measured to cost more than a frame budget; everything is drawn again as
 * soon as the input stops. On a real GPU the measured cost stays under budget
 * and nothing changes.
 */
export const LOD_POINTS = 20000;
export const BUDGET_MS = 30;

export class Lod {
  constructor() {
    this.active = false; // the user is dragging or zooming
    this.cost = null; // ms of one full draw, measured on the first interactive frame
    this.subset = null; // Uint32Array of point indices, or null while unknown
  }

  /** The drawn set changed (positions or visibility): measure and subsample again. */
  reset() {
    this.cost = null;
    this.subset = null;
  }

  /** Do `count` points need measuring before the next interactive frame? */
  needsMeasure(count) {
    return this.active && count > LOD_POINTS && this.cost === null;
  }

  /** Should this frame draw the subset? */
  coarse(count) {
    return this.active && count > LOD_POINTS && this.cost !== null && this.cost > BUDGET_MS;
  }

  /** Every (count / LOD_POINTS)-th of the `visible` indices (or of 0..n-1): a stable subset. */
  subsetOf(visible, n) {
    if (!this.subset) {
      const count = visible ? visible.length : n;
      const step = count / LOD_POINTS;
      this.subset = new Uint32Array(LOD_POINTS);
      for (let k = 0; k < LOD_POINTS; k++) {
        const j = Math.floor(k * step);
        this.subset[k] = visible ? visible[j] : j;
      }
    }
    return this.subset;
  }
}
