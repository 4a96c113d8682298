-- authlens 021 (reports): the sign-in fields the anomaly reports show beside each
-- detection, copied once per detection. Joining detections to the whole signins
-- table on every report scanned a month of sign-ins (seconds at 10M rows); this
-- side table is filled lazily, for new detections only, over the narrow time
-- window they span (report-queries.ts fillFlagged), and purged with them.
CREATE TABLE IF NOT EXISTS report_flagged_signins (
  tenant        VARCHAR NOT NULL,
  detection_id  VARCHAR NOT NULL,
  d_time        TIMESTAMP NOT NULL,   -- the detection's time (for retention)
  found         BOOLEAN NOT NULL,     -- false: the sign-in was not stored
  s_time        TIMESTAMP,
  upn           VARCHAR,
  ip            VARCHAR,
  app_name      VARCHAR,
  location      VARCHAR,
  asn           BIGINT,
  country       VARCHAR
);
