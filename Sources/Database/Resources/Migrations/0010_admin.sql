-- Admins granted from the command line, besides BLUMPO_ADMIN_EMAILS.
ALTER TABLE "user" ADD COLUMN is_admin boolean NOT NULL DEFAULT false;

-- Every admin change: who, what, and the object before and after.
CREATE TABLE admin_audit (
    id          bigserial PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid REFERENCES "user" (id) ON DELETE SET NULL,
    actor_email text NOT NULL,
    action      text NOT NULL,
    target_type text NOT NULL,
    target_id   text,
    before      jsonb,
    after       jsonb
);
CREATE INDEX admin_audit_created_idx ON admin_audit (created_at DESC, id DESC);
CREATE INDEX admin_audit_target_idx ON admin_audit (target_type, target_id, created_at DESC);
CREATE INDEX admin_audit_actor_idx ON admin_audit (actor_id, created_at DESC);
