ALTER TABLE "analytics_runs" ALTER COLUMN "status" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "checkpoint" jsonb;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "cancel_requested" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "analytics_runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "analytics_runs" ADD COLUMN "checkpoint" jsonb;--> statement-breakpoint
ALTER TABLE "analytics_runs" ADD COLUMN "cancel_requested" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Imports and analytics runs become durable runs (platform/runs). Existing rows keep everything; an unfinished import gets its checkpoint and progress from its counters (a resume still starts from processed_rows).
UPDATE "import_jobs" SET "checkpoint" = jsonb_build_object('processedRows', "processed_rows", 'bytesDone', "bytes_done"), "progress" = jsonb_build_object('phase', 'rows', 'done', "bytes_done", 'total', "file_size") WHERE "status" IN ('queued', 'running');
--> statement-breakpoint
-- A run left running by a process of the previous version is held by an owner no process of this version is: on the embedded database it is taken over at once (that process ended), on PostgreSQL once its heartbeat is a minute old.
UPDATE "import_jobs" SET "owner" = 'before-durable-runs' WHERE "status" = 'running';--> statement-breakpoint
UPDATE "analytics_runs" SET "owner" = 'before-durable-runs' WHERE "status" = 'running';
