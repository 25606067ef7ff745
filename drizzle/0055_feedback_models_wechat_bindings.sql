CREATE TABLE "feedback_models" (
	"kind" text PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"fingerprint" text NOT NULL,
	"examples" integer NOT NULL,
	"counts" jsonb NOT NULL,
	"weight" double precision NOT NULL,
	"model" jsonb NOT NULL,
	"trained_by" uuid,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback_retrain_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"owner" text,
	"progress" jsonb DEFAULT '{"phase":"queued","done":0,"total":0}'::jsonb NOT NULL,
	"checkpoint" jsonb,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "feedback_wechat_bindings" (
	"openid" text PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"bound_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feedback_models" ADD CONSTRAINT "feedback_models_trained_by_users_id_fk" FOREIGN KEY ("trained_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_retrain_runs" ADD CONSTRAINT "feedback_retrain_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_retrain_runs_active_unique" ON "feedback_retrain_runs" USING btree ((true)) WHERE "feedback_retrain_runs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "feedback_retrain_runs_created_idx" ON "feedback_retrain_runs" USING btree ("created_at");