public import Foundation
import NIOPosix
internal import VipsShim

/// The encodings Blumpo stores.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case png = "PNG", jpeg = "JPEG", webp = "WEBP"

    public var contentType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        }
    }

    public var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .webp: "webp"
        }
    }

    var shimCode: Int32 {
        switch self {
        case .png: 0
        case .jpeg: 1
        case .webp: 2
        }
    }
}

/// An image decoded and encoded again by Blumpo: only pixels survive (no metadata, no scripts).
public struct EncodedImage: Sendable {
    public let data: Data
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    /// What the input was, as libvips names its loader (`png`, `jpeg`, `webp`, `gif`, `svg`, …).
    public let sourceKind: String
}

/// Why bytes were refused as an image.
public struct ImageError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Decoding, validating, resizing and encoding images with libvips, off the async executor.
public enum ImageCodec {
    /// Inputs larger than this many pixels are refused before decoding (decompression bombs).
    public static let maximumPixels = 50_000_000
    static let acceptedKinds: Set<String> = ["png", "jpeg", "webp", "gif", "svg", "tiff", "heif"]

    /// The kind of image these bytes are (`png`, `svg`, …), or nil when libvips cannot read them.
    public static func kind(of data: Data) -> String? {
        try? start()
        return data.withUnsafeBytes { buffer -> String? in
            guard let base = buffer.baseAddress, let loader = blumpo_vips_loader(base, buffer.count) else { return nil }
            // "VipsForeignLoadPngBuffer" / "pngload_buffer" → "png"
            var name = String(cString: loader).lowercased()
            if name.hasPrefix("vipsforeignload") { name = String(name.dropFirst("vipsforeignload".count)) }
            for kind in ["png", "jpeg", "webp", "gif", "svg", "tiff", "heif", "pdf", "magick", "jp2k", "jxl"] where name.hasPrefix(kind) {
                return kind
            }
            return name
        }
    }

    /// Decodes `data`, shrinks it to fit `maxWidth`×`maxHeight` (vector images are rendered to
    /// fit, upscaling allowed), and encodes it as `format`. Throws for anything that is not a
    /// raster or SVG image, or that is empty or enormous.
    public static func reencode(_ data: Data, maxWidth: Int, maxHeight: Int, as format: ImageFormat, quality: Int = 85) async throws -> EncodedImage {
        try await NIOThreadPool.singleton.runIfActive {
            try reencodeNow(data, maxWidth: maxWidth, maxHeight: maxHeight, as: format, quality: quality)
        }
    }

    static func reencodeNow(_ data: Data, maxWidth: Int, maxHeight: Int, as format: ImageFormat, quality: Int) throws -> EncodedImage {
        try start()
        guard let kind = kind(of: data), acceptedKinds.contains(kind) else { throw ImageError("not an image (PNG, JPEG, WEBP, GIF or SVG)") }
        return try data.withUnsafeBytes { buffer -> EncodedImage in
            guard let base = buffer.baseAddress else { throw ImageError("empty image") }
            guard let header = blumpo_vips_open(base, buffer.count) else { throw ImageError("unreadable image: \(lastError())") }
            let width = Int(blumpo_vips_width(header)), height = Int(blumpo_vips_height(header))
            blumpo_vips_release(header)
            guard width > 0, height > 0, width * height <= maximumPixels else { throw ImageError("image is \(width)×\(height), too large") }
            guard let image = blumpo_vips_thumbnail(base, buffer.count, Int32(maxWidth), Int32(maxHeight), kind == "svg" ? 1 : 0) else {
                throw ImageError("could not decode the image: \(lastError())")
            }
            defer { blumpo_vips_release(image) }
            var output: UnsafeMutableRawPointer?
            var length = 0
            guard blumpo_vips_save(image, format.shimCode, Int32(quality), &output, &length) == 0, let output else {
                throw ImageError("could not encode the image: \(lastError())")
            }
            defer { blumpo_vips_free(output) }
            return EncodedImage(
                data: Data(bytes: output, count: length), format: format, width: Int(blumpo_vips_width(image)),
                height: Int(blumpo_vips_height(image)), sourceKind: kind)
        }
    }

    static func start() throws {
        guard blumpo_vips_start() == 0 else { throw ImageError("libvips did not start: \(lastError())") }
    }

    static func lastError() -> String {
        guard let message = blumpo_vips_error() else { return "unknown error" }
        defer { blumpo_vips_free(message) }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
