import Core
import Foundation
import Testing

@Suite struct AdFormatTests {
    @Test func aliasesNormalizeToTheirCodes() throws {
        #expect(AdFormat(parsing: "9:16") == .story)
        #expect(AdFormat(parsing: "1.91:1")?.code == "landscape")
        #expect(AdFormat(parsing: "SQUARE")?.width == 1080)
    }

    @Test func unknownFormatsAreRejected() {
        #expect(AdFormat(parsing: "banner") == nil)
        #expect(AdFormat(parsing: "") == nil)
    }
}

@Suite struct EmailAddressTests {
    @Test func isTrimmedAndLowerCased() throws {
        let email = try #require(EmailAddress("  John.Doe@Example.COM \n"))
        #expect(email.value == "john.doe@example.com")
    }

    @Test(arguments: ["", "no-at-sign", "a@b", "two@@example.com", "sp ace@example.com", "a@.com"])
    func malformedAddressesAreRejected(_ raw: String) {
        #expect(EmailAddress(raw) == nil)
    }
}

@Suite struct AppErrorTests {
    @Test func codesAreStable() {
        #expect(AppError.notFound("Brand").code == "NOT_FOUND")
        #expect(AppError.rateLimited(retryAfterSeconds: 5).code == "RATE_LIMITED")
        #expect(AppError.insufficientTokens(price: 80, balance: 10).detail.contains("80"))
        #expect(AppError.validation(["email": "is required"]).detail == "Invalid fields: email (is required)")
    }
}

@Suite struct HostileInputTests {
    @Test(arguments: [
        "victim@example.com\r\nRCPT TO:<attacker@evil.test>", "a@example.com\rX", "a@example.com\nBcc: x@evil.test",
        "a\u{0}b@example.com", "a\u{2028}b@example.com", "a\u{200B}b@example.com", "a\u{85}b@example.com",
        "<a>@example.com", "a,b@example.com", "a;b@example.com", "\"a\"@example.com",
    ])
    func controlSeparatorAndRoutingCharactersAreNotAddresses(_ text: String) {
        #expect(EmailAddress(text) == nil)
    }

    @Test func lettersOfAnyScriptStayAllowed() {
        #expect(EmailAddress("zoë.müller@exämple.de")?.value == "zoë.müller@exämple.de")
    }

    @Test(arguments: ["1e300", "inf", "-inf", "nan", "-1", "1e20", "253402300800"])
    func cursorsNamingImpossibleTimesAreRefusedAs400(_ seconds: String) {
        let cursor = Array("\(seconds)|00000000-0000-0000-0000-000000000000".utf8)
        let encoded = base64url(cursor)
        #expect(TimeCursor(encoded: encoded) == nil)
        #expect(throws: AppError.invalidCursor) { try Keyset(cursor: encoded) }
    }

    @Test func aCursorThisServerMadeRoundTrips() throws {
        let keyset = Keyset(time: .init(timeIntervalSince1970: 1_790_000_000.25), id: .init())
        let cursor = TimeCursor(time: keyset.time, id: keyset.id.uuidString).encoded
        #expect(try Keyset(cursor: cursor) == keyset)
    }

    @Test func boundsNeverTrap() {
        #expect(Bounds.integer(.nan, in: 0...10) == nil)
        #expect(Bounds.integer(.infinity, in: 0...10) == nil)
        #expect(Bounds.integer(1.8446744073709552e19, in: 0...Int64.max) == nil)
        #expect(Bounds.integer(2.5, in: 0...10) == nil)
        #expect(Bounds.integer(7, in: 0...10) == 7)
        #expect(Bounds.tokens(.min) == nil)
        #expect(Bounds.tokens(-Bounds.maxTokens) == -Bounds.maxTokens)
        #expect(Int64.max.checkedMultiply(2) == nil)
        #expect(Int64(3).checkedMultiply(4, adding: .max) == nil)
        #expect(Bounds.seconds("1e300", cappedAt: 60) == 60)
        #expect(Bounds.seconds("nan", cappedAt: 60) == nil)
        #expect(Bounds.date(unixSeconds: 1e300) == nil)
    }

    private func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
