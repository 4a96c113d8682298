-- authlens 025 (reports): rms-usage's answer per closed day, computed when the
-- day's RMS rollup (023) is built, so an unfiltered or app-filtered run reads
-- one row per day instead of counting distinct users, documents and devices
-- over every (day, user, document, device) row of the range. Built, rebuilt
-- and purged with report_rms_daily (same days, same transaction).
-- every_app: the day over all applications; otherwise the day of the
-- applications whose lower-cased name is app_l (the RMS app filter compares
-- lower(app) = lower($app), so this is its exact grain).
CREATE TABLE IF NOT EXISTS report_rms_day_stats (
  tenant     VARCHAR NOT NULL,
  day        DATE NOT NULL,
  every_app  BOOLEAN NOT NULL,
  app_l      VARCHAR,
  accesses   INTEGER NOT NULL,
  users      INTEGER NOT NULL,
  documents  INTEGER NOT NULL,
  devices    INTEGER NOT NULL,
  views      INTEGER NOT NULL,
  edits      INTEGER NOT NULL,
  prints     INTEGER NOT NULL,
  protects   INTEGER NOT NULL
);

-- Days already built keep their RMS rollup rows, which are exact: derive their answers from them.
INSERT INTO report_rms_day_stats
  SELECT tenant, day, every_app, app_l, CAST(sum(n) AS INTEGER), CAST(count(DISTINCT upn) AS INTEGER),
    CAST(count(DISTINCT doc_key) AS INTEGER), CAST(count(DISTINCT device_id) AS INTEGER),
    CAST(coalesce(sum(n) FILTER (WHERE action = 'view'), 0) AS INTEGER), CAST(coalesce(sum(n) FILTER (WHERE action = 'edit'), 0) AS INTEGER),
    CAST(coalesce(sum(n) FILTER (WHERE action = 'print'), 0) AS INTEGER), CAST(coalesce(sum(n) FILTER (WHERE action = 'protect'), 0) AS INTEGER)
  FROM (
    SELECT tenant, day, TRUE AS every_app, NULL AS app_l, upn, doc_key, device_id, action, n FROM report_rms_daily
    UNION ALL
    SELECT tenant, day, FALSE, lower(app), upn, doc_key, device_id, action, n FROM report_rms_daily WHERE app IS NOT NULL
  )
  GROUP BY tenant, day, every_app, app_l;
