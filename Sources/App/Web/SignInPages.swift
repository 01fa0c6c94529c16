import Billing
import PostgresNIO
import Library
import Generation
import Accounts
import Brands
import Core
import Foundation
import Hummingbird

/// The landing page, sign-in with an emailed code, starting from a pasted URL, and sign-out.
extension WebPages {
    func registerSignIn(on router: Router<AppRequestContext>) {
        router.get("/") { _, context -> Response in
            var page = try await chrome(context.identity, title: "Ads from your website", current: "/", logger: context.logger)
            // Signed in, the URL box creates the brand at once; otherwise it leads to sign-in.
            page["formMethod"] = context.identity == nil ? "get" : "post"
            page["formAction"] = context.identity == nil ? "/sign-in" : "/start"
            return try renderer.page("landing", page)
        }
        router.get("sign-in") { request, context -> Response in
            let query = request.uri.queryParameters
            if context.identity != nil { return redirect(Self.localPath(query["next"].map(String.init)) ?? "/app") }
            var page = try await chrome(nil, title: "Sign in", current: "", logger: context.logger)
            page["url"] = query["url"].map(String.init) ?? ""
            page["next"] = query["next"].map(String.init) ?? ""
            return try renderer.page("sign_in", page)
        }
        router.post("sign-in") { request, context -> Response in
            let form = try await WebForm.read(request, context: context)
            let email = form["email"] ?? ""
            do {
                _ = try await auth.requestCode(email: email, purpose: .login, origin: context.origin(request), logger: context.logger)
            } catch let error as AppError {
                var page = try await chrome(nil, title: "Sign in", current: "", logger: context.logger)
                page.merge(["error": Problem(error).detail, "email": email, "url": form["url"] ?? "", "next": form["next"] ?? ""]) { $1 }
                return try renderer.page("sign_in", page, status: Problem(error).status)
            }
            return redirect("/sign-in/code?" + Self.query(["email": email, "url": form["url"] ?? "", "next": form["next"] ?? ""]))
        }
        router.get("sign-in/code") { request, context -> Response in
            let query = request.uri.queryParameters
            return try await codePage(
                email: query["email"].map(String.init) ?? "", url: query["url"].map(String.init) ?? "", next: query["next"].map(String.init) ?? "",
                error: nil, context: context)
        }
        router.post("sign-in/resend") { request, context -> Response in
            let form = try await WebForm.read(request, context: context)
            let email = form["email"] ?? ""
            do {
                _ = try await auth.requestCode(email: email, purpose: .login, origin: context.origin(request), logger: context.logger)
            } catch let error as AppError {
                return try await codePage(email: email, url: form["url"] ?? "", next: form["next"] ?? "", error: Problem(error), context: context)
            }
            return redirect("/sign-in/code?" + Self.query(["email": email, "url": form["url"] ?? "", "next": form["next"] ?? ""]))
        }
        router.post("sign-in/code") { request, context -> Response in
            let form = try await WebForm.read(request, context: context)
            let email = form["email"] ?? ""
            let code = (form["code"] ?? "").filter(\.isNumber)
            let signedIn: AuthService.SignedIn
            do {
                signedIn = try await auth.verify(email: email, code: code, purpose: .login, origin: context.origin(request), logger: context.logger)
            } catch let error as AppError {
                return try await codePage(email: email, url: form["url"] ?? "", next: form["next"] ?? "", error: Problem(error), context: context)
            }
            var response = redirect(Self.localPath(form["next"]) ?? "/app")
            if let url = form["url"], !url.isEmpty {
                // The visitor pasted a URL before signing in: the brand is made now. If it cannot
                // be (a bad address, the plan's limit), they are signed in all the same.
                if let brand = try? await brands.create(userID: signedIn.user.id, websiteURL: url, name: nil, language: nil, logger: context.logger) {
                    response = redirect("/brands/\(brand.brand.id.uuidString.lowercased())?first=1")
                }
            }
            response.setCookie(configuration.sessionCookie(signedIn.token, maxAge: Int(signedIn.expiresAt.timeIntervalSinceNow)))
            return response
        }
        router.post("start") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let brand = try await brands.create(userID: identity.user.id, websiteURL: form["url"] ?? "", name: nil, language: nil, logger: context.logger)
            return redirect("/brands/\(brand.brand.id.uuidString.lowercased())?first=1")
        }
        router.post("sign-out") { request, context -> Response in
            let (identity, _) = try await post(request, context)
            try await auth.logout(token: identity.token, logger: context.logger)
            var response = redirect("/")
            response.setCookie(configuration.sessionCookie("", maxAge: 0))
            return response
        }
        router.post("sign-out/everywhere") { request, context -> Response in
            let (identity, _) = try await post(request, context)
            try await auth.logoutEverywhere(userID: identity.user.id, logger: context.logger)
            var response = redirect("/")
            response.setCookie(configuration.sessionCookie("", maxAge: 0))
            return response
        }
    }

    private func codePage(email: String, url: String, next: String, error: Problem?, context: AppRequestContext) async throws -> Response {
        var page = try await chrome(nil, title: "Enter your code", current: "", logger: context.logger)
        page["email"] = email
        page["url"] = url
        page["next"] = next
        page["resendIn"] = error == nil ? 60 : 0
        if let error { page["error"] = error.detail }
        return try renderer.page("sign_in_code", page, status: error?.status ?? .ok)
    }


    /// Only paths on this site: an open redirect would send a signed-in user anywhere.
    static func localPath(_ text: String?) -> String? {
        // Browsers drop tabs and newlines inside URLs ("/\t/evil.com" becomes "//evil.com"), so
        // only plain path and query characters pass.
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), text.utf8.count <= 500,
            text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/_?=&%.-".unicodeScalars.contains($0)) })
        else { return nil }
        return text
    }

    static func query(_ items: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = items.sorted(by: { $0.key < $1.key }).map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
    }
}
