import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension SafeFetcher {
    /// Checks status, type and size of an answer and reads its body within the limits.
    func read(_ response: HTTPClientResponse, from url: URL, limits: FetchLimits) async throws -> FetchedResource {
        guard (200..<300).contains(Int(response.status.code)) else { throw FetchError.httpStatus(Int(response.status.code), url: url.absoluteString) }
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if !limits.acceptedTypes.isEmpty, !mediaType.isEmpty, !limits.acceptedTypes.contains(where: { mediaType.hasPrefix($0) }) {
            throw FetchError.unexpectedContentType(mediaType, url: url.absoluteString)
        }
        if let declared = response.headers.first(name: "Content-Length").flatMap(Int.init), declared > limits.maximumBytes, !limits.truncateOversized {
            throw FetchError.tooLarge(url: url.absoluteString, limit: limits.maximumBytes)
        }
        var body = ByteBuffer()
        var truncated = false
        do {
            for try await chunk in response.body {
                if body.readableBytes + chunk.readableBytes > limits.maximumBytes {
                    guard limits.truncateOversized else { throw FetchError.tooLarge(url: url.absoluteString, limit: limits.maximumBytes) }
                    var rest = chunk
                    if let slice = rest.readSlice(length: limits.maximumBytes - body.readableBytes) { body.writeImmutableBuffer(slice) }
                    truncated = true
                    break
                }
                body.writeImmutableBuffer(chunk)
            }
        } catch let error as FetchError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw FetchError.timedOut(url.absoluteString)
        } catch {
            throw FetchError.transport("could not read \(url.absoluteString): \(error)")
        }
        var data = Data(buffer: body)
        if response.headers.first(name: "Content-Encoding")?.lowercased() == "br" {
            do {
                let decoded = try Brotli.decompress(data, limit: limits.maximumBytes)
                if decoded.truncated && !limits.truncateOversized { throw FetchError.tooLarge(url: url.absoluteString, limit: limits.maximumBytes) }
                data = decoded.data
                truncated = truncated || decoded.truncated
            } catch let error as Brotli.DecodeError {
                throw FetchError.transport("could not decode \(url.absoluteString): \(error)")
            }
        }
        let charset = contentType.split(separator: ";").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.lowercased().hasPrefix("charset=") }
            .map { String($0.dropFirst("charset=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }
        return FetchedResource(url: url, status: Int(response.status.code), mediaType: mediaType, charset: charset, body: data, truncated: truncated)
    }
}
