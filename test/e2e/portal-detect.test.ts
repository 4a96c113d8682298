/**
 * The portal's detection settings and IP lists pages in a real browser
 * (Debian's Chromium driven by playwright-core), against a real server with a
 * small demo tenant: backtest a change, save it, see it in the history; a
 * value the API refuses is shown next to its field; add a named location from
 * pasted addresses, refuse a private URL, remove a list; a reports reader
 * reads both pages but changes nothing, and the API refuses them too.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/main.ts';
import { startPortal, type PortalHarness } from './portal-harness.ts';

const READER = 'reader@northwind.example';

let portal: PortalHarness;
let server: RunningServer;

beforeAll(async () => {
  portal = await startPortal('portal-detect', { users: 120, days: 10, seed: 7 });
  server = portal.server;
  await portal.addUser(READER, 'reports-reader');
  // A list of the operator's, for every tenant: read-only in the portal.
  const file = path.join(portal.dataDir, 'operator-tor.txt');
  await writeFile(file, '192.0.2.1\n192.0.2.2\n');
  await server.runtime.enrichment.lists.add({ scope: 'global', name: 'operator-tor', category: 'anonymizer', source: file });
}, 180_000);

afterAll(async () => {
  await portal?.close();
});

const adminCredentials = (): { upn: string } => portal.admin;

/** A new page signed in as `upn` (replacing a one-time password on the way), at the portal page `pageId`. */
async function signedIn(upn: string, pageId: string): Promise<Page> {
  const page = await portal.signIn(upn);
  await page.locator(`nav a[data-page="${pageId}"]`).click();
  await page.locator('#page-title').waitFor();
  return page;
}
const asAdmin = (pageId: string): Promise<Page> => signedIn(portal.admin.upn, pageId);

/** The API as the page's own session (cookie and CSRF token of a fresh GET /session). */
async function apiFrom(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ([m, u, b]) => {
      const s = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const res = await fetch(u as string, {
        method: m as string,
        headers: { 'x-csrf-token': s.csrfToken, ...(b !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(b !== undefined ? { body: JSON.stringify(b) } : {}),
      });
      const t = await res.text();
      return { status: res.status, json: t ? (JSON.parse(t) as unknown) : null };
    },
    [method, url, body] as const,
  );
}

interface Settings {
  detectors: { id: string; enabled: boolean; logOnly: boolean; params: Record<string, unknown> }[];
  stored: Record<string, unknown>;
}
interface ListView {
  name: string;
  scope: string;
  category: string;
  entries: number;
}

describe('detection settings page', () => {
  it('lists every detector, backtests a lower D2 threshold without saving, then saves it with log-only D1 and shows the change in the history', async () => {
    const page = await asAdmin('detection-settings');
    // The page renders once the settings answer; reading before that saw none (under a loaded box).
    await page.locator('fieldset.ds-detector').first().waitFor();
    const legends = await page.locator('fieldset.ds-detector > legend').allTextContents();
    expect(legends).toEqual([
      'D1 · Sign ins from unknown sources',
      'D2 · Sign ins after multiple failures',
      'D3 · Sign ins from multiple geographies',
      'D4 · Sign ins from IP addresses with suspicious activity',
      'D5 · Sign ins from possibly infected devices',
      'D6 · Irregular sign in activity',
      'Brute force against one user',
      'MFA fatigue',
      'D8 · Users with leaked credentials',
    ]);
    await expect.poll(() => page.locator('.ds-history').innerText()).toContain('No changes yet');

    // Nothing changed: the backtest says what to do instead of running.
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await expect.poll(() => page.locator('.ds-status').textContent()).toMatch(/^Nothing changed yet/);

    const d2 = page.locator('fieldset[data-detector="D2"]');
    await d2.getByText('Parameters (6)').click();
    // A duration is edited in the unit of its default (1 hour).
    expect(await d2.getByLabel('Time window (hours)').inputValue()).toBe('1');
    await d2.getByLabel('Failed attempts before the success').fill('3');
    const asked = page.waitForRequest((r) => r.url().endsWith('/detections/D2/backtest'));
    await page.getByRole('button', { name: 'Run backtest' }).click();
    expect((await asked).postDataJSON()).toEqual({ set: { minFailures: 3 }, interval: '30d' });
    const row = page.locator('.ds-bt-table tbody tr[data-detector="D2"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    const [scanned, now, proposed, added, removed] = cells.map((c) => Number(c.replace(/[^\d]/g, '')));
    expect(scanned).toBeGreaterThan(1000);
    // Fewer failures needed: everything found now is still found, and more besides.
    expect(removed).toBe(0);
    expect(added).toBeGreaterThan(0);
    expect(proposed).toBe((now ?? 0) + (added ?? 0));
    expect(await page.locator('.ds-status').textContent()).toBe('Backtest done for D2. Nothing is saved yet.');
    // The examples name the users the new value would flag.
    await page.getByText('Examples for D2 · Sign ins after multiple failures').click();
    expect(await page.locator('.ds-examples li').first().textContent()).toMatch(/^New: \S+@northwind\.example · 20\d\d-/);
    const before = (await apiFrom(page, 'GET', '/api/v1/tenants/demo/detections/settings')).json as Settings;
    expect(before.detectors.find((d) => d.id === 'D2')?.params.minFailures).toBe(5);

    // Editing after the backtest says the results are out of date.
    await page.locator('fieldset[data-detector="D1"]').getByLabel(/^Log only/).check();
    await expect.poll(() => page.locator('.ds-backtest').textContent()).toContain('You changed settings since this backtest');

    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('.ds-status').textContent()).toMatch(/^Saved\./);
    const after = (await apiFrom(page, 'GET', '/api/v1/tenants/demo/detections/settings')).json as Settings;
    // Only what differs from the defaults is stored.
    expect(after.stored).toEqual({ D1: { logOnly: true }, D2: { params: { minFailures: 3 } } });
    expect(after.detectors.find((d) => d.id === 'D1')?.logOnly).toBe(true);
    // The page shows what was saved, and the history who did it.
    expect(await page.locator('fieldset[data-detector="D2"]').getByLabel('Failed attempts before the success').inputValue()).toBe('3');
    expect(await page.locator('fieldset[data-detector="D1"]').getByLabel(/^Log only/).isChecked()).toBe(true);
    const history = page.locator('.ds-history tbody tr').first();
    await history.waitFor();
    expect(await history.locator('td').nth(1).textContent()).toBe(adminCredentials().upn);
    const what = await history.locator('td').nth(2).innerText();
    expect(what).toContain('D1 · Sign ins from unknown sources: log only');
    expect(what).toContain('D2 · Sign ins after multiple failures: Failed attempts before the success 5 → 3');
    await page.close();
  });

  it('says D4\'s shared-reputation settings are not in effect when the deployment does not share, with on/off defaults', async () => {
    const page = await asAdmin('detection-settings');
    const d4 = page.locator('fieldset[data-detector="D4"]');
    await d4.waitFor();
    const receive = d4.getByLabel('Shared IP reputation: flag sign-ins from IPs that other directories found attacking');
    const hintId = ((await receive.getAttribute('aria-describedby')) ?? '').split(' ')[0] ?? '';
    expect(await page.locator(`[id="${hintId}"]`).textContent()).toBe(
      'Default: on. Not in effect: this deployment does not share IP reputation (its operator turns it on with AUTHLENS_SHARED_IP_REPUTATION=1)',
    );
    await page.context().close();
  });

  it('shows a value the API refuses next to its field, focuses it, and stores nothing', async () => {
    const page = await asAdmin('detection-settings');
    // The history as it stands (the first test saved once; each test also works alone).
    await page.locator('.ds-history table, .ds-history p').first().waitFor();
    const rows = await page.locator('.ds-history tbody tr').count();
    const brute = page.locator('fieldset[data-detector="brute-force"]');
    await brute.getByText('Parameters (3)').click();
    const threshold = brute.getByLabel('Consecutive failures');
    await threshold.fill('1');
    // A duration is edited in days here; the API's limit, in milliseconds, is said in the field's terms.
    const reset = brute.getByLabel('Count resets after (days)');
    await reset.fill('0');
    const answered = page.waitForResponse((r) => r.url().endsWith('/detections/settings') && r.request().method() === 'PUT');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect((await answered).status()).toBe(400);
    await expect.poll(() => page.locator('.page-body [role=alert]').first().textContent()).toBe('Not saved. 2 values are not valid; see the messages next to the fields.');
    const describedBy = (await threshold.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').pop() ?? '';
    expect(await page.locator(`#${errorId}`).textContent()).toBe('must be >= 2');
    expect(await threshold.getAttribute('aria-invalid')).toBe('true');
    const resetError = ((await reset.getAttribute('aria-describedby')) ?? '').split(' ').pop() ?? '';
    expect(await page.locator(`#${resetError}`).textContent()).toBe('must be >= 1 minute');
    expect(await threshold.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // A backtest of the same value is refused the same way.
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await expect.poll(() => page.locator(`#${errorId}`).textContent()).toBe('must be >= 2');
    expect(await page.locator('.ds-bt-table').count()).toBe(0);
    const settings = (await apiFrom(page, 'GET', '/api/v1/tenants/demo/detections/settings')).json as Settings;
    expect(settings.detectors.find((d) => d.id === 'brute-force')?.params.threshold).toBe(10);
    expect(((await apiFrom(page, 'GET', '/api/v1/tenants/demo/detections/settings/history')).json as { value: unknown[] }).value).toHaveLength(rows);
    // Discarding shows what runs again, without the messages.
    await page.getByRole('button', { name: 'Discard changes' }).click();
    const fresh = page.locator('fieldset[data-detector="brute-force"]');
    await fresh.getByText('Parameters (3)').click();
    expect(await fresh.getByLabel('Consecutive failures').inputValue()).toBe('10');
    expect(await fresh.getByLabel('Consecutive failures').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('.page-body [role=alert]').first().textContent()).toBe('');
    await page.close();
  });
});

describe('IP lists and named locations page', () => {
  it("shows named locations apart from reputation lists, the operator's global list read-only", async () => {
    const page = await asAdmin('lists');
    const named = page.getByRole('region', { name: 'Named locations', exact: true });
    const reputation = page.getByRole('region', { name: 'IP reputation lists' });
    await named.locator('tr[data-list="corporate-egress"]').waitFor();
    expect(await named.locator('tbody tr[data-list]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-list')))).toEqual(['corporate-egress']);
    const tor = reputation.locator('tr[data-list="demo-tor-exits"]');
    expect(await tor.locator('td').first().textContent()).toBe('Anonymizer');
    expect(await tor.getByRole('button', { name: 'Remove demo-tor-exits' }).count()).toBe(1);
    const global = reputation.locator('tr[data-list="operator-tor"]');
    expect(await global.locator('td').allTextContents()).toEqual(expect.arrayContaining(['All directories', 'Read-only']));
    expect(await global.getByRole('button').count()).toBe(0);
    await page.close();
  });

  it('adds a named location from pasted addresses, reports the rejected line, refuses a private URL, and removes it again', async () => {
    const page = await asAdmin('lists');
    const form = page.getByRole('form', { name: 'Add a list or named location' });
    await form.getByLabel('List name').fill('head-office');
    // A named location is what an admin adds most: it is the first choice.
    expect(await form.getByLabel('Category').inputValue()).toBe('trusted');
    await page.getByLabel('IP addresses and ranges').fill('203.0.113.0/24\n2001:db8::/32\nnot-an-ip\n# our VPN\n');
    await page.getByRole('button', { name: 'Add list' }).click();
    await expect
      .poll(() => page.locator('.ls-form [role=status]').textContent())
      .toBe('Added the named location “head-office” with 2 entries; 1 line was rejected. It applies to the next sign-ins.');
    expect(await page.locator('.ls-result').innerText()).toContain('Line 3: not an IP address: not-an-ip');
    const row = page.getByRole('region', { name: 'Named locations', exact: true }).locator('tr[data-list="head-office"]');
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('2 (1 IPv4, 1 IPv6, 1 line rejected)');
    let lists = (await apiFrom(page, 'GET', '/api/v1/tenants/demo/lists')).json as ListView[];
    expect(lists.find((l) => l.name === 'head-office')).toMatchObject({ scope: 'tenant', category: 'trusted', entries: 2 });

    // A URL to the server's own network is refused by the API, and said next to the field.
    await page.getByLabel('List name').fill('internal');
    await page.getByLabel('Download from a URL').check();
    expect(await page.getByLabel('IP addresses and ranges').isVisible()).toBe(false);
    const url = page.getByLabel('Address of the list (http or https)');
    await url.fill('http://127.0.0.1:9/list.txt');
    await page.getByRole('button', { name: 'Add list' }).click();
    await expect.poll(() => page.locator('#ls-source-error').textContent()).toBe('Not added: 127.0.0.1 is not a public address; lists are downloaded from the internet only');
    expect(await url.getAttribute('aria-invalid')).toBe('true');

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Remove head-office' }).click();
    await expect.poll(() => page.locator('.ls-status').first().textContent()).toBe('Removed the named location “head-office”.');
    expect(await page.locator('tr[data-list="head-office"]').count()).toBe(0);
    lists = (await apiFrom(page, 'GET', '/api/v1/tenants/demo/lists')).json as ListView[];
    expect(lists.map((l) => l.name)).not.toContain('head-office');
    expect(lists.map((l) => l.name)).not.toContain('internal');
    await page.close();
  });
});

describe('a reports reader', () => {
  it('reads the detection settings and the lists but is offered no change, and the API refuses one', async () => {
    const page = await signedIn(READER, 'detection-settings');
    await page.locator('fieldset.ds-detector').first().waitFor();
    expect(await page.locator('.ds-note').first().textContent()).toBe('You can read these settings. Only global admins and security admins can change them or run a backtest.');
    expect(await page.locator('fieldset[data-detector="D1"]').getByLabel(/^Log only/).isDisabled()).toBe(true);
    // It sees what the admin saved in the first test.
    expect(await page.locator('fieldset[data-detector="D1"]').getByLabel(/^Log only/).isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run backtest' }).count()).toBe(0);
    await expect.poll(() => page.locator('.ds-history tbody tr').count()).toBeGreaterThan(0);
    expect((await apiFrom(page, 'PUT', '/api/v1/tenants/demo/detections/settings', {})).status).toBe(403);
    expect((await apiFrom(page, 'POST', '/api/v1/tenants/demo/detections/D2/backtest', {})).status).toBe(403);

    await page.locator('nav a[data-page="lists"]').click();
    await page.locator('tr[data-list="corporate-egress"]').waitFor();
    expect(await page.locator('.ls-note').textContent()).toBe('Only global admins and security admins can add or remove lists and named locations.');
    expect(await page.getByRole('form', { name: 'Add a list or named location' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect((await apiFrom(page, 'DELETE', '/api/v1/tenants/demo/lists/corporate-egress')).status).toBe(403);
    await page.close();
  });
});
