-- Reference data every install starts with (product spec §4.2 and §4.5).
-- Idempotent: rows that exist are left alone, so edits made by admins survive a re-seed.

INSERT INTO subscription_plan (plan_code, display_name, monthly_tokens, description, is_default, sort_order, rollover_cap, brand_limit)
VALUES
    ('FREE',    'Free',    50,    '["50 tokens to start", "1 brand", "All archetypes and formats"]', true,  1, 0, 1),
    ('STARTER', 'Starter', 1000,  '["1,000 tokens every month", "1 brand", "Unused tokens roll over up to 500"]', false, 2, 500, 1),
    ('GROWTH',  'Growth',  3000,  '["3,000 tokens every month", "3 brands", "Unused tokens roll over up to 1,500"]', false, 3, 1500, 3),
    ('TEAM',    'Team',    30000, '["30,000 tokens every month", "Unlimited brands", "Unused tokens roll over up to 15,000"]', false, 4, 15000, NULL)
ON CONFLICT (plan_code) DO NOTHING;

INSERT INTO topup_plan (topup_sku, display_name, tokens_amount, sort_order)
VALUES
    ('TOPUP_100',  '100 tokens',   100,  1),
    ('TOPUP_500',  '500 tokens',   500,  2),
    ('TOPUP_2000', '2,000 tokens', 2000, 3)
ON CONFLICT (topup_sku) DO NOTHING;

-- One format costs 50 tokens; each further format is discounted 20 % (two formats: 80).
INSERT INTO generation_pricing (name, strategy, base_cost_tokens, rules)
SELECT 'Per format, 5 ads each, 20 % multi-format discount', 'PER_FORMAT', 50,
       '{"multi_format_discount_percent": 20, "variants_per_format": 5, "archetype_overrides": {}}'
WHERE NOT EXISTS (SELECT 1 FROM generation_pricing);

INSERT INTO ad_archetype (code, display_name, description)
VALUES
    ('problem_solution',      'Problem-Solution',      'Show the customer''s pain point and how the product resolves it'),
    ('testimonial',           'Testimonial',           'Let a happy customer''s words sell the product'),
    ('competitor_comparison', 'Competitor Comparison', 'Put the product side by side with the alternative'),
    ('promotion_offer',       'Promotion / Offer',     'Lead with a concrete offer and a reason to act now'),
    ('value_proposition',     'Value Proposition',     'State the one thing the product does better than anyone'),
    ('meme',                  'Meme',                  'A light, shareable take on a familiar frustration')
ON CONFLICT (code) DO NOTHING;

-- Every archetype has a built-in renderer variant that serves every format.
INSERT INTO ad_workflow (archetype_code, workflow_uid, variant_key, format)
SELECT code, 'builtin:' || code, 'builtin', NULL FROM ad_archetype
WHERE code IN ('problem_solution', 'testimonial', 'competitor_comparison', 'promotion_offer', 'value_proposition', 'meme')
ON CONFLICT (archetype_code, variant_key) DO NOTHING;
