/** Module face of lang.js (the classic script every page loads first): what modules use of it. */
const lang = globalThis.nnlabLang;
export const t = lang.t;
export const onLangChange = lang.onChange;
