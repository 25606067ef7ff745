CREATE TABLE "goal_snapshots" (
	"goal_id" uuid NOT NULL,
	"day" date NOT NULL,
	"value" double precision,
	"forecast" double precision,
	"target" double precision,
	"status" text NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goal_snapshots_goal_id_day_pk" PRIMARY KEY("goal_id","day")
);
--> statement-breakpoint
CREATE TABLE "goals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"metric" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_value" double precision NOT NULL,
	"period_kind" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"owner_kind" text NOT NULL,
	"owner_team_id" uuid,
	"owner_user_id" uuid,
	"seed_key" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "goals_seed_key_unique" UNIQUE("seed_key"),
	CONSTRAINT "goals_period_order" CHECK ("goals"."period_start" <= "goals"."period_end"),
	CONSTRAINT "goals_owner_shape" CHECK (("goals"."owner_kind" = 'company' and "goals"."owner_team_id" is null and "goals"."owner_user_id" is null)
        or ("goals"."owner_kind" = 'team' and "goals"."owner_team_id" is not null and "goals"."owner_user_id" is null)
        or ("goals"."owner_kind" = 'user' and "goals"."owner_user_id" is not null and "goals"."owner_team_id" is null))
);
--> statement-breakpoint
ALTER TABLE "goal_snapshots" ADD CONSTRAINT "goal_snapshots_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_owner_team_id_teams_id_fk" FOREIGN KEY ("owner_team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "goals_period_idx" ON "goals" USING btree ("period_end","period_start");--> statement-breakpoint
CREATE INDEX "goals_owner_team_idx" ON "goals" USING btree ("owner_team_id");--> statement-breakpoint
CREATE INDEX "goals_owner_user_idx" ON "goals" USING btree ("owner_user_id");