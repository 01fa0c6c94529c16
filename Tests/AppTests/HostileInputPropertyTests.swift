import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import TestSupport
import Testing

/// Every operation of the OpenAPI document, every query parameter and every JSON field (one
/// level of nesting included), given extreme and ill-typed values — alone, and all at once in
/// seeded random combinations. Whatever arrives, the answer is never a 5xx (bar the stated
/// "not configured" ones), every error is problem+json with a stable code, and the process
/// that serves every user is still alive at the end.
@Suite struct HostileInputPropertyTests {
    /// Raw JSON text, so numbers beyond `Double` and `Int64` reach the server exactly as typed.
    static let jsonValues: [String] = [
        "1e300", "-1e300", "1e-300", "9223372036854775807", "9223372036854775808", "18446744073709551615", "-9223372036854775808",
        "-9223372036854775809", "0", "-1", "2.5", #""NaN""#, #""inf""#, #""1e300""#, #""""#, "\"" + String(repeating: "a", count: 10_000) + "\"",
        #""\u202Eevil\u0000zero\u200Bwidth""#, #""😀👨‍👩‍👧 émoji""#, #""a\r\nBcc: x@evil.test""#, #"["a", 1, null]"#, #"{"a": {"b": 1}}"#,
        "true", "null", String(repeating: "[", count: 64) + String(repeating: "]", count: 64),
    ]

    /// Percent-encoded query values.
    static let queryValues: [String] = [
        "1e300", "-1", "NaN", "inf", "99999999999999999999999", "", String(repeating: "a", count: 5000), "%00", "%0D%0AX:%20y", "..%2F..%2Fetc",
        "%F0%9F%98%80", "MWUzMDB8MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw", "%FF%FE",
    ]

    /// Path parameters: ids that are not ids, traversal, oversized.
    static let pathValues: [String] = [
        "00000000-0000-0000-0000-000000000000", "not-a-uuid", "..%2F..%2Fetc%2Fpasswd", String(repeating: "9", count: 400), "%00", "FREE", "%F0%9F%98%80",
    ]

    /// Answers that are 5xx on purpose: a feature this installation has not configured.
    static let configuredAway: Set<String> = ["PAYMENTS_NOT_CONFIGURED"]

    struct Operation {
        let method: HTTPRequest.Method
        let path: String
        let query: [String]
        let fields: [(path: [String], type: String)]
    }

    static func operations() throws -> [Operation] {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations: [Operation] = []
        for (path, entries) in paths.sorted(by: { $0.key < $1.key }) {
            for (method, value) in entries.sorted(by: { $0.key < $1.key }) {
                guard let method = HTTPRequest.Method(method.uppercased()), let operation = value as? [String: Any] else { continue }
                // Signing out would end the session the rest of the sweep runs under.
                if path.contains("logout") { continue }
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                let query = parameters.filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String }
                let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any]
                let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                operations.append(Operation(method: method, path: path, query: query, fields: schema.map { fields(of: $0, prefix: []) } ?? []))
            }
        }
        return operations
    }

    /// The JSON fields of a schema, with nested objects' fields one level down.
    static func fields(of schema: [String: Any], prefix: [String]) -> [(path: [String], type: String)] {
        let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
        return properties.sorted(by: { $0.key < $1.key }).flatMap { name, property -> [(path: [String], type: String)] in
            let type = (property["type"] as? String) ?? ((property["type"] as? [String])?.first ?? (property["enum"] != nil ? "string" : "object"))
            let own = [(path: prefix + [name], type: type)]
            return prefix.isEmpty && property["properties"] != nil ? own + fields(of: property, prefix: [name]) : own
        }
    }

    /// A plausible value of a type, for the fields not under attack.
    static func plausible(_ type: String) -> String {
        switch type {
        case "integer": "1"
        case "number": "1.5"
        case "boolean": "true"
        case "array": #"["square"]"#
        case "object": "{}"
        default: #""square""#
        }
    }

    /// A JSON object text with `overrides` (path → raw JSON) over plausible values.
    static func body(_ fields: [(path: [String], type: String)], overrides: [[String]: String]) -> String {
        var top: [String: String] = [:]
        var nested: [String: [String: String]] = [:]
        for field in fields {
            let value = overrides[field.path] ?? plausible(field.type)
            if field.path.count == 1 { top[field.path[0]] = value } else { nested[field.path[0], default: [:]][field.path[1]] = value }
        }
        for (parent, children) in nested where overrides[[parent]] == nil {
            top[parent] = "{" + children.sorted(by: { $0.key < $1.key }).map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
        return "{" + top.sorted(by: { $0.key < $1.key }).map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// SplitMix64: the same seed, the same sweep.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    @Test func noValueInAnyFieldOrParameterBringsAServerErrorOrTheProcessDown() async throws {
        let operations = try Self.operations()
        #expect(operations.count > 40)
        try await withTestApp(environment: ["BLUMPO_ADMIN_EMAILS": "fuzz@example.com", "BLUMPO_EXTRACTIONS_PER_USER_HOUR": "100000"]) { client, db in
            let (token, userID) = try await client.signIn("fuzz@example.com", db: db)
            let brand = try await client.json(.post, "/api/v1/brands", body: ["website_url": "https://fuzz.example"], token: token)
            let ownIDs = ["{id}": try #require(brand.body["id"] as? String), "{code}": "FREE", "{sku}": "TOPUP_100", "{key}": "brands/x/logo.png"]
            var failures: [String] = []
            var sent = 0

            func send(_ operation: Operation, path: String, query: String, body: String?) async throws {
                var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                if body != nil { headers[.contentType] = "application/json" }
                let uri = path + (query.isEmpty ? "" : "?" + query)
                let (status, contentType, code) = try await client.execute(
                    uri: uri, method: operation.method, headers: headers, body: body.map { ByteBuffer(string: $0) }
                ) { response -> (HTTPResponse.Status, String?, String?) in
                    let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
                    return (response.status, response.headers[.contentType], object?["code"] as? String)
                }
                sent += 1
                let label = "\(operation.method) \(uri.prefix(120)) \(body.map { String($0.prefix(120)) } ?? "") → \(status.code) \(code ?? "-")"
                if status.code >= 500 && !Self.configuredAway.contains(code ?? "") { failures.append(label) }
                if status.code >= 400 && (contentType != "application/problem+json" || code == nil || code!.isEmpty) { failures.append("not a problem: " + label) }
            }

            func path(_ operation: Operation, pathValue: String? = nil) -> String {
                var path = operation.path
                for (placeholder, own) in ownIDs where path.contains(placeholder) { path = path.replacingOccurrences(of: placeholder, with: pathValue ?? own) }
                return path
            }

            var random = Random(state: 0xB1E5_5ED0)
            for operation in operations {
                let hasBody = !operation.fields.isEmpty
                let plainBody = hasBody ? Self.body(operation.fields, overrides: [:]) : nil
                for value in Self.pathValues where operation.path.contains("{") {
                    try await send(operation, path: path(operation, pathValue: value), query: "", body: plainBody)
                }
                for name in operation.query {
                    for value in Self.queryValues { try await send(operation, path: path(operation), query: "\(name)=\(value)", body: plainBody) }
                }
                for field in operation.fields {
                    for value in Self.jsonValues {
                        try await send(operation, path: path(operation), query: "", body: Self.body(operation.fields, overrides: [field.path: value]))
                    }
                }
                // Everything hostile at once, in seeded combinations.
                for _ in 0..<(hasBody || !operation.query.isEmpty ? 12 : 2) {
                    var overrides: [[String]: String] = [:]
                    for field in operation.fields { overrides[field.path] = Self.jsonValues[random.next(Self.jsonValues.count)] }
                    let query = operation.query.map { "\($0)=\(Self.queryValues[random.next(Self.queryValues.count)])" }.joined(separator: "&")
                    try await send(operation, path: path(operation), query: query, body: hasBody ? Self.body(operation.fields, overrides: overrides) : nil)
                }
                // Not JSON at all.
                if hasBody {
                    for garbage in ["", "{", "[]", "\"text\"", "{\"a\":", String(repeating: "{\"a\":", count: 2000)] {
                        try await send(operation, path: path(operation), query: "", body: garbage)
                    }
                }
            }
            let report = failures.prefix(40).joined(separator: "\n")
            #expect(failures.isEmpty, "\(failures.count) of \(sent) requests:\n\(report)")
            #expect(sent > 1500)
            let alive = try await client.json(.get, "/api/v1/me", token: token)
            #expect(alive.status == .ok)
            #expect((alive.body["user"] as? [String: Any])?["id"] as? String == userID)
        }
    }
}
