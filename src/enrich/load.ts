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

/** Seconds between downloads of lists added from a URL (6 h: the usual feeds change a few times a day). */
export const DEFAULT_URL_REFRESH_SECONDS = 6 * 3600;

export interface LoadOptions {
  /** 0 turns polling off (tests, one-shot CLI ingest). */
  readonly listPollSeconds?: number;
  /** 0 turns URL refresh off. */
  readonly urlRefreshSeconds?: number;
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
  const refresh = options.urlRefreshSeconds ?? DEFAULT_URL_REFRESH_SECONDS;
  let refreshTimer: NodeJS.Timeout | undefined;
  if (refresh > 0) {
    refreshTimer = setInterval(() => {
      catalog.refreshSources().then(
        (s) => options.onListReload?.(s),
        (e: unknown) => options.onListReload?.({ loaded: [], removed: [], failed: [{ list: 'index.json', reason: String(e) }] }),
      );
    }, refresh * 1000);
    // A refresh schedule must never keep a CLI process alive.
    refreshTimer.unref();
  }
  return {
    enrich,
    lists: catalog,
    initialLists,
    async close() {
      catalog.close();
      if (refreshTimer !== undefined) clearInterval(refreshTimer);
    },
  };
}

export const loadEnrichment = loadEnrichmentData;
