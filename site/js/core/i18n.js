/** Module face of lang.js (the classic script every page loads first). */
const lang = globalThis.nnlabLang;
export const t = lang.t;
export const getLang = lang.get;
export const setLang = lang.set;
export const applyTranslations = lang.apply;
export const onLangChange = lang.onChange;
