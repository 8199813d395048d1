/**
 * The Playground page: wires the controls, the state object (mirrored in the URL
 * hash) and the session that drives the Python trainer.
 */
import { startPython } from '../core/app.js';
import { onLangChange, t } from '../core/i18n.js';
import { bindControls } from './controls.js';
import { WeightCard } from './editor.js';
import { Session } from './session.js';
import { ToolsLink } from './tools.js';
import { DATASET_KEY, MAX_LAYERS, MAX_NEURONS, PARAMS, canToggleFeature, parseHash, seedNumber, toHash } from './state.js';
import { drawPoints } from '../render/points.js';
import { UserPoints } from './userdata.js';
import { PlaygroundView } from './view.js';
import { bindKeys } from './keys.js';

const root = document.querySelector('main.pg');
const ui = (id) => root.querySelector(`[data-testid="${id}"]`);
const KEEP_NETWORK = new Set(['learningRate', 'showTestData', 'discretize']);

function thumbnail(preview) {
  const canvas = document.createElement('canvas');
  canvas.width = 48;
  canvas.height = 48;
  if (preview) {
    drawPoints(canvas.getContext('2d'), preview.x.data, preview.label.data,
      { size: 48, multiclass: preview.problem === 'multiclass', stroke: '', radius: 1.2 });
  }
  return canvas;
}

function page(state, session, controls) {
  const writeHash = () => history.replaceState(null, '', `#${toHash(state)}`);

  function onChange(key) {
    writeHash();
    controls.sync();
    if (key === 'problem') datasetButtons();
    if (key === 'learningRate') session.call('playground.set_learning_rate', { learningRate: state.learningRate });
    else if (KEEP_NETWORK.has(key)) session.view.drawOutput();
    else session.reset().then(shapeBar);
  }

  function shapeBar() {
    ui('layer-count').textContent = t('pg.hiddenLayers', { n: state.networkShape.length });
    ui('neuron-bar').replaceChildren(...state.networkShape.map((n, l) => {
      const box = document.createElement('span');
      box.className = 'layer-ctl';
      for (const [label, delta] of [['+', 1], ['−', -1]]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'icon small';
        b.textContent = label;
        b.dataset.testid = `neurons-${l}-${delta > 0 ? 'add' : 'remove'}`;
        b.addEventListener('click', () => {
          const next = state.networkShape[l] + delta;
          if (next < 1 || next > MAX_NEURONS) return;
          state.networkShape[l] = next;
          onChange('networkShape');
        });
        box.appendChild(b);
      }
      box.append(` ${t('pg.neurons', { n })}`);
      return box;
    }));
  }

  function changeLayers(delta) {
    const shape = state.networkShape;
    if (delta > 0 && shape.length < MAX_LAYERS) shape.push(2);
    else if (delta < 0 && shape.length > 0) shape.pop();
    else return;
    onChange('networkShape');
  }

  function datasetButtons() {
    const key = DATASET_KEY[state.problem];
    ui('datasets').replaceChildren(...PARAMS[key].values.map((name) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.append(thumbnail(session.previews?.[name]), t(`pg.ds.${name}`));
      b.dataset.testid = `dataset-${name}`;
      b.setAttribute('aria-pressed', String(state[key] === name));
      b.addEventListener('click', () => {
        state[key] = name;
        datasetButtons();
        onChange(key);
      });
      return b;
    }));
  }

  return { onChange, shapeBar, changeLayers, datasetButtons, writeHash };
}

async function main() {
  const state = parseHash(location.hash);
  const py = await startPython();
  let session = null;
  const card = new WeightCard(ui('weight-card'), (info, value) => session.edit(info, value));
  const view = new PlaygroundView(root, {
    onLinkHover: (info, v, ev) => card.hover(info, v, ev),
    onLinkClick: (info, v, ev) => card.edit(info, v, ev),
    onInputClick: (id) => {
      const name = id.slice(3);
      if (!canToggleFeature(state, name)) return;
      state[name] = !state[name];
      p.onChange(name);
    },
  });
  session = new Session(py, view, state, ui);
  session.tools = new ToolsLink(py, ui);
  const controls = bindControls(root, state, (key) => p.onChange(key));
  const p = page(state, session, controls);
  const points = new UserPoints(root, ui, session, state);
  ui('play').addEventListener('click', () => session.setPlaying(!session.playing));
  ui('step').addEventListener('click', () => session.stepClicked());
  ui('reset').addEventListener('click', () => session.reset());
  bindKeys(ui);
  ui('add-layer').addEventListener('click', () => p.changeLayers(1));
  ui('remove-layer').addEventListener('click', () => p.changeLayers(-1));
  ui('regenerate').addEventListener('click', () => {
    state.seed = String(seedNumber(String(Date.now())) % 1e9); // a new seed is the point; it goes in the URL
    p.writeHash();
    session.regenerate();
  });
  ui('export-json').addEventListener('click', () => session.export('json'));
  ui('export-python').addEventListener('click', () => session.export('python'));
  window.addEventListener('hashchange', () => {
    Object.assign(state, parseHash(location.hash));
    controls.sync();
    p.datasetButtons();
    session.reset().then(p.shapeBar);
  });
  onLangChange(() => { controls.relabel(); p.datasetButtons(); p.shapeBar(); points.relabel(); session.tools.fillLayers(); });
  controls.sync();
  session.previews = await py.call('playground.previews', {});
  p.datasetButtons();
  p.writeHash();
  await session.start();
  p.shapeBar();
  // Until the first network exists a step has nothing to train: the buttons wait for it.
  ['reset', 'play', 'step'].forEach((id) => { ui(id).disabled = false; });
  root.dataset.pg = 'ready';
}

main().catch((err) => {
  const el = ui('pg-status');
  el.textContent = t('pg.error', { message: err.message });
  el.dataset.kind = 'error';
});
