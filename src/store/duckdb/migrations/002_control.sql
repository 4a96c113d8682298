-- authlens 002: control data. Tenants, the directory snapshot, API keys.
-- Directory tables carry no unique constraint: importDirectory replaces a
-- tenant's part with DELETE + INSERT in one transaction, which DuckDB's
-- unique indexes do not allow for the same key; the store de-duplicates by id.

CREATE TABLE IF NOT EXISTS tenants (
  id              VARCHAR PRIMARY KEY,
  name            VARCHAR NOT NULL,
  edition         VARCHAR NOT NULL,       -- free | basic | premium
  rms             BOOLEAN NOT NULL,
  opted_in_at     TIMESTAMP,
  opted_in_by     VARCHAR,
  retention_days  INTEGER NOT NULL,
  created_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS directory_users (
  tenant            VARCHAR NOT NULL,
  id                VARCHAR NOT NULL,
  upn               VARCHAR NOT NULL,     -- lower case, for matching
  upn_given         VARCHAR NOT NULL,     -- as imported, for display
  display_name      VARCHAR,
  mail              VARCHAR,
  user_type         VARCHAR NOT NULL,     -- member | guest
  account_enabled   BOOLEAN NOT NULL,
  assigned_licenses VARCHAR[] NOT NULL,   -- SKU ids
  department        VARCHAR,
  country           VARCHAR
);

CREATE TABLE IF NOT EXISTS directory_groups (
  tenant        VARCHAR NOT NULL,
  id            VARCHAR NOT NULL,
  display_name  VARCHAR NOT NULL,
  self_service  BOOLEAN NOT NULL,
  member_ids    VARCHAR[] NOT NULL
);

CREATE TABLE IF NOT EXISTS directory_applications (
  tenant        VARCHAR NOT NULL,
  id            VARCHAR NOT NULL,
  app_id        VARCHAR,
  display_name  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS directory_roles (
  tenant            VARCHAR NOT NULL,
  id                VARCHAR NOT NULL,
  display_name      VARCHAR NOT NULL,
  role_template_id  VARCHAR,
  member_ids        VARCHAR[] NOT NULL
);

CREATE TABLE IF NOT EXISTS api_keys (
  id            VARCHAR PRIMARY KEY,
  tenant        VARCHAR NOT NULL,
  role          VARCHAR NOT NULL,
  secret_hash   VARCHAR NOT NULL,         -- the secret itself is never stored
  name          VARCHAR,
  created_at    TIMESTAMP NOT NULL,
  revoked_at    TIMESTAMP,
  last_used_at  TIMESTAMP
);
