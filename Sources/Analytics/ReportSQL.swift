/// SQL fragments both reports share.
enum ReportSQL {
    /// The bit of each reported action in a per-image set, matching `ReportedAction.bit`.
    static let actionBits = """
        bit_or(CASE event_type WHEN 'saved' THEN 1 WHEN 'downloaded' THEN 2 WHEN 'shared' THEN 4
                               WHEN 'deleted' THEN 8 WHEN 'restored' THEN 16 END)
        """

    static let reportedTypes = "('saved', 'downloaded', 'shared', 'deleted', 'restored')"

    /// Per (archetype, workflow): images generated, then images per action bit.
    static let cohortColumns = """
        i.archetype_code, i.workflow_id, w.workflow_uid, count(*)::int8,
        count(*) FILTER (WHERE f.kinds & 1 <> 0)::int8, count(*) FILTER (WHERE f.kinds & 2 <> 0)::int8,
        count(*) FILTER (WHERE f.kinds & 4 <> 0)::int8, count(*) FILTER (WHERE f.kinds & 8 <> 0)::int8,
        count(*) FILTER (WHERE f.kinds & 16 <> 0)::int8
        """

    static let cohortTail = """
        FROM images i LEFT JOIN flags f ON f.ad_image_id = i.id LEFT JOIN ad_workflow w ON w.id = i.workflow_id
        GROUP BY i.archetype_code, i.workflow_id, w.workflow_uid
        """
}
