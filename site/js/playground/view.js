/**
 * Puts a trainer snapshot on screen: network diagram, output plot, losses, chart.
 * Holds only what is drawn (last snapshot, data, loss history), no model logic.
 */
import { Heatmap } from '../render/heatmap.js';
import { LineChart } from '../render/linechart.js';
import { NetworkView } from '../render/network.js';
import { drawPoints } from '../render/points.js';
import { formatEpoch } from './controls.js';
import { FEATURES } from './state.js';

export const FEATURE_LABELS = { x: 'X₁', y: 'X₂', xSquared: 'X₁²', ySquared: 'X₂²', xTimesY: 'X₁X₂', sinX: 'sin(X₁)', sinY: 'sin(X₂)' };

export class PlaygroundView {
  constructor(root, callbacks) {
    this.root = root;
    this.q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.net = new NetworkView(this.q('network'), { ...callbacks, onNodeHover: (id) => this.hover(id) });
    this.output = new Heatmap(this.q('output-heatmap'), { smooth: true });
    this.chart = new LineChart(this.q('loss-chart'));
    this.history = { train: [], test: [] };
    this.hovered = null;
  }

  /** New network shape: rebuild the diagram. `featureMaps` pictures every feature. */
  layout(state, layerSizes, featureMaps) {
    const inputs = FEATURES.map((f) => ({ id: `in-${f}`, label: FEATURE_LABELS[f], active: state[f] }));
    const hidden = layerSizes.slice(1, -1).map((n, l) => Array.from({ length: n }, (_, j) => ({ id: `h${l}-${j}` })));
    const nOut = layerSizes[layerSizes.length - 1];
    const outs = Array.from({ length: nOut }, (_, k) => ({ id: `out-${k}` }));
    this.net.layout([inputs, ...hidden, outs]);
    this.order = [...inputs.filter((n) => n.active), ...hidden.flat(), ...outs].map((n) => n.id);
    this.featureMaps = featureMaps;
    if (featureMaps) {
      FEATURES.forEach((f, i) => this.net.drawNode(`in-${f}`, featureMaps.data, featureMaps.n, i * featureMaps.n ** 2));
    }
    this.history = { train: [], test: [] };
    this.lastEpoch = null;
  }

  setData(data) {
    this.data = data;
  }

  render(snap, state) {
    this.snap = snap;
    this.state = state;
    this.setText('epoch', formatEpoch(snap.epoch));
    this.setText('train-loss', fmtLoss(snap.train_loss));
    this.setText('test-loss', fmtLoss(snap.test_loss));
    if (snap.epoch !== this.lastEpoch) {
      this.history.train.push(snap.train_loss);
      this.history.test.push(snap.test_loss);
      this.lastEpoch = snap.epoch;
    }
    this.chart.draw([{ values: this.history.train, color: '#777' }, { values: this.history.test, color: '#000' }]);
    this.net.update(...splitParams(snap.params.data, snap.layer_sizes));
    if (snap.heatmaps) this.drawMaps(snap);
    this.drawOutput();
  }

  /**
   * Write a readout only when its text changes, into its existing text node: replacing
   * the node (textContent) also restyles it and lays out more of the page, every frame.
   */
  setText(id, text) {
    const el = this.q(id);
    const node = el.firstChild;
    if (node && node.nodeType === Node.TEXT_NODE && !node.nextSibling) {
      if (node.data !== text) node.data = text;
    } else if (el.textContent !== text) {
      el.textContent = text;
    }
  }

  drawMaps(snap) {
    const n = snap.resolution;
    const opts = { discretize: false };
    this.order.forEach((id, i) => {
      if (!id.startsWith('in-')) this.net.drawNode(id, snap.heatmaps.data, n, i * n * n, opts);
    });
  }

  hover(id) {
    this.hovered = id;
    this.drawOutput();
  }

  drawOutput() {
    const snap = this.snap;
    if (!snap?.heatmaps) return;
    const n = snap.resolution;
    const discretize = this.state.discretize;
    const idx = this.hovered ? this.order.indexOf(this.hovered) : -1;
    if (this.hovered?.startsWith('in-') && idx < 0 && this.featureMaps) {
      const f = FEATURES.indexOf(this.hovered.slice(3));
      this.output.draw(this.featureMaps.data, this.featureMaps.n, { offset: f * this.featureMaps.n ** 2, discretize });
    } else if (idx >= 0) {
      this.output.draw(snap.heatmaps.data, n, { offset: idx * n * n, discretize });
    } else {
      const nOut = snap.layer_sizes[snap.layer_sizes.length - 1];
      const first = (this.order.length - nOut) * n * n;
      if (nOut > 1) this.output.drawClasses(snap.heatmaps.data, n, nOut, { offset: first, discretize });
      else this.output.draw(snap.heatmaps.data, n, { offset: first, discretize });
    }
    this.drawPoints();
  }

  /** The points sit on their own canvas: redraw them only when they or their options change. */
  drawPoints() {
    const canvas = this.q('output-points');
    const key = [this.data, this.state.showTestData, canvas.width, canvas.height];
    if (this.pointsKey && key.every((v, i) => v === this.pointsKey[i])) return;
    this.pointsKey = key;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.data) return;
    const multiclass = this.data.problem === 'multiclass';
    drawPoints(ctx, this.data.train.x.data, this.data.train.label.data, { size: canvas.width, multiclass });
    if (this.state.showTestData) {
      drawPoints(ctx, this.data.test.x.data, this.data.test.label.data, { size: canvas.width, multiclass, stroke: '#000' });
    }
  }
}

/**
 * Per-layer weights ({data, shape: [nIn, nOut]}) and biases ({data}) as views of the
 * snapshot's one params array: per layer the weights row-major, then the biases.
 */
function splitParams(params, sizes) {
  const weights = [];
  const biases = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [nIn, nOut] = [sizes[l], sizes[l + 1]];
    weights.push({ data: params.subarray(at, at + nIn * nOut), shape: [nIn, nOut] });
    at += nIn * nOut;
    biases.push({ data: params.subarray(at, at + nOut) });
    at += nOut;
  }
  return [weights, biases];
}

function fmtLoss(v) {
  return Number.isFinite(v) ? v.toFixed(3) : 'NaN';
}
