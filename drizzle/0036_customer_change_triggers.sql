-- Customer changes for read models (the segments' facts, customer_facts): each owner of customer data marks the
-- customers its statements touched, from a statement-level trigger on its own table, in the platform queue
-- customer_changes. ENABLE ALWAYS: bulk loads that set session_replication_role = replica (to skip foreign-key
-- checks) still mark what they wrote.
-- The facts start not ready: the first rebuild (a job) fills them; the live SQL answers until then.
INSERT INTO "customer_facts_state" ("id", "ready") VALUES (1, false) ON CONFLICT DO NOTHING;--> statement-breakpoint
-- customers (owned by the customers module): every insert, update or delete of a customer row.
CREATE FUNCTION "customers_mark_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO customer_changes (customer_id) SELECT DISTINCT o.id FROM changed_old o;
  ELSE
    INSERT INTO customer_changes (customer_id) SELECT DISTINCT n.id FROM changed_new n;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "customers_changes_insert" AFTER INSERT ON "customers" REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION "customers_mark_changed"();--> statement-breakpoint
CREATE TRIGGER "customers_changes_update" AFTER UPDATE ON "customers" REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION "customers_mark_changed"();--> statement-breakpoint
CREATE TRIGGER "customers_changes_delete" AFTER DELETE ON "customers" REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION "customers_mark_changed"();--> statement-breakpoint
ALTER TABLE "customers" ENABLE ALWAYS TRIGGER "customers_changes_insert";--> statement-breakpoint
ALTER TABLE "customers" ENABLE ALWAYS TRIGGER "customers_changes_update";--> statement-breakpoint
ALTER TABLE "customers" ENABLE ALWAYS TRIGGER "customers_changes_delete";--> statement-breakpoint
-- transactions (owned by the transactions module): the customers of the rows written, before and after (a merge moves
-- a customer's transactions to another).
CREATE FUNCTION "transactions_mark_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO customer_changes (customer_id) SELECT DISTINCT n.customer_id FROM changed_new n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO customer_changes (customer_id) SELECT n.customer_id FROM changed_new n UNION SELECT o.customer_id FROM changed_old o;
  ELSE
    INSERT INTO customer_changes (customer_id) SELECT DISTINCT o.customer_id FROM changed_old o;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "transactions_changes_insert" AFTER INSERT ON "transactions" REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION "transactions_mark_changed"();--> statement-breakpoint
CREATE TRIGGER "transactions_changes_update" AFTER UPDATE ON "transactions" REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION "transactions_mark_changed"();--> statement-breakpoint
CREATE TRIGGER "transactions_changes_delete" AFTER DELETE ON "transactions" REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION "transactions_mark_changed"();--> statement-breakpoint
ALTER TABLE "transactions" ENABLE ALWAYS TRIGGER "transactions_changes_insert";--> statement-breakpoint
ALTER TABLE "transactions" ENABLE ALWAYS TRIGGER "transactions_changes_update";--> statement-breakpoint
ALTER TABLE "transactions" ENABLE ALWAYS TRIGGER "transactions_changes_delete";
