/**
 * A Playground hidden layer in the Projector: its points at every recorded epoch
 * (core/handoff.js), and the epoch slider. Python keeps the PCA axes it found at
 * the last epoch (projector.frame), so moving the slider moves the points.
 */
import { handedLayer } from '../core/handoff.js';
import { t } from '../core/i18n.js';

const $ = (sel) => document.querySelector(`[data-testid="${sel}"]`);

/** loadDataset's source for the layer the Playground handed over; throws a clear message when none is. */
export async function playgroundSource() {
  const layer = await handedLayer();
  if (!layer) throw new Error(t('pj.noPlaygroundLayer'));
  const { name, epochs, shape, vectors, metadata } = layer;
  return { params: { vectors: { dtype: 'float32', shape, data: vectors }, epochs, metadata, name }, embeddings: [name] };
}

function label(app, index) {
  const { epochs } = app.ds;
  $('epoch-value').textContent = t('pj.epochValue', { epoch: epochs[index], k: index + 1, n: epochs.length });
}

/** Show the slider for a dataset with several epochs (hidden otherwise), at the last epoch. */
export function showEpochs(app) {
  const epochs = app.ds?.epochs;
  const box = $('epochs');
  box.hidden = !(epochs && epochs.length > 1);
  if (box.hidden) return;
  const slider = $('epoch-slider');
  slider.max = String(epochs.length - 1);
  slider.value = slider.max;
  slider.dataset.frame = slider.max; // the frame Python shows: a test waits on it
  label(app, epochs.length - 1);
}

/** Wire the slider once: the newest position wins while Python is busy with an older one. */
export function bindEpochs(app) {
  const slider = $('epoch-slider');
  let busy = false;
  let wanted = null;
  const go = async () => {
    if (busy || wanted === null) return;
    busy = true;
    const index = wanted;
    wanted = null;
    try {
      await app.client.call('projector.frame', { index });
      label(app, index);
      app.keepScale = true; // the same points at another epoch: the frame around them stays
      try {
        await app.project();
      } finally {
        app.keepScale = false;
      }
      slider.dataset.frame = String(index);
    } catch (err) {
      app.status(err.message, true);
    } finally {
      busy = false;
      go();
    }
  };
  slider.addEventListener('input', () => { wanted = Number(slider.value); go(); });
}
