/*
 * Language choice and DOM translation. A classic script (works from file://);
 * modules use it through i18n.js. Elements opt in with data-i18n="key" (text)
 * and data-i18n-attr="attr:key[,attr:key]". Text is always set as text, never HTML.
 */
(() => {
  const KEY = 'nnlab.lang';
  const LANGS = ['en', 'zh'];
  const listeners = [];

  function stored() {
    try { return localStorage.getItem(KEY); } catch { return null; }
  }

  function get() {
    const s = stored();
    if (LANGS.includes(s)) return s;
    return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }

  function t(key, vars = {}, lang = get()) {
    const table = globalThis.NNLAB_STRINGS[lang] || {};
    const text = table[key] ?? globalThis.NNLAB_STRINGS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }

  function apply(root = document) {
    const lang = get();
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
    root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-attr]').forEach((el) => {
      for (const pair of el.dataset.i18nAttr.split(',')) {
        const [attr, key] = pair.split(':');
        el.setAttribute(attr.trim(), t(key.trim()));
      }
    });
    root.querySelectorAll('[data-lang]').forEach((el) => {
      el.setAttribute('aria-pressed', String(el.dataset.lang === lang));
    });
  }

  function set(lang) {
    if (!LANGS.includes(lang)) return;
    try { localStorage.setItem(KEY, lang); } catch { /* private mode: this page only */ }
    apply();
    listeners.forEach((fn) => fn(lang));
  }

  function onChange(fn) { listeners.push(fn); }

  document.addEventListener('click', (ev) => {
    const btn = ev.target.closest && ev.target.closest('[data-lang]');
    if (btn) set(btn.dataset.lang);
  });
  window.addEventListener('storage', (ev) => { if (ev.key === KEY) apply(); });

  globalThis.nnlabLang = Object.freeze({ get, set, t, apply, onChange, LANGS });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => apply());
  else apply();
})();
