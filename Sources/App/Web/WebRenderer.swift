import Billing
import Core
import PostgresNIO
import Library
import Generation
import Brands
import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Server-rendered pages: the Mustache templates in `Resources/templates`, loaded once at start.
/// Every page extends `layout` (template inheritance), so the chrome is written once.
struct WebRenderer: Sendable {
    let library: MustacheLibrary
    let contentSecurityPolicy: String

    /// `paymentOrigin`: where a form may lead besides this site and Stripe's checkout and portal
    /// (a stand-in for Stripe on another origin, when `STRIPE_API_BASE` points at one).
    init(paymentOrigin: String? = nil) throws {
        // No outside resources and no inline scripts: everything comes from this origin.
        let formTargets = ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"] + (paymentOrigin.map { [$0] } ?? [])
        contentSecurityPolicy =
            "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action " + formTargets.joined(separator: " ")
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("templates") else { throw WebSetupError("templates missing") }
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// The page as HTML; a template that fails to render is a programming error shown as a 500.
    func page(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        guard let html = library.render(context, withTemplate: template) else { throw WebSetupError("template \(template) did not render") }
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

struct WebSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `303 See Other` to `location`: after a form post, the browser loads the next page with GET.
func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
    var headers = extra
    headers[.location] = location
    return Response(status: .seeOther, headers: headers)
}
