/**
 * The site from a folder in Firefox (ESR), driven over WebDriver BiDi by puppeteer-core,
 * with default preferences (security.fileuri.strict_origin_policy stays on).
 *
 *   node tests/firefox/offline.mjs FIREFOX SITE_URL OUT_DIR
 *
 * SITE_URL is the folder's file:// URL ending in "/". Prints one JSON line:
 * {checks: {name: {ok, detail, ms}}}; screenshots go to OUT_DIR. tests/e2e/test_offline_firefox.py
 * runs it and asserts on every check.
 */
import puppeteer from 'puppeteer-core';

const [firefox, site, out] = process.argv.slice(2);
const TIMEOUT = 120_000;
const checks = {};

async function check(name, fn) {
  const t0 = Date.now();
  try {
    checks[name] = { ok: true, detail: String((await fn()) ?? ''), ms: Date.now() - t0 };
  } catch (err) {
    checks[name] = { ok: false, detail: String(err?.stack || err), ms: Date.now() - t0 };
  }
}

async function ready(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-status="ready"], body[data-status="error"]', { timeout: TIMEOUT });
  const status = await page.$eval('body', (b) => b.dataset.status);
  const loader = await page.$eval('[data-testid="loader"]', (e) => e.textContent.trim());
  if (status !== 'ready') throw new Error(`status ${status}: ${loader}`);
  const started = await page.evaluate(() => window.nnlab.versions.started);
  if (started !== 'snapshot') throw new Error(`Python started ${started}, not from the build's memory snapshot`);
  return loader;
}

/**
 * Wait until `fn` (run in the page or frame) returns true. Not page.waitForFunction: its polling
 * code is compiled in the page, which our policy forbids (Firefox ESR 140.12 enforces it there).
 */
async function until(target, fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  // A page that is navigating has no context to evaluate in yet: that is "not yet" too.
  while (!(await target.evaluate(fn).catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 100)); // the next look at the page's state
  }
}

const number = (page, id) => page.$eval(`[data-testid="${id}"]`, (e) => Number(e.textContent.replaceAll(',', '')));

async function playground(page) {
  await ready(page, `${site}playground.html#dataset=circle&seed=2&networkShape=4,2&learningRate=0.03`);
  await page.waitForSelector('main.pg[data-pg="ready"]', { timeout: TIMEOUT });
  const before = await number(page, 'test-loss');
  await page.click('[data-testid="fast"]');
  await page.click('[data-testid="play"]');
  await until(page, () => Number(document.querySelector('[data-testid="epoch"]').textContent.replaceAll(',', '')) >= 200);
  await page.click('[data-testid="play"]');
  const after = await number(page, 'test-loss');
  await page.screenshot({ path: `${out}/firefox-playground.png` });
  if (!(after < before / 2)) throw new Error(`test loss ${before} -> ${after}`);
  return `test loss ${before} -> ${after}`;
}

async function board(page) {
  await ready(page, `${site}board.html?digests=1`);
  await page.waitForSelector('main.bd[data-board="waiting"] [data-testid="example"]', { timeout: TIMEOUT });
  await page.click('[data-testid="example"]');
  await page.waitForSelector('main.bd[data-board="ready"]', { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="chart-card"] [data-testid="points-shown"][data-digest]', { timeout: TIMEOUT });
  const cards = await page.$$eval('[data-testid="chart-card"]', (els) => els.map((e) => e.dataset.tag));
  await page.screenshot({ path: `${out}/firefox-board.png` });
  return cards.join(',');
}

async function projector(page) {
  await ready(page, `${site}projector.html`);
  await page.waitForSelector('[data-example], main.pj[data-projector="error"]', { timeout: TIMEOUT });
  if (await page.$('main.pj[data-projector="error"]')) { // e.g. headless Firefox without a GPU: no WebGL2
    await page.screenshot({ path: `${out}/firefox-projector.png` });
    const message = await page.$eval('[data-testid="pj-status"]', (e) => e.textContent);
    if (!message.includes('WebGL')) throw new Error(`projector failed: ${message}`);
    return `no WebGL here, and the page says so: ${message}`;
  }
  await page.click('[data-example]');
  await page.waitForSelector('main.pj[data-projector="ready"]', { timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="plot"][data-sprites="on"][data-pending="0"]', { timeout: TIMEOUT });
  await page.screenshot({ path: `${out}/firefox-projector.png` });
  const points = await page.$eval('[data-testid="points-visible"]', (e) => e.textContent);
  await page.click('[data-testid="tab-tsne"]');
  await until(page, () => Number(document.querySelector('[data-testid="tsne-iteration"]').textContent) >= 100);
  return `${points} points with sprites; t-SNE past 100 iterations`;
}

async function embeddings(page) {
  await ready(page, `${site}board.html?digests=1`);
  await page.waitForSelector('main.bd[data-board="waiting"] [data-testid="example"]', { timeout: TIMEOUT });
  await page.click('[data-testid="example"]'); // Tiny board: a run with a checkpoint and a projector config
  await page.waitForSelector('main.bd[data-board="ready"]', { timeout: TIMEOUT });
  await page.click('[data-testid="tab-embeddings"]');
  const frame = await (await page.waitForSelector('[data-testid="projector-frame"]', { timeout: TIMEOUT })).contentFrame();
  await frame.waitForSelector('main.pj[data-projector="ready"], main.pj[data-projector="error"]', { timeout: TIMEOUT });
  if (await frame.$('main.pj[data-projector="error"]')) {
    const message = await frame.$eval('[data-testid="pj-status"]', (e) => e.textContent);
    if (!message.includes('WebGL')) throw new Error(`projector failed: ${message}`);
    return `no WebGL here, and the page says so: ${message}`;
  }
  await until(frame, () => document.querySelector('[data-testid="points-visible"]').textContent === '40');
  const labels = await frame.evaluate(() => { const a = window.nnlabProjector.app; return [a.label(0), a.label(a.ds.n - 1)]; });
  await page.screenshot({ path: `${out}/firefox-embeddings.png` });
  if (labels.join() !== 'word0,word39') throw new Error(`labels ${labels}`);
  return `40 points, labels ${labels.join(' … ')}`;
}

/** Log to Board, then Open in Board: Firefox gives each file:// page its own storage, so the Board asks its opener. */
async function handoff(page) {
  await ready(page, `${site}playground.html#dataset=spiral&networkShape=8,4,2`);
  await page.waitForSelector('main.pg[data-pg="ready"]', { timeout: TIMEOUT });
  await page.click('[data-testid="log-to-board"]');
  await page.click('[data-testid="fast"]');
  await page.click('[data-testid="play"]');
  await until(page, () => Number(document.querySelector('[data-testid="epoch"]').textContent.replaceAll(',', '')) >= 50);
  await page.click('[data-testid="play"]');
  const popup = new Promise((resolve) => page.once('popup', resolve));
  await page.click('[data-testid="open-in-board"]');
  const board = await popup;
  await board.waitForSelector('body[data-status="ready"]', { timeout: TIMEOUT });
  await board.waitForSelector('main.bd[data-board="ready"], main.bd[data-board="empty"]', { timeout: TIMEOUT });
  const runs = await board.$$eval('[data-testid="run-item"]', (els) => els.map((e) => e.dataset.run));
  await board.screenshot({ path: `${out}/firefox-handoff-board.png` });
  await board.close();
  if (runs.join() !== 'run-1-lr0.03-tanh-8x4x2') throw new Error(`runs ${runs}`);
  return `the Board shows ${runs.join()}`;
}

async function language(page) {
  await ready(page, `${site}index.html`);
  await page.click('[data-testid="lang-zh"]');
  await page.click('header nav a[href*="board.html"]');
  // The index page is already in Chinese: wait for the Board itself to be (the click navigates later).
  await until(page, () => location.pathname.endsWith('/board.html') && document.documentElement.lang === 'zh-Hans');
  return page.evaluate(() => location.href); // the page's own: page.url() can lag a file:// navigation
}

// Default preferences. With a display (xvfb-run) Firefox runs headed: headless Firefox on a
// machine without a GPU offers no WebGL2, headed it renders in software as a user's would.
const browser = await puppeteer.launch({ browser: 'firefox', executablePath: firefox, headless: !process.env.DISPLAY,
  protocol: 'webDriverBiDi', args: ['--width=1280', '--height=900'] });
try {
  for (const [name, fn] of Object.entries({ playground, board, projector, embeddings, handoff, language })) {
    const page = await browser.newPage();
    // No page.setViewport: the window is 1280 x 900 (--width, --height), and Firefox ESR 140.12's
    // BiDi lacks the emulation.setScreenOrientationOverride puppeteer 25 sends with it.
    await check(name, () => fn(page));
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ checks }));
