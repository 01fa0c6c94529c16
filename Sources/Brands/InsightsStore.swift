public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `brand_insights`.
public struct InsightsStore: Sendable {
    public init() {}

    public func find(_ brandID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> BrandInsightsRecord? {
        let rows = try await connection.query(
            """
            SELECT industry, customer_pain_points, product_description, key_features, brand_voice, unique_value_prop,
                   expected_customer, target_customer, key_benefits, competitors, ins_trigger_events, ins_aspirations,
                   ins_interesting_quotes, ins_marketing_insight, ins_trend_opportunity, marketing_brief, ins_raw::text, updated_at,
                   reddit_customer_desires::text, reddit_customer_pain_points::text, reddit_purchase_triggers::text,
                   reddit_interesting_quotes::text, reddit_marketing_brief, insight_sources::text
            FROM brand_insights WHERE brand_id = \(brandID)
            """, logger: logger
        ).collect()
        guard let row = rows.first?.makeRandomAccess() else { return nil }
        var fields = InsightFields()
        fields.industry = try row[0].decode(String?.self)
        fields.customerPainPoints = try row[1].decode([String]?.self)
        fields.productDescription = try row[2].decode(String?.self)
        fields.keyFeatures = try row[3].decode([String]?.self)
        fields.brandVoice = try row[4].decode(String?.self)
        fields.uniqueValueProp = try row[5].decode(String?.self)
        fields.expectedCustomer = try row[6].decode(String?.self)
        fields.targetCustomer = try row[7].decode(String?.self)
        fields.keyBenefits = try row[8].decode([String]?.self)
        fields.competitors = try row[9].decode([String]?.self)
        fields.insTriggerEvents = try row[10].decode([String]?.self)
        fields.insAspirations = try row[11].decode([String]?.self)
        fields.insInterestingQuotes = try row[12].decode([String]?.self)
        fields.insMarketingInsight = try row[13].decode(String?.self)
        fields.insTrendOpportunity = try row[14].decode(String?.self)
        fields.marketingBrief = try row[15].decode(String?.self)
        let raw = try row[16].decode(String?.self)
        fields.grounded = GroundedClaims(insightsRaw: raw)
        // A value written by hand that does not read as items shows as none, never as a failure.
        func items(_ column: Int) throws -> [RedditInsightItem] {
            try row[column].decode(String?.self).flatMap { try? JSONDecoder().decode([RedditInsightItem].self, from: Data($0.utf8)) } ?? []
        }
        fields.reddit.desires = try items(18)
        fields.reddit.painPoints = try items(19)
        fields.reddit.purchaseTriggers = try items(20)
        fields.reddit.quotes = try items(21)
        fields.reddit.marketingBrief = try row[22].decode(String?.self)
        return BrandInsightsRecord(
            fields: fields, raw: raw, updatedAt: try row[17].decode(Date.self), receipts: InsightReceipts(json: try row[23].decode(String?.self)))
    }

    /// Writes every website insight field (nulls included); `raw` replaces `ins_raw` and
    /// `receipts` replace `insight_sources` when given. Reddit's columns are `saveReddit`'s.
    public func save(
        _ brandID: UUID, _ fields: InsightFields, raw: String?, receipts: InsightReceipts? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO brand_insights (brand_id) VALUES (\(brandID)) ON CONFLICT (brand_id) DO NOTHING
            """, logger: logger)
        try await connection.query(
            """
            UPDATE brand_insights SET
                industry = \(fields.industry), customer_pain_points = \(fields.customerPainPoints),
                product_description = \(fields.productDescription), key_features = \(fields.keyFeatures),
                brand_voice = \(fields.brandVoice), unique_value_prop = \(fields.uniqueValueProp),
                expected_customer = \(fields.expectedCustomer), target_customer = \(fields.targetCustomer),
                key_benefits = \(fields.keyBenefits), competitors = \(fields.competitors),
                ins_trigger_events = \(fields.insTriggerEvents), ins_aspirations = \(fields.insAspirations),
                ins_interesting_quotes = \(fields.insInterestingQuotes), ins_marketing_insight = \(fields.insMarketingInsight),
                ins_trend_opportunity = \(fields.insTrendOpportunity), marketing_brief = \(fields.marketingBrief),
                ins_raw = coalesce(\(raw)::jsonb, ins_raw),
                insight_sources = coalesce(\(receipts?.json)::jsonb, insight_sources)
            WHERE brand_id = \(brandID)
            """, logger: logger)
    }

    /// Writes the `reddit_*` columns; every item carries its sources in the jsonb value.
    public func saveReddit(_ brandID: UUID, _ reddit: RedditInsights, on connection: PostgresConnection, logger: Logger) async throws {
        func json(_ items: [RedditInsightItem]) -> String {
            String(decoding: (try? JSONEncoder.sorted.encode(items)) ?? Data("[]".utf8), as: UTF8.self)
        }
        try await connection.query(
            "INSERT INTO brand_insights (brand_id) VALUES (\(brandID)) ON CONFLICT (brand_id) DO NOTHING", logger: logger)
        try await connection.query(
            """
            UPDATE brand_insights SET
                reddit_customer_desires = \(json(reddit.desires))::jsonb, reddit_customer_pain_points = \(json(reddit.painPoints))::jsonb,
                reddit_purchase_triggers = \(json(reddit.purchaseTriggers))::jsonb, reddit_interesting_quotes = \(json(reddit.quotes))::jsonb,
                reddit_marketing_brief = \(reddit.marketingBrief)
            WHERE brand_id = \(brandID)
            """, logger: logger)
    }
}
