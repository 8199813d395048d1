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

  // The language also rides in the URL (?lang=zh): Firefox gives each file:// page its own
  // storage, so a link is the only way the choice reaches the next page there.
  function fromUrl() {
    try { return new URLSearchParams(location.search).get('lang'); } catch { return null; }
  }

  function get() {
    const u = fromUrl();
    if (LANGS.includes(u)) return u;
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
    carry(document, lang);
  }

  function withLang(href, lang) {
    const url = new URL(href, location.href);
    url.searchParams.set('lang', lang);
    return url.href;
  }

  /** Links to the site's pages say the language. */
  function carry(root, lang) {
    root.querySelectorAll('a[href]').forEach((a) => {
      const url = new URL(a.getAttribute('href'), location.href);
      if (url.origin === location.origin && url.protocol === location.protocol && url.pathname.endsWith('.html')) {
        a.href = withLang(url.href, lang);
      }
    });
  }

  function set(lang) {
    if (!LANGS.includes(lang)) return;
    try { localStorage.setItem(KEY, lang); } catch { /* private mode: this page only */ }
    history.replaceState(history.state, '', withLang(location.href, lang)); // a reload keeps it too
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
