// IP lists and named locations: the tenant's lists and the global ones
// (GET .../lists), adding a list from pasted addresses or a URL (POST .../lists)
// and removing one (DELETE .../lists/{name}). Named locations are the lists of
// category `trusted`. The API decides who may change them; the page mirrors it.
import { api, current, h, tenantPath, text, utcTime } from '../lib.js';

/** Who may add and remove lists (the API's SETTINGS_ROLES). */
const WRITE_ROLES = ['global-admin', 'security-admin'];
const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}';

const CATEGORIES = {
  trusted: { title: 'Named location (trusted)', option: 'Named location (trusted): your offices’ internet egress, your own VPN' },
  anonymizer: { title: 'Anonymizer', option: 'Anonymizer: Tor exits, open proxies, anonymous VPN (D1)' },
  botnet: { title: 'Botnet', option: 'Botnet: infected hosts, command-and-control (D5)' },
  malicious: { title: 'Malicious', option: 'Malicious: known attack sources' },
};
const FORMATS = [
  ['auto', 'Recognise automatically'],
  ['plain', 'One IP or CIDR per line'],
  ['firehol', 'FireHOL .ipset / .netset'],
  ['spamhaus-drop', 'Spamhaus DROP'],
  ['spamhaus-drop-json', 'Spamhaus DROP (JSON)'],
  ['tor-exit-addresses', 'Tor exit-addresses'],
  ['feodo-csv', 'abuse.ch Feodo Tracker CSV'],
  ['ipsum', 'ipsum (IP and count)'],
];

export default {
  id: 'lists',
  title: 'IP lists and named locations',
  async render(container) {
    const canWrite = WRITE_ROLES.includes(current.session.role);
    const status = h('p', { class: 'ls-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
    const alert = h('div', { class: 'error', role: 'alert' });
    const named = h('section', { class: 'ls-section', 'aria-labelledby': 'ls-named-title' });
    const reputation = h('section', { class: 'ls-section', 'aria-labelledby': 'ls-rep-title' });
    container.append(
      h(
        'p',
        { class: 'muted' },
        `Sign-ins are checked against these lists of IP addresses and ranges. Lists of this directory are changed here${canWrite ? '' : ' by its global admins and security admins'}; lists marked “all directories” are set by the server’s operator and are read-only here.`,
      ),
      canWrite ? '' : h('p', { class: 'ls-note' }, 'Only global admins and security admins can add or remove lists and named locations.'),
      status,
      alert,
      named,
      reputation,
    );

    function row(l) {
      const remove = canWrite && !l.readOnly
        ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${l.name}`, onclick: () => void removeList(l) }, 'Remove')
        : h('span', { class: 'muted' }, l.readOnly ? 'Read-only' : '');
      const counts = `${l.entries.toLocaleString()}`;
      const detail = [l.v4 ? `${l.v4.toLocaleString()} IPv4` : '', l.v6 ? `${l.v6.toLocaleString()} IPv6` : '', l.rejected ? `${l.rejected.toLocaleString()} ${l.rejected === 1 ? 'line' : 'lines'} rejected` : ''].filter(Boolean).join(', ');
      const source = /^https?:\/\//.test(l.source)
        ? h('a', { href: l.source, rel: 'noopener noreferrer', target: '_blank' }, l.source)
        : l.source === 'upload'
          ? 'Pasted or uploaded'
          : 'Server file';
      return h(
        'tr',
        { 'data-list': l.name },
        h('th', { scope: 'row' }, l.name),
        h('td', {}, CATEGORIES[l.category] ? CATEGORIES[l.category].title : l.category),
        h('td', {}, l.scope === 'global' ? 'All directories' : 'This directory'),
        h('td', { class: 'num' }, counts, detail ? h('span', { class: 'hint' }, ` (${detail})`) : ''),
        h('td', {}, source),
        h('td', {}, utcTime(l.loadedAt)),
        canWrite ? h('td', {}, remove) : '',
      );
    }

    function table(caption, lists) {
      const head = h('tr', {}, ...['Name', 'Category', 'Applies to', 'Entries', 'Source', 'Last loaded', ...(canWrite ? ['Action'] : [])].map((t) => h('th', { scope: 'col' }, t)));
      return h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'skip' }, caption), h('thead', {}, head), h('tbody', {}, ...lists.map(row))));
    }

    async function load() {
      let lists;
      try {
        lists = await api(tenantPath('lists'));
      } catch (err) {
        named.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The lists could not be read: ${err.message}`));
        reputation.replaceChildren();
        return [];
      }
      const trusted = lists.filter((l) => l.category === 'trusted');
      const others = lists.filter((l) => l.category !== 'trusted');
      named.replaceChildren(
        h('h2', { id: 'ls-named-title' }, 'Named locations'),
        h(
          'p',
          { class: 'muted' },
          'Trusted IP ranges, such as your offices’ internet egress or your own VPN (lists of category “trusted”). Sign-ins from a named location are not flagged as unknown sources, possibly infected devices, suspicious IP addresses or impossible travel.',
        ),
        trusted.length ? table('Named locations', trusted) : h('p', {}, 'No named locations yet.'),
      );
      reputation.replaceChildren(
        h('h2', { id: 'ls-rep-title' }, 'IP reputation lists'),
        h('p', { class: 'muted' }, 'Anonymizers (Tor, proxies, anonymous VPN), botnets and malicious addresses. A sign-in from one of them is tagged and may raise a detection.'),
        others.length ? table('IP reputation lists', others) : h('p', {}, 'No IP reputation lists.'),
      );
      return lists;
    }

    async function removeList(l) {
      const what = l.category === 'trusted' ? 'named location' : 'list';
      if (!window.confirm(`Remove the ${what} “${l.name}” (${l.entries} entries)? Sign-ins are no longer checked against it.`)) return;
      alert.replaceChildren();
      try {
        await api(tenantPath(`lists/${encodeURIComponent(l.name)}`), { method: 'DELETE' });
        await load();
        text(status, `Removed the ${what} “${l.name}”.`);
        status.focus();
      } catch (err) {
        alert.append(h('p', {}, `“${l.name}” was not removed: ${err.message}`));
      }
    }

    const existing = await load();

    if (!canWrite) return;

    // Add a list.
    const name = h('input', { id: 'ls-name', name: 'name', required: true, pattern: NAME_PATTERN, maxlength: '64', autocomplete: 'off', 'aria-describedby': 'ls-name-hint ls-name-error' });
    const category = h('select', { id: 'ls-category', name: 'category' }, ...Object.entries(CATEGORIES).map(([v, c]) => h('option', { value: v }, c.option)));
    const pasteRadio = h('input', { type: 'radio', name: 'from', value: 'paste', checked: true });
    const urlRadio = h('input', { type: 'radio', name: 'from', value: 'url' });
    const entries = h('textarea', { id: 'ls-entries', name: 'entries', rows: 6, spellcheck: 'false', 'aria-describedby': 'ls-entries-hint ls-source-error', placeholder: '203.0.113.0/24\n198.51.100.7\n2001:db8::/32' });
    const url = h('input', { id: 'ls-url', name: 'url', type: 'url', placeholder: 'https://example.org/list.txt', 'aria-describedby': 'ls-url-hint ls-source-error' });
    const format = h('select', { id: 'ls-format', name: 'format' }, ...FORMATS.map(([v, t]) => h('option', { value: v }, t)));
    const nameError = h('span', { class: 'error', id: 'ls-name-error' });
    const sourceError = h('span', { class: 'error', id: 'ls-source-error' });
    const pasteField = h('div', { class: 'ls-field' }, h('label', { for: 'ls-entries' }, 'IP addresses and ranges'), entries, h('span', { class: 'hint', id: 'ls-entries-hint' }, 'One IP address or CIDR range per line, IPv4 or IPv6; # starts a comment.'));
    const urlField = h('div', { class: 'ls-field', hidden: true }, h('label', { for: 'ls-url' }, 'Address of the list (http or https)'), url, h('span', { class: 'hint', id: 'ls-url-hint' }, 'Downloaded now and again every 6 hours. Only public internet addresses are allowed.'));
    const submit = h('button', { type: 'submit' }, 'Add list');
    const addStatus = h('p', { class: 'ls-status', role: 'status', 'aria-live': 'polite' });
    const result = h('div', { class: 'ls-result' });
    const form = h(
      'form',
      { class: 'ls-form', novalidate: true, 'aria-labelledby': 'ls-add-title' },
      h('h2', { id: 'ls-add-title' }, 'Add a list or named location'),
      h('div', { class: 'ls-field' }, h('label', { for: 'ls-name' }, 'List name'), name, h('span', { class: 'hint', id: 'ls-name-hint' }, 'Letters, digits, dot, dash or underscore; a list of this directory with the same name is replaced.'), nameError),
      h('div', { class: 'ls-field' }, h('label', { for: 'ls-category' }, 'Category'), category),
      h('fieldset', { class: 'ls-from' }, h('legend', {}, 'Entries'), h('label', { class: 'ds-check' }, pasteRadio, 'Paste addresses'), h('label', { class: 'ds-check' }, urlRadio, 'Download from a URL')),
      pasteField,
      urlField,
      h('div', { class: 'ls-field' }, h('label', { for: 'ls-format' }, 'Format'), format),
      sourceError,
      h('div', { class: 'controls' }, submit),
      addStatus,
      result,
    );
    container.append(form);
    const fromUrl = () => urlRadio.checked;
    for (const r of [pasteRadio, urlRadio]) {
      r.addEventListener('change', () => {
        pasteField.hidden = fromUrl();
        urlField.hidden = !fromUrl();
      });
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      for (const el of [nameError, sourceError]) text(el, '');
      for (const el of [name, entries, url]) el.removeAttribute('aria-invalid');
      alert.replaceChildren();
      result.replaceChildren();
      text(addStatus, '');
      const n = name.value.trim();
      if (!new RegExp(`^${NAME_PATTERN}$`).test(n)) {
        text(nameError, n ? 'Use letters, digits, dot, dash or underscore (at most 64, starting with a letter or digit).' : 'Enter a name.');
        name.setAttribute('aria-invalid', 'true');
        name.focus();
        return;
      }
      const source = fromUrl() ? url : entries;
      if (!source.value.trim()) {
        text(sourceError, fromUrl() ? 'Enter the address of the list.' : 'Paste at least one IP address or range.');
        source.setAttribute('aria-invalid', 'true');
        source.focus();
        return;
      }
      const replacing = existing.some((l) => l.scope === 'tenant' && l.name === n);
      submit.disabled = true;
      text(status, '');
      text(addStatus, fromUrl() ? 'Downloading the list…' : 'Adding the list…');
      try {
        let r;
        if (fromUrl()) {
          r = await api(tenantPath('lists'), { method: 'POST', body: JSON.stringify({ name: n, category: category.value, source: url.value.trim(), format: format.value }) });
        } else {
          const q = new URLSearchParams({ name: n, category: category.value, format: format.value });
          r = await api(`${tenantPath('lists')}?${q}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: entries.value });
        }
        const what = r.list.category === 'trusted' ? 'named location' : 'list';
        text(addStatus, `${replacing ? 'Replaced' : 'Added'} the ${what} “${r.list.name}” with ${r.list.entries.toLocaleString()} ${r.list.entries === 1 ? 'entry' : 'entries'}${r.rejectedCount ? `; ${r.rejectedCount.toLocaleString()} ${r.rejectedCount === 1 ? 'line was' : 'lines were'} rejected` : ''}. It applies to the next sign-ins.`);
        if (r.rejected.length) {
          result.append(
            h('p', {}, 'Rejected lines (the rest was loaded):'),
            h('ul', { class: 'kv' }, ...r.rejected.map((x) => h('li', {}, `Line ${x.line}: ${x.reason}`))),
          );
        }
        form.reset();
        pasteField.hidden = false;
        urlField.hidden = true;
        existing.splice(0, existing.length, ...(await load()));
      } catch (err) {
        text(addStatus, '');
        if (err.status === 400) {
          text(sourceError, `Not added: ${err.message}`);
          source.setAttribute('aria-invalid', 'true');
          source.focus();
        } else alert.append(h('p', {}, `Not added: ${err.message}`));
      } finally {
        submit.disabled = false;
      }
    });
  },
};
