/// One drawing step of a rendered ad, recorded so the composite can be replayed elsewhere
/// (the benchmark replays it with pyvips on the same libvips).
public enum DrawOperation: Sendable, Codable, Equatable {
    /// The canvas: a solid colour.
    case canvas(width: Int, height: Int, rgb: [Double])
    /// A photo covering a box (attention crop).
    case photo(x: Int, y: Int, width: Int, height: Int)
    /// A solid rectangle (button, badge, strip, chip, accent bar).
    case rect(x: Int, y: Int, width: Int, height: Int, rgb: [Double])
    /// Pango markup in a colour with its top-left corner at (x, y).
    case text(markup: String, font: String, wrapWidth: Int, align: Int, spacing: Int, x: Int, y: Int, rgb: [Double])
    /// The logo fitted into width × height at (x, y).
    case logo(x: Int, y: Int, width: Int, height: Int)
    /// A luminance measurement of a region (the preflight reads what is behind text).
    case measure(x: Int, y: Int, width: Int, height: Int)
}
