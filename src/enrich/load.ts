/**
 * Opens every enrichment data source once for the composition root: GeoIP,
 * the ASN table, the UA parser and the IP-list catalog (loaded now, then
 * polled for changes).
 */
import type { Config } from '../config/config.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { AuthEvent } from '../schema/events.ts';
import type { EnrichedEvent } from '../schema/enrichment.ts';
import { sharedAsnTable } from './asn.ts';
import { createEnricher } from './enricher.ts';
import { openGeoIp } from './geoip.ts';
import { openIpListCatalog, type IpListCatalog, type ReloadSummary } from './ip-lists/catalog.ts';
import { createUserAgentParser } from './user-agent.ts';

/** Seconds between checks of `<dataDir>/lists` for changed lists. */
export const DEFAULT_LIST_POLL_SECONDS = 30;

/** The running enrichment: what app.ts holds. */
export interface EnrichmentRuntime {
  enrich(tenant: TenantId, event: AuthEvent): EnrichedEvent;
  readonly lists: IpListCatalog;
  readonly initialLists: ReloadSummary;
  close(): Promise<void>;
}
/** The name the composition root uses. */
export type Enrichment = EnrichmentRuntime;

export interface LoadOptions {
  readonly listPollSeconds?: number;
  onListReload?(s: ReloadSummary): void;
}

export async function loadEnrichmentData(
  config: Pick<Config, 'dataDir' | 'geoipCityMmdb'>,
  options: LoadOptions = {},
): Promise<EnrichmentRuntime> {
  const catalog = openIpListCatalog({ dataDir: config.dataDir });
  const [geo, asn, initialLists] = await Promise.all([
    openGeoIp(config.geoipCityMmdb),
    sharedAsnTable(),
    catalog.reload(),
  ]);
  const enrich = createEnricher({ geo, asn, ua: createUserAgentParser(), lists: catalog.registry });
  const seconds = options.listPollSeconds ?? DEFAULT_LIST_POLL_SECONDS;
  if (seconds > 0) catalog.startPolling(seconds, options.onListReload);
  return {
    enrich,
    lists: catalog,
    initialLists,
    async close() {
      catalog.close();
    },
  };
}

export const loadEnrichment = loadEnrichmentData;
