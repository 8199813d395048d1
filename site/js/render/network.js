/**
 * The network diagram: columns of neuron thumbnails joined by links whose colour
 * is the weight's sign and whose width and opacity grow with |w|. Knows only
 * sizes, arrays and callbacks, never a model.
 *
 *   const view = new NetworkView(container, {onNodeHover, onLinkHover, onLinkClick, onInputClick});
 *   view.layout(columns)          // columns: [[{id, label, active}], ...], input column first
 *   view.update(weights, biases)  // weights[l]: {data, shape: [nIn, nOut]} over active nodes
 *   view.drawNode(id, values, n, offset)
 */
import { cssColor } from './colors.js';
import { Heatmap } from './heatmap.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE = 36;
const THUMB = 20; // thumbnail resolution; canvases are scaled up by CSS

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

export class NetworkView {
  constructor(container, callbacks = {}) {
    this.container = container;
    this.cb = callbacks;
    this.nodes = new Map();
    this.links = [];
    this.biases = [];
  }

  /** Rebuild the DOM for new columns of nodes. */
  layout(columns) {
    const width = this.container.clientWidth || 500;
    const rows = Math.max(...columns.map((c) => c.length));
    const height = Math.max(260, rows * (NODE + 14) + 20);
    this.container.replaceChildren();
    this.container.style.height = `${height}px`;
    this.svg = svg('svg', { width, height, class: 'links' });
    this.container.appendChild(this.svg);
    this.nodes.clear();
    const gap = (width - NODE - 60) / Math.max(1, columns.length - 1);
    columns.forEach((col, ci) => col.forEach((node, ri) => {
      const x = 50 + ci * gap;
      const y = 10 + ri * (NODE + 14) + (rows - col.length) * (NODE + 14) / 2;
      this.nodes.set(node.id, this.makeNode(node, x, y, ci === 0));
    }));
    this.columns = columns;
  }

  makeNode(node, x, y, isInput) {
    const div = document.createElement('div');
    div.className = `node${node.active === false ? ' inactive' : ''}`;
    div.style.left = `${x}px`;
    div.style.top = `${y}px`;
    div.dataset.node = node.id;
    const canvas = document.createElement('canvas');
    canvas.width = THUMB;
    canvas.height = THUMB;
    div.appendChild(canvas);
    if (node.label) {
      const label = document.createElement('span');
      label.className = 'node-label';
      label.textContent = node.label;
      div.appendChild(label);
    }
    div.addEventListener('mouseenter', () => this.cb.onNodeHover?.(node.id));
    div.addEventListener('mouseleave', () => this.cb.onNodeHover?.(null));
    if (isInput) div.addEventListener('click', () => this.cb.onInputClick?.(node.id));
    this.container.appendChild(div);
    return { x, y, div, heatmap: new Heatmap(canvas), active: node.active !== false };
  }

  /** Redraw links and bias marks for weights (list of {data, shape}) and biases. */
  update(weights, biases) {
    if (!this.links.length || this.links.length !== countLinks(weights)) this.buildLinks(weights, biases);
    let k = 0;
    weights.forEach((w, l) => {
      const [nIn, nOut] = w.shape;
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) styleLink(this.links[k++], w.data[i * nOut + j]);
    });
    k = 0;
    biases.forEach((b) => b.data.forEach((v) => styleBias(this.biases[k++], v)));
  }

  activeIds(ci) {
    return this.columns[ci].filter((n) => n.active !== false).map((n) => n.id);
  }

  buildLinks(weights, biases) {
    this.svg.replaceChildren();
    this.links = [];
    this.biases = [];
    weights.forEach((w, l) => {
      const srcIds = this.activeIds(l);
      const dstIds = this.activeIds(l + 1);
      srcIds.forEach((s, i) => dstIds.forEach((d, j) => {
        const a = this.nodes.get(s);
        const b = this.nodes.get(d);
        const path = svg('path', { class: 'link', d: curve(a.x + NODE, a.y + NODE / 2, b.x, b.y + NODE / 2) });
        this.bindEdit(path, { kind: 'weight', layer: l, src: i, dst: j });
        this.svg.appendChild(path);
        this.links.push(path);
      }));
      dstIds.forEach((d, j) => {
        const n = this.nodes.get(d);
        const mark = svg('rect', { class: 'bias', x: n.x - 8, y: n.y + NODE - 6, width: 6, height: 6 });
        this.bindEdit(mark, { kind: 'bias', layer: l, node: j });
        this.svg.appendChild(mark);
        this.biases.push(mark);
      });
    });
  }

  bindEdit(el, info) {
    el.addEventListener('mouseenter', (ev) => this.cb.onLinkHover?.(info, el.nnValue, ev));
    el.addEventListener('mouseleave', () => this.cb.onLinkHover?.(null));
    el.addEventListener('click', (ev) => this.cb.onLinkClick?.(info, el.nnValue, ev));
  }

  /** Draw node `id`'s map: n x n values starting at `offset` of `values`. */
  drawNode(id, values, n, offset, opts = {}) {
    const node = this.nodes.get(id);
    if (!node) return;
    const canvas = node.heatmap.canvas;
    if (canvas.width !== n) {
      canvas.width = n;
      canvas.height = n;
    }
    node.heatmap.draw(values, n, { offset, ...opts });
  }
}

function countLinks(weights) {
  return weights.reduce((s, w) => s + w.shape[0] * w.shape[1], 0);
}

function curve(x1, y1, x2, y2) {
  const mx = (x1 + x2) / 2;
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
}

function styleLink(path, w) {
  // Quantised, and set only when changed: rewriting hundreds of SVG attributes every
  // frame costs more style work than drawing all the heatmaps.
  const mag = Math.round((Math.min(Math.abs(w), 5) / 5) * 50) / 50;
  const key = Number.isFinite(w) ? `${Math.sign(w)}:${mag}` : 'nan';
  path.nnValue = w; // a property, not an attribute: no DOM write per link per frame
  if (path.nnKey === key) return;
  path.nnKey = key;
  path.setAttribute('stroke', Number.isFinite(w) ? cssColor(Math.sign(w)) : '#333');
  path.setAttribute('stroke-width', String(1 + 9 * mag));
  path.setAttribute('stroke-opacity', String(0.25 + 0.75 * mag));
}

function styleBias(rect, b) {
  rect.nnValue = b;
  const fill = Number.isFinite(b) ? cssColor(Math.max(-1, Math.min(1, b))) : '#333';
  if (rect.nnFill === fill) return; // an unchanged attribute write still restyles the SVG
  rect.nnFill = fill;
  rect.setAttribute('fill', fill);
}
