CREATE TABLE "loyalty_adjustments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"points" bigint NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" uuid NOT NULL,
	"decided_by" uuid,
	"entry_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "loyalty_members" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"member_no" bigserial NOT NULL,
	"tier" text NOT NULL,
	"tier_since" timestamp with time zone NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"debt" bigint DEFAULT 0 NOT NULL,
	"referral_code" text NOT NULL,
	"referred_by" uuid,
	"status" text DEFAULT 'active' NOT NULL,
	"reviewed_for" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_members_balance_nonnegative" CHECK ("loyalty_members"."balance" >= 0),
	CONSTRAINT "loyalty_members_debt_nonnegative" CHECK ("loyalty_members"."debt" >= 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_redemptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"points" bigint NOT NULL,
	"entry_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"transaction_id" uuid,
	"status" text DEFAULT 'done' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "loyalty_referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"referrer_id" uuid NOT NULL,
	"referee_id" uuid NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"refused_reason" text,
	"qualifying_transaction_id" uuid,
	"rewarded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_rewards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" jsonb NOT NULL,
	"kind" text NOT NULL,
	"points_cost" bigint NOT NULL,
	"value_fen" bigint DEFAULT 0 NOT NULL,
	"stock" integer,
	"min_tier" text,
	"description" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"seed_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "loyalty_rewards_seed_key_unique" UNIQUE("seed_key"),
	CONSTRAINT "loyalty_rewards_stock" CHECK ("loyalty_rewards"."stock" is null or "loyalty_rewards"."stock" >= 0),
	CONSTRAINT "loyalty_rewards_cost" CHECK ("loyalty_rewards"."points_cost" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"day" text NOT NULL,
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
	"summary" jsonb
);
--> statement-breakpoint
CREATE TABLE "loyalty_tier_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"from_tier" text,
	"to_tier" text NOT NULL,
	"reason" text NOT NULL,
	"growth" bigint NOT NULL,
	"created_by" uuid,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points_allocations" (
	"debit_id" bigint NOT NULL,
	"lot_id" bigint NOT NULL,
	"points" bigint NOT NULL,
	CONSTRAINT "points_allocations_debit_id_lot_id_pk" PRIMARY KEY("debit_id","lot_id"),
	CONSTRAINT "points_allocations_positive" CHECK ("points_allocations"."points" > 0)
);
--> statement-breakpoint
CREATE TABLE "points_debts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"points" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"points" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"reason" text NOT NULL,
	"reason_params" jsonb,
	"source_kind" text,
	"source_id" text,
	"dedupe_key" text,
	"reverses_id" bigint,
	"expires_at" timestamp with time zone,
	"created_by" uuid,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_entries_sign" CHECK (("points_entries"."kind" in ('earn','bonus') and "points_entries"."points" > 0) or ("points_entries"."kind" in ('redeem','expire') and "points_entries"."points" < 0) or ("points_entries"."kind" in ('adjust','reverse') and "points_entries"."points" <> 0))
);
--> statement-breakpoint
CREATE TABLE "points_lots" (
	"entry_id" bigint PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"points" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "points_lots_remaining" CHECK ("points_lots"."remaining" >= 0 and "points_lots"."remaining" <= "points_lots"."points")
);
--> statement-breakpoint
DROP VIEW "public"."transaction_ledger";--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "refund_of_id" uuid;--> statement-breakpoint
ALTER TABLE "loyalty_adjustments" ADD CONSTRAINT "loyalty_adjustments_customer_id_loyalty_members_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."loyalty_members"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_adjustments" ADD CONSTRAINT "loyalty_adjustments_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_adjustments" ADD CONSTRAINT "loyalty_adjustments_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_adjustments" ADD CONSTRAINT "loyalty_adjustments_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_members" ADD CONSTRAINT "loyalty_members_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_members" ADD CONSTRAINT "loyalty_members_referred_by_customers_id_fk" FOREIGN KEY ("referred_by") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemptions" ADD CONSTRAINT "loyalty_redemptions_customer_id_loyalty_members_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."loyalty_members"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemptions" ADD CONSTRAINT "loyalty_redemptions_reward_id_loyalty_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."loyalty_rewards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemptions" ADD CONSTRAINT "loyalty_redemptions_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemptions" ADD CONSTRAINT "loyalty_redemptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_referrals" ADD CONSTRAINT "loyalty_referrals_referrer_id_customers_id_fk" FOREIGN KEY ("referrer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_referrals" ADD CONSTRAINT "loyalty_referrals_referee_id_customers_id_fk" FOREIGN KEY ("referee_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_tier_changes" ADD CONSTRAINT "loyalty_tier_changes_customer_id_loyalty_members_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."loyalty_members"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_tier_changes" ADD CONSTRAINT "loyalty_tier_changes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_allocations" ADD CONSTRAINT "points_allocations_debit_id_points_entries_id_fk" FOREIGN KEY ("debit_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_allocations" ADD CONSTRAINT "points_allocations_lot_id_points_lots_entry_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."points_lots"("entry_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_debts" ADD CONSTRAINT "points_debts_customer_id_loyalty_members_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."loyalty_members"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_debts" ADD CONSTRAINT "points_debts_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_customer_id_loyalty_members_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."loyalty_members"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_reverses_id_points_entries_id_fk" FOREIGN KEY ("reverses_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_entries" ADD CONSTRAINT "points_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_lots" ADD CONSTRAINT "points_lots_entry_id_points_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."points_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_adjustments_status_idx" ON "loyalty_adjustments" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_members_no_unique" ON "loyalty_members" USING btree ("member_no");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_members_referral_code_unique" ON "loyalty_members" USING btree ("referral_code");--> statement-breakpoint
CREATE INDEX "loyalty_members_tier_idx" ON "loyalty_members" USING btree ("tier");--> statement-breakpoint
CREATE INDEX "loyalty_redemptions_customer_idx" ON "loyalty_redemptions" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_redemptions_created_idx" ON "loyalty_redemptions" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "loyalty_redemptions_tx_idx" ON "loyalty_redemptions" USING btree ("transaction_id") WHERE "loyalty_redemptions"."transaction_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_referrals_referee_unique" ON "loyalty_referrals" USING btree ("referee_id");--> statement-breakpoint
CREATE INDEX "loyalty_referrals_referrer_idx" ON "loyalty_referrals" USING btree ("referrer_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_referrals_status_idx" ON "loyalty_referrals" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_runs_day_unique" ON "loyalty_runs" USING btree ("day");--> statement-breakpoint
CREATE INDEX "loyalty_tier_changes_customer_idx" ON "loyalty_tier_changes" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "loyalty_tier_changes_at_idx" ON "loyalty_tier_changes" USING btree ("at");--> statement-breakpoint
CREATE INDEX "points_allocations_lot_idx" ON "points_allocations" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "points_debts_open_idx" ON "points_debts" USING btree ("customer_id","id") WHERE "points_debts"."remaining" > 0;--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_dedupe_unique" ON "points_entries" USING btree ("dedupe_key") WHERE "points_entries"."dedupe_key" is not null;--> statement-breakpoint
CREATE INDEX "points_entries_customer_idx" ON "points_entries" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "points_entries_reverses_idx" ON "points_entries" USING btree ("reverses_id") WHERE "points_entries"."reverses_id" is not null;--> statement-breakpoint
CREATE INDEX "points_entries_occurred_brin" ON "points_entries" USING brin ("occurred_at");--> statement-breakpoint
CREATE INDEX "points_lots_open_idx" ON "points_lots" USING btree ("customer_id","expires_at","entry_id") WHERE "points_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "points_lots_expiry_idx" ON "points_lots" USING btree ("expires_at","customer_id") WHERE "points_lots"."remaining" > 0;--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_refund_of_id_transactions_id_fk" FOREIGN KEY ("refund_of_id") REFERENCES "public"."transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transactions_refund_of_idx" ON "transactions" USING btree ("refund_of_id") WHERE "transactions"."refund_of_id" is not null;--> statement-breakpoint
CREATE VIEW "public"."transaction_ledger" AS (select "id", "customer_id", "occurred_at", "type", "amount_fen", "channel", "external_id", "heating_season", "billed_area_m2", "notes", "refund_of_id", "version", "created_by", "created_at", "updated_at", "deleted_at" from "transactions");