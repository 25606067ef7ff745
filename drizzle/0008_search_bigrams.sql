-- Two-character pieces of a text (without white space), distinct and sorted: what customers.search_bigrams holds.
-- pg_trgm needs three characters, so two-character Chinese fragments (王伟, 幸福) search through this instead.
CREATE OR REPLACE FUNCTION hearth_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[])
  FROM (SELECT substr(t, i, 2) AS g FROM generate_series(1, length(t) - 1) AS i) AS s
  WHERE g !~ '\s'
$$;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "search_bigrams" text[] GENERATED ALWAYS AS (hearth_bigrams(search_text)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "customers_search_bigrams" ON "customers" USING gin ("search_bigrams");