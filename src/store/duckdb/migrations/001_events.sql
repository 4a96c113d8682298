-- authlens 001: event tables. Times are TIMESTAMP in UTC. Every row carries its tenant.
-- Contract for reports and the Graph API: column names here are relied on by
-- src/store/duckdb/*-queries.ts; change them only with a new migration.

-- One row per sign-in, wide and typed, for fast reports (no JSON parsing at query time).
CREATE TABLE IF NOT EXISTS signins (
  tenant            VARCHAR NOT NULL,
  id                VARCHAR NOT NULL,
  time              TIMESTAMP NOT NULL,   -- createdDateTime
  user_id           VARCHAR,
  upn               VARCHAR NOT NULL,     -- stored lower case for matching; display from user_display
  user_display      VARCHAR,
  user_type         VARCHAR,              -- member | guest | consumer
  app_id            VARCHAR,
  app_name          VARCHAR,
  resource_id       VARCHAR,
  resource_name     VARCHAR,
  ip                VARCHAR,              -- canonical literal
  client_app        VARCHAR,
  interactive       BOOLEAN NOT NULL,
  error_code        INTEGER NOT NULL,
  failure_reason    VARCHAR,
  status_details    VARCHAR,
  outcome           VARCHAR NOT NULL,     -- SignInOutcome
  device_id         VARCHAR,
  device_name       VARCHAR,
  device_os         VARCHAR,              -- deviceDetail.operatingSystem as given
  device_browser    VARCHAR,              -- deviceDetail.browser as given
  device_managed    BOOLEAN,
  device_compliant  BOOLEAN,
  device_trust      VARCHAR,
  user_agent        VARCHAR,
  auth_requirement  VARCHAR,
  mfa_method        VARCHAR,
  mfa_detail        VARCHAR,
  ca_status         VARCHAR,
  correlation_id    VARCHAR,
  source            VARCHAR,
  -- location as given by the record (Graph's location), kept verbatim
  given_city        VARCHAR,
  given_state       VARCHAR,
  given_country     VARCHAR,
  given_lat         DOUBLE,
  given_lon         DOUBLE,
  -- enrichment
  geo_city          VARCHAR,
  geo_state         VARCHAR,
  geo_country       VARCHAR,
  geo_lat           DOUBLE,
  geo_lon           DOUBLE,
  geo_precision     VARCHAR NOT NULL,     -- city | region | country | none
  geo_source        VARCHAR NOT NULL,     -- given | geoip | none
  geo_accuracy_km   DOUBLE NOT NULL,
  ip_scope          VARCHAR NOT NULL,     -- public | private | reserved | none
  asn               INTEGER,
  as_org            VARCHAR,
  ip_tags           VARCHAR,              -- JSON array of {list, category}, '[]' when none
  ua_os             VARCHAR,
  ua_os_version     VARCHAR,
  ua_browser        VARCHAR,
  ua_browser_version VARCHAR,
  ua_device_type    VARCHAR NOT NULL,
  ingested_at       TIMESTAMP NOT NULL
);

-- Every other kind: a few typed columns to filter and group on, the record itself as JSON.
CREATE TABLE IF NOT EXISTS events (
  tenant       VARCHAR NOT NULL,
  kind         VARCHAR NOT NULL,          -- EventKind other than signIn
  id           VARCHAR NOT NULL,
  time         TIMESTAMP NOT NULL,        -- eventTime()
  upn          VARCHAR,                   -- the user it is about (lower case), when there is one
  actor        VARCHAR,                   -- who did it (audit initiator), lower case
  app_name     VARCHAR,
  category     VARCHAR,                   -- directoryAudit category
  activity     VARCHAR,                   -- directoryAudit activityDisplayName, provisioning action, rms action
  result       VARCHAR,                   -- success | failure | ...
  ip           VARCHAR,
  doc          JSON NOT NULL,             -- the normalised event as ingested
  ingested_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS detections (
  tenant        VARCHAR NOT NULL,
  id            VARCHAR NOT NULL,
  detector      VARCHAR NOT NULL,
  severity      VARCHAR NOT NULL,
  time          TIMESTAMP NOT NULL,       -- detectedDateTime
  signin_id     VARCHAR,
  user_id       VARCHAR,
  upn           VARCHAR,
  ip            VARCHAR,
  evidence      JSON NOT NULL,
  log_only      BOOLEAN NOT NULL,
  ignored_at    TIMESTAMP,                -- SPEC 5 Ignore: kept, flagged
  ignored_by    VARCHAR,
  created_at    TIMESTAMP NOT NULL
);
