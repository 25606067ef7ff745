CREATE TABLE "survey_send_members" (
	"send_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"rank" text NOT NULL,
	"outcome" text DEFAULT 'drawn' NOT NULL,
	CONSTRAINT "survey_send_members_send_id_customer_id_pk" PRIMARY KEY("send_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "survey_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
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
	"requested_by" uuid,
	"audience" text NOT NULL,
	"segment_id" uuid,
	"customer_ids" jsonb,
	"channel" text NOT NULL,
	"template_id" uuid,
	"sample_bp" integer,
	"sample_size" integer,
	"seed" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "survey_triggers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"on" text NOT NULL,
	"delay_days" integer DEFAULT 0 NOT NULL,
	"product_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"channel" text NOT NULL,
	"template_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD COLUMN "send_id" uuid;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD COLUMN "ticket_id" uuid;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD COLUMN "agent_id" uuid;--> statement-breakpoint
ALTER TABLE "survey_send_members" ADD CONSTRAINT "survey_send_members_send_id_survey_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."survey_sends"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_sends" ADD CONSTRAINT "survey_sends_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_sends" ADD CONSTRAINT "survey_sends_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_triggers" ADD CONSTRAINT "survey_triggers_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_triggers" ADD CONSTRAINT "survey_triggers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_send_members_rank_idx" ON "survey_send_members" USING btree ("send_id","rank");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_sends_active_unique" ON "survey_sends" USING btree ("survey_id") WHERE "survey_sends"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "survey_sends_survey_idx" ON "survey_sends" USING btree ("survey_id","created_at");--> statement-breakpoint
CREATE INDEX "survey_triggers_survey_idx" ON "survey_triggers" USING btree ("survey_id");--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_send_id_survey_sends_id_fk" FOREIGN KEY ("send_id") REFERENCES "public"."survey_sends"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_invitations_survey_created_idx" ON "survey_invitations" USING btree ("survey_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_send_customer_unique" ON "survey_invitations" USING btree ("send_id","customer_id") WHERE "survey_invitations"."send_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_trigger_unique" ON "survey_invitations" USING btree ("survey_id","source_ref") WHERE "survey_invitations"."source" = 'trigger';