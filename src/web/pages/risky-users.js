// Risky users (SPEC 4 D7, SPEC 5 suspected-breach actions): the tenant's users
// whose sign-ins set off detections, their level and state, the detections
// behind it, the state changes an admin may record, and (where the tenant has
// an IdP connector) reset password / require MFA / revoke sessions through it.
import { api, current, h, refusal, tenantPath, text, utcTime } from '../lib.js';
import { confirmDialog } from './admin-kit.js';
import {
  DETECTOR_REPORTS,
  DETECTOR_TITLES,
  LEVEL_WORDS,
  STATE_WORDS,
  STATE_WRITERS,
  evidenceText,
  levelBadge,
  select,
  userLink,
} from './users-common.js';

/** The state changes offered (SPEC 5: mark as compromised, remediated, dismissed). */
const ACTIONS = [
  { state: 'confirmedCompromised', label: 'Confirm compromised', hint: 'keeps the user at high risk' },
  { state: 'remediated', label: 'Mark remediated', hint: 'clears the detections up to now' },
  { state: 'dismissed', label: 'Dismiss', hint: 'clears the detections up to now' },
];

/** Suspected-breach actions through the IdP connector (docs/connectors.md), each asked for with a confirmation. */
const IDP_ACTIONS = [
  { action: 'resetPassword', label: 'Reset password', ask: 'makes the user choose a new password' },
  { action: 'requireMfa', label: 'Require MFA', ask: 'makes the user (re-)enrol for multi-factor authentication' },
  { action: 'revokeSessions', label: 'Revoke sessions', ask: 'signs the user out everywhere and revokes their refresh tokens' },
];
const ACTION_LABELS = Object.fromEntries(IDP_ACTIONS.map((a) => [a.action, a.label]));
const CONNECTOR_WORDS = { webhook: 'webhook automation', keycloak: 'Keycloak', okta: 'Okta', entra: 'Microsoft Entra ID' };

const noUsers = (answer) => answer.value.length === 0;

/** "2 × Sign-in from an unknown source…" per detector, most first. */
function detectorSummary(contributing) {
  const counts = new Map();
  for (const c of contributing) counts.set(c.detector, (counts.get(c.detector) || 0) + 1);
  const list = h('ul', { class: 'plain' });
  for (const [d, n] of [...counts].sort((a, b) => b[1] - a[1])) list.append(h('li', {}, `${n} × ${DETECTOR_TITLES[d] || d}`));
  return list;
}

export default {
  id: 'risky-users',
  title: 'Risky users',
  async render(container) {
    const canChange = STATE_WRITERS.includes(current.session.role);
    // The action buttons show only with a connector, and only to roles the API lets act (it checks again).
    let connector = null;
    if (canChange) {
      try {
        connector = await api(tenantPath('connector'));
      } catch {
        connector = null;
      }
    }
    const form = h(
      'form',
      { class: 'controls', 'aria-label': 'Filter risky users' },
      select('level', 'Risk level', [['', 'Any level'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']], ''),
      select('state', 'State', [['', 'Any state'], ...Object.entries(STATE_WORDS)], ''),
      select('interval', 'Detections from', [['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['90d', 'Last 90 days']], '30d'),
      h('button', { type: 'submit' }, 'Show'),
    );
    const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
    const table = h('table', { class: 'risky-users' });
    const wrap = h('div', { class: 'table-wrap', hidden: true }, table);
    container.append(
      h(
        'p',
        { class: 'muted' },
        'Users whose sign-ins set off detections. The risk level comes from the detections of the chosen period; ',
        canChange
          ? 'open a user to see the detections and record what you found (confirm compromised, remediated, dismissed).'
          : 'only global admins and security admins can change a user\u2019s state.',
      ),
      form,
      status,
      wrap,
    );

    let run = 0;
    async function load(note) {
      const mine = ++run;
      const data = new FormData(form);
      const q = new URLSearchParams({ interval: String(data.get('interval') || '30d') });
      for (const k of ['level', 'state']) if (data.get(k)) q.set(k, String(data.get(k)));
      text(status, 'Loading…');
      table.replaceChildren();
      wrap.hidden = true;
      let answer;
      try {
        answer = await api(`${tenantPath('risky-users')}?${q}`);
      } catch (err) {
        if (mine !== run) return;
        text(status, refusal(err, 'see the risky users'));
        // Below Premium no filter or period changes the answer: leave only the reason.
        if (err.code === 'editionRequired') form.hidden = true;
        return;
      }
      if (mine !== run) return;
      wrap.hidden = noUsers(answer);
      const users = answer.value;
      const head = h(
        'tr',
        {},
        ...['User', 'Risk level', 'State', 'Last updated', 'Detections', 'Details'].map((t) => h('th', { scope: 'col' }, t)),
      );
      const body = h('tbody');
      for (const u of users) {
        const detailId = `risky-detail-${body.children.length / 2}`;
        const detail = h('tr', { class: 'risky-detail', hidden: true, id: detailId });
        const open = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': detailId }, 'Show detections');
        open.setAttribute('aria-label', `Show detections of ${u.userPrincipalName}`);
        open.addEventListener('click', () => {
          const opening = detail.hidden;
          detail.hidden = !opening;
          open.setAttribute('aria-expanded', String(opening));
          open.textContent = opening ? 'Hide detections' : 'Show detections';
          open.setAttribute('aria-label', `${opening ? 'Hide' : 'Show'} detections of ${u.userPrincipalName}`);
          if (opening && !detail.dataset.filled) {
            detail.dataset.filled = '1';
            void fillDetail(detail, u);
          }
        });
        body.append(
          h(
            'tr',
            { class: `sev-${u.riskLevel}`, 'data-upn': u.userPrincipalName },
            h('td', {}, userLink(u.userPrincipalName)),
            h('td', {}, levelBadge(u.riskLevel)),
            h('td', {}, u.riskState ? STATE_WORDS[u.riskState] || u.riskState : 'At risk'),
            h('td', {}, utcTime(u.riskLastUpdatedDateTime)),
            h('td', {}, detectorSummary(u.contributing)),
            h('td', {}, open),
          ),
          detail,
        );
      }
      table.replaceChildren(h('thead', {}, head), body);
      const filters = [];
      if (q.get('level')) filters.push(`level ${LEVEL_WORDS[q.get('level')]}`);
      if (q.get('state')) filters.push(`state ${STATE_WORDS[q.get('state')]}`);
      const summary =
        users.length === 0
          ? `No risky users${filters.length ? ` with ${filters.join(' and ')}` : ''} from ${utcTime(answer.from)} to ${utcTime(answer.to)}.`
          : `${users.length} risky user${users.length === 1 ? '' : 's'}${filters.length ? ` with ${filters.join(' and ')}` : ''}, detections from ${utcTime(answer.from)} to ${utcTime(answer.to)}.`;
      text(status, note ? `${note} ${summary}` : summary);
    }

    /** The detail row: each detection with its evidence (from the anomaly reports), the state history, and the state actions. */
    async function fillDetail(row, u) {
      const cell = h('td', { colspan: '6' });
      row.replaceChildren(cell);
      const detList = h('ul', { class: 'detections' });
      const history = h('div', {}, h('p', { class: 'hint' }, 'Loading the history…'));
      cell.append(h('h3', {}, `Detections of ${u.userPrincipalName}`), detList, h('h3', {}, 'History'), history);
      if (canChange) {
        cell.append(actionsFor(u));
        if (connector) cell.append(idpActionsFor(u, () => fillHistory(history, u.userPrincipalName)));
      } else cell.append(h('p', { class: 'hint' }, 'Only global admins and security admins can change this user\u2019s state.'));
      cell.append(h('p', {}, h('a', { href: `#/page/user?upn=${encodeURIComponent(u.userPrincipalName)}` }, `Open the user page of ${u.userPrincipalName}`), ' (sign-ins and devices)'));

      // Evidence: the anomaly reports filtered by this user (30 days, clamped to the retention by the API).
      const evidence = new Map();
      const reports = [...new Set(u.contributing.map((c) => DETECTOR_REPORTS[c.detector]).filter(Boolean))];
      await Promise.all(
        reports.map(async (id) => {
          try {
            const r = await api(`${tenantPath(`reports/${id}`)}?${new URLSearchParams({ interval: '30d', user: u.userPrincipalName, view: 'portal' })}`);
            for (const x of r.rows || []) if (x.detectionId) evidence.set(x.detectionId, x);
          } catch {
            /* shown below as "no evidence" for that detection */
          }
        }),
      );
      const sorted = [...u.contributing].sort((a, b) => String(b.detectedDateTime).localeCompare(String(a.detectedDateTime)));
      for (const c of sorted) {
        const e = evidence.get(c.id);
        const where = e ? [e.ipAddress, e.location, e.appDisplayName].filter(Boolean).join(' · ') : '';
        detList.append(
          h(
            'li',
            { class: `sev-${c.severity}` },
            h('strong', {}, DETECTOR_TITLES[c.detector] || c.detector),
            ` — ${c.severity} severity, ${utcTime(c.detectedDateTime)}`,
            where ? h('div', {}, where) : '',
            e && e.evidence ? h('div', { class: 'hint' }, `Evidence: ${evidenceText(e.evidence)}`) : '',
            c.signInId ? h('div', { class: 'hint' }, `Sign-in id ${c.signInId}`) : '',
          ),
        );
      }
      if (sorted.length === 0) detList.append(h('li', {}, 'No detections in this period.'));
      await fillHistory(history, u.userPrincipalName);
    }

    async function fillHistory(box, upn) {
      try {
        const r = await api(tenantPath(`risky-users/${encodeURIComponent(upn)}`));
        const actions = r.actions || [];
        if (r.history.length === 0 && actions.length === 0) {
          box.replaceChildren(h('p', { class: 'hint' }, 'No one has changed this user\u2019s state yet.'));
          return;
        }
        // State changes and IdP actions in one list, newest first.
        const entries = [
          ...r.history.map((c) => ({ at: c.at, text: `${utcTime(c.at)}: ${c.from ? `${STATE_WORDS[c.from] || c.from} → ` : ''}${STATE_WORDS[c.to] || c.to}, by ${c.by}${c.reason ? ` (“${c.reason}”)` : ''}` })),
          ...actions.map((a) => ({
            at: a.at,
            cls: `idp-action ${a.outcome}`,
            text: `${utcTime(a.at)}: ${ACTION_LABELS[a.action] || a.action} through the ${CONNECTOR_WORDS[a.connector] || a.connector} connector, by ${a.by}: ${a.outcome === 'accepted' ? 'accepted' : 'failed'} (${a.detail})`,
          })),
        ].sort((a, b) => String(b.at).localeCompare(String(a.at)));
        const list = h('ul', { class: 'plain' });
        for (const e of entries) list.append(h('li', e.cls ? { class: e.cls } : {}, e.text));
        box.replaceChildren(list);
      } catch (err) {
        box.replaceChildren(h('p', { class: 'error' }, refusal(err, 'see the risk history')));
      }
    }

    /** Reset password / require MFA / revoke sessions through the tenant's connector, each after a confirmation. */
    function idpActionsFor(u, refreshHistory) {
      const said = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
      const through = CONNECTOR_WORDS[connector.kind] || connector.kind;
      const buttons = IDP_ACTIONS.map((a) => {
        const b = h('button', { type: 'button', class: 'danger-outline', 'data-action': a.action }, a.label);
        b.addEventListener('click', async () => {
          const yes = await confirmDialog({
            title: `${a.label} for ${u.userPrincipalName}?`,
            body: `authlens asks the ${through} connector to act now: it ${a.ask}. This is done in the identity provider and cannot be undone from authlens; it is recorded in the history and the audit log.`,
            confirm: a.label,
            opener: b,
          });
          if (!yes) return;
          for (const x of buttons) x.disabled = true;
          said.classList.remove('error');
          text(said, `${a.label}: asking the ${through} connector…`);
          try {
            const r = await api(tenantPath(`risky-users/${encodeURIComponent(u.userPrincipalName)}/actions`), { method: 'POST', body: JSON.stringify({ action: a.action }) });
            // The detail says what was done: for a webhook only that the automation took the request, so no "Sessions revoked".
            text(said, `${a.label} for ${r.userPrincipalName}: ${r.detail}.`);
          } catch (err) {
            said.classList.add('error');
            text(said, err.code === 'connectorFailed' ? `${err.message}.` : refusal(err, `${a.label.toLowerCase()} for ${u.userPrincipalName}`));
          }
          for (const x of buttons) x.disabled = false;
          said.focus();
          await refreshHistory();
        });
        return b;
      });
      return h(
        'div',
        { class: 'risk-actions idp-actions' },
        h('h3', {}, 'Act in the identity provider'),
        h('p', { class: 'hint' }, `Through the tenant\u2019s ${through} connector. Each action asks for a confirmation first.`),
        h('div', { class: 'buttons' }, ...buttons),
        said,
      );
    }

    function actionsFor(u) {
      const reasonId = `reason-${Math.random().toString(36).slice(2, 8)}`;
      const reason = h('input', { id: reasonId, name: 'reason', maxlength: '2048', placeholder: 'e.g. confirmed with the user by phone' });
      const buttons = ACTIONS.map((a) =>
        h(
          'button',
          {
            type: 'button',
            class: a.state === 'confirmedCompromised' ? 'danger' : 'secondary',
            title: a.hint,
            onclick: async () => {
              for (const b of buttons) b.disabled = true;
              const body = { state: a.state };
              if (reason.value.trim()) body.reason = reason.value.trim();
              try {
                const change = await api(tenantPath(`risky-users/${encodeURIComponent(u.userPrincipalName)}/state`), {
                  method: 'POST',
                  body: JSON.stringify(body),
                });
                // A user nobody reviewed yet has no stored state: the change has no "from", the list said atRisk.
                const from = change.from || u.riskState;
                await load(`${change.userPrincipalName}: state changed ${from ? `from ${STATE_WORDS[from] || from} ` : ''}to ${STATE_WORDS[change.to]} by ${change.by}.`);
                status.focus();
              } catch (err) {
                for (const b of buttons) b.disabled = false;
                text(status, `Could not change the state of ${u.userPrincipalName}: ${err.message}`);
                status.focus();
              }
            },
          },
          a.label,
        ),
      );
      return h(
        'div',
        { class: 'risk-actions' },
        h('h3', {}, 'Record what you found'),
        h('label', { for: reasonId }, 'Reason (optional, kept in the history)', reason),
        h('div', { class: 'buttons' }, ...buttons),
      );
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void load();
    });
    await load();
  },
};
