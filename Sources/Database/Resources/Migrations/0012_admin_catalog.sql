-- Admin catalogue: archetypes can be switched off, and the admin job view finds a variant's
-- queue task (and its attempts) by unique key after the task has finished.

-- An inactive archetype is offered to no one and planned into no job; its workflows keep
-- their own is_active, so switching the archetype back on restores them as they were.
ALTER TABLE ad_archetype ADD COLUMN is_active boolean NOT NULL DEFAULT true;

-- The live-unique index covers available and running tasks only.
CREATE INDEX queue_task_unique_key_idx ON queue_task (unique_key) WHERE unique_key IS NOT NULL;
