/*
 * The site header (brand, tool links, language switch), built once here for
 * every page. A classic script so it also stands on a file:// page.
 * Usage: <header class="site-header" data-page="board"></header>
 */
(() => {
  const LINKS = [['home', 'index.html'], ['playground', 'playground.html'],
    ['board', 'board.html'], ['projector', 'projector.html']];

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  }

  function build(header) {
    const page = header.dataset.page;
    const brand = el('a', { class: 'brand', href: 'index.html' }, [
      el('span', { class: 'logo', 'aria-hidden': 'true' }), 'nnlab',
      el('small', { 'data-i18n': 'brand.tagline' })]);
    const nav = el('nav', { 'aria-label': 'nnlab' }, LINKS.map(([name, href]) => el('a', {
      href, 'data-i18n': `nav.${name}`, ...(name === page ? { 'aria-current': 'page' } : {}),
    })));
    const langs = el('div', { class: 'lang-switch', role: 'group', 'data-testid': 'lang-switch' },
      globalThis.nnlabLang.LANGS.map((code) => {
        const b = el('button', { type: 'button', 'data-lang': code, 'data-testid': `lang-${code}` });
        b.textContent = globalThis.nnlabLang.t('lang.name', {}, code);
        return b;
      }));
    header.replaceChildren(brand, nav, langs);
    globalThis.nnlabLang.apply(header);
  }

  function init() { document.querySelectorAll('header.site-header').forEach(build); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
