-- Care (issue #6): the run's birthday matching reads one day's customers by month-day instead of scanning the table.
-- Solar birthdays by (month × 100 + day) as an integer (to_char is only stable, so it cannot be indexed); lunar
-- birthdays by their "month-day" text, the expression the lunar query compares. Both partial, as the queries are.
CREATE INDEX IF NOT EXISTS "customers_birthday_md_idx" ON "customers" USING btree (((extract(month from "birthday") * 100 + extract(day from "birthday"))::int)) WHERE "birthday" IS NOT NULL AND "lunar_birthday" IS NULL AND "deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "customers_lunar_birthday_md_idx" ON "customers" USING btree (((("lunar_birthday" ->> 'month') || '-') || ("lunar_birthday" ->> 'day'))) WHERE "lunar_birthday" IS NOT NULL AND "deleted_at" IS NULL;
