// Pieces the admin pages (API keys, notifications) share: a status line, a
// secret shown once with a copy button, and a confirmation dialog. Not a page itself (not in PAGES).
import { h, refusal, text } from '../lib.js';

/** A status line screen readers announce; set(msg, true) shows it as an error. */
export function statusLine(id, tag = 'p') {
  const el = h(tag, { id, class: 'status-line', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    set(msg, isError = false) {
      el.classList.toggle('error', isError);
      text(el, msg);
    },
  };
}

async function copy(value, input) {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // No clipboard permission (or not a secure context): select it so Ctrl+C copies it.
    input.focus();
    input.select();
    return false;
  }
}

/**
 * A secret the API shows once: a panel with the value in a read-only field,
 * a Copy button and a plain warning. Focus moves to the field; Done removes
 * the panel (the secret is then gone from the page) and calls onDone.
 */
export function secretOnce({ title, label, value, note, onDone }) {
  const id = `secret-${Math.random().toString(36).slice(2, 8)}`;
  const input = h('input', { id, class: 'secret-value', readonly: true, value, spellcheck: 'false', autocomplete: 'off' });
  const said = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const panel = h(
    'div',
    { class: 'secret-once', role: 'region', 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    h('p', { class: 'warn' }, h('strong', {}, 'Copy it now: you will not see it again. '), note),
    h('div', { class: 'secret-row' },
      h('label', { for: id }, label),
      input,
      h('button', {
        type: 'button',
        onclick: async () => text(said, (await copy(value, input)) ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (Cmd+C) to copy.'),
      }, 'Copy'),
      said,
    ),
    h('button', {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        panel.remove();
        onDone?.();
      },
    }, 'Done, I have stored it'),
  );
  queueMicrotask(() => {
    input.focus();
    input.select();
  });
  return panel;
}

/**
 * Asks before something that cannot be undone, in a modal <dialog> (Escape
 * cancels, focus starts on Cancel and returns to `opener`). Resolves true when
 * confirmed.
 */
export function confirmDialog({ title, body, confirm, opener }) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => close(false) }, 'Cancel');
    const ok = h('button', { type: 'button', class: 'danger', onclick: () => close(true) }, confirm);
    const dlg = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' }, h('h2', { id: 'confirm-title' }, title), h('p', {}, body), h('div', { class: 'actions' }, cancel, ok));
    let settled = false;
    function close(answer) {
      if (settled) return;
      settled = true;
      if (dlg.open) dlg.close();
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(answer);
    }
    dlg.addEventListener('cancel', () => close(false));
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

/**
 * Does `attempt` (it resolves to what to say), then `redraw`, and only then
 * shows the outcome, so the status never says "removed" beside a list that
 * still shows the row. A refusal is worded by refusal(err, action).
 */
export async function actThenRedraw(status, { attempt, action, redraw }) {
  let said;
  let failed = false;
  try {
    said = await attempt();
  } catch (err) {
    said = refusal(err, action);
    failed = true;
  }
  await redraw();
  status.set(said, failed);
}
