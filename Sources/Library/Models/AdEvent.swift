/// `ad_event.event_type`: the document's action events, plus un-saving and what clients report.
public enum AdEventType: String, Sendable, Codable, CaseIterable {
    case saved, unsaved, deleted, restored, downloaded, shared
    case autoDelete = "auto_delete"
    case viewed
    case reviewKept = "review_kept"
    case reviewDiscarded = "review_discarded"

    /// What a client may post in a batch; the others come from actions the server performs.
    public static let clientReported: Set<AdEventType> = [.viewed, .reviewKept, .reviewDiscarded]
}

/// `ad_event.event_source`: the web app (cookie session), an API client (bearer token), the purge.
public enum AdEventSource: String, Sendable {
    case ui, api
    case cronCleanup = "cron_cleanup"
}
