-- The HTTP load test's data for the users it signed in through the API (load-N@bench.test):
-- tokens enough for every job the run can create, one brand each, and one finished job with
-- 60 library images each, so a library page (30 images) is full. Plain rows, as the product
-- writes them; the ledger stays reconciled (one ADMIN_ADJUST row per grant).

WITH granted AS (
    INSERT INTO token_ledger (user_id, delta, reason, reference_id, balance_after)
    SELECT a.user_id, 1000000000000, 'ADMIN_ADJUST', 'bench-grant:' || a.user_id, a.balance + 1000000000000
    FROM token_account a JOIN "user" u ON u.id = a.user_id
    WHERE u.email LIKE 'load-%@bench.test'
    RETURNING user_id, balance_after
)
UPDATE token_account t SET balance = g.balance_after FROM granted g WHERE t.user_id = g.user_id;

INSERT INTO brand (user_id, name, website_url, language, colors, fonts)
SELECT id, 'Kettle & Co. ' || split_part(email, '@', 1), 'https://' || split_part(email, '@', 1) || '.bench.test', 'en',
       ARRAY['#2A9D8F', '#E76F51', '#264653'], '[{"fontFamily": "Inter", "count": 12}]'::jsonb
FROM "user" WHERE email LIKE 'load-%@bench.test';

INSERT INTO brand_extraction_status (brand_id, colors_status, fonts_status, logo_status, hero_status, insights_status, reddit_status, crawled_at)
SELECT b.id, 'ok', 'ok', 'ok', 'ok', 'ok', 'skipped', now()
FROM brand b JOIN "user" u ON u.id = b.user_id WHERE u.email LIKE 'load-%@bench.test';

INSERT INTO generation_job (user_id, brand_id, created_at, started_at, completed_at, status, archetype_code, tokens_cost, expected_ads, formats, format)
SELECT b.user_id, b.id, now() - interval '1 hour', now() - interval '1 hour', now() - interval '59 minutes', 'SUCCEEDED',
       'problem_solution', 0, 60, ARRAY['square'], 'square'
FROM brand b JOIN "user" u ON u.id = b.user_id WHERE u.email LIKE 'load-%@bench.test';

INSERT INTO ad_image (job_id, user_id, brand_id, created_at, title, storage_key, public_url, bytes_size, width, height, format, archetypes, workflow_id)
SELECT j.id, j.user_id, j.brand_id, j.created_at + n * interval '1 second', 'Ad ' || n,
       'users/' || j.user_id || '/ads/' || n || '.webp', 'http://127.0.0.1/blobs/users/' || j.user_id || '/ads/' || n || '.webp',
       48000 + n, 1080, 1080, 'WEBP', ARRAY['problem_solution'],
       (SELECT id FROM ad_workflow WHERE archetype_code = 'problem_solution' ORDER BY variant_key LIMIT 1)
FROM generation_job j JOIN "user" u ON u.id = j.user_id
CROSS JOIN generate_series(1, 60) AS n
WHERE u.email LIKE 'load-%@bench.test';

ANALYZE;
