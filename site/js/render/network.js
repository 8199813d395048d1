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
import { LinkPainter } from './links.js';
import { ThumbSheet } from './thumbs.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE = 36; // node box, CSS px, border included
const BORDER = 1; // node frame, drawn on the sheet
const FRAME = [153, 153, 153];
const FADED_FRAME = [221, 221, 221]; // an inactive input's frame, as #999 at opacity .35

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/*
 * What is drawn: one canvas holds every link, bias mark and thumbnail (see
 * thumbs.js and links.js); links are repainted only when one looks different.
 * The SVG paths and rects above it are invisible hit targets that are never
 * restyled, and the node divs are fixed borders, labels and hover targets: a
 * frame changes no DOM, only canvas pixels.
 */
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
    this.scale = window.devicePixelRatio || 1;
    const gap = (width - NODE - 60) / Math.max(1, columns.length - 1);
    this.colX = columns.map((_, ci) => 50 + ci * gap);
    // The sheet starts at the first column: the input labels left of it are then not
    // drawn above a canvas, so the page composites no extra layer for them.
    this.originX = Math.floor(this.colX[0]);
    const sheet = sizedCanvas('sheet', width - this.originX, height, this.scale);
    sheet.style.left = `${this.originX}px`;
    this.thumbs = new ThumbSheet(sheet, width - this.originX, NODE - 2 * BORDER, this.originX);
    this.svg = svg('svg', { width, height, class: 'links' });
    // The invisible hit targets go below the sheet (which lets the pointer through):
    // above it they would be composited as one more layer over the whole diagram.
    this.container.append(this.svg, sheet);
    this.nodes.clear();
    this.links = [];
    columns.forEach((col, ci) => col.forEach((node, ri) => {
      const x = this.colX[ci];
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
    const faded = node.active === false;
    this.thumbs.place(node.id, x + BORDER, y + BORDER, { faded, frame: BORDER, rgb: faded ? FADED_FRAME : FRAME });
    return { x, y, div, active: node.active !== false };
  }

  /** Redraw links and bias marks for weights (list of {data, shape}) and biases. */
  update(weights, biases) {
    if (!this.links.length || this.links.length !== countLinks(weights)) this.buildLinks(weights);
    const w = this.weightBuf;
    let k = 0;
    weights.forEach((m) => {
      for (let i = 0; i < m.data.length; i++, k++) {
        this.links[k].nnValue = w[k] = m.data[i]; // a property, not an attribute: no DOM write
      }
    });
    const b = this.biasBuf;
    k = 0;
    biases.forEach((v) => {
      for (let i = 0; i < v.data.length; i++, k++) this.biases[k].nnValue = b[k] = v.data[i];
    });
    this.painter.setValues(w, b);
    this.repaint();
  }

  activeIds(ci) {
    return this.columns[ci].filter((n) => n.active !== false).map((n) => n.id);
  }

  /** Hit targets and painter geometry for every weight (row-major, as the data) and bias. */
  buildLinks(weights) {
    this.svg.replaceChildren();
    this.links = [];
    this.biases = [];
    this.painter = new LinkPainter(this.scale, this.originX);
    this.weightBuf = new Float64Array(countLinks(weights));
    weights.forEach((w, l) => {
      this.painter.band(l, this.colX[l] + NODE, this.colX[l + 1]); // the strip between columns l and l+1
      const srcIds = this.activeIds(l);
      const dstIds = this.activeIds(l + 1);
      srcIds.forEach((s, i) => dstIds.forEach((d, j) => {
        const a = this.nodes.get(s);
        const b = this.nodes.get(d);
        const ends = [a.x + NODE, a.y + NODE / 2, b.x, b.y + NODE / 2];
        const path = svg('path', { class: 'link', d: curve(...ends) });
        this.bindEdit(path, { kind: 'weight', layer: l, src: i, dst: j }, this.links.length);
        this.painter.addLink(l, ...ends);
        this.svg.appendChild(path);
        this.links.push(path);
      }));
      dstIds.forEach((d, j) => {
        const n = this.nodes.get(d);
        const mark = svg('rect', { class: 'bias', x: n.x - 8, y: n.y + NODE - 6, width: 6, height: 6 });
        this.bindEdit(mark, { kind: 'bias', layer: l, node: j }, -1);
        this.painter.addBias(l, n.x - 8, n.y + NODE - 6);
        this.svg.appendChild(mark);
        this.biases.push(mark);
      });
    });
    this.biasBuf = new Float64Array(this.biases.length);
  }

  /** Hover and click on a hit target; a hovered link is repainted highlighted. */
  bindEdit(el, info, linkIndex) {
    el.addEventListener('mouseenter', (ev) => {
      if (linkIndex >= 0) this.painter.hover(linkIndex);
      this.repaint();
      this.cb.onLinkHover?.(info, el.nnValue, ev);
    });
    el.addEventListener('mouseleave', () => {
      this.painter.hover(-1);
      this.repaint();
      this.cb.onLinkHover?.(null);
    });
    el.addEventListener('click', (ev) => this.cb.onLinkClick?.(info, el.nnValue, ev));
  }

  /** Repaint the strips of links whose look changed; come back for any left stale. */
  repaint() {
    this.thumbs.paintBelow((pixels, width) => this.painter.paint(pixels, width));
    const wait = this.painter.pending();
    if (wait < 0 || this.staleTimer) return;
    const painter = this.painter;
    this.staleTimer = setTimeout(() => {
      this.staleTimer = null;
      if (painter === this.painter) this.repaint(); // not after a new layout
    }, wait + 1);
  }

  /** Draw node `id`'s map: n x n values starting at `offset` of `values`. */
  drawNode(id, values, n, offset, opts = {}) {
    this.thumbs.draw(id, values, n, offset, opts.discretize);
  }
}

/** A canvas of width x height CSS px with a backing store at the device's pixel ratio. */
function sizedCanvas(className, width, height, dpr) {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  return canvas;
}

function countLinks(weights) {
  return weights.reduce((s, w) => s + w.shape[0] * w.shape[1], 0);
}

function curve(x1, y1, x2, y2) {
  const mx = (x1 + x2) / 2;
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
}
