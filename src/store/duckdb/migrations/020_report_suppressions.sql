-- authlens 020 (reports): suppressions hide matching detections from the anomaly
-- reports while active (SPEC 4). Undo keeps the row (removed_at/by) for the audit trail.
CREATE TABLE IF NOT EXISTS report_suppressions (
  tenant      VARCHAR NOT NULL,
  id          VARCHAR NOT NULL,
  kind        VARCHAR NOT NULL,            -- user | ip | cidr | asn | country | detector
  value       VARCHAR NOT NULL,            -- normalised: upn lower case, canonical IP/CIDR, ASN digits, country upper case
  reason      VARCHAR NOT NULL,
  created_at  TIMESTAMP NOT NULL,
  created_by  VARCHAR NOT NULL,
  expires_at  TIMESTAMP,
  removed_at  TIMESTAMP,
  removed_by  VARCHAR
);
