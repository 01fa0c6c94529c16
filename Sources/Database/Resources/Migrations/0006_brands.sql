-- Brands: plan brand limits, extraction evidence and crawl outcome.

-- How many live brands a plan allows; NULL means unlimited. Product defaults: FREE 1,
-- STARTER 1, GROWTH 3, TEAM unlimited. Admins change them here.
ALTER TABLE subscription_plan ADD COLUMN brand_limit integer DEFAULT 1 CHECK (brand_limit IS NULL OR brand_limit >= 0);
UPDATE subscription_plan SET brand_limit = CASE plan_code WHEN 'GROWTH' THEN 3 WHEN 'TEAM' THEN NULL ELSE 1 END;

-- Why each value was chosen ({logo, colors, fonts, hero, language}), written by each step.
ALTER TABLE brand_extraction_status ADD COLUMN evidence jsonb NOT NULL DEFAULT '{}';
-- The crawl itself: when it last succeeded, or why it failed (then every step fails with it).
ALTER TABLE brand_extraction_status ADD COLUMN crawled_at timestamptz;
ALTER TABLE brand_extraction_status ADD COLUMN crawl_error text;
