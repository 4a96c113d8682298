// Notifications of the signed-in tenant (SPEC 5, docs/notifications.md):
// when alerts go out and to whom, webhooks (signing secret shown once), and
// the recent deliveries with their outcome. Global admins change things;
// security admins see them (the API checks both on every call).
import { api, current, h, refusal, tenantPath, text, utcTime } from '../lib.js';
import { actThenRedraw, confirmDialog, secretOnce, statusLine } from './admin-kit.js';

export const id = 'notifications';
export const title = 'Notifications';
export const roles = ['global-admin', 'security-admin'];

const SEVERITIES = [
  { id: 'low', label: 'Low and above (every detection)' },
  { id: 'medium', label: 'Medium and above' },
  { id: 'high', label: 'High only' },
];
// The API's e-mail check (src/notify/settings.ts EMAIL_PATTERN), to name the bad line before asking.
const EMAIL = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const MAX_RECIPIENTS = 50;
const KIND = { detection: 'Alert', digest: 'Weekly digest', test: 'Test' };
const POLL_MS = 5000;
const POLL_TIMES = 12;
const STATUS = { sent: 'Sent', pending: 'Pending', failed: 'Failed' };

export async function render(container) {
  const canManage = current.session.role === 'global-admin';
  const settingsBox = h('div');
  const hooksBox = h('div');
  const deliveriesBox = h('div');
  container.append(
    h('p', { class: 'muted' },
      'When a detection fires, authlens e-mails the directory\'s Global and Security Administrators and posts a signed event to each webhook. ',
      'Detections are gathered into one message per batching window, so an attack does not become a mail storm.'),
    canManage ? '' : h('p', { class: 'note' }, 'You can see these settings; only a global admin can change them.'),
    h('section', { 'aria-labelledby': 'notify-settings-title' }, h('h2', { id: 'notify-settings-title' }, 'When and to whom'), settingsBox),
    h('section', { 'aria-labelledby': 'notify-hooks-title' }, h('h2', { id: 'notify-hooks-title' }, 'Webhooks'), hooksBox),
    h('section', { 'aria-labelledby': 'notify-deliveries-title' }, h('h2', { id: 'notify-deliveries-title' }, 'Recent deliveries'), deliveriesBox),
  );
  const settings = await renderSettings(settingsBox, canManage);
  // The deliveries name webhooks by URL, and change when one is added or removed.
  const deliveries = deliveriesView(deliveriesBox, () => hooks.list(), settings, canManage);
  const hooks = await renderWebhooks(hooksBox, canManage, () => void deliveries.load());
  await deliveries.load();
}

async function renderSettings(box, canManage) {
  let s;
  try {
    s = await api(tenantPath('notifications/settings'));
  } catch (err) {
    box.replaceChildren(h('p', { class: 'error', role: 'alert' }, refusal(err, 'see the notification settings')));
    return undefined;
  }
  const status = statusLine('notify-settings-status');
  const changed = h('p', { class: 'hint' });
  const showChanged = (x) => text(changed, x.updatedAt ? `Last changed by ${x.updatedBy ?? 'unknown'} on ${utcTime(x.updatedAt)}.` : 'These are the defaults; nobody has changed them yet.');
  showChanged(s);
  const form = h(
    'form',
    { class: 'settings-form', novalidate: true },
    h('fieldset', { disabled: !canManage },
      h('legend', { class: 'skip' }, 'Notification settings'),
      h('label', {}, 'Notify about detections of severity',
        h('select', { name: 'minSeverity' }, ...SEVERITIES.map((x) => h('option', { value: x.id, selected: x.id === s.minSeverity }, x.label)))),
      h('p', { class: 'hint' }, 'Every detector counts; detections fired in log-only mode and those of events older than 24 hours (a backfill) never notify.'),
      h('label', {}, 'Also e-mail (one address a line, up to 50)',
        h('textarea', { name: 'extraRecipients', rows: '3', cols: '40', spellcheck: 'false', 'aria-describedby': 'notify-recipients-help' }, s.extraRecipients.join('\n'))),
      h('p', { id: 'notify-recipients-help', class: 'hint' }, 'The directory\'s enabled Global and Security Administrators always get the e-mail; add a SOC mailbox or a partner here.'),
      h('label', {}, 'Batching window (minutes, 1 to 1440)',
        h('input', { name: 'batchMinutes', type: 'number', min: '1', max: '1440', step: '1', required: true, value: String(s.batchMinutes), 'aria-describedby': 'notify-batch-help' })),
      h('p', { id: 'notify-batch-help', class: 'hint' }, 'The first detection after a quiet spell goes out within seconds; after that at most one alert per window, covering everything new.'),
      h('label', { class: 'check' }, h('input', { name: 'weeklyDigest', type: 'checkbox', checked: s.weeklyDigest }), 'Send a weekly digest of new risky users and risky sign-ins (Mondays 08:00 UTC)'),
      canManage ? h('button', { type: 'submit' }, 'Save settings') : '',
    ),
  );
  box.replaceChildren(form, changed, status.el);
  if (!canManage) return s;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const lines = String(form.elements.extraRecipients.value).split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
    const bad = lines.find((x) => !EMAIL.test(x) || x.length > 254);
    if (bad !== undefined) {
      status.set(`"${bad}" is not an e-mail address; nothing was saved.`, true);
      form.elements.extraRecipients.focus();
      return;
    }
    if (lines.length > MAX_RECIPIENTS) {
      status.set(`At most ${MAX_RECIPIENTS} extra recipients (${lines.length} given); nothing was saved.`, true);
      form.elements.extraRecipients.focus();
      return;
    }
    const minutes = Number(form.elements.batchMinutes.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      status.set('The batching window is a whole number of minutes from 1 to 1440; nothing was saved.', true);
      form.elements.batchMinutes.focus();
      return;
    }
    const body = { minSeverity: form.elements.minSeverity.value, extraRecipients: lines, batchMinutes: minutes, weeklyDigest: form.elements.weeklyDigest.checked };
    try {
      const saved = await api(tenantPath('notifications/settings'), { method: 'PUT', body: JSON.stringify(body) });
      Object.assign(s, saved);
      form.elements.extraRecipients.value = saved.extraRecipients.join('\n');
      showChanged(saved);
      status.set('Settings saved. They apply to the next alert.');
    } catch (err) {
      status.set(refusal(err, 'change the notification settings'), true);
    }
  });
  return s;
}

async function renderWebhooks(box, canManage, onChange) {
  const status = statusLine('notify-hooks-status');
  const list = h('div', { class: 'table-wrap' });
  const created = h('div');
  const form = h(
    'form',
    { class: 'controls' },
    h('label', {}, 'Webhook URL', h('input', { name: 'url', type: 'url', required: true, maxlength: '2048', size: '50', placeholder: 'https://siem.example.com/authlens', autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Add webhook'),
  );
  box.replaceChildren(
    h('p', { class: 'hint' },
      'Each alert and digest is posted as a CloudEvents JSON document, signed with the webhook\'s own secret in the ',
      h('code', {}, 'X-Authlens-Signature'),
      ' header (HMAC-SHA256). Failed posts are retried for about 4 hours. To change a secret, add the URL again and remove the old webhook.'),
    canManage ? form : '',
    created,
    status.el,
    list,
  );
  let hooks = [];

  async function load() {
    try {
      hooks = await api(tenantPath('notifications/webhooks'));
    } catch (err) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, refusal(err, 'list the webhooks')));
      hooks = [];
      return hooks;
    }
    if (hooks.length === 0) {
      list.replaceChildren(h('p', { class: 'empty' }, 'No webhooks: alerts go by e-mail only.'));
      return hooks;
    }
    const head = h('tr', {}, ...['URL', 'Added', 'By', ...(canManage ? ['Action'] : [])].map((t) => h('th', { scope: 'col' }, t)));
    const body = h('tbody');
    for (const w of hooks) {
      body.append(
        h('tr', { 'data-webhook': w.id },
          h('td', {}, h('code', {}, w.url)),
          h('td', {}, utcTime(w.createdAt)),
          h('td', {}, w.createdBy),
          canManage ? h('td', {}, h('button', { type: 'button', class: 'danger-outline', 'aria-label': `Remove webhook ${w.url}`, onclick: (e) => remove(w, e.currentTarget) }, 'Remove')) : '',
        ),
      );
    }
    list.replaceChildren(h('table', { 'aria-label': 'Webhooks' }, h('thead', {}, head), body));
    return hooks;
  }

  async function remove(w, button) {
    const yes = await confirmDialog({
      title: 'Remove this webhook?',
      body: `${w.url} gets no more alerts or digests; deliveries still waiting for a retry fail. Its secret cannot be brought back.`,
      confirm: 'Remove webhook',
      opener: button,
    });
    if (!yes) return;
    await actThenRedraw(status, {
      attempt: async () => {
        await api(tenantPath(`notifications/webhooks/${encodeURIComponent(w.id)}`), { method: 'DELETE' });
        return `Webhook ${w.url} removed.`;
      },
      action: 'remove the webhook',
      redraw: load,
    });
    onChange();
    // The row's button is gone: back to the field that adds one.
    form.elements.url.focus();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const url = String(form.elements.url.value || '').trim();
    if (!url) {
      status.set('Enter the URL the alerts should be posted to.', true);
      form.elements.url.focus();
      return;
    }
    try {
      const hook = await api(tenantPath('notifications/webhooks'), { method: 'POST', body: JSON.stringify({ url }) });
      form.reset();
      status.set(`Webhook ${hook.url} added.`);
      created.replaceChildren(
        secretOnce({
          title: `Signing secret of ${hook.url}`,
          label: 'Signing secret',
          value: hook.secret,
          note: 'Give it to the receiver so it can check the X-Authlens-Signature header.',
          onDone: () => form.elements.url.focus(),
        }),
      );
      await load();
      onChange();
    } catch (err) {
      status.set(refusal(err, 'add the webhook'), true);
      form.elements.url.focus();
    }
  });

  await load();
  return { list: () => hooks };
}

/** "E-mail to a@x, b@y", or with many recipients a summary that opens to the list. */
function emailChannel(target) {
  const to = String(target || '').split(', ').filter(Boolean);
  if (to.length === 0) return 'E-mail to nobody';
  if (to.length <= 2) return `E-mail to ${to.join(', ')}`;
  return h('details', { class: 'recipients' }, h('summary', {}, `E-mail to ${to.length} recipients`), h('ul', {}, ...to.map((a) => h('li', {}, a))));
}

function deliveriesView(box, webhooks, settings, canManage) {
  const status = statusLine('notify-deliveries-status');
  const testStatus = statusLine('notify-test-status', 'div');
  const table = h('div');
  const refresh = h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh');
  const test = h('button', { type: 'button', onclick: () => void sendTest() }, 'Send a test notification');
  box.replaceChildren(
    h('p', { class: 'hint' }, 'Every alert and digest per channel, newest first: whether it reached the mail server or the webhook, and if not, why.',
      canManage ? ' A test notification goes to the same recipients and webhooks as an alert, so you can check that they arrive.' : ''),
    h('div', { class: 'controls' }, canManage ? test : '', refresh),
    testStatus.el,
    status.el,
    table,
  );
  let lastRows = [];

  /** Queues a test message, then follows its deliveries until none is pending (or a minute passed). */
  async function sendTest() {
    test.disabled = true;
    let queued;
    try {
      queued = (await api(tenantPath('notifications/test'), { method: 'POST', body: JSON.stringify({}) })).value;
    } catch (err) {
      testStatus.set(refusal(err, 'send a test notification'), true);
      test.disabled = false;
      return;
    }
    const ids = new Set(queued.map((d) => d.id));
    const hooks = queued.filter((d) => d.channel === 'webhook').length;
    testStatus.set(`Test notification queued (e-mail${hooks ? ` and ${hooks} webhook${hooks === 1 ? '' : 's'}` : ''}); it goes out within about 15 seconds.`);
    await load();
    for (let i = 0; i < POLL_TIMES && box.isConnected; i++) {
      const mine = lastRows.filter((d) => ids.has(d.id));
      // Done once each was tried: a failed try is retried minutes later, the table shows when.
      if (mine.length > 0 && mine.every((d) => d.status !== 'pending' || d.attempts > 0)) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (box.isConnected) await load();
    }
    test.disabled = false;
    const mine = lastRows.filter((d) => ids.has(d.id)).sort((a, b) => (a.channel === b.channel ? 0 : a.channel === 'email' ? -1 : 1));
    const outcome = (d) => {
      const what = d.channel === 'email' ? 'E-mail' : `Webhook ${webhooks().find((w) => w.id === d.target)?.url ?? d.target}`;
      if (d.status === 'sent') return `${what}: sent.`;
      if (d.status === 'failed') return `${what}: failed: ${d.lastError ?? 'no reason given'}.`;
      return d.lastError ? `${what}: not yet (${d.lastError}); next try ${utcTime(d.nextAttemptAt, 'soon')}.` : `${what}: still waiting to be sent.`;
    };
    const anyFailed = mine.some((d) => d.status !== 'sent');
    if (mine.length <= 1) testStatus.set(`Test notification: ${mine.map(outcome).join(' ')}`, anyFailed);
    else {
      // One line per channel: with a few webhooks a sentence gets unreadable.
      testStatus.set('', anyFailed);
      testStatus.el.append('Test notification:', h('ul', {}, ...mine.map((d) => h('li', {}, outcome(d)))));
    }
  }

  async function load() {
    let rows;
    try {
      rows = (await api(`${tenantPath('notifications/deliveries')}?top=100`)).value;
      lastRows = rows;
    } catch (err) {
      status.set('');
      table.replaceChildren(h('p', { class: 'error', role: 'alert' }, refusal(err, 'see the deliveries')));
      return;
    }
    if (rows.length === 0) {
      const min = settings ? settings.minSeverity : 'high';
      status.set('No deliveries yet.');
      table.replaceChildren(h('p', { class: 'empty' }, `Nothing has been sent yet. An alert goes out when a detection of ${min} severity or above fires.`));
      return;
    }
    const count = (st) => rows.filter((r) => r.status === st).length;
    const newest = rows.length === 1 ? 'The only delivery' : `The newest ${rows.length} deliveries`;
    status.set(`${newest}: ${count('sent')} sent, ${count('pending')} waiting for a retry, ${count('failed')} failed.`);
    const hookUrl = (hookId) => webhooks().find((w) => w.id === hookId)?.url;
    const head = h('tr', {}, ...['Created', 'What', 'Channel', 'Subject', 'Status', 'Attempts', 'Last error'].map((t) => h('th', { scope: 'col' }, t)));
    const body = h('tbody');
    for (const d of rows) {
      const channel = d.channel === 'email' ? emailChannel(d.target) : `Webhook ${hookUrl(d.target) ?? `${d.target} (removed)`}`;
      const detail = d.status === 'sent' ? utcTime(d.sentAt) : d.status === 'pending' ? `next try ${utcTime(d.nextAttemptAt, 'soon')}` : '';
      body.append(
        h('tr', { class: `delivery-${d.status}` },
          h('td', {}, utcTime(d.createdAt)),
          h('td', {}, KIND[d.kind] ?? d.kind),
          h('td', {}, channel),
          h('td', {}, d.subject),
          h('td', {}, h('span', { class: `badge ${d.status}` }, STATUS[d.status] ?? d.status), detail ? ` ${detail}` : ''),
          h('td', {}, String(d.attempts)),
          h('td', {}, d.lastError ?? ''),
        ),
      );
    }
    table.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'deliveries', 'aria-label': 'Recent deliveries' }, h('thead', {}, head), body)));
  }

  return { load };
}
