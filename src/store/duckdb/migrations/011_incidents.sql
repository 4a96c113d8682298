-- authlens 011: incidents (owner: detections, 010-019). Incidents are computed
-- from detections; only the admins' status changes are stored, every change a
-- row (the newest per incident is its status).
CREATE TABLE IF NOT EXISTS incident_changes (
  tenant       VARCHAR NOT NULL,
  incident_id  VARCHAR NOT NULL,
  from_status  VARCHAR,
  to_status    VARCHAR NOT NULL,
  changed_by   VARCHAR NOT NULL,
  changed_at   TIMESTAMP NOT NULL,
  reason       VARCHAR
);
