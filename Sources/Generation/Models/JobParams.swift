public import Core
import Foundation
public import Imaging

/// `generation_job.params`: how a job's ads are made — the seed, the file format and quality, and
/// an exact size when the request named one. Written once by the planner, read by every runner.
public struct JobParams: Codable, Sendable, Equatable {
    public static let defaultQuality = 88
    public static let defaultOutput = OutputFormat.webp

    /// The file format of the ads (`output_format`); `jpg` is read as `jpeg`.
    public enum OutputFormat: String, Codable, Sendable {
        case webp, png, jpeg

        public init?(parsing text: String) {
            let lower = text.lowercased()
            self.init(rawValue: lower == "jpg" ? "jpeg" : lower)
        }

        public var imageFormat: ImageFormat {
            switch self {
            case .webp: .webp
            case .png: .png
            case .jpeg: .jpeg
            }
        }
    }

    public var seed: UInt64
    public var outputFormat: OutputFormat
    public var quality: Int
    public var width: Int?
    public var height: Int?
    /// How many different ads (ideas) the job makes of each format; nil for jobs planned before
    /// there were several, whose variants each took their own seed.
    public var variantsPerFormat: Int?

    public init(
        seed: UInt64, outputFormat: OutputFormat = defaultOutput, quality: Int = defaultQuality, width: Int? = nil, height: Int? = nil,
        variantsPerFormat: Int? = nil
    ) {
        self.variantsPerFormat = variantsPerFormat
        self.seed = seed
        self.outputFormat = outputFormat
        self.quality = quality
        self.width = width
        self.height = height
    }

    /// The params of a stored job. A value out of its range (a row written before params were
    /// bounded, a seed above 2^53 read back as a double) takes its default instead of trapping
    /// the worker on every retry.
    public init(stored value: JSONValue?) {
        guard case .object(let object) = value else {
            self.init(seed: 0)
            return
        }
        func integer(_ key: String, in range: ClosedRange<Int64>) -> Int64? {
            if case .number(let number) = object[key] { return Bounds.integer(number, in: range) }
            return nil
        }
        var output = Self.defaultOutput
        if case .string(let text) = object["output_format"], let parsed = OutputFormat(parsing: text) { output = parsed }
        self.init(
            seed: integer("seed", in: 0...Int64(Bounds.maxSeed)).map { UInt64($0) } ?? 0, outputFormat: output,
            quality: integer("quality", in: 50...100).map { Int($0) } ?? Self.defaultQuality,
            width: integer("width", in: 1...10_000).map { Int($0) }, height: integer("height", in: 1...10_000).map { Int($0) },
            variantsPerFormat: integer("variants_per_format", in: 1...10).map { Int($0) })
    }

    enum CodingKeys: String, CodingKey {
        case seed, quality, width, height
        case outputFormat = "output_format"
        case variantsPerFormat = "variants_per_format"
    }

    /// The seed of the variant at `position` among `total`: the ads of one idea share it in every
    /// format (the planner lays the variants out idea by idea), so its square and its story are
    /// one design.
    public func seed(position: Int, total: Int) -> UInt64 {
        guard let ideas = variantsPerFormat, ideas > 0, total >= ideas, position >= 0 else { return seed &+ UInt64(max(position, 0)) }
        return seed &+ UInt64(position / (total / ideas))
    }
}

/// Who makes a workflow's ads, from its `workflow_uid`: the built-in renderer (`builtin:<name>`)
/// or an n8n workflow (`n8n:<webhook path>`).
public enum WorkflowRunnerKind: Equatable, Sendable {
    case builtin(String)
    case n8n(path: String)

    public init?(uid: String) {
        if uid.hasPrefix("builtin:") {
            self = .builtin(String(uid.dropFirst("builtin:".count)))
        } else if uid.hasPrefix("n8n:") {
            self = .n8n(path: String(uid.dropFirst("n8n:".count)))
        } else {
            return nil
        }
    }
}
