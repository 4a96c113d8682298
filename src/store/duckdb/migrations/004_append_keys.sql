-- authlens 004: idempotent appends without unique indexes (supersedes the indexes of 003).
-- Measured (docs/adr/0001-embedded-store-duckdb.md): DuckDB's ART unique index on
-- (tenant, id) made every INSERT and, worse, every checkpoint cost time growing
-- with the table, and it forbids ALTER TABLE on the indexed tables. Appends now
-- anti-join the batch against a compact 64-bit probe key plus the id itself,
-- which is exact (the id decides; the key only narrows) and needs no memory
-- beyond the scan. One writer per data directory (the file lock) keeps it race-free.
DROP INDEX IF EXISTS signins_identity;
DROP INDEX IF EXISTS events_identity;
DROP INDEX IF EXISTS detections_identity;

-- md5_number_lower(id): stable across DuckDB versions (unlike hash()); not unique, only a probe key.
ALTER TABLE signins ADD COLUMN id_key UBIGINT;
ALTER TABLE events ADD COLUMN id_key UBIGINT;
UPDATE signins SET id_key = md5_number_lower(id) WHERE id_key IS NULL;
UPDATE events SET id_key = md5_number_lower(id) WHERE id_key IS NULL;
