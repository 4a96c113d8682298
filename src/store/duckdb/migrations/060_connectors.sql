-- authlens 060: IdP connectors and suspected-breach actions (owner: connectors, 060-069).
-- One connector per tenant, replaced with DELETE + INSERT in one transaction.
-- The secret is sealed (AES-256-GCM, key file connector.key in the data dir): a copy of this file alone does not reveal it.
CREATE TABLE IF NOT EXISTS connector_settings (
  tenant         VARCHAR NOT NULL,
  kind           VARCHAR NOT NULL,
  settings       VARCHAR NOT NULL,   -- JSON object of the settings that may be shown
  sealed_secret  VARCHAR NOT NULL,
  updated_by     VARCHAR NOT NULL,
  updated_at     TIMESTAMP NOT NULL
);

-- Every action, accepted or failed: part of the user's risk history.
CREATE TABLE IF NOT EXISTS breach_actions (
  tenant      VARCHAR NOT NULL,
  id          VARCHAR NOT NULL,
  user_key    VARCHAR NOT NULL,
  upn         VARCHAR NOT NULL,
  action      VARCHAR NOT NULL,
  connector   VARCHAR NOT NULL,
  outcome     VARCHAR NOT NULL,   -- accepted | failed
  detail      VARCHAR NOT NULL,
  acted_by    VARCHAR NOT NULL,
  acted_at    TIMESTAMP NOT NULL
);
