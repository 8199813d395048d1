/** The landing page: start Python and run the numpy check on demand. */
import { startPython } from './core/app.js';
import { onLangChange, t } from './core/i18n.js';

const form = document.getElementById('check-form');
const out = document.querySelector('[data-testid="check-output"]');
const bar = document.querySelector('.check-progress');
const runBtn = form.querySelector('[data-testid="check-run"]');
const cancelBtn = form.querySelector('[data-testid="check-cancel"]');
let last = null; // [key, vars, kind] of the shown message, re-rendered on language change
let running = null;

function show(key, vars, kind) {
  last = [key, vars, kind];
  out.textContent = t(key, vars);
  out.dataset.kind = kind;
}

function fmt(x, digits) {
  return Number(x).toFixed(digits);
}

async function runCheck(client) {
  const data = new FormData(form);
  const params = { n: Number(data.get('n')), rounds: Number(data.get('rounds')), seed: Number(data.get('seed')) };
  runBtn.disabled = true;
  cancelBtn.disabled = false;
  bar.hidden = false;
  bar.value = 0;
  out.dataset.kind = 'running';
  running = client.call('diag.matmul', params, {
    onProgress: (p) => {
      bar.value = p.round / p.rounds;
      show('check.progress', { ...p, ms: fmt(p.ms, 1) }, 'progress');
    },
  });
  try {
    const r = await running;
    show('check.result', { checksum: fmt(r.checksum, 3), ms: fmt(r.ms_per_round, 2) }, 'result');
    out.dataset.checksum = String(r.checksum);
  } catch (err) {
    show('check.error', { type: err.type, message: err.message }, 'error');
  } finally {
    running = null;
    runBtn.disabled = false;
    cancelBtn.disabled = true;
    bar.hidden = true;
  }
}

startPython().then((client) => {
  runBtn.disabled = false;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!running) runCheck(client);
  });
  cancelBtn.addEventListener('click', () => running && client.cancel(running.id));
}).catch(() => {});

onLangChange(() => last && show(...last));
