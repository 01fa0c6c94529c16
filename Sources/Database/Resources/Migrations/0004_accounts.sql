-- Server-side sessions and the rate-limit counters shared by every app instance.

CREATE TABLE auth_session (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    -- SHA-256 of the 256-bit random token; the token itself is never stored.
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    ip_address   inet,
    user_agent   text
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id) WHERE revoked_at IS NULL;
CREATE INDEX auth_session_expires_idx ON auth_session (expires_at);

-- Fixed-window counters: one row per key (e.g. "otp:email:ann@example.com") and window start.
CREATE TABLE rate_limit_counter (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL DEFAULT 0,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counter_window_idx ON rate_limit_counter (window_start);
