/// The `Content-Disposition` a blob is served with, for a browser that opens its URL directly.
///
/// Raster images are shown (`inline`). Everything else is a download (`attachment`): SVG
/// above all, because an SVG opened on its own is a document that can run script in the blob
/// host's origin, and a store such as S3 cannot send the `Content-Security-Policy` that would
/// stop it (the local store sends one as well). Pages show logos through `<img>`, which
/// ignores this header, so nothing is lost on screen.
public enum ContentDisposition {
    static let inlineTypes: Set<String> = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"]

    /// The header value for a blob stored under `key` as `contentType`. The file name is the
    /// key's last segment, which `BlobKey` limits to letters, digits, `-`, `_` and `.`, so it
    /// needs neither quoting rules nor an RFC 5987 form.
    public static func header(for key: BlobKey, contentType: String) -> String {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingWhitespace.lowercased() } ?? ""
        let name = key.path.split(separator: "/").last.map(String.init) ?? "blob"
        return "\(inlineTypes.contains(mediaType) ? "inline" : "attachment"); filename=\"\(name)\""
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
