-- authlens 023 (reports): the RMS reports' rollup, built and invalidated with the
-- usage rollups of 022 (same closed days, same per-day fingerprint, which now
-- counts rmsAccess rows too). One row per (day, user, application, action,
-- device, document) with its count: typed values instead of parsing every
-- record's JSON, exact distinct counts over any set of days.
CREATE TABLE IF NOT EXISTS report_rms_daily (
  tenant           VARCHAR NOT NULL,
  day              DATE NOT NULL,
  upn              VARCHAR,
  app              VARCHAR,
  action           VARCHAR,
  device_id        VARCHAR,
  device_platform  VARCHAR,
  doc_key          VARCHAR,
  n                INTEGER NOT NULL,
  last             TIMESTAMP NOT NULL
);

-- Days built before this migration hold no RMS rows: forget them, the next report rebuilds them.
DELETE FROM report_usage_days;
