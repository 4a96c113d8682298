-- authlens 010: detection engine state (owner: detections, 010-019).
-- No unique constraints: saves replace rows with DELETE + INSERT in one
-- transaction, which DuckDB's unique indexes do not allow for the same key.

-- Checkpointed per-key detector state (plain JSON) and the engine's watermark/buffer.
CREATE TABLE IF NOT EXISTS detect_state (
  tenant    VARCHAR NOT NULL,
  detector  VARCHAR NOT NULL,
  key       VARCHAR NOT NULL,
  state     VARCHAR NOT NULL,
  last_ms   BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS detect_meta (
  tenant    VARCHAR NOT NULL,
  meta      VARCHAR NOT NULL,
  saved_at  TIMESTAMP NOT NULL
);

-- Tenant detector settings; every change is a row (audit trail), the newest wins.
CREATE TABLE IF NOT EXISTS detector_settings (
  tenant      VARCHAR NOT NULL,
  settings    VARCHAR NOT NULL,
  changed_by  VARCHAR NOT NULL,
  changed_at  TIMESTAMP NOT NULL
);

-- Leaked-credential feed records (D8). Passwords are never stored, only hashes.
CREATE TABLE IF NOT EXISTS leaked_credentials (
  tenant       VARCHAR NOT NULL,
  account      VARCHAR NOT NULL,   -- lower case
  sha1         VARCHAR,            -- upper-case hex
  ntlm         VARCHAR,            -- upper-case hex
  source       VARCHAR,
  leak_date    VARCHAR,
  imported_at  TIMESTAMP NOT NULL
);

-- Risky users (D7): every state change is a row; the newest per user is the state.
CREATE TABLE IF NOT EXISTS risky_user_changes (
  tenant      VARCHAR NOT NULL,
  user_key    VARCHAR NOT NULL,
  upn         VARCHAR NOT NULL,
  from_state  VARCHAR,
  to_state    VARCHAR NOT NULL,
  changed_by  VARCHAR NOT NULL,
  changed_at  TIMESTAMP NOT NULL,
  reason      VARCHAR
);
