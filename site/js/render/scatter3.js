/**
 * A WebGL point cloud (three.js Points with a per-point colour attribute, or
 * pictures from a sprite sheet) plus a 2-D canvas overlay for labels. Knows nothing of models: it draws positions,
 * colours, a visible subset and a few labels; picking is done on the CPU by
 * projecting the visible points to the screen (cheap even at 100,000 points,
 * and only on a click or hover).
 */
import * as THREE from '../../vendor/three.module.js';
import { SPRITE_PX, spriteMaterial } from './sprites.js';
import { Lod } from './lod.js';

const POINT_PX = 4;
const ROBUST_SAMPLE = 4000;
const TAIL = 0.005; // quantile cut per side: a few far outliers (common early in t-SNE) must not squash the rest

/** Per-dimension [low, high] from quantiles of a strided sample (robust to outliers). */
function robustBounds(src, n, dims) {
  const step = Math.max(1, Math.floor(n / ROBUST_SAMPLE));
  const out = [];
  for (let d = 0; d < dims; d++) {
    const vals = [];
    for (let i = 0; i < n; i += step) vals.push(src[i * dims + d]);
    vals.sort((a, b) => a - b);
    const at = (q) => vals[Math.min(vals.length - 1, Math.floor(q * (vals.length - 1)))];
    const lo = at(TAIL);
    const hi = at(1 - TAIL);
    const pad = (hi - lo) * 0.05;
    out.push([lo - pad, hi + pad]);
  }
  return out;
}

/** Fit positions into about [-1, 1] around their centre so every projection frames alike. */
function normalise(src, n, dims, bounds) {
  const out = new Float32Array(n * 3);
  let span = 1e-30;
  for (const [lo, hi] of bounds) span = Math.max(span, hi - lo);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      const [lo, hi] = bounds[d];
      out[i * 3 + d] = (2 * src[i * dims + d] - lo - hi) / span;
    }
  }
  return out;
}

/** A scatter plot in `host` (a positioned element); call destroy() to free it. */
export class Scatter {
  constructor(host) {
    this.host = host;
    this.renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace; // our colours are sRGB already: no conversion
    this.renderer.setClearColor(0xffffff);
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'pj-overlay';
    host.append(this.renderer.domElement, this.overlay);
    this.scene = new THREE.Scene();
    this.geometry = new THREE.BufferGeometry();
    this.material = new THREE.PointsMaterial({ size: POINT_PX, sizeAttenuation: false, vertexColors: true });
    this.points = new THREE.Points(this.geometry, this.material);
    this.points.frustumCulled = false;
    this.scene.add(this.points);
    this.view = { dims: 2, yaw: 0.6, pitch: 0.3, zoom: 1, panX: 0, panY: 0 };
    this.xyz = new Float32Array(0);
    this.labels = [];
    this.pending = false;
    this.lod = new Lod();
    this.fullIndex = null; // BufferAttribute of the visible indices, null = all
    this.resize = new ResizeObserver(() => this.redraw());
    this.resize.observe(host);
  }

  /** Positions: Float32Array of n*dims (dims 2 or 3); rescaled to fit the view. */
  /**
   * Positions: Float32Array of n*dims. With `keepScale` (the same points at another epoch) the
   * last scale is kept, so what moves on screen is the points, not the frame around them.
   */
  setPositions(data, n, dims, { keepScale = false } = {}) {
    this.n = n;
    this.view.dims = dims;
    if (!keepScale || !this.bounds || this.bounds.length !== dims) this.bounds = robustBounds(data, n, dims);
    this.xyz = normalise(data, n, dims, this.bounds);
    this.lod.reset();
    this.geometry.setAttribute('position', new THREE.BufferAttribute(this.xyz, 3));
    if (!this.geometry.getAttribute('color') || this.geometry.getAttribute('color').count !== n) {
      this.setColors(new Float32Array(n * 3).fill(0.45));
    }
    this.redraw();
  }

  /** Colours: Float32Array of n*3 RGB in [0, 1]. */
  setColors(rgb) {
    this.geometry.setAttribute('color', new THREE.BufferAttribute(rgb, 3));
    this.redraw();
  }

  /** Draw only these point indices (Uint32Array), or every point with null. */
  setVisible(indices) {
    this.visible = indices;
    this.fullIndex = indices ? new THREE.BufferAttribute(indices, 1) : null;
    this.lodIndex = null;
    this.lod.reset();
    this.geometry.setIndex(this.fullIndex);
    this.redraw();
  }

  /** Draw each point as its picture ({image, dim: [w, h], cols} from a sprite sheet), or as dots with null. */
  setSprites(sprite) {
    if (this.spriteMaterial) {
      this.spriteMaterial.uniforms.sheet.value.dispose();
      this.spriteMaterial.dispose();
    }
    this.spriteMaterial = sprite ? spriteMaterial(sprite) : null;
    this.points.material = this.spriteMaterial || this.material;
    this.host.dataset.sprites = sprite ? 'on' : 'off';
    this.redraw();
  }

  /** A sprite's side in CSS pixels: it grows slowly with zoom so close-ups show the pictures. */
  spriteSize() {
    return Math.min(72, Math.max(10, SPRITE_PX * Math.sqrt(this.view.zoom)));
  }

  /** Labels drawn on top: [{index, text, strong}]. */
  setLabels(labels) {
    this.labels = labels;
    this.redraw();
  }

  /** The current camera state (bookmarks). */
  getView() {
    return { ...this.view };
  }

  setView(view) {
    Object.assign(this.view, view);
    this.redraw();
  }

  /** Schedule one draw for the next animation frame (data-pending says whether one is due: tests wait on it). */
  redraw() {
    if (this.pending) return;
    this.pending = true;
    this.host.dataset.pending = '1';
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
      this.host.dataset.pending = '0';
    });
  }

  camera(w, h) {
    const v = this.view;
    const aspect = w / Math.max(1, h);
    let cam;
    if (v.dims === 2) {
      const s = 1.15 / v.zoom / Math.min(1, aspect); // the shorter side shows [-1.15, 1.15]
      cam = new THREE.OrthographicCamera(-s * aspect, s * aspect, s, -s, -10, 10);
      cam.position.set(v.panX, v.panY, 5);
    } else {
      cam = new THREE.PerspectiveCamera(45, aspect, 0.01, 100);
      const r = 3.4 / v.zoom / Math.min(1, aspect);
      cam.position.set(r * Math.cos(v.pitch) * Math.sin(v.yaw), r * Math.sin(v.pitch), r * Math.cos(v.pitch) * Math.cos(v.yaw));
      cam.lookAt(0, 0, 0);
      cam.translateX(v.panX);
      cam.translateY(v.panY);
    }
    cam.updateMatrixWorld();
    cam.updateProjectionMatrix();
    return cam;
  }

  draw() {
    const w = this.host.clientWidth;
    const h = this.host.clientHeight;
    if (!w || !h) return;
    const size = this.renderer.getSize(new THREE.Vector2());
    if (size.x !== w || size.y !== h) this.renderer.setSize(w, h);
    this.cam = this.camera(w, h);
    if (this.spriteMaterial) this.spriteMaterial.uniforms.pointSize.value = this.spriteSize() * this.renderer.getPixelRatio();
    this.render();
    this.drawLabels(w, h);
  }

  /** Render the points: all of them, or a subset while interacting when a full draw is too slow (lod.js). */
  render() {
    const count = this.visible ? this.visible.length : this.n || 0;
    if (this.lod.needsMeasure(count)) {
      const t0 = performance.now();
      this.renderer.render(this.scene, this.cam);
      const gl = this.renderer.getContext();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4)); // waits for the draw to finish
      this.lod.cost = performance.now() - t0;
      this.host.dataset.fullDrawMs = this.lod.cost.toFixed(1);
    }
    const coarse = this.lod.coarse(count);
    if (coarse && !this.lodIndex) this.lodIndex = new THREE.BufferAttribute(this.lod.subsetOf(this.visible, this.n), 1);
    const index = coarse ? this.lodIndex : this.fullIndex;
    if (this.geometry.getIndex() !== index) this.geometry.setIndex(index);
    this.host.dataset.drawn = String(coarse ? this.lodIndex.count : count);
    this.renderer.render(this.scene, this.cam);
  }

  /** Start (true) or end (false) a drag or zoom; ending draws every point again. */
  interact(on) {
    this.lod.active = on;
    if (!on) this.redraw();
  }

  /** Screen position of point i, or null when behind the camera. */
  toScreen(i, w, h, v = new THREE.Vector3()) {
    v.set(this.xyz[i * 3], this.xyz[i * 3 + 1], this.xyz[i * 3 + 2]).project(this.cam);
    if (v.z > 1 || v.z < -1) return null;
    return [(v.x + 1) * w / 2, (1 - v.y) * h / 2];
  }

  drawLabels(w, h) {
    const ratio = this.renderer.getPixelRatio();
    const c = this.overlay;
    c.width = w * ratio;
    c.height = h * ratio;
    const g = c.getContext('2d');
    g.scale(ratio, ratio);
    g.font = '12px system-ui, sans-serif';
    g.lineWidth = 3;
    g.strokeStyle = 'rgba(255,255,255,0.9)';
    for (const { index, text, strong } of this.labels) {
      if (index >= this.n) continue;
      const p = this.toScreen(index, w, h);
      if (!p) continue;
      g.fillStyle = strong ? '#c2185b' : '#333';
      g.beginPath();
      g.arc(p[0], p[1], strong ? 5 : 3, 0, 2 * Math.PI);
      g.fill();
      g.strokeText(text, p[0] + 6, p[1] - 6);
      g.fillText(text, p[0] + 6, p[1] - 6);
    }
  }

  /** The visible point nearest to client coordinates (x, y) within `radius` px (half a sprite with sprites), or -1. */
  pick(x, y, radius = this.spriteMaterial ? this.spriteSize() / 2 : 8) {
    if (!this.cam || !this.n) return -1;
    const rect = this.host.getBoundingClientRect();
    const px = x - rect.left;
    const py = y - rect.top;
    const v = new THREE.Vector3();
    let best = -1;
    let bestD = radius * radius;
    const count = this.visible ? this.visible.length : this.n;
    for (let k = 0; k < count; k++) {
      const i = this.visible ? this.visible[k] : k;
      const p = this.toScreen(i, rect.width, rect.height, v);
      if (!p) continue;
      const d = (p[0] - px) ** 2 + (p[1] - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  destroy() {
    this.resize.disconnect();
    this.setSprites(null);
    this.geometry.dispose();
    this.material.dispose();
    this.renderer.dispose();
    this.host.replaceChildren();
  }
}
