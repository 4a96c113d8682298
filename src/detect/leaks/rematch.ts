/**
 * D8 for everything a tenant has stored: its whole leak feed against its
 * current directory. `leaks import` runs it for the new records; the
 * composition root can run it after a directory import, so users added after
 * the feed still match (ids are deterministic: re-running adds only new ones).
 */
import type { Detection } from '../../schema/detections.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { ControlStore, DetectorSettingsStore, LeakStore } from '../../store/ports.ts';
import { matchLeaks } from './match-leaks.ts';

export interface RematchDeps {
  readonly leaks: Pick<LeakStore, 'listLeaks'>;
  readonly control: Pick<ControlStore, 'getDirectory'>;
  readonly settings: Pick<DetectorSettingsStore, 'getSettings'>;
}

export async function rematchLeaks(tenant: TenantId, deps: RematchDeps): Promise<Detection[]> {
  const raw = await deps.settings.getSettings(tenant);
  const d8 = (typeof raw.D8 === 'object' && raw.D8 !== null ? raw.D8 : {}) as { enabled?: unknown; logOnly?: unknown };
  if (d8.enabled === false) return [];
  const [leaks, directory] = await Promise.all([deps.leaks.listLeaks(tenant), deps.control.getDirectory(tenant)]);
  return matchLeaks(leaks, directory.users, { logOnly: d8.logOnly === true });
}
