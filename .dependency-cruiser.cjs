/**
 * The architecture's layering (ARCHITECTURE.md), enforced in CI.
 * Flow: schema, config -> ingest, enrich -> detect -> store <- reports <- api <- cli;
 * app.ts is the composition root and the only place that knows every module.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'schema-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^src/schema' },
      to: { path: '^src/(?!schema)' },
    },
    {
      name: 'config-imports-only-schema',
      severity: 'error',
      from: { path: '^src/config' },
      to: { path: '^src/(?!schema|config)' },
    },
    {
      name: 'store-adapters-only-from-store-and-root',
      comment: 'Adapters are chosen by app.ts; everything else uses store/ports.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(store|app\\.ts|main\\.ts)' },
      to: { path: '^src/store/(duckdb|contract)' },
    },
    {
      name: 'pure-layers-do-not-reach-up',
      comment: 'ingest, enrich and detect never call store adapters, reports, api or cli; they may name the store ports (types) they are handed.',
      severity: 'error',
      from: { path: '^src/(ingest|enrich|detect)/' },
      to: { path: '^src/(store/(?!ports)|reports|api|cli|directory|notify|sim|web)' },
    },
    {
      name: 'store-knows-nothing-of-http',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(api|cli|reports|web|notify)/|^node_modules/fastify' },
    },
    {
      name: 'reports-do-not-reach-api-or-cli',
      severity: 'error',
      from: { path: '^src/reports/' },
      to: { path: '^src/(api|cli|web)/' },
    },
    {
      name: 'api-does-not-reach-cli',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'web-imports-only-schema',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/(?!schema|web)' },
    },
    {
      name: 'only-config-reads-env',
      comment: 'Enforced by review and a grep test; listed here for the record.',
      severity: 'ignore',
      from: {},
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
