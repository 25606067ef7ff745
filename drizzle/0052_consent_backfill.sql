-- Custom SQL migration file, put your code below! --
-- The consent ledger starts with what every customer already had (issue #18): one `migration` grant for all purposes
-- per channel their consent column says yes to, dated when the customer was created, in channel order. From here on the
-- column is the ledger's cache (privacy/consent.service.ts).
INSERT INTO "privacy_consent_entries" ("customer_id", "channel", "purpose", "action", "source", "recorded_at")
SELECT c."id", ch."key", 'all', 'grant', 'migration', c."created_at"
FROM "customers" c CROSS JOIN LATERAL jsonb_each(c."consent") AS ch("key", "value")
WHERE ch."value" = 'true'::jsonb AND ch."key" IN ('phone', 'sms', 'email', 'wechat')
ORDER BY c."created_at", c."id", array_position(ARRAY['phone', 'sms', 'email', 'wechat']::text[], ch."key");
