import Foundation
public import Logging

/// Writes one line per log record to standard error, as readable text or as JSON objects.
///
/// Metadata (request id, task id, …) is printed with every line so a line can be traced back
/// to the request or task that produced it.
public struct BlumpoLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: AppConfiguration.LogFormat

    public init(label: String, level: Logger.Level, format: AppConfiguration.LogFormat) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    /// Installs this handler for the whole process; call once, first thing.
    public static func bootstrap(level: Logger.Level, format: AppConfiguration.LogFormat) {
        LoggingSystem.bootstrap { label in BlumpoLogHandler(label: label, level: level, format: format) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let timestamp = Date().formatted(.iso8601)
        let line: String
        switch format {
        case .text:
            let fields = merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: " ")
            line = "\(timestamp) \(event.level.rawValue.uppercased()) \(label): \(event.message)" + (fields.isEmpty ? "" : " \(fields)")
        case .json:
            var object: [String: Any] = ["ts": timestamp, "level": event.level.rawValue, "logger": label, "msg": "\(event.message)"]
            for (key, value) in merged { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
