-- The durable task queue (TaskQueue module) and the scheduler's tick claims.

CREATE TABLE queue_task (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL,
    payload          jsonb NOT NULL DEFAULT '{}',
    state            text NOT NULL DEFAULT 'available'
                     CHECK (state IN ('available', 'running', 'completed', 'failed', 'cancelled')),
    priority         smallint NOT NULL DEFAULT 0,
    run_at           timestamptz NOT NULL DEFAULT now(),
    attempt          integer NOT NULL DEFAULT 0,
    -- NULL: the kind's own limit applies (TaskKindOptions.maxAttempts).
    max_attempts     integer CHECK (max_attempts >= 1),
    lease_expires_at timestamptz,
    worker_id        text,
    last_error       text,
    unique_key       text,
    -- Who the work is for (a user id), so one owner's flood cannot starve the others.
    owner            text,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz
);

-- Claim order: highest priority, then oldest due.
CREATE INDEX queue_task_claim_idx ON queue_task (kind, priority DESC, run_at, id) WHERE state = 'available';
-- One live task per unique key; finished tasks no longer block a new one.
CREATE UNIQUE INDEX queue_task_live_unique_key ON queue_task (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('available', 'running');
CREATE INDEX queue_task_lease_idx ON queue_task (lease_expires_at) WHERE state = 'running';
CREATE INDEX queue_task_running_owner_idx ON queue_task (kind, owner) WHERE state = 'running';
CREATE INDEX queue_task_finished_idx ON queue_task (finished_at) WHERE state IN ('completed', 'failed', 'cancelled');

CREATE TRIGGER queue_task_touch_updated_at BEFORE UPDATE ON queue_task
    FOR EACH ROW EXECUTE FUNCTION blumpo_touch_updated_at();

-- The last tick each periodic schedule fired for; claiming a tick is a conditional update.
CREATE TABLE queue_schedule (
    name         text PRIMARY KEY,
    last_tick_at timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
