/// An ad output format: a code and its pixel size (product spec §4.5).
public struct AdFormat: Hashable, Sendable {
    public let code: String
    public let width: Int
    public let height: Int

    public static let square = AdFormat(code: "square", width: 1080, height: 1080)
    public static let portrait = AdFormat(code: "portrait", width: 1080, height: 1350)
    public static let story = AdFormat(code: "story", width: 1080, height: 1920)
    public static let landscape = AdFormat(code: "landscape", width: 1200, height: 628)
    public static let widescreen = AdFormat(code: "widescreen", width: 1920, height: 1080)

    public static let all: [AdFormat] = [.square, .portrait, .story, .landscape, .widescreen]

    private static let aliases: [String: AdFormat] = [
        "1:1": .square, "4:5": .portrait, "9:16": .story, "1.91:1": .landscape, "16:9": .widescreen,
    ]

    /// Accepts a code or an aspect-ratio alias, case-insensitively; nil when unknown.
    public init?(parsing text: String) {
        let key = text.lowercased()
        if let found = Self.all.first(where: { $0.code == key }) ?? Self.aliases[key] {
            self = found
        } else {
            return nil
        }
    }

    private init(code: String, width: Int, height: Int) {
        self.code = code
        self.width = width
        self.height = height
    }
}
