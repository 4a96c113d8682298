/**
 * The Incidents page in a real browser (Debian's Chromium driven by
 * playwright-core) against a real server with a small demo tenant: the list
 * the API answers, a spray's account takeover with the victim's directory
 * changes on its timeline, a status recorded with a reason (and seen in the
 * history and the API), and a reports-reader who may read but not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPortal, type PortalHarness } from './portal-harness.ts';

const READER = 'auditor@northwind.example';

let portal: PortalHarness;

interface IncidentSummary {
  id: string;
  title: string;
  status: string;
  directoryChanges: number;
  compromisedUsers: string[];
}

beforeAll(async () => {
  portal = await startPortal('portal-incidents', { users: 120, days: 10, seed: 7 });
  await portal.addUser(READER, 'reports-reader');
}, 180_000);

afterAll(async () => {
  await portal?.close();
});

function signedIn(upn: string = portal.admin.upn): Promise<Page> {
  return portal.signIn(upn, { context: { viewport: { width: 1400, height: 1000 } } });
}

async function apiJson<T>(page: Page, url: string, init?: { method: string; body: string }): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ([u, i]) => {
      const csrf = ((await (await fetch('/api/v1/session')).json()) as { csrfToken: string }).csrfToken;
      const res = await fetch(u, i === undefined ? undefined : { method: i.method, body: i.body, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf } });
      return { status: res.status, json: await res.json() };
    },
    [url, init] as const,
  ) as Promise<{ status: number; json: T }>;
}

const status = (page: Page) => page.getByRole('status').first();

describe('portal: incidents', () => {
  it('lists the incidents the API answers, and shows a takeover\'s timeline with the directory changes after the sign-in', async () => {
    const page = await signedIn();
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Incidents' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toMatch(/^\d+ incidents?, newest activity first/);
    const all = (await apiJson<{ value: IncidentSummary[] }>(page, '/api/v1/tenants/demo/incidents?interval=30d')).json.value;
    expect(all.length).toBeGreaterThan(0);
    expect(await page.locator('table.incidents tbody tr[data-incident]').count()).toBe(all.length);

    const takeover = all.find((i) => i.directoryChanges > 0 && i.compromisedUsers.length > 0);
    expect(takeover, 'the demo scripts a spray whose victim then changes the directory').toBeDefined();
    const row = page.locator(`tr[data-incident="${takeover?.id ?? ''}"]`);
    expect(await row.locator('td').nth(1).locator('strong').textContent()).toBe(takeover?.title);
    await row.getByRole('button', { name: `Show the timeline of ${takeover?.title ?? ''}` }).click();
    const detail = page.locator('tr.incident-detail:not([hidden])');
    await detail.locator('ol.timeline li').first().waitFor();
    const changes = detail.locator('ol.timeline li[data-kind="directoryChange"]');
    expect(await changes.count()).toBe(takeover?.directoryChanges);
    expect(await changes.first().textContent()).toContain('User registered security info');
    expect(await changes.first().textContent()).toContain('MFA method registered or changed after a suspicious sign-in');
    // The victim links to their user page.
    expect(await row.getByRole('link', { name: takeover?.compromisedUsers[0] ?? '' }).getAttribute('href')).toBe(`#/page/user?upn=${encodeURIComponent(takeover?.compromisedUsers[0] ?? '')}`);
    await page.context().close();
  });

  it('records a status with a reason, shows it in the list and the history, and filters by it', async () => {
    const page = await signedIn();
    await page.goto(`${portal.server.url}/#/page/incidents`);
    await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toMatch(/^\d+ incidents?, /);
    const first = page.locator('table.incidents tbody tr[data-incident]').first();
    const id = (await first.getAttribute('data-incident')) ?? '';
    const title = (await first.locator('td').nth(1).locator('strong').textContent()) ?? '';
    await first.getByRole('button', { name: /^Show the timeline/ }).click();
    const detail = page.locator('tr.incident-detail:not([hidden])');
    await detail.getByLabel('Reason (optional, kept in the history)').fill('reset the password and removed the MFA method');
    await detail.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => status(page).textContent()).toMatch(new RegExp(`^“.+”: New → Resolved by ${portal.admin.upn.replace(/\./g, '\\.')}\\. \\d+ incident`));
    expect(await page.locator(`tr[data-incident="${id}"] .incident-status`).textContent()).toBe('Resolved');

    const one = (await apiJson<{ status: string; history: { to: string; reason?: string; by: string }[] }>(page, `/api/v1/tenants/demo/incidents/${id}`)).json;
    expect([one.status, one.history]).toEqual(['resolved', [expect.objectContaining({ to: 'resolved', reason: 'reset the password and removed the MFA method', by: portal.admin.upn })]]);

    await page.getByLabel('Status').selectOption('resolved');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => page.locator('table.incidents tbody tr[data-incident]').count()).toBe(1);
    await page.locator(`tr[data-incident="${id}"]`).getByRole('button', { name: `Show the timeline of ${title}` }).click();
    await expect.poll(() => page.locator('tr.incident-detail:not([hidden])').textContent()).toContain('New → Resolved, by');
    await page.context().close();
  });

  it('lets a reports-reader read the timelines but offers no status change, and the API refuses one', async () => {
    const page = await signedIn(READER);
    await page.goto(`${portal.server.url}/#/page/incidents`);
    await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toMatch(/^\d+ incidents?, /);
    expect(await page.locator('.page-body').textContent()).toContain('Only global admins and security admins can change an incident’s status.');
    const first = page.locator('table.incidents tbody tr[data-incident]').first();
    const id = (await first.getAttribute('data-incident')) ?? '';
    await first.getByRole('button', { name: /^Show the timeline/ }).click();
    await page.locator('tr.incident-detail:not([hidden]) ol.timeline li').first().waitFor();
    expect(await page.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Mark active' }).count()).toBe(0);
    const refused = await apiJson<{ error: { code: string } }>(page, `/api/v1/tenants/demo/incidents/${id}/status`, { method: 'POST', body: JSON.stringify({ status: 'resolved' }) });
    expect([refused.status, refused.json.error.code]).toEqual([403, 'forbidden']);
    await page.context().close();
  });
});
