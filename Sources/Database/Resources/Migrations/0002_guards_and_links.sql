-- Database-level guards around the document's tables, and the one column the document's
-- diagram implies (ad_image → ad_workflow). Each is listed in docs/schema.md.

-- updated_at is maintained by the database so no code path can forget it.
CREATE FUNCTION blumpo_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

DO $$
DECLARE
    table_name text;
BEGIN
    FOREACH table_name IN ARRAY ARRAY[
        'subscription_plan', 'topup_plan', 'generation_pricing', 'brand', 'brand_insights',
        'brand_extraction_status', 'ad_archetype', 'ad_workflow'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION blumpo_touch_updated_at()',
            table_name || '_touch_updated_at', table_name);
    END LOOP;
END;
$$;

-- Money invariants: a balance never goes negative and the ledger is append-only.
ALTER TABLE token_account ADD CONSTRAINT token_account_balance_non_negative CHECK (balance >= 0);

CREATE FUNCTION blumpo_refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'token_ledger rows are immutable (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER token_ledger_append_only BEFORE UPDATE OR DELETE ON token_ledger
    FOR EACH ROW EXECUTE FUNCTION blumpo_refuse_ledger_change();
CREATE TRIGGER token_ledger_no_truncate BEFORE TRUNCATE ON token_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION blumpo_refuse_ledger_change();

-- The workflow that produced an image (the document's diagram links ad_image to ad_workflow).
ALTER TABLE ad_image ADD COLUMN workflow_id uuid REFERENCES ad_workflow (id) ON DELETE SET NULL;
CREATE INDEX ad_image_workflow_id_idx ON ad_image (workflow_id);
