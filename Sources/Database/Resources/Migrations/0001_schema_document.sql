-- The data model of the schema document, exactly: every table, column, type, default and index
-- it names. Additions the product needs live in later migrations and in docs/schema.md.
-- ON DELETE choices (the document names none) are explained in docs/schema.md.

CREATE TYPE job_status AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED');
CREATE TYPE token_period AS ENUM ('DAY', 'WEEK', 'MONTH');

CREATE TABLE "user" (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL UNIQUE CHECK (email = lower(btrim(email))),
    display_name  text,
    photo_url     text,
    phone_number  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    ban_flag      boolean NOT NULL DEFAULT false
);

CREATE TABLE subscription_plan (
    plan_code         text PRIMARY KEY,
    display_name      text NOT NULL,
    monthly_tokens    bigint NOT NULL,
    description       jsonb,
    stripe_product_id text UNIQUE,
    is_active         boolean NOT NULL DEFAULT true,
    is_default        boolean NOT NULL DEFAULT false,
    sort_order        integer NOT NULL DEFAULT 100,
    rollover_cap      bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX subscription_plan_single_default_idx ON subscription_plan (is_default) WHERE is_default = true;
CREATE INDEX subscription_plan_active_sort_idx ON subscription_plan (is_active, sort_order);

CREATE TABLE topup_plan (
    topup_sku         text PRIMARY KEY,
    display_name      text NOT NULL,
    tokens_amount     bigint NOT NULL,
    stripe_product_id text UNIQUE,
    is_active         boolean NOT NULL DEFAULT true,
    sort_order        integer NOT NULL DEFAULT 100,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX topup_plan_active_sort_idx ON topup_plan (is_active, sort_order);

CREATE TABLE generation_pricing (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL,
    strategy         text NOT NULL DEFAULT 'STATIC' CHECK (strategy IN ('STATIC', 'PER_FORMAT', 'PER_AD')),
    base_cost_tokens bigint NOT NULL CHECK (base_cost_tokens >= 0),
    rules            jsonb,
    is_active        boolean NOT NULL DEFAULT true,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX generation_pricing_single_active_idx ON generation_pricing (is_active) WHERE is_active = true;

CREATE TABLE token_account (
    user_id                uuid PRIMARY KEY REFERENCES "user" (id) ON DELETE CASCADE,
    balance                bigint NOT NULL DEFAULT 0,
    plan_code              text NOT NULL DEFAULT 'FREE' REFERENCES subscription_plan (plan_code) ON UPDATE CASCADE ON DELETE RESTRICT,
    period                 token_period NOT NULL DEFAULT 'MONTH',
    last_refill_at         timestamptz,
    next_refill_at         timestamptz,
    stripe_customer_id     text,
    stripe_subscription_id text,
    stripe_product_id      text,
    stripe_price_id        text,
    subscription_status    text,
    cancellation_time      timestamptz
);
CREATE UNIQUE INDEX token_account_stripe_customer_id_key ON token_account (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;
CREATE UNIQUE INDEX token_account_stripe_subscription_id_key ON token_account (stripe_subscription_id) WHERE stripe_subscription_id IS NOT NULL;

CREATE TABLE token_ledger (
    id            bigserial PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES "user" (id) ON DELETE RESTRICT,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    delta         bigint NOT NULL,
    reason        text NOT NULL,
    reference_id  text,
    balance_after bigint NOT NULL
);
CREATE INDEX token_ledger_user_occurred_idx ON token_ledger (user_id, occurred_at DESC);
CREATE UNIQUE INDEX token_ledger_reason_reference_key ON token_ledger (reason, reference_id) WHERE reference_id IS NOT NULL;

CREATE TABLE brand (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    is_deleted       boolean NOT NULL DEFAULT false,
    name             text NOT NULL,
    website_url      text NOT NULL,
    language         text NOT NULL DEFAULT 'en',
    fonts            jsonb,
    colors           text[],
    photos           text[],
    hero_photos      text[],
    logo_url         text,
    website_data_url text
);
CREATE INDEX brand_user_id_idx ON brand (user_id);
CREATE UNIQUE INDEX brand_user_website_key ON brand (user_id, website_url);

CREATE TABLE brand_insights (
    brand_id                    uuid PRIMARY KEY REFERENCES brand (id) ON DELETE CASCADE,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    client_ad_preferences       jsonb,
    industry                    text,
    customer_pain_points        text[],
    product_description         text,
    key_features                text[],
    brand_voice                 text,
    unique_value_prop           text,
    expected_customer           text,
    target_customer             text,
    key_benefits                text[],
    competitors                 text[],
    ins_trigger_events          text[],
    ins_aspirations             text[],
    ins_interesting_quotes      text[],
    ins_marketing_insight       text,
    ins_trend_opportunity       text,
    ins_raw                     jsonb,
    marketing_brief             text,
    reddit_customer_desires     jsonb,
    reddit_customer_pain_points jsonb,
    reddit_interesting_quotes   jsonb,
    reddit_purchase_triggers    jsonb,
    reddit_marketing_brief      text
);

CREATE TABLE brand_extraction_status (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brand_id        uuid NOT NULL REFERENCES brand (id) ON DELETE CASCADE,
    colors_status   text NOT NULL DEFAULT 'pending' CHECK (colors_status IN ('pending', 'ok', 'error')),
    colors_error    text,
    fonts_status    text NOT NULL DEFAULT 'pending' CHECK (fonts_status IN ('pending', 'ok', 'error')),
    fonts_error     text,
    logo_status     text NOT NULL DEFAULT 'pending' CHECK (logo_status IN ('pending', 'ok', 'error')),
    logo_error      text,
    hero_status     text NOT NULL DEFAULT 'pending' CHECK (hero_status IN ('pending', 'ok', 'error')),
    hero_error      text,
    insights_status text NOT NULL DEFAULT 'pending' CHECK (insights_status IN ('pending', 'ok', 'error')),
    insights_error  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX brand_extraction_status_brand_id_key ON brand_extraction_status (brand_id);

CREATE TABLE ad_archetype (
    code         text PRIMARY KEY,
    display_name text NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ad_workflow (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    archetype_code text NOT NULL REFERENCES ad_archetype (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    workflow_uid   text NOT NULL,
    variant_key    text NOT NULL,
    format         text,
    is_active      boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ad_workflow_archetype_variant_key ON ad_workflow (archetype_code, variant_key);
CREATE INDEX ad_workflow_archetype_code_idx ON ad_workflow (archetype_code);
CREATE INDEX ad_workflow_workflow_uid_idx ON ad_workflow (workflow_uid);

CREATE TABLE generation_job (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    brand_id             uuid REFERENCES brand (id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    started_at           timestamptz,
    completed_at         timestamptz,
    status               job_status NOT NULL DEFAULT 'QUEUED',
    prompt               text,
    params               jsonb,
    tokens_cost          bigint,
    ledger_id            bigint UNIQUE REFERENCES token_ledger (id) ON DELETE RESTRICT,
    error_code           text,
    error_message        text,
    product_photo_urls   text[],
    product_photo_mode   text NOT NULL DEFAULT 'brand' CHECK (product_photo_mode IN ('brand', 'custom', 'mixed')),
    archetype_code       text REFERENCES ad_archetype (code) ON UPDATE CASCADE ON DELETE RESTRICT,
    archetype_mode       text NOT NULL DEFAULT 'single' CHECK (archetype_mode IN ('single', 'random')),
    formats              text[],
    format               text,
    selected_pain_points text[],
    insight_source       text NOT NULL DEFAULT 'auto' CHECK (insight_source IN ('auto', 'manual', 'mixed')),
    expected_ads         integer,
    archetype_inputs     jsonb
);
CREATE INDEX generation_job_user_created_idx ON generation_job (user_id, created_at DESC);
CREATE INDEX generation_job_status_idx ON generation_job (status);

CREATE TABLE ad_image (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id      uuid NOT NULL REFERENCES generation_job (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    brand_id    uuid REFERENCES brand (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    title       text,
    storage_key text NOT NULL,
    public_url  text,
    bytes_size  bigint,
    width       integer,
    height      integer,
    format      text CHECK (format IN ('WEBP', 'PNG', 'JPEG')),
    archetypes  text[],
    ban_flag    boolean NOT NULL DEFAULT false,
    is_deleted  boolean NOT NULL DEFAULT false,
    delete_at   timestamptz
);
CREATE INDEX ad_image_user_created_idx ON ad_image (user_id, created_at DESC);
CREATE INDEX ad_image_job_id_idx ON ad_image (job_id);
CREATE INDEX ad_image_brand_id_idx ON ad_image (brand_id);

CREATE TABLE ad_event (
    id             bigserial PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    user_id        uuid REFERENCES "user" (id) ON DELETE SET NULL,
    brand_id       uuid REFERENCES brand (id) ON DELETE SET NULL,
    job_id         uuid REFERENCES generation_job (id) ON DELETE SET NULL,
    ad_image_id    uuid REFERENCES ad_image (id) ON DELETE SET NULL,
    archetype_code text REFERENCES ad_archetype (code) ON UPDATE CASCADE ON DELETE SET NULL,
    workflow_id    uuid REFERENCES ad_workflow (id) ON DELETE SET NULL,
    event_type     text NOT NULL CHECK (event_type IN ('saved', 'deleted', 'restored', 'downloaded', 'shared', 'auto_delete')),
    event_source   text NOT NULL,
    metadata       jsonb
);
CREATE INDEX ad_event_ad_image_id_idx ON ad_event (ad_image_id);
CREATE INDEX ad_event_job_id_idx ON ad_event (job_id);
CREATE INDEX ad_event_brand_id_idx ON ad_event (brand_id);
CREATE INDEX ad_event_user_id_idx ON ad_event (user_id);
CREATE INDEX ad_event_type_created_idx ON ad_event (event_type, created_at DESC);

CREATE TABLE auth_otp (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email        text NOT NULL CHECK (email = lower(btrim(email))),
    user_id      uuid REFERENCES "user" (id) ON DELETE CASCADE,
    code_hash    text NOT NULL,
    purpose      text NOT NULL DEFAULT 'LOGIN' CHECK (purpose IN ('LOGIN', 'VERIFY_EMAIL', 'CHANGE_EMAIL')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    consumed_at  timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 5,
    resend_count integer NOT NULL DEFAULT 0,
    ip_address   inet,
    user_agent   text
);
CREATE INDEX auth_otp_active_email_idx ON auth_otp (email) WHERE consumed_at IS NULL;
