CREATE TABLE "demo_loads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"owner" text,
	"progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL,
	"checkpoint" jsonb,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"seed" integer NOT NULL,
	"size" integer NOT NULL,
	"as_of" date NOT NULL,
	"generator_version" integer NOT NULL,
	"requested_by" uuid,
	"fingerprint" text,
	"seconds" real
);
--> statement-breakpoint
CREATE UNIQUE INDEX "demo_loads_single" ON "demo_loads" USING btree ((true));
--> statement-breakpoint
-- The demo's progress marker moves from settings.demo to its run row. A load that was loading resumes from its checkpoint: nobody holds it (no owner, no heartbeat), so the next process that queues it takes it at once.
INSERT INTO "demo_loads" ("status", "seed", "size", "as_of", "generator_version", "requested_by", "fingerprint", "seconds", "error", "progress", "checkpoint", "created_at", "started_at", "finished_at")
SELECT
	CASE s.value->>'status' WHEN 'loading' THEN 'running' WHEN 'done' THEN 'done' ELSE 'failed' END,
	(s.value->>'seed')::int, (s.value->>'size')::int, (s.value->>'asOf')::date, coalesce((s.value->>'version')::int, 1),
	CASE WHEN s.value->>'requestedBy' ~ '^[0-9a-f-]{36}$' THEN (s.value->>'requestedBy')::uuid END,
	s.value->>'fingerprint', (s.value->>'seconds')::real, s.value->>'error',
	jsonb_build_object('phase', CASE WHEN s.value->>'status' = 'done' THEN 'done' ELSE 'households' END, 'done', coalesce((s.value->>'loaded')::int, 0), 'total', (s.value->>'size')::int),
	jsonb_build_object('loaded', coalesce((s.value->>'loaded')::int, 0), 'customers', coalesce((s.value->>'customers')::int, 0), 'transactions', coalesce((s.value->>'transactions')::int, 0),
		'droppedIndexes', CASE WHEN jsonb_typeof(s.value->'droppedIndexes') = 'array' THEN s.value->'droppedIndexes' ELSE '[]'::jsonb END),
	coalesce((s.value->>'startedAt')::timestamptz, s.updated_at), (s.value->>'startedAt')::timestamptz, (s.value->>'finishedAt')::timestamptz
FROM "settings" s
WHERE s.key = 'demo' AND s.value->>'status' IN ('loading', 'done', 'failed')
	AND s.value->>'seed' IS NOT NULL AND s.value->>'size' IS NOT NULL AND s.value->>'asOf' IS NOT NULL;
--> statement-breakpoint
DELETE FROM "settings" WHERE "key" = 'demo';
