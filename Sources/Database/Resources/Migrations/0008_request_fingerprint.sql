-- What a job was created from (SHA-256 of the canonical JSON body), so an Idempotency-Key
-- reused with a different body is refused instead of silently answered with the first job.
ALTER TABLE generation_job ADD COLUMN request_fingerprint text;
