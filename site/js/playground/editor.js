/**
 * The hover card for a weight or bias: shows its value; a click lets the user type
 * a new one. Invalid text gives a message and leaves the value unchanged.
 */
import { t } from '../core/i18n.js';

export class WeightCard {
  constructor(card, onCommit) {
    this.card = card;
    this.text = card.querySelector('[data-role="text"]');
    this.input = card.querySelector('[data-role="input"]');
    this.msg = card.querySelector('[data-role="msg"]');
    this.onCommit = onCommit;
    this.editing = null;
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') this.commit();
      if (ev.key === 'Escape') this.close();
    });
    this.input.addEventListener('blur', () => setTimeout(() => this.editing && !this.busy && this.close(), 150));
  }

  place(ev) {
    const box = this.card.offsetParent?.getBoundingClientRect() || { left: 0, top: 0 };
    this.card.style.left = `${ev.clientX - box.left + 12}px`;
    this.card.style.top = `${ev.clientY - box.top + 12}px`;
  }

  label(info, value) {
    const key = info.kind === 'bias' ? 'pg.biasIs' : 'pg.weightIs';
    return t(key, { value: Number(value).toFixed(2) });
  }

  hover(info, value, ev) {
    if (this.editing) return;
    if (!info) {
      this.card.hidden = true;
      return;
    }
    this.text.textContent = this.label(info, value);
    this.msg.textContent = '';
    this.input.hidden = true;
    this.card.hidden = false;
    this.place(ev);
  }

  edit(info, value, ev) {
    this.editing = info;
    this.text.textContent = this.label(info, value);
    this.msg.textContent = '';
    this.input.hidden = false;
    this.input.value = String(Number(value).toPrecision(4));
    this.card.hidden = false;
    this.place(ev);
    this.input.focus();
    this.input.select();
  }

  async commit() {
    const raw = this.input.value.trim();
    const value = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(value)) {
      this.msg.textContent = t('pg.invalidNumber', { text: raw });
      return;
    }
    this.busy = true;
    try {
      await this.onCommit(this.editing, value);
      this.close();
    } catch (err) {
      this.msg.textContent = err.message;
    } finally {
      this.busy = false;
    }
  }

  close() {
    this.editing = null;
    this.card.hidden = true;
  }
}
