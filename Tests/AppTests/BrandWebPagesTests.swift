@testable import App
import Foundation
import HTTPTypes
import Imaging
import PostgresNIO
import TestSupport
import Testing

/// The brand kit, ad creation and email change as forms in a browser post them.
@Suite struct BrandWebPagesTests {
    @Test func theKitIsEditedFromItsPageAndABadValueIsExplainedThere() async throws {
        try await withLibrary { l in
            let csrf = CSRF.token(for: l.token), brand = "/brands/\(l.fixture.brandID.uuidString.lowercased())"
            let saved = try await page(l.client, .post, brand + "/edit", session: l.token, form: "_csrf=\(csrf)&name=Kettle+Co&colors=%23E4572E%2C+%23ffffff&fonts=Inter%2C+Georgia")
            #expect(saved.status == .seeOther)
            #expect(saved.location == brand + "?done=Brand%20kit%20saved%2E")
            let shown = try await page(l.client, .get, saved.location ?? "", session: l.token)
            #expect(shown.html.contains("Brand kit saved."))
            #expect(shown.html.contains("data-color=\"#E4572E\""))
            #expect(shown.html.contains("data-font=\"Georgia\""))
            #expect(shown.html.contains("added by you"))
            let stored = try await l.db.client.query("SELECT name, colors, fonts::text FROM brand WHERE id = \(l.fixture.brandID)", logger: l.db.logger)
                .collect().first?.decode((String, [String], String).self)
            #expect(stored?.0 == "Kettle Co")
            #expect(stored?.1 == ["#E4572E", "#FFFFFF"])
            #expect(stored?.2.contains("Georgia") == true)

            let refused = try await page(l.client, .post, brand + "/edit", session: l.token, form: "_csrf=\(csrf)&name=Kettle+Co&colors=blue")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains("role=\"alert\">Colors "))
            // A notice this site did not write is not shown.
            #expect(try await page(l.client, .get, brand + "?done=You+won", session: l.token).html.contains("You won") == false)
        }
    }

    @Test func photosAreUploadedAndRemovedAndAStepIsReadAgain() async throws {
        try await withLibrary { l in
            let csrf = CSRF.token(for: l.token), brand = "/brands/\(l.fixture.brandID.uuidString.lowercased())"
            let svg = Data(##"<svg xmlns="http://www.w3.org/2000/svg" width="80" height="60"><rect width="80" height="60" fill="#17BEBB"/></svg>"##.utf8)
            let png = try await ImageCodec.reencode(svg, maxWidth: 80, maxHeight: 60, as: .png).data
            #expect(try await upload(l.client, brand + "/assets", session: l.token, fields: [("kind", "photo")], file: png).status == .forbidden)
            let uploaded = try await upload(l.client, brand + "/assets", session: l.token, fields: [("_csrf", csrf), ("kind", "photo")], file: png)
            #expect(uploaded.status == .seeOther)
            let photos = try await l.db.client.query("SELECT photos FROM brand WHERE id = \(l.fixture.brandID)", logger: l.db.logger)
                .collect().first?.decode([String]?.self) ?? nil
            let photo = try #require(photos?.first)
            #expect(try await page(l.client, .get, brand, session: l.token).html.contains("src=\"\(photo)\""))
            let notImage = try await upload(l.client, brand + "/assets", session: l.token, fields: [("_csrf", csrf), ("kind", "photo")], file: Data("hello".utf8))
            #expect(notImage.status == .unprocessableContent)
            #expect(notImage.html.contains("File must be a PNG"))

            let encoded = photo.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            #expect(try await page(l.client, .post, brand + "/assets/remove", session: l.token, form: "_csrf=\(csrf)&url=\(encoded)").status == .seeOther)
            #expect(try await page(l.client, .get, brand, session: l.token).html.contains(photo) == false)

            try await l.db.client.query(
                "INSERT INTO brand_extraction_status (brand_id, colors_status) VALUES (\(l.fixture.brandID), 'ok')", logger: l.db.logger)
            #expect(try await page(l.client, .post, brand + "/extract", session: l.token, form: "_csrf=\(csrf)&step=colors").status == .seeOther)
            let status = try await l.client.json(.get, "/api/v1/brands/\(l.fixture.brandID.uuidString.lowercased())", token: l.token)
            #expect((status.body["extraction_status"] as? [String: Any])?["colors_status"] as? String == "pending")
            #expect(try await page(l.client, .post, brand + "/extract", session: l.token, form: "_csrf=\(csrf)&step=everything").status == .unprocessableContent)
        }
    }

    @Test func adsAreCreatedForChosenPainPointsAndPhotos() async throws {
        try await withLibrary { l in
            try await l.db.client.query(
                "INSERT INTO brand_insights (brand_id, customer_pain_points) VALUES (\(l.fixture.brandID), ARRAY['Cold tea by noon', 'Limescale'])",
                logger: l.db.logger)
            let csrf = CSRF.token(for: l.token), brand = "/brands/\(l.fixture.brandID.uuidString.lowercased())"
            let form = try await page(l.client, .get, brand + "/create", session: l.token)
            #expect(form.html.contains("<label for=\"pain-1\">Limescale</label>"))
            // Each archetype shows an example from this brand's material, or why it cannot be made.
            #expect(form.html.contains("“Tired of cold tea by noon?"))
            #expect(form.html.contains("Testimonial needs a customer quote"))
            let created = try await page(
                l.client, .post, brand + "/create", session: l.token,
                form: "_csrf=\(csrf)&archetype_code=problem_solution&formats=square&selected_pain_points=Limescale&own_pain_point=Kettles+that+whistle")
            #expect(created.status == .seeOther)
            let jobID = try #require(created.location?.split(separator: "/").last.flatMap { UUID(uuidString: String($0)) })
            let job = try await l.db.client.query(
                "SELECT selected_pain_points, insight_source FROM generation_job WHERE id = \(jobID)", logger: l.db.logger
            ).collect().first?.decode(([String]?, String).self)
            #expect(job?.0 == ["Limescale", "Kettles that whistle"])
            #expect(job?.1 == "mixed")
            // A pain point the brand does not have, without typing it, is refused on the page.
            let refused = try await page(
                l.client, .post, brand + "/create", session: l.token, form: "_csrf=\(csrf)&archetype_code=problem_solution&formats=square&selected_pain_points=Invented")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains("Selected pain points must come from"))
        }
    }

    @Test func theEmailChangesOnceTheNewAddressConfirmsItsCode() async throws {
        try await withLibrary { l in
            let csrf = CSRF.token(for: l.token)
            let asked = try await page(l.client, .post, "/settings/email", session: l.token, form: "_csrf=\(csrf)&email=new-owner%40example.com")
            #expect(asked.status == .seeOther)
            #expect(asked.location == "/settings/email/code?email=new-owner@example.com")
            let code = try #require(try await l.db.emailedCode(to: "new-owner@example.com"))
            let wrong = String(code.map { $0 == "9" ? "0" : "9" })
            let refused = try await page(l.client, .post, "/settings/email/code", session: l.token, form: "_csrf=\(csrf)&email=new-owner%40example.com&code=\(wrong)")
            #expect(refused.status != .seeOther)
            #expect(refused.html.contains("role=\"alert\""))
            let changed = try await page(l.client, .post, "/settings/email/code", session: l.token, form: "_csrf=\(csrf)&email=new-owner%40example.com&code=\(code)")
            #expect(changed.status == .seeOther)
            #expect(changed.location == "/settings?done=email")
            let email = try await l.db.client.query("SELECT email FROM \"user\" WHERE id = \(l.userID)", logger: l.db.logger).collect().first?.decode(String.self)
            #expect(email == "new-owner@example.com")
        }
    }
}
