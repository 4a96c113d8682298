// Incidents (SPEC 4): detections that belong together and the directory
// changes that followed, each with its timeline, and the status an admin
// records (new, active, resolved).
import { api, current, h, refusal, tenantPath, text, utcTime } from '../lib.js';
import { DETECTOR_TITLES, STATE_WRITERS, levelBadge, select, userLink } from './users-common.js';

/** Detectors in a word or two, for the narrow Detections column (the full title is the tooltip). */
const DETECTOR_SHORT = {
  D1: 'anonymizer',
  D2: 'after failures',
  D3: 'travel',
  D4: 'suspicious IP',
  D5: 'infected device',
  D6: 'irregular',
  D8: 'leaked credentials',
  'mfa-fatigue': 'MFA fatigue',
  'brute-force': 'brute force',
};
/** "2026-11-24 03:08" (the column says UTC; the timeline has the seconds). */
const minute = (iso) => utcTime(iso).slice(0, 16);

const STATUS_WORDS = { new: 'New', active: 'Active', resolved: 'Resolved' };
const ACTIONS = [
  { status: 'active', label: 'Mark active', hint: 'someone is investigating' },
  { status: 'resolved', label: 'Resolve', hint: 'closed; new activity reopens it' },
  { status: 'new', label: 'Reopen as new', hint: 'back to the queue' },
];

/** "3 users: a, b and 1 more" with links, compromised users first. */
function usersCell(i) {
  const shown = [...new Set([...i.compromisedUsers, ...i.userPrincipalNames])].slice(0, 3);
  const cell = h('div', {}, `${i.userCount} user${i.userCount === 1 ? '' : 's'} flagged`);
  if (shown.length > 0) {
    const list = h('ul', { class: 'plain' });
    for (const u of shown) list.append(h('li', {}, userLink(u), i.compromisedUsers.includes(u) ? ' (signed in)' : ''));
    if (i.userCount > shown.length) list.append(h('li', { class: 'hint' }, `and ${i.userCount - shown.length} more`));
    cell.append(list);
  }
  return cell;
}

function timelineList(entries) {
  const list = h('ol', { class: 'timeline' });
  for (const e of entries) {
    const when = e.endDateTime && e.endDateTime !== e.dateTime ? `${utcTime(e.dateTime)} to ${utcTime(e.endDateTime)}` : utcTime(e.dateTime);
    list.append(
      h(
        'li',
        { class: e.kind === 'directoryChange' ? 'timeline-change' : `sev-${e.severity || 'low'}`, 'data-kind': e.kind },
        h('div', { class: 'hint' }, when, e.severity ? ` · ${e.severity} severity` : '', e.kind === 'directoryChange' ? ' · directory change' : ''),
        h('div', {}, e.summary),
        e.signInId ? h('div', { class: 'hint' }, `Sign-in id ${e.signInId}`) : '',
        e.auditId ? h('div', { class: 'hint' }, `Audit record ${e.auditId} (${e.category})`) : '',
      ),
    );
  }
  return list;
}

export default {
  id: 'incidents',
  title: 'Incidents',
  async render(container) {
    const canChange = STATE_WRITERS.includes(current.session.role);
    const form = h(
      'form',
      { class: 'controls', 'aria-label': 'Filter incidents' },
      select('status', 'Status', [['', 'Any status'], ...Object.entries(STATUS_WORDS)], ''),
      select('severity', 'Severity', [['', 'Any severity'], ['high', 'High'], ['medium', 'Medium'], ['low', 'Low']], ''),
      select('interval', 'Activity from', [['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['90d', 'Last 90 days']], '30d'),
      h('button', { type: 'submit' }, 'Show'),
    );
    const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
    const table = h('table', { class: 'incidents' });
    const wrap = h('div', { class: 'table-wrap', hidden: true }, table);
    container.append(
      h(
        'p',
        { class: 'muted' },
        'Detections that belong together (one attacking IP, or one user within a day) and the directory changes a user made right after a suspicious sign-in. ',
        canChange ? 'Open one to read its timeline and record its status.' : 'Only global admins and security admins can change an incident\u2019s status.',
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
      for (const k of ['status', 'severity']) if (data.get(k)) q.set(k, String(data.get(k)));
      text(status, 'Loading…');
      let answer;
      try {
        answer = await api(`${tenantPath('incidents')}?${q}`);
      } catch (err) {
        if (mine !== run) return;
        table.replaceChildren();
        wrap.hidden = true;
        text(status, refusal(err, 'see the incidents'));
        if (err.code === 'editionRequired' || err.code === 'reportingNotEnabled') form.hidden = true;
        return;
      }
      if (mine !== run) return;
      const head = h('tr', {}, ...['Severity and status', 'Incident', 'Activity (UTC)', 'Users', 'Detections'].map((t) => h('th', { scope: 'col' }, t)));
      const body = h('tbody');
      answer.value.forEach((i, n) => {
        const detailId = `incident-detail-${n}`;
        const detail = h('tr', { class: 'incident-detail', hidden: true, id: detailId });
        const open = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': detailId, 'aria-label': `Show the timeline of ${i.title}` }, 'Show timeline');
        open.addEventListener('click', () => {
          const opening = detail.hidden;
          detail.hidden = !opening;
          open.setAttribute('aria-expanded', String(opening));
          open.textContent = opening ? 'Hide timeline' : 'Show timeline';
          open.setAttribute('aria-label', `${opening ? 'Hide' : 'Show'} the timeline of ${i.title}`);
          if (opening && !detail.dataset.filled) {
            detail.dataset.filled = '1';
            void fillDetail(detail, i);
          }
        });
        const counts = h('ul', { class: 'plain' }, ...Object.entries(i.detectors).map(([d, c]) => h('li', { title: DETECTOR_TITLES[d] || d }, `${c} × ${DETECTOR_SHORT[d] || d}`)));
        body.append(
          h(
            'tr',
            { class: `sev-${i.severity}`, 'data-incident': i.id },
            h('td', {}, levelBadge(i.severity), h('div', { class: 'incident-status' }, STATUS_WORDS[i.status] || i.status)),
            h(
              'td',
              {},
              h('strong', {}, i.title),
              i.directoryChanges ? h('div', { class: 'hint' }, `${i.directoryChanges} directory change${i.directoryChanges === 1 ? '' : 's'} after a suspicious sign-in`) : '',
              h('div', {}, open),
            ),
            h('td', { class: 'when' }, minute(i.firstDateTime), h('br'), `to ${minute(i.lastDateTime)}`),
            h('td', {}, usersCell(i)),
            h('td', {}, `${i.detectionCount}`, h('div', { class: 'hint' }, counts)),
          ),
          detail,
        );
      });
      table.replaceChildren(h('thead', {}, head), body);
      wrap.hidden = answer.value.length === 0;
      const n = answer.value.length;
      const summary = n === 0 ? `No incidents from ${utcTime(answer.from)} to ${utcTime(answer.to)}.` : `${n} incident${n === 1 ? '' : 's'}, newest activity first, from ${utcTime(answer.from)} to ${utcTime(answer.to)}.`;
      text(status, note ? `${note} ${summary}` : summary);
    }

    async function fillDetail(row, summary) {
      const cell = h('td', { colspan: '5' }, h('p', { class: 'hint' }, 'Loading the timeline…'));
      row.replaceChildren(cell);
      let i;
      try {
        i = await api(tenantPath(`incidents/${encodeURIComponent(summary.id)}`));
      } catch (err) {
        cell.replaceChildren(h('p', { class: 'error', role: 'alert' }, refusal(err, 'see this incident')));
        return;
      }
      const ips = i.ipAddresses.length ? `IP addresses: ${i.ipAddresses.join(', ')}${i.ipCount > i.ipAddresses.length ? ` and ${i.ipCount - i.ipAddresses.length} more` : ''}.` : '';
      cell.replaceChildren(h('h3', {}, 'Timeline'), ips ? h('p', {}, ips) : '', timelineList(i.timeline), h('h3', {}, 'Status history'));
      if (i.history.length === 0) cell.append(h('p', { class: 'hint' }, 'No one has changed this incident\u2019s status yet.'));
      else {
        const list = h('ul', { class: 'plain' });
        for (const c of [...i.history].reverse()) list.append(h('li', {}, `${utcTime(c.at)}: ${c.from ? `${STATUS_WORDS[c.from] || c.from} → ` : ''}${STATUS_WORDS[c.to] || c.to}, by ${c.by}${c.reason ? ` (“${c.reason}”)` : ''}`));
        cell.append(list);
      }
      if (canChange) cell.append(actionsFor(i));
    }

    function actionsFor(i) {
      const reasonId = `incident-reason-${i.id}`;
      const reason = h('input', { id: reasonId, name: 'reason', maxlength: '2048', placeholder: 'e.g. password reset, MFA method removed' });
      const buttons = ACTIONS.filter((a) => a.status !== i.status).map((a) =>
        h(
          'button',
          {
            type: 'button',
            class: a.status === 'resolved' ? undefined : 'secondary',
            title: a.hint,
            onclick: async () => {
              for (const b of buttons) b.disabled = true;
              const body = { status: a.status };
              if (reason.value.trim()) body.reason = reason.value.trim();
              try {
                const change = await api(tenantPath(`incidents/${encodeURIComponent(i.id)}/status`), { method: 'POST', body: JSON.stringify(body) });
                await load(`“${i.title}”: ${STATUS_WORDS[change.from] || change.from} → ${STATUS_WORDS[change.to]} by ${change.by}.`);
                status.focus();
              } catch (err) {
                for (const b of buttons) b.disabled = false;
                text(status, refusal(err, 'change the status of this incident'));
                status.focus();
              }
            },
          },
          a.label,
        ),
      );
      return h('div', { class: 'risk-actions' }, h('h3', {}, 'Record the status'), h('label', { for: reasonId }, 'Reason (optional, kept in the history)', reason), h('div', { class: 'buttons' }, ...buttons));
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void load();
    });
    await load();
  },
};
