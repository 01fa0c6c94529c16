-- Reddit mining: its own extraction step, and receipts for every website insight.

-- The `reddit` step, after `insights` (it searches for the brand, its competitors and its
-- category). `skipped` means it could not run by configuration (no Reddit credentials); the
-- reason is in reddit_error.
ALTER TABLE brand_extraction_status ADD COLUMN reddit_status text NOT NULL DEFAULT 'pending'
    CHECK (reddit_status IN ('pending', 'ok', 'error', 'skipped'));
ALTER TABLE brand_extraction_status ADD COLUMN reddit_error text;
-- Brands extracted before this step existed were never mined: say so instead of leaving them pending.
UPDATE brand_extraction_status SET reddit_status = 'skipped', reddit_error = 'Reddit mining was added after this brand was extracted; re-extract to run it';

-- Receipts of the website insights: {"<column>": [{"text": item, "sources": [{"url", "sentence"}]}]}.
-- Reddit items carry theirs inside the reddit_* jsonb values.
ALTER TABLE brand_insights ADD COLUMN insight_sources jsonb NOT NULL DEFAULT '{}';
