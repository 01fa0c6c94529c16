import Core
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
