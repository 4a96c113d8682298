-- authlens 003: event identity and lossless sign-in rows.
-- The unique indexes make (tenant, kind, id) the identity of an event and
-- (tenant, id) that of a detection; appends use INSERT OR IGNORE against them
-- (see docs/adr/0001-embedded-store-duckdb.md for why the raw strings and not a hash).
-- DuckDB refuses ALTER TABLE on an indexed table: a later migration that alters
-- these tables drops the index first and re-creates it.

-- The UPN as the source spelled it, only where it differs from the lower-cased `upn`.
ALTER TABLE signins ADD COLUMN upn_given VARCHAR;
-- Which optional objects the record carried even when all their fields are empty:
-- bit 1 deviceDetail, bit 2 location, bit 4 mfaDetail (see signin-rows.ts).
ALTER TABLE signins ADD COLUMN present UTINYINT DEFAULT 0;

-- 4-byte AS numbers go up to 4294967295, beyond INTEGER.
ALTER TABLE signins ALTER COLUMN asn TYPE BIGINT;
-- Detections follow the same rule as events: `upn` lower case, the given spelling kept when it differs.
ALTER TABLE detections ADD COLUMN upn_given VARCHAR;

CREATE UNIQUE INDEX IF NOT EXISTS signins_identity ON signins (tenant, id);
CREATE UNIQUE INDEX IF NOT EXISTS events_identity ON events (tenant, kind, id);
CREATE UNIQUE INDEX IF NOT EXISTS detections_identity ON detections (tenant, id);
