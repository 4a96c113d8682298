/**
 * The Risky users and User pages in a real browser (Debian's Chromium driven by
 * playwright-core) against a real server with a small demo tenant: list and
 * filter risky users, open their detections, record a state (and see it in
 * the history and the API), a reports-reader who may look but not change, an
 * edition without risky users, and one user's devices on the offline map
 * with their sign-ins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/main.ts';
import { startPortal, type PortalHarness } from './portal-harness.ts';

const READER = 'auditor@northwind.example';

let portal: PortalHarness;
let server: RunningServer;
let adminUpn = '';

interface RiskyUser {
  userPrincipalName: string;
  riskLevel: string;
  riskState: string | null;
  contributing: { id: string; detector: string }[];
}

beforeAll(async () => {
  portal = await startPortal('portal-users', { users: 120, days: 10, seed: 7 });
  server = portal.server;
  adminUpn = portal.admin.upn;
  await portal.addUser(READER, 'reports-reader');
}, 180_000);

afterAll(async () => {
  await portal?.close();
});

/** A new page signed in as `upn` (the demo's global admin by default), then at `hash`. */
function signedIn(hash: string, upn: string = adminUpn): Promise<Page> {
  return portal.signIn(upn, { hash, context: { viewport: { width: 1400, height: 1000 } } });
}

/** The API's answer in the page's session, as the page itself would get it. */
async function apiJson<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (u) => (await fetch(u)).json(), url) as Promise<T>;
}

const status = (page: Page) => page.getByRole('status').first();

describe('portal: risky users', () => {
  it('lists the risky users the API answers, in the Manage section, and filters them by level', async () => {
    const page = await signedIn('');
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Risky users' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toMatch(/^\d+ risky users?, detections from /);
    const all = await apiJson<{ value: RiskyUser[] }>(page, '/api/v1/tenants/demo/risky-users?interval=30d');
    expect(all.value.length).toBeGreaterThan(1);
    expect(await page.locator('table.risky-users tbody tr[data-upn]').count()).toBe(all.value.length);
    expect(await status(page).textContent()).toContain(`${all.value.length} risky user`);
    // Each row links to the user's page.
    const first = all.value[0]!.userPrincipalName;
    expect(await page.getByRole('link', { name: first, exact: true }).getAttribute('href')).toBe(`#/page/user?upn=${encodeURIComponent(first)}`);

    const levels = new Set(all.value.map((u) => u.riskLevel));
    const pick = levels.has('medium') ? 'medium' : 'low';
    const expected = all.value.filter((u) => u.riskLevel === pick).length;
    const answered = page.waitForResponse((r) => r.url().includes(`/risky-users?`) && r.url().includes(`level=${pick}`));
    await page.getByLabel('Risk level').selectOption(pick);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await answered;
    await expect.poll(() => page.locator('table.risky-users tbody tr[data-upn]').count()).toBe(expected);
    if (expected > 0) expect(new Set(await page.locator('table.risky-users tbody .risk-badge').allTextContents())).toEqual(new Set([pick === 'medium' ? 'Medium' : 'Low']));
    else expect(await status(page).textContent()).toMatch(/^No risky users with level /);
    await page.close();
  });

  it("opens a user's detections with their evidence from the anomaly reports", async () => {
    const page = await signedIn('#/page/risky-users');
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toMatch(/risky users?, detections from/);
    const all = await apiJson<{ value: RiskyUser[] }>(page, '/api/v1/tenants/demo/risky-users?interval=30d');
    // A user whose detections include an anonymizer sign-in (D1): its evidence names the IP list.
    const u = all.value.find((x) => x.contributing.some((c) => c.detector === 'D1'));
    expect(u).toBeDefined();
    const open = page.getByRole('button', { name: `Show detections of ${u!.userPrincipalName}` });
    expect(await open.getAttribute('aria-expanded')).toBe('false');
    await open.click();
    const hide = page.getByRole('button', { name: `Hide detections of ${u!.userPrincipalName}` });
    expect(await hide.getAttribute('aria-expanded')).toBe('true');
    const detail = page.locator(`#${(await hide.getAttribute('aria-controls')) ?? ''}`);
    await expect.poll(() => detail.locator('ul.detections li').count(), { timeout: 15_000 }).toBe(u!.contributing.length);
    await expect.poll(() => detail.innerText(), { timeout: 15_000 }).toMatch(/Evidence: .*\(anonymizer\)/);
    expect(await detail.innerText()).toContain('Sign-in from an unknown source (anonymizer)');
    await expect.poll(() => detail.innerText()).toContain('No one has changed this user\u2019s state yet.');
    // A global admin may record a state here.
    for (const b of ['Confirm compromised', 'Mark remediated', 'Dismiss']) expect(await detail.getByRole('button', { name: b }).isVisible(), b).toBe(true);
    await hide.click();
    expect(await detail.isVisible()).toBe(false);
    await page.close();
  });

  it('dismisses a user with a reason: the list, the history and the API all show it', async () => {
    const page = await signedIn('#/page/risky-users');
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toMatch(/risky users?, detections from/);
    const all = await apiJson<{ value: RiskyUser[] }>(page, '/api/v1/tenants/demo/risky-users?interval=30d');
    const atRisk = all.value.filter((x) => x.riskState === 'atRisk' || x.riskState === null);
    expect(atRisk.length).toBeGreaterThan(1);
    const victim = atRisk[atRisk.length - 1]!.userPrincipalName;
    await page.getByRole('button', { name: `Show detections of ${victim}` }).click();
    const detail = page.locator('tr.risky-detail:not([hidden])');
    await detail.getByLabel('Reason (optional, kept in the history)').fill('travelling, confirmed by phone');
    await detail.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toContain(`${victim}: state changed from At risk to Dismissed by ${adminUpn}.`);
    // The status takes the focus, so a screen reader reads the answer.
    expect(await page.locator(':focus').getAttribute('role')).toBe('status');
    // Dismissing clears the detections up to now: the user leaves the list.
    expect(await page.locator(`table.risky-users tr[data-upn="${victim}"]`).count()).toBe(0);
    const one = await apiJson<{ riskState: string; history: { to: string; by: string; reason?: string }[] }>(page, `/api/v1/tenants/demo/risky-users/${encodeURIComponent(victim)}`);
    expect(one.riskState).toBe('dismissed');
    expect(one.history.at(-1)).toMatchObject({ to: 'dismissed', by: adminUpn, reason: 'travelling, confirmed by phone' });
    await page.close();
  });

  it('confirms a user compromised: the user stays high, shown with the new state and its history', async () => {
    const page = await signedIn('#/page/risky-users');
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toMatch(/risky users?, detections from/);
    const all = await apiJson<{ value: RiskyUser[] }>(page, '/api/v1/tenants/demo/risky-users?interval=30d');
    const victim = all.value.find((x) => x.riskState === 'atRisk' || x.riskState === null)!.userPrincipalName;
    await page.getByRole('button', { name: `Show detections of ${victim}` }).click();
    await page.locator('tr.risky-detail:not([hidden])').getByRole('button', { name: 'Confirm compromised' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toContain(`${victim}: state changed from At risk to Confirmed compromised`);
    const row = page.locator(`table.risky-users tr[data-upn="${victim}"]`);
    expect(await row.locator('td').nth(1).textContent()).toBe('High');
    expect(await row.locator('td').nth(2).textContent()).toBe('Confirmed compromised');
    // The state filter finds it.
    await page.getByLabel('State').selectOption('confirmedCompromised');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => page.locator('table.risky-users tbody tr[data-upn]').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining(victim)]);
    await page.getByRole('button', { name: `Show detections of ${victim}` }).click();
    await expect.poll(() => page.locator('tr.risky-detail:not([hidden])').innerText(), { timeout: 15_000 }).toMatch(new RegExp(`: Confirmed compromised, by ${adminUpn.replace(/\./g, '\\.')}`));
    await page.close();
  });

  it('lets a reports-reader look but not change a state, and the API refuses it too', async () => {
    const page = await signedIn('#/page/risky-users', READER);
    expect(await page.locator('#who').textContent()).toContain('reports-reader');
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toMatch(/risky users?, detections from/);
    const all = await apiJson<{ value: RiskyUser[] }>(page, '/api/v1/tenants/demo/risky-users?interval=30d');
    const u = all.value[0]!.userPrincipalName;
    await page.getByRole('button', { name: `Show detections of ${u}` }).click();
    const detail = page.locator('tr.risky-detail:not([hidden])');
    await expect.poll(() => detail.innerText()).toContain('Only global admins and security admins can change this user\u2019s state.');
    expect(await detail.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Dismiss' }).count()).toBe(0);
    const refused = await page.evaluate(async (upn) => {
      const s = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const r = await fetch(`/api/v1/tenants/demo/risky-users/${encodeURIComponent(upn)}/state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ state: 'dismissed' }),
      });
      return { status: r.status, body: (await r.json()) as { error: { code: string } } };
    }, u);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    await page.close();
  });

  it('says in words that an edition below Premium has no risky users, and the user page still shows devices', async () => {
    const control = server.runtime.store.control;
    await control.updateTenant('demo', { edition: 'basic' });
    try {
      const page = await signedIn('#/page/risky-users');
      await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toBe("Not available in this directory's edition: risky users need the Premium edition.");
      expect(await page.locator('table.risky-users').isVisible()).toBe(false);
      expect(await page.getByLabel('Risk level').isVisible()).toBe(false);
      // Devices and Activity are Free reports: the user page shows them, and the risk part says why it is empty.
      await page.goto(`${server.url}/#/page/user?upn=${encodeURIComponent(adminUpn)}`);
      await expect.poll(() => page.locator('.user-risk').innerText(), { timeout: 15_000 }).toContain("Not available in this directory's edition: risky users need the Premium edition.");
      await expect.poll(() => page.locator('ol.place-list li').count()).toBeGreaterThan(0);
      await page.close();
    } finally {
      await control.updateTenant('demo', { edition: 'premium' });
    }
  });
});

interface DeviceRow {
  city: string | null;
  countryOrRegion: string | null;
  latitude: number | null;
  signIns: number;
}

describe('portal: user page', () => {
  it('comes from the risky users list and draws the devices on the offline map, with the same places in a list', async () => {
    const page = await signedIn('#/page/risky-users');
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toMatch(/risky users?, detections from/);
    const all = await apiJson<{ value: RiskyUser[] }>(page, '/api/v1/tenants/demo/risky-users?interval=30d');
    const upn = all.value[0]!.userPrincipalName;
    await page.getByRole('link', { name: upn, exact: true }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toBe(`Showing ${upn}, last 30 days.`);
    expect(await page.getByRole('textbox', { name: 'User principal name' }).inputValue()).toBe(upn);
    expect(await page.locator('nav a[data-page="user"]').getAttribute('aria-current')).toBe('page');

    const devices = await apiJson<{ rows: DeviceRow[] }>(page, `/api/v1/tenants/demo/reports/user-devices?user=${encodeURIComponent(upn)}&interval=30d&view=portal`);
    const places = new Map<string, number>();
    for (const r of devices.rows) {
      const k = [r.city, r.countryOrRegion].filter(Boolean).join(', ');
      places.set(k, (places.get(k) ?? 0) + r.signIns);
    }
    expect(places.size).toBeGreaterThan(0);
    // The demo's GeoIP places every sign-in: each place is a point.
    expect(devices.rows.every((r) => r.latitude !== null)).toBe(true);
    // Country outlines from the served Natural Earth data: far more than a graticule.
    expect(await page.locator('svg.world-map path.country').count()).toBeGreaterThan(100);
    expect(await page.locator('svg.world-map g.place circle').count()).toBe(places.size);
    const labels = await page.locator('svg.world-map g.place text:not(.halo)').allTextContents();
    const items = await page.locator('ol.place-list > li').allInnerTexts();
    expect(items.length).toBe(places.size);
    for (const [name, n] of places) {
      const count = `${n.toLocaleString('en-US')} sign-in${n === 1 ? '' : 's'}`;
      expect(labels, name).toContain(`${name} · ${count}`);
      expect(items.some((t) => t.startsWith(`${name} — ${count}`)), name).toBe(true);
    }
    expect(await page.locator('svg.world-map title#map-title').textContent()).toContain(`Map of the places ${upn} signed in from:`);
    // The list beside the map is reachable with the keyboard.
    await page.locator('ol.place-list > li').first().focus();
    expect(await page.locator('ol.place-list > li:first-child:focus').count()).toBe(1);
    if (items.length > 1) {
      await page.keyboard.press('Tab');
      expect(await page.locator('ol.place-list > li:nth-child(2):focus').count()).toBe(1);
    }

    // Activity: the user's sign-ins as the Activity report answers them.
    const activity = await apiJson<{ total: number }>(page, `/api/v1/tenants/demo/reports/user-activity?user=${encodeURIComponent(upn)}&interval=30d&view=portal`);
    expect(activity.total).toBeGreaterThan(0);
    await expect.poll(() => page.locator('section[aria-labelledby="user-activity-h"] tbody tr').count()).toBe(Math.min(activity.total, 1000));
    expect(await page.locator('.user-risk').innerText()).toMatch(/Risk level (High|Medium|Low)/);
    await page.close();
  });

  it('looks up another user with the form, and says so when a name has no sign-ins', async () => {
    const page = await signedIn('#/page/user');
    const input = page.getByRole('textbox', { name: 'User principal name' });
    await expect.poll(() => page.locator(':focus').getAttribute('name')).toBe('upn');
    await input.fill(adminUpn);
    await page.getByLabel('Period').selectOption('7d');
    await page.getByRole('button', { name: 'Show user' }).click();
    await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toBe(`Showing ${adminUpn}, last 7 days.`);
    expect(new URL(page.url()).hash).toBe(`#/page/user?upn=${encodeURIComponent(adminUpn)}&interval=7d`);
    expect(await page.locator('ol.place-list > li').count()).toBeGreaterThan(0);

    await page.getByRole('textbox', { name: 'User principal name' }).fill('nobody@northwind.example');
    await page.getByRole('button', { name: 'Show user' }).click();
    await expect.poll(() => page.locator('.user-page').innerText(), { timeout: 15_000 }).toContain('No sign-ins by nobody@northwind.example in this period.');
    expect(await page.locator('.user-risk').innerText()).toContain('No user nobody@northwind.example in this directory, and no detections for that name.');
    expect(await page.locator('svg.world-map').count()).toBe(0);
    await page.close();
  });
});
