// The tenant's IdP connector (SPEC 5 suspected-breach actions, docs/connectors.md):
// through it the Risky users page can reset a password, require MFA and revoke
// sessions. Global admins set and remove it; security admins see which one is
// set. Secrets are write-only: typed here, sent once, never shown again.
import { api, current, h, refusal, tenantPath, utcTime } from '../lib.js';
import { actThenRedraw, confirmDialog, statusLine } from './admin-kit.js';

export const id = 'connector';
export const title = 'IdP connector';
export const roles = ['global-admin', 'security-admin'];

/** Per kind: its words, its fields (name, label, hint, secret?, optional?). */
const KINDS = {
  webhook: {
    label: 'Webhook to your automation (SOAR, Logic App, script)',
    help: 'Each action is POSTed as a signed CloudEvents JSON request (header X-Authlens-Signature: sha256=HMAC of the body with the secret); a 2xx answer means your automation accepted it.',
    fields: [
      { name: 'url', label: 'Automation URL', type: 'url', placeholder: 'https://soar.example.com/authlens/actions' },
      { name: 'secret', label: 'Signing secret (16 characters or more)', secret: true, generate: true },
    ],
  },
  keycloak: {
    label: 'Keycloak (Admin REST API)',
    help: 'A confidential client with a service account holding realm-management manage-users and view-users. Users are found by username = the directory UPN.',
    fields: [
      { name: 'baseUrl', label: 'Keycloak base URL', type: 'url', placeholder: 'https://sso.example.com' },
      { name: 'realm', label: 'Realm', placeholder: 'acme' },
      { name: 'clientId', label: 'Client id', placeholder: 'authlens' },
      { name: 'clientSecret', label: 'Client secret', secret: true },
    ],
  },
  okta: {
    label: 'Okta (Management API)',
    help: 'An API token of an admin allowed to manage users. Users are found by login = the directory UPN.',
    fields: [
      { name: 'orgUrl', label: 'Okta org URL', type: 'url', placeholder: 'https://contoso.okta.com' },
      { name: 'apiToken', label: 'API token', secret: true },
    ],
  },
  entra: {
    label: 'Microsoft Entra ID (Microsoft Graph)',
    help: 'An app registration with the application permissions User.RevokeSessions.All, User-PasswordProfile.ReadWrite.All and the one the per-user MFA API needs (see docs/connectors.md).',
    fields: [
      { name: 'directoryId', label: 'Directory (tenant) id or domain', placeholder: 'contoso.onmicrosoft.com' },
      { name: 'clientId', label: 'Application (client) id' },
      { name: 'clientSecret', label: 'Client secret', secret: true },
      { name: 'authorityUrl', label: 'Authority (national clouds only)', type: 'url', placeholder: 'https://login.microsoftonline.com', optional: true },
      { name: 'graphUrl', label: 'Graph endpoint (national clouds only)', type: 'url', placeholder: 'https://graph.microsoft.com', optional: true },
    ],
  },
};

/** 32 random bytes as base64url, made in the browser: the server never shows a secret back. */
function randomSecret() {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function render(container) {
  const canManage = current.session.role === 'global-admin';
  const summary = h('div');
  const status = statusLine('connector-status');
  // Saving and removing redraw the form and the summary: the button pressed is gone, so focus goes to the outcome.
  status.el.tabIndex = -1;
  const formBox = h('div');
  container.append(
    h('p', { class: 'muted' },
      'With a connector, the Risky users page offers Reset password, Require MFA and Revoke sessions for a user, done in your identity provider. ',
      'Every action, accepted or not, is kept in the user\u2019s history and in the audit log.'),
    canManage ? '' : h('p', { class: 'note' }, 'You can see which connector is set; only a global admin can change it.'),
    h('section', { 'aria-labelledby': 'connector-now-title' }, h('h2', { id: 'connector-now-title' }, 'Current connector'), summary),
    canManage ? h('section', { 'aria-labelledby': 'connector-set-title' }, h('h2', { id: 'connector-set-title' }, 'Set the connector'), formBox) : '',
    status.el,
  );

  let now = null;
  async function load() {
    try {
      now = await api(tenantPath('connector'));
    } catch (err) {
      now = null;
      if (err.status !== 404) {
        summary.replaceChildren(h('p', { class: 'error', role: 'alert' }, refusal(err, 'see the connector')));
        return;
      }
    }
    if (!now) {
      summary.replaceChildren(h('p', { class: 'empty' }, 'No connector: the Risky users page offers only the state changes (confirm compromised, remediated, dismissed).'));
      return;
    }
    const rows = KINDS[now.kind].fields.filter((f) => !f.secret && now[f.name]).map((f) => h('li', {}, `${f.label}: `, h('code', {}, now[f.name])));
    summary.replaceChildren(
      h('p', { class: 'connector-summary' }, h('strong', {}, KINDS[now.kind].label), ` — secret set (never shown), last changed by ${now.updatedBy} on ${utcTime(now.updatedAt)}.`),
      h('ul', { class: 'plain' }, ...rows),
      canManage ? h('button', { type: 'button', class: 'danger-outline', onclick: (e) => void remove(e.currentTarget) }, 'Remove connector') : '',
    );
  }

  async function remove(button) {
    const yes = await confirmDialog({
      title: 'Remove the IdP connector?',
      body: 'The Risky users page stops offering reset password, require MFA and revoke sessions. The actions already done stay in the history. Its secret cannot be brought back.',
      confirm: 'Remove connector',
      opener: button,
    });
    if (!yes) return;
    // Focus moves to the outcome before it shows (the button pressed is gone with the redraw).
    await actThenRedraw(status, {
      attempt: async () => {
        await api(tenantPath('connector'), { method: 'DELETE' });
        return 'Connector removed.';
      },
      action: 'remove the connector',
      redraw: async () => {
        await load();
        if (canManage) renderForm();
        status.el.focus();
      },
    });
  }

  function renderForm() {
    const kind = h('select', { name: 'kind', id: 'connector-kind' }, ...Object.entries(KINDS).map(([k, v]) => h('option', { value: k, selected: (now ? now.kind : 'webhook') === k }, v.label)));
    const fields = h('div', { class: 'connector-fields' });
    const form = h('form', { class: 'settings-form', novalidate: true },
      h('label', { for: 'connector-kind' }, 'Kind'), kind, fields,
      h('button', { type: 'submit' }, 'Save connector'));
    function drawFields() {
      const k = KINDS[kind.value];
      const same = now && now.kind === kind.value;
      fields.replaceChildren(h('p', { class: 'hint' }, k.help));
      for (const f of k.fields) {
        const inputId = `connector-${f.name}`;
        const input = h('input', {
          id: inputId,
          name: f.name,
          type: f.secret ? 'password' : f.type || 'text',
          autocomplete: f.secret ? 'new-password' : 'off',
          spellcheck: 'false',
          size: '50',
          placeholder: f.secret && same ? 'leave empty to keep the stored secret' : f.placeholder,
          value: !f.secret && same && now[f.name] ? now[f.name] : undefined,
        });
        const row = h('div', { class: 'field' }, h('label', { for: inputId }, f.label, f.optional ? ' (optional)' : ''), input);
        if (f.generate) {
          row.append(h('button', {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              input.value = randomSecret();
              input.type = 'text';
              input.select();
              status.set('A new secret is in the field: copy it to your automation now. Once saved, authlens never shows it again.');
            },
          }, 'Generate a secret'));
        }
        fields.append(row);
      }
    }
    kind.addEventListener('change', drawFields);
    drawFields();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { kind: kind.value };
      for (const f of KINDS[kind.value].fields) {
        const v = String(form.elements[f.name].value || '');
        if (v.trim() !== '') body[f.name] = f.secret ? v : v.trim();
      }
      try {
        await api(tenantPath('connector'), { method: 'PUT', body: JSON.stringify(body) });
        const saved = `Connector saved (${KINDS[kind.value].label}). The Risky users page now offers the actions.`;
        await load();
        renderForm();
        // The answer shows once the page agrees with it, with the focus already on it.
        status.el.focus();
        status.set(saved);
      } catch (err) {
        status.set(refusal(err, 'save the connector'), true);
      }
    });
    formBox.replaceChildren(form);
  }

  await load();
  if (canManage) renderForm();
}
