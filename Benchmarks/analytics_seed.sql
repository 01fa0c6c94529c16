-- The analytics benchmark's data: a year of a busy installation, one million ad events by default.
-- Deterministic (setseed), made with generate_series on a migrated and seeded database.
-- 10,000 users (user 1 is a heavy user with a tenth of all jobs), 12,000 brands, 100,000 jobs,
-- 250,000 images, 1,000,000 events spread over the year, sessions, ledger rows, Stripe events.
-- The job count comes from the temporary table bench_size (made by the benchmark, from
-- BENCH_ANALYTICS_JOBS); images and events follow it.
SELECT setseed(0.42);

CREATE TEMP TABLE bench_clock AS SELECT date_trunc('hour', now()) AS now;

INSERT INTO "user" (id, email, created_at, last_login_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'user' || u || '@bench.test',
       (SELECT now FROM bench_clock) - (random() * 400) * interval '1 day', NULL
FROM generate_series(1, 10000) AS u;

INSERT INTO token_account (user_id, balance, plan_code)
SELECT id, 100, (ARRAY['FREE', 'FREE', 'FREE', 'STARTER', 'GROWTH', 'TEAM'])[1 + floor(random() * 6)::int] FROM "user";

INSERT INTO brand (id, user_id, name, website_url, created_at)
SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(b), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (b - 1) % 10000), 12, '0'))::uuid,
       'Brand ' || b, 'https://brand' || b || '.bench.test', (SELECT now FROM bench_clock) - (random() * 380) * interval '1 day'
FROM generate_series(1, 12000) AS b;

INSERT INTO brand_extraction_status (brand_id, colors_status, fonts_status, logo_status, logo_error, hero_status, hero_error, insights_status)
SELECT id, 'ok', 'ok',
       CASE WHEN random() < 0.08 THEN 'error' ELSE 'ok' END, 'no logo candidate',
       CASE WHEN random() < 0.05 THEN 'error' ELSE 'ok' END, (ARRAY['no hero image', 'download refused'])[1 + floor(random() * 2)::int],
       'ok'
FROM brand;
UPDATE brand_extraction_status SET logo_error = NULL WHERE logo_status = 'ok';
UPDATE brand_extraction_status SET hero_error = NULL WHERE hero_status = 'ok';

-- Jobs: user 1 owns every tenth job; the rest are spread over the others' first brands.
CREATE TEMP TABLE bench_job AS
SELECT j, ('00000000-0000-4000-a000-' || lpad(to_hex(j), 12, '0'))::uuid AS id,
       CASE WHEN j % 10 = 0 THEN 1 ELSE 2 + (j * 7919) % 9999 END AS owner,
       (SELECT now FROM bench_clock) - (random() * 365) * interval '1 day' AS created_at,
       random() AS r
FROM generate_series(1, (SELECT jobs FROM bench_size)) AS j;

INSERT INTO generation_job (id, user_id, brand_id, created_at, started_at, completed_at, status, archetype_code, tokens_cost, expected_ads)
SELECT id, ('00000000-0000-4000-8000-' || lpad(to_hex(owner), 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(to_hex(owner), 12, '0'))::uuid,
       created_at, created_at + interval '2 seconds',
       CASE WHEN r < 0.97 THEN created_at + interval '2 seconds' + (5 + random() * 60) * interval '1 second' END,
       (CASE WHEN r < 0.90 THEN 'SUCCEEDED' WHEN r < 0.95 THEN 'FAILED' WHEN r < 0.97 THEN 'CANCELED' WHEN r < 0.99 THEN 'RUNNING' ELSE 'QUEUED' END)::job_status,
       (ARRAY['problem_solution', 'testimonial', 'competitor_comparison', 'promotion_offer', 'value_proposition', 'meme'])[1 + j % 6],
       100, 3
FROM bench_job;

-- Two or three images per job (two and a half on average).
INSERT INTO ad_image (id, job_id, user_id, brand_id, created_at, storage_key, format, archetypes, workflow_id)
SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(j.j * 4 + k), 12, '0'))::uuid, j.id,
       ('00000000-0000-4000-8000-' || lpad(to_hex(j.owner), 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(to_hex(j.owner), 12, '0'))::uuid,
       j.created_at + (10 + k) * interval '1 second', 'bench/' || j.j || '/' || k, 'PNG',
       ARRAY[(ARRAY['problem_solution', 'testimonial', 'competitor_comparison', 'promotion_offer', 'value_proposition', 'meme'])[1 + j.j % 6]],
       w.id
FROM bench_job j
CROSS JOIN generate_series(0, 2) AS k
JOIN ad_workflow w ON w.archetype_code = (ARRAY['problem_solution', 'testimonial', 'competitor_comparison', 'promotion_offer', 'value_proposition', 'meme'])[1 + j.j % 6]
WHERE k < 2 OR j.j % 2 = 0;

-- Four events per image, minutes to days after it was made, of every type.
INSERT INTO ad_event (created_at, user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source)
SELECT least(i.created_at + (random() ^ 3) * interval '5 days', (SELECT now FROM bench_clock)),
       i.user_id, i.brand_id, i.job_id, i.id, i.archetypes[1], i.workflow_id,
       (ARRAY['viewed', 'viewed', 'saved', 'downloaded', 'downloaded', 'shared', 'deleted', 'restored', 'unsaved',
              'review_kept', 'review_discarded', 'saved'])[1 + floor(random() * 12)::int],
       'ui'
FROM ad_image i CROSS JOIN generate_series(1, 4);

INSERT INTO auth_session (user_id, token_hash, created_at, last_seen_at, expires_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(1 + s % 10000), 12, '0'))::uuid, sha256(s::text::bytea),
       t, t + random() * interval '3 days', t + interval '30 days'
FROM (SELECT s, (SELECT now FROM bench_clock) - (random() * 365) * interval '1 day' AS t FROM generate_series(1, 40000) AS s) AS sessions;

INSERT INTO token_ledger (user_id, occurred_at, delta, reason, reference_id, balance_after)
SELECT user_id, created_at, -100, 'JOB_RESERVE', 'job:' || id, 0 FROM generation_job;
INSERT INTO token_ledger (user_id, occurred_at, delta, reason, reference_id, balance_after)
SELECT user_id, completed_at, 30, 'JOB_REFUND', 'job:' || id, 0 FROM generation_job WHERE status = 'FAILED';
INSERT INTO token_ledger (user_id, occurred_at, delta, reason, reference_id, balance_after)
SELECT id, created_at, 50, 'SIGNUP_GRANT', 'user:' || id, 50 FROM "user";
INSERT INTO token_ledger (user_id, occurred_at, delta, reason, reference_id, balance_after)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(1 + r % 10000), 12, '0'))::uuid,
       (SELECT now FROM bench_clock) - (random() * 365) * interval '1 day',
       (ARRAY[1000, 3000, 500])[1 + r % 3], (ARRAY['SUBS_REFILL', 'SUBS_ACTIVATION', 'TOPUP_PURCHASE'])[1 + r % 3], 'bench:' || r, 0
FROM generate_series(1, 20000) AS r;

INSERT INTO stripe_event (id, type, payload, received_at, processed_at)
SELECT 'evt_bench_' || e, (ARRAY['invoice.paid', 'checkout.session.completed', 'customer.subscription.updated', 'customer.subscription.deleted'])[1 + e % 4],
       '{}', t, t
FROM (SELECT e, (SELECT now FROM bench_clock) - (random() * 365) * interval '1 day' AS t FROM generate_series(1, 8000) AS e) AS events;

-- As autovacuum would: statistics, and a visibility map so index-only scans skip the table.
VACUUM ANALYZE;
