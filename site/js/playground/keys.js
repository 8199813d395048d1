/**
 * The Playground's keyboard: space plays or pauses, `s` steps one epoch, `r` resets the network.
 * A key does what a click on its button does (a disabled button ignores it too), and nothing
 * while the user is in a field (typing, a checkbox, a list) or holds a modifier.
 */
const KEYS = { ' ': 'play', s: 'step', r: 'reset' }; // key -> data-testid of the button

function inField(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Listen on the document; `ui(id)` finds a button by its data-testid. */
export function bindKeys(ui) {
  let ours = false; // the last keydown was a shortcut: its keyup must not press a focused button too
  document.addEventListener('keydown', (e) => {
    const id = KEYS[e.key.length === 1 ? e.key.toLowerCase() : ''];
    ours = Boolean(id) && !(e.ctrlKey || e.metaKey || e.altKey || inField(e.target));
    if (!ours) return;
    e.preventDefault(); // space would scroll the page, or press the focused button as well
    if (!e.repeat && !ui(id).disabled) ui(id).click();
  });
  document.addEventListener('keyup', (e) => {
    if (ours && e.key === ' ') e.preventDefault(); // a focused button's own space "click" comes on keyup
  });
}
