/**
 * An op graph as SVG, laid out by dagre (vendor/dagre.min.js, a classic script
 * that defines globalThis.dagre). Takes plain node and edge lists; pan by
 * dragging, zoom with the wheel (the viewBox changes, nothing is re-laid out).
 */
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** Layout with dagre: returns {nodes: Map id -> {x, y, width, height}, edges: [{points}], width, height}. */
export function layout(nodes, edges) {
  const { dagre } = globalThis;
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 36, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  // dagre keys plain objects by node id: names like __proto__ or constructor (real op and
  // scope names can be anything) would reach the prototype, so it sees indices instead.
  const key = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
  nodes.forEach((n) => g.setNode(key.get(n.id), { width: Math.min(180, 24 + n.label.length * 7), height: n.kind === 'op' ? 22 : 30 }));
  // An edge to a node the list lacks would make dagre invent one; it is drawn as nothing.
  const known = (e) => key.has(e.source) && key.has(e.target);
  edges.forEach((e, i) => { if (known(e)) g.setEdge(key.get(e.source), key.get(e.target), {}, `e${i}`); });
  dagre.layout(g);
  const out = new Map(nodes.map((n) => [n.id, g.node(key.get(n.id))]));
  const lines = edges.map((e, i) => (known(e) ? g.edge({ v: key.get(e.source), w: key.get(e.target), name: `e${i}` }).points : []));
  const { width, height } = g.graph();
  return { nodes: out, edges: lines, width, height };
}

/**
 * Draw the graph into `host` (an <svg>).
 * @param {SVGSVGElement} host
 * @param {Array<{id, label, kind}>} nodes
 * @param {Array<{source, target, count, control, size}>} edges
 * @param {{fill: (node) => string, onClick: (node) => void, highlight: Set<string>}} opt
 */
export function drawGraph(host, nodes, edges, opt) {
  const lay = layout(nodes, edges);
  host.replaceChildren();
  // Never magnify a small graph beyond 1:1; centre it instead.
  const w = Math.max(lay.width, host.clientWidth || 800);
  const h = Math.max(lay.height, host.clientHeight || 600);
  host.setAttribute('viewBox', `${(lay.width - w) / 2} ${(lay.height - h) / 2} ${w} ${h}`);
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' });
  marker.append(svg('path', { d: 'M0,0L10,5L0,10z', fill: '#8a96a0' }));
  defs.append(marker);
  host.append(defs);
  edges.forEach((e, i) => {
    const d = lay.edges[i].map((p, k) => `${k ? 'L' : 'M'}${p.x},${p.y}`).join('');
    // Thicker edges carry more data: tensor elements where the writer recorded shapes, else merged inputs.
    host.append(svg('path', { d, class: e.control ? 'edge control' : 'edge', 'marker-end': 'url(#arrow)',
      'stroke-width': e.size ? Math.min(8, 0.8 + Math.log10(e.size)) : Math.min(6, 0.8 + Math.log2(e.count)) }));
  });
  for (const n of nodes) {
    const p = lay.nodes.get(n.id);
    const g = svg('g', { class: `node ${n.kind}${opt.highlight.has(n.id) ? ' hit' : ''}`, transform: `translate(${p.x - p.width / 2},${p.y - p.height / 2})`,
      'data-testid': 'graph-node', 'data-id': n.id, 'data-kind': n.kind });
    g.append(svg('rect', { width: p.width, height: p.height, rx: n.kind === 'op' ? 11 : 6, fill: opt.fill(n) }));
    const text = svg('text', { x: p.width / 2, y: p.height / 2 + 4, 'text-anchor': 'middle' });
    text.textContent = n.kind === 'op' ? n.label : `${n.label} (${n.count})`;
    const title = svg('title');
    title.textContent = n.id;
    g.append(text, title);
    g.addEventListener('click', () => opt.onClick(n));
    host.append(g);
  }
  enablePanZoom(host);
}

function enablePanZoom(host) {
  if (host.dataset.panzoom) return;
  host.dataset.panzoom = '1';
  let drag = null;
  const box = () => host.getAttribute('viewBox').split(' ').map(Number);
  host.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [x, y, w, h] = box();
    const r = host.getBoundingClientRect();
    const k = e.deltaY > 0 ? 1.15 : 1 / 1.15;
    const fx = (e.clientX - r.left) / r.width; const fy = (e.clientY - r.top) / r.height;
    host.setAttribute('viewBox', `${x + fx * w * (1 - k)} ${y + fy * h * (1 - k)} ${w * k} ${h * k}`);
  }, { passive: false });
  host.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY, box: box() }; });
  host.addEventListener('pointermove', (e) => {
    if (!drag || !(e.buttons & 1)) return;
    const r = host.getBoundingClientRect();
    const [x, y, w, h] = drag.box;
    host.setAttribute('viewBox', `${x - ((e.clientX - drag.x) * w) / r.width} ${y - ((e.clientY - drag.y) * h) / r.height} ${w} ${h}`);
  });
  host.addEventListener('pointerup', () => { drag = null; });
}
