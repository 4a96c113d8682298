/**
 * D1 and D5 share one shape: flag a sign-in whose IP was on a list of a
 * given category when it was ingested; high when it succeeded.
 */
import { Type, type Static } from 'typebox';
import type { DetectorId, Severity } from '../../schema/detections.ts';
import type { IpCategory } from '../../schema/enrichment.ts';
import { SEVERITIES } from '../../schema/detections.ts';
import { NO_FINDINGS, type Detector } from '../engine/types.ts';

export const ListMatchParams = Type.Object(
  {
    /** Severity of a failed or interrupted attempt from a listed IP. */
    failedSeverity: Type.Enum(SEVERITIES, { default: 'medium' }),
    /** Severity of a successful sign-in from a listed IP. */
    successSeverity: Type.Enum(SEVERITIES, { default: 'high' }),
    /** Lists (by name) whose matches are ignored, e.g. a corporate VPN that a feed also lists. */
    ignoreLists: Type.Array(Type.String(), { default: [] }),
  },
  { additionalProperties: false },
);
export type ListMatchParams = Static<typeof ListMatchParams>;

export function listMatchDetector(id: DetectorId, category: IpCategory): Detector<undefined, ListMatchParams> {
  return {
    id,
    keyBy: 'none',
    paramsSchema: ListMatchParams,
    defaults: { failedSeverity: 'medium', successSeverity: 'high', ignoreLists: [] },
    idleMs: () => 0,
    step(_state, e, _t, p) {
      const tags = e.enrichment.ipTags;
      if (tags.length === 0) return { state: undefined, findings: NO_FINDINGS };
      // An IP on a trusted list (the tenant's own egress) is never flagged by a feed.
      if (tags.some((x) => x.category === 'trusted')) return { state: undefined, findings: NO_FINDINGS };
      const lists = tags.filter((x) => x.category === category && !p.ignoreLists.includes(x.list));
      if (lists.length === 0) return { state: undefined, findings: NO_FINDINGS };
      const severity: Severity = e.outcome === 'success' ? p.successSeverity : p.failedSeverity;
      return {
        state: undefined,
        findings: [
          {
            severity,
            event: e,
            evidence: {
              lists: lists.map((x) => ({ list: x.list, category: x.category })),
              outcome: e.outcome,
              errorCode: e.status.errorCode,
              asn: e.enrichment.network.asn,
              asOrg: e.enrichment.network.asOrg,
              countryCode: e.enrichment.geo.countryCode,
            },
          },
        ],
      };
    },
  };
}
