@testable import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import PostgresNIO
import TestSupport
import Testing

/// The web app's pages as a browser calls them: forms, CSRF, redirects, and ownership.
@Suite struct WebPagesTests {
    @Test func malformedFormBodiesAreRefusedNotATrap() throws {
        for body in ["email=%", "email=%zz", "a b=c d", "x=#y", "x=\u{FF}"] {
            _ = try? WebForm.parse(body)
        }
        #expect(throws: (any Error).self) { try WebForm.parse("email=%zz") }
        #expect(try WebForm.parse("email=a%40b.c&url=https%3A%2F%2Fx.y&ids=1&ids=2+3")["email"] == "a@b.c")
        #expect(try WebForm.parse("ids=1&ids=2+3").all("ids") == ["1", "2 3"])
    }

    @Test func onlyPlainLocalPathsAreFollowedAfterSignIn() {
        #expect(WebPages.localPath("/library?state=saved") == "/library?state=saved")
        for hostile in ["//evil.com", "/\t/evil.com", "/\\evil.com", "https://evil.com", "/\n/evil.com", "javascript:alert(1)", ""] {
            #expect(WebPages.localPath(hostile) == nil, "\(hostile)")
        }
    }

    @Test func formsFromAnotherSiteOrWithoutTheTokenAreRefused() async throws {
        try await withLibrary { l in
            // Login CSRF: another site cannot post a sign-in form, session or not.
            #expect(try await page(l.client, .post, "/sign-in", form: "email=victim%40example.com", origin: "https://evil.example").status == .forbidden)
            #expect(try await page(l.client, .post, "/sign-in/code", form: "email=a%40b.c&code=123456", origin: nil).status == .forbidden)
            // Signed in and from this site, but without the form's token.
            let id = l.fixture.images[0].id.uuidString.lowercased()
            #expect(try await page(l.client, .post, "/library/bulk", session: l.token, form: "action=save&ids=\(id)").status == .forbidden)
            let token = CSRF.token(for: l.token)
            let saved = try await page(l.client, .post, "/library/bulk", session: l.token, form: "_csrf=\(token)&action=save&ids=\(id)&back=%2Flibrary")
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/library")
            #expect(try await l.db.events(of: l.fixture.images[0].id) == ["saved/ui"])
        }
    }

    @Test func pagesRedirectVisitorsToSignInAndBackAndAnswerOthersObjectsWith404() async throws {
        try await withLibrary { l in
            let visitor = try await page(l.client, .get, "/library?state=saved")
            #expect(visitor.status == .seeOther)
            #expect(visitor.location == "/sign-in?next=%2Flibrary%3Fstate%3Dsaved")
            // The filter form sends empty values for "All"; they mean no filter.
            let filtered = try await page(l.client, .get, "/library?state=active&brand_id=&archetype=&format=", session: l.token)
            #expect(filtered.status == .ok)
            #expect(filtered.html.contains("<html lang=\"en\">"))
            #expect(try await page(l.client, .get, "/analytics?brand_id=&from=&to=", session: l.token).status == .ok)

            let (stranger, _) = try await l.client.signIn("stranger@example.com", db: l.db)
            let csrf = CSRF.token(for: stranger)
            let id = l.fixture.images[0].id.uuidString.lowercased()
            for (method, path, form) in [
                (HTTPRequest.Method.get, "/jobs/\(l.fixture.jobID.uuidString.lowercased())", nil),
                (.get, "/brands/\(l.fixture.brandID.uuidString.lowercased())", nil),
                (.post, "/library/bulk", "_csrf=\(csrf)&action=delete&ids=\(id)"),
                (.post, "/library/\(id)/share", "_csrf=\(csrf)"),
                (.post, "/brands/\(l.fixture.brandID.uuidString.lowercased())/first-ads", "_csrf=\(csrf)"),
            ] as [(HTTPRequest.Method, String, String?)] {
                let answer = try await page(l.client, method, path, session: stranger, form: form)
                #expect(answer.status == .notFound, "\(method) \(path)")
                #expect(answer.html.contains("Request id"), "\(path) renders an error page")
            }
            #expect(try await l.db.one("SELECT count(*)::int FROM ad_event", as: Int.self) == 0)
        }
    }

    @Test func buyingTokensLeadsBackToWhereTheUserWasAndNowhereElse() async throws {
        try await withLibrary { l in
            let back = "/brands/\(l.fixture.brandID.uuidString.lowercased())/create"
            let credits = try await page(l.client, .get, "/credits?back=\(back)", session: l.token)
            #expect(credits.html.contains("<a href=\"\(back)\">Back to where you were</a>"))
            #expect(try await page(l.client, .get, "/credits?back=//evil.example", session: l.token).html.contains("evil.example") == false)
            let success = try await page(l.client, .get, "/billing/success?session_id=cs_test_1&next=\(back)", session: l.token)
            #expect(success.html.contains("href=\"\(back)\">Carry on where you were"))
            #expect(success.html.contains("Waiting for the payment to be confirmed"))
            let hostile = try await page(l.client, .get, "/billing/success?session_id=cs_test_1&next=https://evil.example", session: l.token)
            #expect(hostile.html.contains("evil.example") == false)
        }
    }
}
