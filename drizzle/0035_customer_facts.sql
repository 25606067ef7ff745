CREATE TABLE "customer_changes" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customer_changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_facts" (
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	"last_purchase_at" timestamp with time zone,
	"last_payment_at" timestamp with time zone,
	"last_refund_at" timestamp with time zone,
	"purchase_fen" bigint,
	"payment_fen" bigint,
	"refund_fen" bigint,
	"clv_fen" bigint,
	"p_alive" double precision,
	"purchase_count" integer,
	"payment_count" integer,
	"refund_count" integer,
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid,
	"team_id" uuid,
	"birthday" date,
	"segment" integer,
	"churn_risk" smallint,
	"r_score" smallint,
	"f_score" smallint,
	"m_score" smallint,
	"consent_phone" boolean NOT NULL,
	"consent_sms" boolean NOT NULL,
	"consent_email" boolean NOT NULL,
	"consent_wechat" boolean NOT NULL,
	"has_phone" boolean NOT NULL,
	"stage" text NOT NULL,
	"value_tier" text,
	"churn_level" text,
	"rfm_group" text,
	"city" text,
	"district" text,
	"compound" text,
	"building" text,
	"tags" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_facts_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"ready" boolean DEFAULT false NOT NULL,
	"as_of_day" date,
	"zone" text,
	"analytics_run_id" uuid,
	"built_at" timestamp with time zone,
	"requested_at" timestamp with time zone,
	"build_owner" text,
	"build_beat" timestamp with time zone,
	"build_key" text,
	"build_after" uuid,
	CONSTRAINT "customer_facts_state_one_row" CHECK ("customer_facts_state"."id" = 1)
);
