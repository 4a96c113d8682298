/**
 * Runs every detector over a simulated world the way production does:
 * events through the real enricher (bundled GeoLite2 city and ASN data), the
 * world's IP lists as list tags, leaks through the D8 matcher, and D7 over
 * the result. Used by the quality test and for reporting figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Detection } from '../../src/schema/detections.ts';
import type { EnrichedSignIn, IpTag } from '../../src/schema/enrichment.ts';
import { loadEnrichmentData } from '../../src/enrich/load.ts';
import type { SimulatedWorld } from '../../src/sim/index.ts';
import { STREAMING_DETECTORS } from '../../src/detect/detectors/registry.ts';
import { DetectionEngine } from '../../src/detect/engine/engine.ts';
import { resolveSettings } from '../../src/detect/engine/settings.ts';
import { matchLeaks } from '../../src/detect/leaks/match-leaks.ts';
import { aggregateRiskyUsers } from '../../src/detect/risk/risky-users.ts';

export async function detectWorld(world: SimulatedWorld, tenant = 'quality'): Promise<Detection[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'authlens-quality-'));
  const enrichment = await loadEnrichmentData({ dataDir: dir }, { listPollSeconds: 0, urlRefreshSeconds: 0 });
  try {
    const tags = new Map<string, IpTag[]>();
    const tag = (ips: readonly string[], t: IpTag): void => {
      for (const ip of ips) tags.set(ip, [...(tags.get(ip) ?? []), t]);
    };
    tag(world.lists.torExits, { list: 'tor-exits', category: 'anonymizer' });
    tag(world.lists.botnet, { list: 'botnet-c2-clients', category: 'botnet' });
    tag(world.lists.corporateEgress, { list: 'corporate-egress', category: 'trusted' });
    const settings = resolveSettings(STREAMING_DETECTORS, {});
    if (!settings.ok) throw new Error('detector defaults do not validate');
    const engine = new DetectionEngine({ tenant, detectors: STREAMING_DETECTORS, settings: settings.settings, latenessMs: 600_000 });
    const out: Detection[] = [];
    let batch: EnrichedSignIn[] = [];
    for (const ev of world.events()) {
      if (ev.kind !== 'signIn') continue;
      const e = enrichment.enrich(tenant, ev);
      if (e.kind !== 'signIn') continue;
      const listed = e.ipAddress === undefined ? undefined : tags.get(e.ipAddress);
      batch.push(listed === undefined ? e : { ...e, enrichment: { ...e.enrichment, ipTags: [...e.enrichment.ipTags, ...listed] } });
      if (batch.length >= 5000) {
        out.push(...engine.push(batch).detections);
        batch = [];
      }
    }
    out.push(...engine.push(batch).detections, ...engine.flush());
    const importedAt = world.range.end;
    const leaks = world.leaks.map((l) => ({ account: l.email.toLowerCase(), importedAt, source: l.source, date: l.date, ...(l.sha1 === '' ? {} : { sha1: l.sha1 }) }));
    out.push(...matchLeaks(leaks, world.directory.users));
    // D7 as rows: one per risky user at its latest contributing detection.
    for (const u of aggregateRiskyUsers(out)) {
      const last = u.contributing.at(-1);
      if (u.riskLevel === 'none' || last === undefined) continue;
      out.push({ id: `D7-${u.userKey}`, detector: 'D7', severity: u.riskLevel === 'high' ? 'high' : u.riskLevel === 'medium' ? 'medium' : 'low', detectedDateTime: last.detectedDateTime, userPrincipalName: u.userPrincipalName, evidence: { contributing: u.contributing }, logOnly: false });
    }
    return out;
  } finally {
    await enrichment.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
