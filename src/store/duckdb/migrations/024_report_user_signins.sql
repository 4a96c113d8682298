-- authlens 024 (reports): the per-user side table of the user-devices and
-- user-activity reports (docs/reports.md, "Performance"). A copy of the closed
-- days' sign-ins with only the columns those reports read, inserted sorted by
-- (upn, time) per build, so one user's month is a few small ranges that zone
-- maps find instead of a scan of the month. Built, invalidated and purged with
-- the usage rollups of 022 (same closed days); today is read raw.
CREATE TABLE IF NOT EXISTS report_user_signins AS
  SELECT tenant, CAST(time AS DATE) AS day, upn, id, time, user_type, app_name, app_id, client_app, device_id, device_name,
    device_os, ua_os, device_browser, ua_browser, ip, geo_city, given_city, geo_state, given_state, geo_country, given_country,
    geo_lat, given_lat, geo_lon, given_lon, outcome, error_code, failure_reason, interactive
  FROM signins LIMIT 0;

-- The per-day fingerprint now counts every sign-in (a late failed sign-in changes these reports): forget built days, the next run rebuilds them.
DELETE FROM report_usage_days;
