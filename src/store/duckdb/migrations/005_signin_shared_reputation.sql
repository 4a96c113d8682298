-- authlens 005: the shared IP reputation a sign-in was enriched with (SPEC 4 D4,
-- enrichment.sharedReputation.otherDirectories): how many other directories had
-- reported its IP when it was ingested. NULL when the signal was off, the tenant
-- does not receive it, or no other directory had reported the IP. A count only.
-- Kept with the row like ip_tags, so backtest, backfill and recovery see what the live detector saw.
ALTER TABLE signins ADD COLUMN shared_ip_directories INTEGER;
