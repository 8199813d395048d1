/*
 * Opened from file://, modules and workers cannot load: say so, in the chosen
 * language, and give the one command. A classic script so it runs even there.
 */
(() => {
  if (location.protocol !== 'file:') return;
  function show() {
    document.body.dataset.status = 'needs-server';
    const box = document.createElement('section');
    box.className = 'file-notice';
    box.setAttribute('role', 'alert');
    box.dataset.testid = 'file-notice';
    const parts = [['h2', 'file.title'], ['p', 'file.body'], ['pre', null], ['p', 'file.copy']];
    for (const [tag, key] of parts) {
      const el = document.createElement(tag);
      if (key) el.dataset.i18n = key;
      else el.textContent = 'python3 build.py serve';
      box.appendChild(el);
    }
    const main = document.querySelector('main') || document.body;
    main.replaceChildren(box);
    globalThis.nnlabLang.apply(box);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
  else show();
})();
