internal import CBrotli
import Foundation

/// Brotli decoding for responses served with `Content-Encoding: br` (the HTTP client decodes
/// gzip and deflate itself, not brotli).
enum Brotli {
    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    /// The decoded bytes, at most `limit` of them; `truncated` when the stream had more.
    static func decompress(_ data: Data, limit: Int) throws -> (data: Data, truncated: Bool) {
        guard let decoder = BrotliDecoderCreateInstance(nil, nil, nil) else { throw DecodeError(description: "brotli decoder unavailable") }
        defer { BrotliDecoderDestroyInstance(decoder) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        return try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> (Data, Bool) in
            var availableIn = input.count
            var nextIn = input.bindMemory(to: UInt8.self).baseAddress
            while true {
                var availableOut = chunk.count
                let result = chunk.withUnsafeMutableBufferPointer { buffer -> BrotliDecoderResult in
                    var nextOut = buffer.baseAddress
                    return BrotliDecoderDecompressStream(decoder, &availableIn, &nextIn, &availableOut, &nextOut, nil)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - availableOut)])
                if output.count >= limit { return (output.prefix(limit), true) }
                switch result {
                case BROTLI_DECODER_RESULT_SUCCESS: return (output, false)
                case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT: continue
                case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: throw DecodeError(description: "brotli stream is truncated")
                default: throw DecodeError(description: "invalid brotli stream")
                }
            }
        }
    }
}
