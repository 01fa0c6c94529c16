-- Generation: variants of a job, idempotent creation, deadlines, copy and preflight with images.

-- A retried POST with the same Idempotency-Key returns the same job.
ALTER TABLE generation_job ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX generation_job_idempotency_key ON generation_job (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Past this a job that has not finished is finished by the stale-job sweep and settled.
ALTER TABLE generation_job ADD COLUMN deadline_at timestamptz;
CREATE INDEX generation_job_open_deadline_idx ON generation_job (deadline_at) WHERE status IN ('QUEUED', 'RUNNING');
-- Signs the callbacks of external (n8n) workflows for this job.
ALTER TABLE generation_job ADD COLUMN callback_secret text;

-- One ad to produce: an archetype's workflow in one format.
CREATE TABLE generation_variant (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id         uuid NOT NULL REFERENCES generation_job (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    archetype_code text NOT NULL REFERENCES ad_archetype (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    workflow_id    uuid REFERENCES ad_workflow (id) ON DELETE SET NULL,
    workflow_uid   text NOT NULL,
    format         text NOT NULL,
    status         text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED')),
    ad_image_id    uuid REFERENCES ad_image (id) ON DELETE SET NULL,
    error          text,
    -- An external workflow that has not called back by then has failed.
    deadline_at    timestamptz,
    started_at     timestamptz,
    finished_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, position)
);
CREATE TRIGGER generation_variant_touch_updated_at BEFORE UPDATE ON generation_variant
    FOR EACH ROW EXECUTE FUNCTION blumpo_touch_updated_at();

-- The words on the ad ({headline, subline, cta, …}) and its preflight result, kept with it.
ALTER TABLE ad_image ADD COLUMN copy jsonb;
ALTER TABLE ad_image ADD COLUMN preflight jsonb;
ALTER TABLE ad_image ADD COLUMN variant_id uuid REFERENCES generation_variant (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX ad_image_variant_id_key ON ad_image (variant_id) WHERE variant_id IS NOT NULL;
