/**
 * Text summaries as TensorBoard shows them: markdown made into HTML by marked, then cleaned by
 * DOMPurify (both vendored from npm, pinned) to the tags TensorBoard's text plugin allows, so a
 * <script>, an onerror or a javascript: link in a log never runs. The result is a DOM fragment,
 * never an HTML string in the page.
 */
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { el } from '../core/dom.js';

const TAGS = ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'u', 'del', 's',
  'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const ATTRS = ['href', 'title', 'alt', 'src', 'align'];

/** A <div class="markdown"> holding `text` rendered and sanitised. */
export function markdownNode(text) {
  const html = marked.parse(String(text), { async: false, gfm: true });
  const fragment = DOMPurify.sanitize(html, { ALLOWED_TAGS: TAGS, ALLOWED_ATTR: ATTRS, RETURN_DOM_FRAGMENT: true });
  for (const a of fragment.querySelectorAll('a[href]')) { // a log's link opens apart from the Board
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  const node = el('div', { class: 'markdown' });
  node.append(fragment);
  return node;
}

/** A table of markdown cells (a text tensor of rank 1 or 2). */
export function markdownTable(rows) {
  return el('table', { class: 'text-table' }, [el('tbody', {}, rows.map((row) => el('tr', {},
    row.map((cell) => el('td', {}, [markdownNode(cell)])))))]);
}
