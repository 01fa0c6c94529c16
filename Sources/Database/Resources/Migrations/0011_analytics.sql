-- Analytics: the reports read events, images and jobs by time, over one user or everyone.
-- Each index serves a query of Sources/Analytics; docs/analytics.md has their plans and timings.

-- A user's events in a period, read from the index alone (no visit to the table).
CREATE INDEX ad_event_user_created_idx ON ad_event (user_id, created_at) INCLUDE (event_type, ad_image_id, brand_id);

-- Everyone's events in a period (admin KPIs), read from the index alone.
CREATE INDEX ad_event_created_idx ON ad_event (created_at) INCLUDE (event_type, ad_image_id);

-- Everyone's images and jobs made in a period (admin KPIs).
CREATE INDEX ad_image_created_idx ON ad_image (created_at);
CREATE INDEX generation_job_created_idx ON generation_job (created_at);
