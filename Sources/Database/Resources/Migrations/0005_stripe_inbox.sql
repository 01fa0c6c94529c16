-- Stripe webhook events, stored before they are processed: a redelivery is recognised by its
-- event id and acknowledged without a second effect.
CREATE TABLE stripe_event (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
);
