/**
 * The IdP connector in a real browser (Debian's Chromium driven by
 * playwright-core) against a real server with a small demo tenant: a global
 * admin sets a webhook connector pointed at a real receiver on loopback,
 * presses Revoke sessions for a risky user, confirms, and sees the outcome
 * and the history; the receiver gets the signed request. A cancelled dialog
 * sends nothing; a reports-reader sees no action buttons and no connector page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { verifySignature } from '../../src/notify/cloud-events.ts';
import { startHook, type LocalHook } from '../../src/notify/testing/local-servers.ts';
import { startPortal, type PortalHarness } from './portal-harness.ts';

const READER = 'auditor@northwind.example';
let portal: PortalHarness;
let receiver: LocalHook;
let secret = '';

beforeAll(async () => {
  receiver = await startHook();
  // The receiver is on loopback: only reachable because the operator allows private hosts.
  portal = await startPortal('portal-connector', { users: 120, days: 10, seed: 7 }, { AUTHLENS_WEBHOOK_ALLOW_PRIVATE: '1' });
  await portal.addUser(READER, 'reports-reader');
}, 180_000);

afterAll(async () => {
  await portal?.close();
  await receiver?.close();
});

function signedIn(hash: string, upn: string = portal.admin.upn): Promise<Page> {
  return portal.signIn(upn, { hash, context: { viewport: { width: 1400, height: 1000 } } });
}

async function firstRiskyUser(page: Page): Promise<string> {
  await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 15_000 }).toMatch(/risky users?, detections from/);
  const upn = await page.locator('table.risky-users tbody tr[data-upn]').first().getAttribute('data-upn');
  if (upn === null) throw new Error('no risky user listed');
  return upn;
}

describe('portal: IdP connector', () => {
  it('a global admin sets a webhook connector; the secret is generated in the page and never shown back', async () => {
    const page = await signedIn('');
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'IdP connector' }).click();
    await expect.poll(() => page.locator('.empty').first().textContent(), { timeout: 15_000 }).toContain('No connector');
    await page.getByLabel('Kind').selectOption('webhook');
    await page.getByLabel('Automation URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Generate a secret' }).click();
    secret = await page.getByLabel('Signing secret (16 characters or more)').inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Save connector' }).click();
    await expect.poll(() => page.locator('#connector-status').textContent(), { timeout: 15_000 }).toContain('Connector saved');
    // The form was redrawn under the keyboard: focus is on the outcome, not lost to the page.
    expect(await page.evaluate('document.activeElement?.id')).toBe('connector-status');
    expect(await page.locator('.connector-summary').textContent()).toContain('secret set (never shown)');
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByLabel('Signing secret (16 characters or more)').inputValue()).toBe('');
    await page.close();
  });

  it('Revoke sessions asks first, then the receiver gets the signed request and the history shows the outcome', async () => {
    const page = await signedIn('#/page/risky-users');
    const upn = await firstRiskyUser(page);
    await page.getByRole('button', { name: `Show detections of ${upn}` }).click();
    const detail = page.locator('tr.risky-detail:not([hidden])');
    const revoke = detail.getByRole('button', { name: 'Revoke sessions' });
    await revoke.waitFor();
    expect(await detail.getByRole('button', { name: 'Reset password' }).count()).toBe(1);
    expect(await detail.getByRole('button', { name: 'Require MFA' }).count()).toBe(1);
    expect(await detail.innerText()).not.toContain('Only global admins and security admins can change');

    // Cancel: nothing is sent.
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: `Revoke sessions for ${upn}?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(receiver.received).toHaveLength(0);

    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke sessions' }).click();
    await expect.poll(() => detail.locator('.idp-actions .status-line').textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Revoke sessions for ${upn.replace(/\./g, '\\.')}: request accepted by the automation at 127\\.0\\.0\\.1:\\d+\\.$`));
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(verifySignature(got.body, secret, got.headers['x-authlens-signature'] as string)).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'com.authlens.breachAction', data: { action: 'revokeSessions', user: { userPrincipalName: upn }, tenant: 'demo', requestedBy: portal.admin.upn } });
    await expect
      .poll(() => detail.locator('li.idp-action').first().textContent(), { timeout: 15_000 })
      .toContain(`Revoke sessions through the webhook automation connector, by ${portal.admin.upn}: accepted`);
    // The long history lines wrap inside the page: the table does not grow sideways out of view.
    const wrap = await page.locator('.table-wrap', { has: page.locator('table.risky-users') }).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(wrap.scroll).toBeLessThanOrEqual(wrap.client + 1);
    await page.close();
  });

  it('a reports-reader sees no action buttons and no connector page', async () => {
    const page = await signedIn('#/page/risky-users', READER);
    const upn = await firstRiskyUser(page);
    await page.getByRole('button', { name: `Show detections of ${upn}` }).click();
    const detail = page.locator('tr.risky-detail:not([hidden])');
    await expect.poll(() => detail.textContent(), { timeout: 15_000 }).toContain('Only global admins and security admins can change');
    for (const name of ['Revoke sessions', 'Reset password', 'Require MFA']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'IdP connector' }).count()).toBe(0);
    // The API refuses the reader too, with the session's CSRF token (so it is the role that is refused).
    const res = await page.evaluate(async (u) => {
      const s = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const r = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: '{"action":"revokeSessions"}' });
      return { status: r.status, code: ((await r.json()) as { error: { code: string } }).error.code };
    }, `/api/v1/tenants/demo/risky-users/${encodeURIComponent(upn)}/actions`);
    expect(res).toEqual({ status: 403, code: 'forbidden' });
    expect(receiver.received).toHaveLength(1);
    await page.close();
  });
});
