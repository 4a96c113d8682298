// API keys of the signed-in tenant (SPEC 1: global admins only; the API
// checks it on every call): list without secrets, create (the key is shown
// once), revoke after a confirmation.
import { api, current, h, refusal, tenantPath, text, utcTime } from '../lib.js';
import { actThenRedraw, confirmDialog, secretOnce, statusLine } from './admin-kit.js';

const ROLES = [
  { id: 'reports-reader', label: 'Reports reader', can: 'view and download reports, risky users, lists and settings' },
  { id: 'security-admin', label: 'Security admin', can: 'also send sign-in events, manage detection settings, lists and risky users' },
  { id: 'global-admin', label: 'Global admin', can: 'everything, including opt-in, API keys and notifications' },
];
const roleLabel = (id) => ROLES.find((r) => r.id === id)?.label ?? id;

export const id = 'api-keys';
export const title = 'API keys';
export const roles = ['global-admin'];

export async function render(container) {
  const status = statusLine('keys-status');
  const listBox = h('div', { class: 'table-wrap' });
  const created = h('div');

  const form = h(
    'form',
    { class: 'controls', 'aria-labelledby': 'keys-create-title' },
    h('label', {}, 'Name (what uses the key)', h('input', { name: 'name', maxlength: '200', placeholder: 'SIEM export', autocomplete: 'off' })),
    h('label', {}, 'Role', h('select', { name: 'role', 'aria-describedby': 'keys-role-help' }, ...ROLES.map((r) => h('option', { value: r.id }, r.label)))),
    h('button', { type: 'submit' }, 'Create key'),
  );
  const roleHelp = h('p', { id: 'keys-role-help', class: 'hint' });
  const showRoleHelp = () => {
    const r = ROLES.find((x) => x.id === form.elements.role.value);
    text(roleHelp, r ? `${r.label}: ${r.can}. Give a key the least it needs.` : '');
  };
  form.elements.role.addEventListener('change', showRoleHelp);
  showRoleHelp();

  container.append(
    h('p', { class: 'muted' },
      'Programs and scripts call the authlens API of this directory with a key: ',
      h('code', {}, 'Authorization: Bearer al_…'),
      '. Each key has one role and works until it is revoked (keys do not expire). Only a hash of the key is stored.'),
    h('p', { class: 'hint' },
      'Tools that want OAuth 2.0 (MSAL, Graph SDKs) use a key as client credentials: client id = the key\u2019s id, client secret = the key, token endpoint ',
      h('code', {}, `${location.origin}/${current.session.tenant}/oauth2/v2.0/token`),
      '. Its tokens last an hour and stop working when the key is revoked.'),
    h('h2', { id: 'keys-create-title' }, 'Create a key'),
    form,
    roleHelp,
    created,
    status.el,
    h('h2', { id: 'keys-list-title', tabindex: '-1' }, 'Keys'),
    listBox,
  );

  async function load() {
    let keys;
    try {
      keys = await api(tenantPath('keys'));
    } catch (err) {
      listBox.replaceChildren(h('p', { class: 'error', role: 'alert' }, refusal(err, 'list the API keys')));
      return;
    }
    // Active keys first, newest first within each group.
    keys.sort((a, b) => Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) || String(b.createdAt).localeCompare(String(a.createdAt)));
    if (keys.length === 0) {
      listBox.replaceChildren(h('p', { class: 'empty' }, 'This directory has no API keys yet.'));
      return;
    }
    const body = h('tbody');
    for (const k of keys) {
      const action = k.revokedAt
        ? ''
        : h('button', { type: 'button', class: 'danger-outline', 'aria-label': `Revoke ${k.name ? `${k.name} (${k.id})` : `key ${k.id}`}`, onclick: (e) => revoke(k, e.currentTarget) }, 'Revoke');
      body.append(
        h('tr', { class: k.revokedAt ? 'revoked' : undefined, 'data-key': k.id },
          h('td', {}, k.name || '(no name)'),
          h('td', {}, roleLabel(k.role)),
          h('td', {}, h('code', {}, k.id)),
          h('td', {}, utcTime(k.createdAt)),
          h('td', {}, utcTime(k.lastUsedAt, 'never')),
          h('td', {}, k.revokedAt ? `Revoked ${utcTime(k.revokedAt)}` : 'Active'),
          h('td', {}, action),
        ),
      );
    }
    const head = h('tr', {}, ...['Name', 'Role', 'Key id', 'Created', 'Last used', 'Status', 'Action'].map((t) => h('th', { scope: 'col' }, t)));
    listBox.replaceChildren(h('table', { 'aria-labelledby': 'keys-list-title' }, h('thead', {}, head), body));
  }

  async function revoke(k, button) {
    const yes = await confirmDialog({
      title: `Revoke ${k.name || `key ${k.id}`}?`,
      body: `Key ${k.id} (${roleLabel(k.role)}) stops working at once: every program using it is refused from its next call. This cannot be undone; a new key would have to be created and given to those programs.`,
      confirm: 'Revoke key',
      opener: button,
    });
    if (!yes) return;
    await actThenRedraw(status, {
      attempt: async () => {
        await api(tenantPath(`keys/${encodeURIComponent(k.id)}`), { method: 'DELETE' });
        // The key shown once is worthless now: do not leave it on screen.
        if (created.dataset.key === k.id) {
          created.replaceChildren();
          delete created.dataset.key;
        }
        return `Key ${k.name ? `${k.name} (${k.id})` : k.id} revoked. Programs using it are refused from now on.`;
      },
      action: 'revoke the key',
      redraw: load,
    });
    // The row's button is gone: keep the keyboard user in the list rather than at the top of the page.
    document.getElementById('keys-list-title')?.focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = String(form.elements.name.value || '').trim();
    const role = form.elements.role.value;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const key = await api(tenantPath('keys'), { method: 'POST', body: JSON.stringify(name ? { role, name } : { role }) });
      form.reset();
      showRoleHelp();
      status.set(`Key ${name || key.id} created with the role ${roleLabel(key.role)}.`);
      created.dataset.key = key.id;
      created.replaceChildren(
        secretOnce({
          title: `New key: ${name || key.id}`,
          label: 'API key',
          value: key.key,
          note: 'authlens keeps only a hash of it. If it is lost, revoke it and create another.',
          onDone: () => form.elements.name.focus(),
        }),
      );
      await load();
    } catch (err) {
      status.set(refusal(err, 'create a key'), true);
    } finally {
      button.disabled = false;
    }
  });

  await load();
}
