import Foundation
public import Hummingbird
import NIOFoundationCompat

/// Decodes JSON bodies like Hummingbird's default, but keeps the `DecodingError`: Hummingbird
/// turns it into a 400 with its own wording, while a field of the wrong type or beyond its
/// type's range is that field's problem — a 422 naming it (see `ProblemMiddleware`).
public struct APIRequestDecoder: RequestDecoder {
    /// Carries the decoding error past `Request.decode`, which rewrites `DecodingError`s.
    struct Failure: Error {
        let underlying: DecodingError
    }

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try Self.decode(type, from: Data(buffer: try await request.body.collect(upTo: context.maxUploadSize)))
    }

    /// The same for a body already read (routes that also fingerprint the bytes).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let detail) where detail.codingPath.isEmpty {
            // Foundation reports a number an integer field cannot hold (1e300, 2.5, 2^64) as
            // corrupt data with no path; when the body is valid JSON, such a number is the cause.
            if let path = Self.firstNonInteger(in: (try? JSONSerialization.jsonObject(with: data)) ?? [:], at: []) {
                throw Failure(underlying: .dataCorrupted(.init(codingPath: path, debugDescription: detail.debugDescription)))
            }
            throw Failure(underlying: .dataCorrupted(detail))
        } catch let error as DecodingError {
            throw Failure(underlying: error)
        }
    }

    /// The path of the first number that is not a whole number within `Int64`.
    static func firstNonInteger(in value: Any, at path: [any CodingKey]) -> [any CodingKey]? {
        switch value {
        case let object as [String: Any]:
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if let found = firstNonInteger(in: child, at: path + [AnyKey(stringValue: key)]) { return found }
            }
        case let array as [Any]:
            for (index, child) in array.enumerated() {
                if let found = firstNonInteger(in: child, at: path + [AnyKey(intValue: index)]) { return found }
            }
        case let number as NSNumber:  // true and false read as 1 and 0: whole, never flagged
            let double = number.doubleValue
            if !double.isFinite || double.rounded() != double || abs(double) >= 9.2e18 { return path }
        default:
            break
        }
        return nil
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) {
            self.stringValue = String(intValue)
            self.intValue = intValue
        }
    }
}
