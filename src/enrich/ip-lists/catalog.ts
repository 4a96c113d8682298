/**
 * IP lists persisted in the data dir: `<dataDir>/lists/index.json` describes
 * every list and each list's text lives beside it. The CLI writes here; a
 * running server polls mtimes and reloads what changed, so no restart and no
 * IPC is needed. Layout and rules: docs/ip-lists.md.
 */
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { IpCategory } from '../../schema/enrichment.ts';
import { TenantId } from '../../schema/tenants.ts';
import { createCidrSet } from './cidr-set.ts';
import { IP_LIST_FORMATS, parseIpList, type IpListFormat, type ParsedIpList } from './formats.ts';
import { createIpListRegistry, scopeKey, type IpListRegistry, type ListScope } from './registry.ts';

export const LIST_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

const IndexEntry = Type.Object({
  name: Type.String({ pattern: LIST_NAME_PATTERN }),
  /** "global" or a tenant id. */
  scope: Type.Union([Type.Literal('global'), Type.Object({ tenant: TenantId })]),
  category: IpCategory,
  format: Type.Enum(IP_LIST_FORMATS),
  minCount: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Where it came from: an absolute file path or an http(s) URL. */
  source: Type.String(),
  /** The stored copy, relative to the lists directory. */
  file: Type.String(),
  loadedAt: Type.String(),
  counts: Type.Object({
    entries: Type.Integer(),
    v4: Type.Integer(),
    v6: Type.Integer(),
    rejected: Type.Integer(),
  }),
});
export type IndexEntry = Static<typeof IndexEntry>;
const IndexFile = Type.Object({ version: Type.Literal(1), lists: Type.Array(IndexEntry) });
type IndexFile = Static<typeof IndexFile>;
const checkIndex = Compile(IndexFile);

export interface AddListRequest {
  readonly scope: ListScope;
  readonly name: string;
  readonly category: IpCategory;
  /** A file path or an http(s) URL. */
  readonly source: string;
  readonly format?: IpListFormat;
  readonly minCount?: number;
}

export interface AddListResult {
  readonly entry: IndexEntry;
  readonly parsed: ParsedIpList;
}

export interface ReloadSummary {
  readonly loaded: string[];
  readonly removed: string[];
  readonly failed: { list: string; reason: string }[];
}

export interface IpListCatalogOptions {
  readonly dataDir: string;
  /** Registry to keep in step; a fresh one by default. */
  readonly registry?: IpListRegistry;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
}

export interface IpListCatalog {
  readonly registry: IpListRegistry;
  readonly dir: string;
  entries(): Promise<IndexEntry[]>;
  add(req: AddListRequest): Promise<AddListResult>;
  remove(scope: ListScope, name: string): Promise<boolean>;
  /** Loads lists whose stored file or index entry changed since the last call; drops removed ones. */
  reload(): Promise<ReloadSummary>;
  /** Fetches URL sources again and stores them (scheduled by the composition root). */
  refreshSources(): Promise<ReloadSummary>;
  /** Polls every `seconds` (timer unref'd, so it never keeps a process alive). */
  startPolling(seconds: number, onReload?: (s: ReloadSummary) => void): void;
  close(): void;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

function label(scope: ListScope, name: string): string {
  return `${scope === 'global' ? 'global' : scope.tenant}/${name}`;
}

function storedFile(scope: ListScope, name: string): string {
  return scope === 'global' ? path.join('global', `${name}.txt`) : path.join('tenants', scope.tenant, `${name}.txt`);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export class CatalogError extends Error {}

/** How long a download may take before it is abandoned. */
export const FETCH_TIMEOUT_MS = 120_000;
/** A lock older than this was left by a crashed writer. */
const STALE_LOCK_MS = 30_000;

/**
 * Serialises index writers across processes (two `lists add` at once) with an
 * exclusive lock file beside the index.
 */
async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + STALE_LOCK_MS + 5_000;
  for (;;) {
    try {
      const h = await open(lockPath, 'wx');
      await h.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(lockPath).catch(() => undefined);
      if (st !== undefined && Date.now() - st.mtimeMs > STALE_LOCK_MS) await rm(lockPath, { force: true });
      else if (Date.now() > deadline) throw new CatalogError(`${lockPath} is held by another writer`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

export function openIpListCatalog(options: IpListCatalogOptions): IpListCatalog {
  const dir = path.join(options.dataDir, 'lists');
  const indexPath = path.join(dir, 'index.json');
  const lockPath = path.join(dir, 'index.json.lock');
  const registry = options.registry ?? createIpListRegistry();
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  /** What each loaded list was built from: stored file mtime+size and its index entry. */
  const loadedStamp = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<unknown> = Promise.resolve();

  async function readIndex(): Promise<IndexFile> {
    let text: string;
    try {
      text = await readFile(indexPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, lists: [] };
      throw e;
    }
    const value: unknown = JSON.parse(text);
    if (!checkIndex.Check(value)) {
      const first = [...checkIndex.Errors(value)][0];
      throw new CatalogError(`${indexPath}: ${first?.instancePath ?? ''} ${first?.message ?? 'invalid'}`);
    }
    return value;
  }

  async function readSource(source: string): Promise<string> {
    if (isUrl(source)) {
      const res = await doFetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok) throw new CatalogError(`GET ${source}: HTTP ${res.status}`);
      return await res.text();
    }
    return await readFile(source, 'utf8');
  }

  function install(entry: IndexEntry, parsed: ParsedIpList): void {
    registry.replace({ scope: entry.scope, name: entry.name, category: entry.category, set: createCidrSet(parsed.ranges) });
  }

  async function add(req: AddListRequest): Promise<AddListResult> {
    if (!new RegExp(LIST_NAME_PATTERN).test(req.name))
      throw new CatalogError(`list name must match ${LIST_NAME_PATTERN}: ${req.name}`);
    const source = isUrl(req.source) ? req.source : path.resolve(req.source);
    const text = await readSource(source);
    const parsed = parseIpList(text, { format: req.format, minCount: req.minCount, sourceName: source });
    // Not a list at all (a wrong file, an error page): keep the version in force rather than replace it with nothing.
    if (parsed.v4 + parsed.v6 === 0 && parsed.rejectedCount > 0) {
      const first = parsed.rejected[0];
      throw new CatalogError(
        `no address or network found in ${source} (${parsed.rejectedCount} lines rejected${first !== undefined ? `; line ${first.line}: ${first.reason}` : ''}); list '${req.name}' was not changed`,
      );
    }
    const file = storedFile(req.scope, req.name);
    const entry: IndexEntry = {
      name: req.name,
      scope: req.scope === 'global' ? 'global' : { tenant: req.scope.tenant },
      category: req.category,
      format: parsed.format,
      ...(req.minCount !== undefined ? { minCount: req.minCount } : {}),
      source,
      file,
      loadedAt: now().toISOString(),
      counts: { entries: parsed.v4 + parsed.v6, v4: parsed.v4, v6: parsed.v6, rejected: parsed.rejectedCount },
    };
    await withFileLock(lockPath, async () => {
      await writeAtomic(path.join(dir, file), text);
      const index = await readIndex();
      const key = label(entry.scope, entry.name);
      const lists = index.lists.filter((l) => label(l.scope, l.name) !== key);
      lists.push(entry);
      await writeAtomic(indexPath, `${JSON.stringify({ version: 1, lists }, null, 2)}\n`);
    });
    install(entry, parsed);
    return { entry, parsed };
  }

  async function remove(scope: ListScope, name: string): Promise<boolean> {
    const key = label(scope, name);
    const removed = await withFileLock(lockPath, async () => {
      const index = await readIndex();
      const gone = index.lists.filter((l) => label(l.scope, l.name) === key);
      if (gone.length === 0) return false;
      const lists = index.lists.filter((l) => label(l.scope, l.name) !== key);
      await writeAtomic(indexPath, `${JSON.stringify({ version: 1, lists }, null, 2)}\n`);
      for (const g of gone) await rm(path.join(dir, g.file), { force: true });
      return true;
    });
    if (!removed) return false;
    registry.remove(scope, name);
    loadedStamp.delete(key);
    return true;
  }

  async function reloadNow(): Promise<ReloadSummary> {
    const index = await readIndex();
    const loaded: string[] = [];
    const failed: { list: string; reason: string }[] = [];
    const present = new Set<string>();
    for (const entry of index.lists) {
      const key = label(entry.scope, entry.name);
      present.add(key);
      try {
        const full = path.join(dir, entry.file);
        const st = await stat(full);
        const stamp = `${st.mtimeMs}:${st.size}:${entry.category}:${entry.format}:${entry.minCount ?? ''}`;
        if (loadedStamp.get(key) === stamp) continue;
        const parsed = parseIpList(await readFile(full, 'utf8'), { format: entry.format, minCount: entry.minCount });
        install(entry, parsed);
        loadedStamp.set(key, stamp);
        loaded.push(key);
      } catch (e) {
        // A broken list keeps its previous version in force; the others still load.
        failed.push({ list: key, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    const removed: string[] = [];
    for (const l of registry.lists()) {
      const key = label(l.scope, l.name);
      if (!present.has(key)) {
        registry.remove(l.scope, l.name);
        loadedStamp.delete(key);
        removed.push(key);
      }
    }
    return { loaded, removed, failed };
  }

  async function refreshNow(): Promise<ReloadSummary> {
    const index = await readIndex();
    const loaded: string[] = [];
    const failed: { list: string; reason: string }[] = [];
    for (const e of index.lists.filter((l) => isUrl(l.source))) {
      try {
        await add({ scope: e.scope, name: e.name, category: e.category, source: e.source, format: e.format, minCount: e.minCount });
        loaded.push(label(e.scope, e.name));
      } catch (err) {
        failed.push({ list: label(e.scope, e.name), reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { loaded, removed: [], failed };
  }

  // One reload at a time: a slow parse must not race the next poll.
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = busy.then(fn, fn);
    busy = next.catch(() => undefined);
    return next;
  }

  return {
    registry,
    dir,
    entries: async () => (await readIndex()).lists,
    add: (req) => serial(() => add(req)),
    remove: (scope, name) => serial(() => remove(scope, name)),
    reload: () => serial(reloadNow),
    refreshSources: () => serial(refreshNow),
    startPolling(seconds, onReload) {
      if (timer !== undefined) clearInterval(timer);
      timer = setInterval(() => {
        serial(reloadNow).then(
          (s) => onReload?.(s),
          (e: unknown) => onReload?.({ loaded: [], removed: [], failed: [{ list: 'index.json', reason: String(e) }] }),
        );
      }, seconds * 1000);
      timer.unref();
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}

export { scopeKey };
