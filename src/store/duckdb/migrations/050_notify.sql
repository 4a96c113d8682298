-- authlens 050: notifications (owner: notifications, 050-059).
-- Settings are replaced with DELETE + INSERT in one transaction (no unique indexes, as in 010).
CREATE TABLE IF NOT EXISTS notify_settings (
  tenant            VARCHAR NOT NULL,
  min_severity      VARCHAR NOT NULL,
  extra_recipients  VARCHAR NOT NULL,   -- JSON array of addresses
  batch_minutes     INTEGER NOT NULL,
  weekly_digest     BOOLEAN NOT NULL,
  updated_by        VARCHAR,
  updated_at        TIMESTAMP
);

-- The secret is kept in clear: signing needs it. It leaves the API only in the create answer.
CREATE TABLE IF NOT EXISTS notify_webhooks (
  tenant      VARCHAR NOT NULL,
  id          VARCHAR NOT NULL,
  url         VARCHAR NOT NULL,
  secret      VARCHAR NOT NULL,
  created_at  TIMESTAMP NOT NULL,
  created_by  VARCHAR NOT NULL,
  deleted_at  TIMESTAMP
);

-- Outbox: one row per ingest batch with qualifying detections (JSON array), so ingest pays one INSERT.
CREATE SEQUENCE IF NOT EXISTS notify_outbox_seq;
CREATE TABLE IF NOT EXISTS notify_outbox (
  seq          BIGINT NOT NULL DEFAULT nextval('notify_outbox_seq'),
  tenant       VARCHAR NOT NULL,
  detections   VARCHAR NOT NULL,
  enqueued_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS notify_schedule (
  tenant          VARCHAR NOT NULL,
  last_alert_at   TIMESTAMP,
  last_digest_at  TIMESTAMP
);

CREATE TABLE IF NOT EXISTS notify_deliveries (
  id               VARCHAR NOT NULL,
  tenant           VARCHAR NOT NULL,
  channel          VARCHAR NOT NULL,   -- email | webhook
  kind             VARCHAR NOT NULL,   -- detection | digest
  target           VARCHAR NOT NULL,
  subject          VARCHAR NOT NULL,
  payload          VARCHAR NOT NULL,
  status           VARCHAR NOT NULL,   -- pending | sent | failed
  attempts         INTEGER NOT NULL,
  next_attempt_at  TIMESTAMP,
  last_error       VARCHAR,
  created_at       TIMESTAMP NOT NULL,
  updated_at       TIMESTAMP NOT NULL,
  sent_at          TIMESTAMP
);
