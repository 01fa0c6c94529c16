public import Foundation
internal import VipsShim

/// A decoded image held by libvips, for composing ads. Not thread-safe: build, compose and
/// encode one on a single thread (the renderer does it inside one thread-pool job).
public final class RasterImage {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer?) throws {
        guard let pointer else { throw ImageError("image operation failed: \(ImageCodec.lastError())") }
        self.pointer = pointer
    }

    deinit { blumpo_vips_release(pointer) }

    public var width: Int { Int(blumpo_vips_width(pointer)) }
    public var height: Int { Int(blumpo_vips_height(pointer)) }

    /// A canvas of one colour; channels and alpha 0…255.
    public static func solid(width: Int, height: Int, red: Double, green: Double, blue: Double, alpha: Double = 255) throws -> RasterImage {
        try ImageCodec.start()
        return try RasterImage(blumpo_vips_materialize(blumpo_vips_solid(Int32(width), Int32(height), red, green, blue, alpha)))
    }

    public enum Alignment: Int32 { case left = 0, centre = 1, right = 2 }

    /// Pango markup rendered as a coverage mask (one band), wrapped at `width` pixels. `font` is
    /// a Pango description such as `"DejaVu Sans Bold 48"` (size in pixels: 72 dpi).
    public static func text(markup: String, font: String, width: Int, alignment: Alignment = .left, lineSpacing: Int = 0) throws -> RasterImage {
        try ImageCodec.start()
        return try RasterImage(blumpo_vips_text(markup, font, Int32(width), alignment.rawValue, Int32(lineSpacing)))
    }

    /// This mask as an image of one colour.
    public func colorized(red: Double, green: Double, blue: Double) throws -> RasterImage {
        try RasterImage(blumpo_vips_colorize(pointer, red, green, blue))
    }

    /// A new image: `overlay` drawn over this one with its top-left corner at (x, y).
    public func drawing(_ overlay: RasterImage, x: Int, y: Int) throws -> RasterImage {
        try RasterImage(blumpo_vips_materialize(blumpo_vips_over(pointer, overlay.pointer, Int32(x), Int32(y))))
    }

    /// Encoded bytes resized to cover `width`×`height`, cropped around the most interesting part.
    public static func cover(_ data: Data, width: Int, height: Int) throws -> RasterImage {
        try ImageCodec.start()
        return try data.withUnsafeBytes { buffer in try RasterImage(blumpo_vips_materialize(blumpo_vips_cover(buffer.baseAddress, buffer.count, Int32(width), Int32(height)))) }
    }

    /// Encoded bytes resized to fit inside `width`×`height` (vector images rendered to fit).
    public static func fit(_ data: Data, width: Int, height: Int, upscale: Bool) throws -> RasterImage {
        try ImageCodec.start()
        return try data.withUnsafeBytes { buffer in
            try RasterImage(blumpo_vips_materialize(blumpo_vips_thumbnail(buffer.baseAddress, buffer.count, Int32(width), Int32(height), upscale ? 1 : 0)))
        }
    }

    /// Luminance (gamma-encoded, 0…1) of what is in a rectangle: darkest, brightest, mean.
    public func luminance(x: Int, y: Int, width: Int, height: Int) throws -> (minimum: Double, maximum: Double, mean: Double) {
        var minimum = 0.0, maximum = 0.0, mean = 0.0
        let left = max(0, min(x, self.width - 1)), top = max(0, min(y, self.height - 1))
        let w = max(1, min(width, self.width - left)), h = max(1, min(height, self.height - top))
        guard blumpo_vips_region_luminance(pointer, Int32(left), Int32(top), Int32(w), Int32(h), &minimum, &maximum, &mean) == 0 else {
            throw ImageError("could not measure the image: \(ImageCodec.lastError())")
        }
        return (minimum, maximum, mean)
    }

    /// The alpha-weighted mean colour (0…255) of the visible pixels and the visible share (0…1).
    public func meanColor() throws -> (red: Double, green: Double, blue: Double, coverage: Double) {
        var r = 0.0, g = 0.0, b = 0.0, coverage = 0.0
        guard blumpo_vips_mean_color(pointer, &r, &g, &b, &coverage) == 0 else { throw ImageError("could not measure the image: \(ImageCodec.lastError())") }
        return (r, g, b, coverage)
    }

    /// Packed 8-bit RGB pixels, row by row (for comparisons in tests and tools).
    public func rgbPixels() throws -> [UInt8] {
        var output: UnsafeMutableRawPointer?
        var length = 0
        guard blumpo_vips_pixels(pointer, &output, &length) == 0, let output else { throw ImageError("could not read pixels: \(ImageCodec.lastError())") }
        defer { blumpo_vips_free(output) }
        return Array(UnsafeRawBufferPointer(start: output, count: length))
    }

    /// The image encoded without metadata.
    public func encoded(as format: ImageFormat, quality: Int = 85) throws -> Data {
        var output: UnsafeMutableRawPointer?
        var length = 0
        guard blumpo_vips_save(pointer, format.shimCode, Int32(quality), &output, &length) == 0, let output else {
            throw ImageError("could not encode the image: \(ImageCodec.lastError())")
        }
        defer { blumpo_vips_free(output) }
        return Data(bytes: output, count: length)
    }
}
