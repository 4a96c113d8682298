/**
 * The portal's admin pages in a real browser (Debian's Chromium driven by
 * playwright-core): API keys (create, see the key once, copy it, use it,
 * revoke it) and notifications (settings, webhooks, deliveries), as the demo
 * tenant's global admin and as a security admin who may only look.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/main.ts';
import { SMTP_NOT_CONFIGURED } from '../../src/notify/notifier.ts';
import { startPortal, type PortalHarness } from './portal-harness.ts';

let portal: PortalHarness;
let server: RunningServer;

beforeAll(async () => {
  portal = await startPortal('portal-admin', { users: 60, days: 7, seed: 11 });
  server = portal.server;
}, 180_000);

afterAll(async () => {
  await portal?.close();
});

const demoAdmin = (): { upn: string } => portal.admin;

/** A new page (with clipboard access) signed in as `who`, at `hash` of the portal. */
function signedIn(who: { upn: string }, hash = ''): Promise<Page> {
  return portal.signIn(who.upn, { hash, permissions: ['clipboard-read', 'clipboard-write'] });
}

async function close(page: Page): Promise<void> {
  await page.context().close();
}

/** The status of a call with an API key, from the page (no session cookie sent). */
function statusWithKey(page: Page, url: string, key: string): Promise<number> {
  return page.evaluate(async ([u, k]) => (await fetch(u, { credentials: 'omit', headers: { authorization: `Bearer ${k}` } })).status, [url, key] as const);
}

describe('portal: API keys', () => {
  it('creates a key shown once with a copy button, which works until it is revoked after a confirmation', async () => {
    const page = await signedIn(demoAdmin());
    // The link sits low in the sidebar: the page it opens starts at its top, its heading focused.
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'Create a key' }).waitFor();
    expect(await page.evaluate('[window.scrollY, document.activeElement?.id]')).toEqual([0, 'page-title']);

    await page.getByLabel('Name (what uses the key)').fill('SIEM export');
    await page.getByLabel('Role').selectOption('reports-reader');
    await page.getByRole('button', { name: 'Create key' }).click();
    const field = page.getByRole('textbox', { name: 'API key', exact: true });
    await field.waitFor();
    const key = await field.inputValue();
    expect(key).toMatch(/^al_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await page.locator('.secret-once').innerText()).toContain('you will not see it again');
    // The field has the focus, so the key can be copied at once; the button copies it too.
    expect(await page.evaluate("document.activeElement?.classList.contains('secret-value')")).toBe(true);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => page.locator('.copy-status').textContent()).toBe('Copied to the clipboard.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);

    // Listed without its secret, with the role it was given.
    const id = key.split('_')[1] ?? '';
    // The page names this directory's OAuth token endpoint, and the new key gets a token there.
    const endpoint = await page.locator('p.hint code').filter({ hasText: '/oauth2/v2.0/token' }).textContent();
    expect(endpoint).toBe(`${server.url}/demo/oauth2/v2.0/token`);
    const issued = await page.evaluate(
      async ([url, clientId, secret]) => (await fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }) })).json(),
      [endpoint ?? '', id, key] as const,
    ) as { token_type?: string };
    expect(issued.token_type).toBe('Bearer');
    const row = page.locator(`tr[data-key="${id}"]`);
    await expect.poll(() => row.locator('td').allTextContents()).toEqual(['SIEM export', 'Reports reader', id, expect.stringMatching(/ UTC$/), 'never', 'Active', 'Revoke']);
    // The key works as a reports reader: reports yes, keys no.
    expect(await statusWithKey(page, '/api/v1/tenants/demo/reports', key)).toBe(200);
    expect(await statusWithKey(page, '/api/v1/tenants/demo/keys', key)).toBe(403);

    // Done removes the key from the page; coming back does not show it either.
    await page.getByRole('button', { name: 'Done, I have stored it' }).click();
    expect(await page.content()).not.toContain(key);
    expect(await page.evaluate("document.activeElement?.getAttribute('name')")).toBe('name');
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(key.split('_')[2] ?? '');
    await expect.poll(() => row.locator('td').nth(4).textContent()).toMatch(/ UTC$/); // used once above

    // Revoking asks first; Cancel (or Escape) leaves the key alone.
    await row.getByRole('button', { name: `Revoke SIEM export (${id})` }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke SIEM export?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.count()).toBe(0);
    expect(await statusWithKey(page, '/api/v1/tenants/demo/reports', key)).toBe(200);
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);
    expect(await row.locator('td').nth(5).textContent()).toBe('Active');

    await row.getByRole('button', { name: /^Revoke/ }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.locator('#keys-status').textContent()).toBe(`Key SIEM export (${id}) revoked. Programs using it are refused from now on.`);
    await expect.poll(() => row.locator('td').nth(5).textContent()).toMatch(/^Revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await page.evaluate('document.activeElement?.id')).toBe('keys-list-title');
    expect(await statusWithKey(page, '/api/v1/tenants/demo/reports', key)).toBe(401);
    await close(page);
  });

  it('creates a key without a name, and says why when the API refuses', async () => {
    const page = await signedIn(demoAdmin(), '#/page/api-keys');
    await page.getByRole('heading', { name: 'Create a key' }).waitFor();
    await page.getByLabel('Role').selectOption('security-admin');
    expect(await page.locator('#keys-role-help').textContent()).toContain('Security admin: also send sign-in events');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByRole('textbox', { name: 'API key', exact: true }).inputValue();
    const id = key.split('_')[1] ?? '';
    await expect.poll(() => page.locator(`tr[data-key="${id}"] td`).allTextContents()).toEqual(['(no name)', 'Security admin', id, expect.any(String), 'never', 'Active', 'Revoke']);

    // A key the API does not know in this tenant (deleted meanwhile, or another tenant's id) is not found: the page
    // reports what the API said, as an error.
    await page.route('**/api/v1/tenants/demo/keys/*', (route) => route.continue({ url: route.request().url().replace(/[0-9a-f]{16}$/, '0000000000000000') }));
    await page.locator(`tr[data-key="${id}"]`).getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.locator('#keys-status').textContent()).toBe("Not found: no key '0000000000000000' in this tenant");
    expect(await page.locator('#keys-status').getAttribute('class')).toContain('error');
    expect(await page.getByRole('textbox', { name: 'API key', exact: true }).inputValue()).toBe(key);

    // Revoked for real, the key shown once leaves the screen: it is worthless now.
    await page.unroute('**/api/v1/tenants/demo/keys/*');
    await page.locator(`tr[data-key="${id}"]`).getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.locator('#keys-status').textContent()).toBe(`Key ${id} revoked. Programs using it are refused from now on.`);
    expect(await page.locator('.secret-once').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    await close(page);
  });
});

describe('portal: notifications', () => {
  it('changes who is notified and when, refusing a bad address before asking the API', async () => {
    const page = await signedIn(demoAdmin(), '#/page/notifications');
    const form = page.locator('form.settings-form');
    await page.getByLabel('Notify about detections of severity').waitFor();
    expect(await page.getByLabel('Notify about detections of severity').inputValue()).toBe('high');
    expect(await page.locator('#notify-settings-status').locator('xpath=preceding-sibling::p[1]').textContent()).toBe('These are the defaults; nobody has changed them yet.');

    await page.getByLabel('Also e-mail (one address a line, up to 50)').fill('soc@partner.example\nnot-an-address');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#notify-settings-status').textContent()).toBe('"not-an-address" is not an e-mail address; nothing was saved.');
    const api = server.runtime.notify;
    expect((await api.getSettings('demo')).extraRecipients).toEqual([]);

    await page.getByLabel('Notify about detections of severity').selectOption('medium');
    await page.getByLabel('Also e-mail (one address a line, up to 50)').fill('soc@partner.example\n\nsecops@northwind.example');
    await page.getByLabel('Batching window (minutes, 1 to 1440)').fill('30');
    await page.getByLabel(/Send a weekly digest/).uncheck();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#notify-settings-status').textContent()).toBe('Settings saved. They apply to the next alert.');
    expect(await api.getSettings('demo')).toMatchObject({ minSeverity: 'medium', extraRecipients: ['soc@partner.example', 'secops@northwind.example'], batchMinutes: 30, weeklyDigest: false });

    // They stay after a reload, with who changed them.
    await page.reload();
    await page.getByLabel('Notify about detections of severity').waitFor();
    await expect.poll(() => page.getByLabel('Notify about detections of severity').inputValue()).toBe('medium');
    expect(await page.getByLabel('Also e-mail (one address a line, up to 50)').inputValue()).toBe('soc@partner.example\nsecops@northwind.example');
    expect(await page.getByLabel('Batching window (minutes, 1 to 1440)').inputValue()).toBe('30');
    expect(await page.getByLabel(/Send a weekly digest/).isChecked()).toBe(false);
    expect(await page.locator('form.settings-form + p').textContent()).toMatch(new RegExp(`^Last changed by ${demoAdmin().upn.replace(/\./g, '\\.')} on \\d{4}-.* UTC\\.$`));

    // Back to the defaults, so the delivery test below sees the usual recipients.
    await page.getByLabel('Notify about detections of severity').selectOption('high');
    await page.getByLabel('Also e-mail (one address a line, up to 50)').fill('');
    await page.getByLabel('Batching window (minutes, 1 to 1440)').fill('0');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#notify-settings-status').textContent()).toBe('The batching window is a whole number of minutes from 1 to 1440; nothing was saved.');
    await page.getByLabel('Batching window (minutes, 1 to 1440)').fill('15');
    await page.getByLabel(/Send a weekly digest/).check();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => api.getSettings('demo').then((s) => s.extraRecipients.length)).toBe(0);
    await close(page);
  });

  it('adds a webhook showing its signing secret once, refuses a local URL with the reason, and removes one after a confirmation', async () => {
    const page = await signedIn(demoAdmin(), '#/page/notifications');
    await page.getByText('No webhooks: alerts go by e-mail only.').waitFor();

    await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => page.locator('#notify-hooks-status').textContent()).toMatch(/^Could not add the webhook: url: .+/);
    expect(await server.runtime.notify.listWebhooks('demo')).toEqual([]);

    await page.getByLabel('Webhook URL').fill('https://siem.example.com/authlens');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.locator('.secret-once').innerText()).toContain('you will not see it again');
    const [hook] = await server.runtime.notify.listWebhooks('demo');
    expect(hook?.url).toBe('https://siem.example.com/authlens');
    const row = page.locator(`tr[data-webhook="${hook?.id ?? ''}"]`);
    await expect.poll(() => row.locator('td').first().textContent()).toBe('https://siem.example.com/authlens');
    // Never again: not in the list, not after a reload.
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Remove webhook https://siem.example.com/authlens' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove this webhook?' });
    await dialog.getByRole('button', { name: 'Remove webhook' }).click();
    await expect.poll(() => page.locator('#notify-hooks-status').textContent()).toBe('Webhook https://siem.example.com/authlens removed.');
    expect(await row.count()).toBe(0);
    expect(await server.runtime.notify.listWebhooks('demo')).toEqual([]);
    await close(page);
  });

  it('shows whether alerts went out: a failed e-mail with its reason', async () => {
    const page = await signedIn(demoAdmin(), '#/page/notifications');
    await page.getByRole('heading', { name: 'Recent deliveries' }).waitFor();
    await expect.poll(() => page.locator('#notify-deliveries-status').textContent()).toMatch(/\S/);
    // A fresh high-severity detection, then the delivery loop (SMTP is not configured in this test: the e-mail fails, saying so).
    await server.runtime.notify.enqueue('demo', [
      { id: 'e2e-portal-admin-1', detector: 'D1', severity: 'high', detectedDateTime: new Date().toISOString(), userPrincipalName: 'someone@northwind.example', evidence: {}, logOnly: false },
    ]);
    await server.runtime.notify.tick();
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return page.locator('#notify-deliveries-status').textContent();
      }, { timeout: 15_000 })
      .toMatch(/failed\.$/);
    const failed = page.locator('tr.delivery-failed').first();
    const cells = await failed.locator('td').allTextContents();
    expect(cells[1]).toBe('Alert');
    expect(cells[2]).toMatch(/^E-mail to /);
    expect(cells[3]).toContain('high-severity detection');
    expect(cells[4]).toBe('Failed');
    expect(cells[6]).toBe(SMTP_NOT_CONFIGURED);

    // A test message checks the way without waiting for an attack; the page follows it to its outcome.
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await expect.poll(() => page.locator('#notify-test-status').textContent()).toMatch(/^Test notification queued \(e-mail\); it goes out within about 15 seconds\.$/);
    await server.runtime.notify.tick(); // the loop's next turn, without waiting up to 15 s for it
    await expect
      .poll(() => page.locator('#notify-test-status').textContent(), { timeout: 20_000 })
      .toBe(`Test notification: E-mail: failed: ${SMTP_NOT_CONFIGURED}.`);
    expect(await page.locator('#notify-test-status').getAttribute('class')).toContain('error');
    expect(await page.locator('tr.delivery-failed').first().locator('td').nth(1).textContent()).toBe('Test');
    // Not twice within a minute: it mails every admin of the directory.
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await expect.poll(() => page.locator('#notify-test-status').textContent()).toMatch(/^Could not send a test notification: a test notification was sent less than a minute ago; try again in \d+ s$/);
    await close(page);
  });

  it('lets a security admin look but not change, and shows the API\'s refusal when they try anyway', async () => {
    await portal.addUser('secadmin@northwind.example', 'security-admin');
    const page = await signedIn({ upn: 'secadmin@northwind.example' });
    // Notifications yes, API keys no (not in the nav, and its address leads to the start page).
    expect(await page.locator('nav a[data-page]').evaluateAll((as) => as.map((a) => a.getAttribute('data-page')))).toContain('notifications');
    expect(await page.locator('nav a[data-page="api-keys"]').count()).toBe(0);
    await page.goto(`${server.url}/#/page/api-keys`);
    await expect.poll(() => page.locator('#home').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Create a key' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByText('You can see these settings; only a global admin can change them.').waitFor();
    expect(await page.getByLabel('Notify about detections of severity').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByLabel('Webhook URL').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send a test notification' }).count()).toBe(0);
    await expect.poll(() => page.locator('#notify-deliveries-status').textContent()).toMatch(/delivery|deliveries/);

    // A page that believes it may (the role was changed elsewhere, the script was tampered with) is refused by the
    // API on every call, and says so in words rather than breaking.
    await page.evaluate("import('/portal/lib.js').then((lib) => { lib.current.session.role = 'global-admin'; })");
    await page.goto(`${server.url}/#/page/api-keys`);
    await expect
      .poll(() => page.locator('.page-body .error').first().textContent())
      .toMatch(/^You may not list the API keys: .*global-admin/);
    await page.goto(`${server.url}/#/page/notifications`);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#notify-settings-status').textContent()).toMatch(/^You may not change the notification settings: .+/);
    await page.getByLabel('Webhook URL').fill('https://siem.example.com/authlens');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect.poll(() => page.locator('#notify-hooks-status').textContent()).toMatch(/^You may not add the webhook: .+/);
    expect(await server.runtime.notify.listWebhooks('demo')).toEqual([]);
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await expect.poll(() => page.locator('#notify-test-status').textContent()).toMatch(/^You may not send a test notification: .*global-admin/);
    await close(page);
  });
});
