-- authlens 022 (reports): rollups of the application usage reports (docs/reports.md,
-- "Performance"). Built lazily per closed UTC day by report-rollups.ts from
-- `signins` and `events` (nothing in the append path writes them), invalidated
-- per day when late rows land in a built day, purged with the retention cut.

-- One row per built (tenant, day): how many usage rows it was built from (the
-- staleness test compares this with the day's rows now).
CREATE TABLE IF NOT EXISTS report_usage_days (
  tenant       VARCHAR NOT NULL,
  day          DATE NOT NULL,
  source_rows  BIGINT NOT NULL,
  built_at     TIMESTAMP NOT NULL
);

-- Per tenant: the highest ingested_at seen when the rollups were last checked.
CREATE TABLE IF NOT EXISTS report_usage_marks (
  tenant  VARCHAR NOT NULL,
  mark    TIMESTAMP NOT NULL
);

-- Dense integer keys for UPNs, so distinct counts hash integers, not strings (exact: a dictionary, not a hash).
CREATE TABLE IF NOT EXISTS report_user_keys (
  tenant  VARCHAR NOT NULL,
  upn     VARCHAR NOT NULL,
  ukey    INTEGER NOT NULL
);

-- Per (day, app, user): the usage stream's sums, first and last time. No app id:
-- this is the grain of the detailed report; a run filtering by an id that names
-- another app reads the raw tables instead (report-queries.ts).
CREATE TABLE IF NOT EXISTS report_usage_daily (
  tenant  VARCHAR NOT NULL,
  day     DATE NOT NULL,
  app     VARCHAR,
  upn     VARCHAR,
  ukey    INTEGER,
  sgn     INTEGER NOT NULL,
  clk     INTEGER NOT NULL,
  sso     INTEGER NOT NULL,
  first   TIMESTAMP NOT NULL,
  last    TIMESTAMP NOT NULL
);

-- Per (day, app, app id): the same sums, for totals and the dashboard.
CREATE TABLE IF NOT EXISTS report_usage_app_days (
  tenant  VARCHAR NOT NULL,
  day     DATE NOT NULL,
  app     VARCHAR,
  app_id  VARCHAR,
  sgn     BIGINT NOT NULL,
  clk     BIGINT NOT NULL,
  sso     BIGINT NOT NULL,
  last    TIMESTAMP NOT NULL
);

-- Per (64-day block, app, user): bit i set when the user used the app on day
-- block*64+i (days since 1970-01-01). Distinct users over any set of built days
-- is then a count of rows whose bits meet a mask, at most ceil(days/64)+1 blocks.
CREATE TABLE IF NOT EXISTS report_usage_blocks (
  tenant  VARCHAR NOT NULL,
  block   INTEGER NOT NULL,
  app     VARCHAR,
  ukey    INTEGER NOT NULL,
  bits    UBIGINT NOT NULL
);
