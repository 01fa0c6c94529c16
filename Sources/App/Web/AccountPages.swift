import PostgresNIO
import Library
import Generation
import Brands
import Accounts
import Billing
import Core
import Foundation
import Hummingbird

/// Credits (balance, history, buying), the pages Stripe returns to, and settings.
extension WebPages {
    func registerAccount(on router: Router<AppRequestContext>) {
        router.get("credits") { request, context -> Response in
            let identity = try signedIn(request, context)
            var page = try await chrome(identity, title: "Credits", current: "/credits", logger: context.logger)
            let (summary, ledger, plans, topups) = try await client.withConnection { connection in
                (
                    try await TokenAccountStore().summary(for: identity.user.id, on: connection, logger: context.logger),
                    try await TokenLedger().page(for: identity.user.id, beforeID: nil, limit: 50, on: connection, logger: context.logger),
                    try await PlanStore().activePlans(on: connection, logger: context.logger),
                    try await PlanStore().activeTopups(on: connection, logger: context.logger)
                )
            }
            page["plan"] = summary?.planCode ?? "FREE"
            if let next = summary?.nextRefillAt { page["nextRefill"] = Self.shortDate(next) }
            page["paymentsEnabled"] = stripe != nil
            // Sent here short of tokens: the way back, and the success page offers it too.
            if let back = Self.localPath(request.uri.queryParameters["back"].map(String.init)) { page["back"] = back }
            page["plans"] = plans.map { ["code": $0.planCode, "name": $0.displayName, "tokens": $0.monthlyTokens, "free": $0.stripeProductID == nil] as [String: Any] }
            page["topups"] = topups.map { ["sku": $0.topupSKU, "name": $0.displayName, "tokens": $0.tokensAmount] as [String: Any] }
            page["ledger"] = ledger.map { entry -> [String: Any] in
                [
                    "at": Self.iso(entry.occurredAt), "when": Self.shortDate(entry.occurredAt), "reason": Self.reasonInWords(entry.reason),
                    "delta": entry.delta > 0 ? "+\(entry.delta)" : "\(entry.delta)", "after": entry.balanceAfter,
                ]
            }
            return try renderer.page("credits", page)
        }
        router.post("credits/checkout") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let purchase: StripeBilling.Purchase
            if let plan = form["plan"] { purchase = .plan(plan) } else if let topup = form["topup"] { purchase = .topup(topup) } else {
                throw AppError.validation(["plan": "choose a plan or a top-up"])
            }
            let url = try await requireStripe().checkoutURL(
                userID: identity.user.id, email: identity.user.email, purchase: purchase, returnPath: Self.localPath(form["back"]), logger: context.logger)
            return redirect(url)
        }
        router.post("credits/portal") { request, context -> Response in
            let (identity, _) = try await post(request, context)
            return redirect(try await requireStripe().portalURL(userID: identity.user.id, email: identity.user.email, logger: context.logger))
        }
        router.get("billing/success") { request, context -> Response in
            let identity = try signedIn(request, context)
            // Stripe sends the buyer back before its webhook lands: the page says so until the
            // checkout's event is processed, and its script asks again. The outcome is read
            // before the balance, so a page that says "received" shows the credited balance.
            let session = String(request.uri.queryParameters["session_id"] ?? "").prefix(200)
            let outcome = try await client.withConnection {
                try await StripeInboxStore().checkoutOutcome(sessionID: String(session), userID: identity.user.id, on: $0, logger: context.logger)
            }
            var page = try await chrome(identity, title: "Thank you!", current: "/credits", logger: context.logger)
            page["heading"] = "Thank you!"
            let confirmed = outcome != .waiting
            page["confirmed"] = confirmed
            if let next = Self.localPath(request.uri.queryParameters["next"].map(String.init)) { page["next"] = next }
            page["text"] =
                switch outcome {
                case .credited: "Payment received: your new balance is ready."
                case .subscribed: "Your plan is active: its tokens arrive with its first invoice."
                case .waiting: "Waiting for the payment to be confirmed…"
                }
            return try renderer.page("billing_return", page)
        }
        router.get("billing") { request, context -> Response in
            let identity = try signedIn(request, context)
            var page = try await chrome(identity, title: "Billing", current: "/credits", logger: context.logger)
            page["heading"] = "Billing"
            page["confirmed"] = true
            page["text"] = "Your billing details are up to date."
            return try renderer.page("billing_return", page)
        }
        router.get("settings") { request, context -> Response in
            let identity = try signedIn(request, context)
            return try await settingsPage(identity, notice: request.uri.queryParameters["done"] == "email" ? "Your email address is changed." : nil, context: context)
        }
        router.post("settings/email") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let email = form["email"] ?? ""
            do {
                _ = try await auth.requestCode(
                    email: email, purpose: .changeEmail, userID: identity.user.id, origin: context.origin(request), logger: context.logger)
            } catch let error as AppError {
                return try await settingsPage(identity, error: Problem(error), context: context)
            }
            return redirect("/settings/email/code?" + Self.query(["email": email]))
        }
        router.get("settings/email/code") { request, context -> Response in
            let identity = try signedIn(request, context)
            return try await emailCodePage(identity, email: request.uri.queryParameters["email"].map(String.init) ?? "", error: nil, context: context)
        }
        router.post("settings/email/code") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let email = form["email"] ?? ""
            let signedIn: AuthService.SignedIn
            do {
                signedIn = try await auth.verify(
                    email: email, code: (form["code"] ?? "").filter(\.isNumber), purpose: .changeEmail, origin: context.origin(request),
                    logger: context.logger)
            } catch let error as AppError {
                return try await emailCodePage(identity, email: email, error: Problem(error), context: context)
            }
            // The code was issued to this user's change; a code of someone else's opens nothing here.
            guard signedIn.user.id == identity.user.id else {
                try await auth.logout(token: signedIn.token, logger: context.logger)
                return try await emailCodePage(identity, email: email, error: Problem(AppError.forbidden(code: "CODE_NOT_YOURS", detail: "This code belongs to another account's change.")), context: context)
            }
            // The verified code opens a session of its own: the browser moves to it and the old
            // session, still naming the old address, ends.
            try await auth.logout(token: identity.token, logger: context.logger)
            var response = redirect("/settings?done=email")
            response.setCookie(configuration.sessionCookie(signedIn.token, maxAge: Int(signedIn.expiresAt.timeIntervalSinceNow)))
            return response
        }
        router.post("settings/profile") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            _ = try await auth.updateProfile(identity.user.id, ProfilePatch(displayName: form["display_name"] ?? ""), logger: context.logger)
            return redirect("/settings")
        }
    }

    private func settingsPage(_ identity: Identity, notice: String? = nil, error: Problem? = nil, context: AppRequestContext) async throws -> Response {
        var page = try await chrome(identity, title: "Settings", current: "/settings", logger: context.logger)
        page["email"] = identity.user.email
        page["displayName"] = identity.user.displayName ?? ""
        if let notice { page["notice"] = notice }
        if let error { page["error"] = error.inWords }
        return try renderer.page("settings", page, status: error?.status ?? .ok)
    }

    private func emailCodePage(_ identity: Identity, email: String, error: Problem?, context: AppRequestContext) async throws -> Response {
        var page = try await chrome(identity, title: "Confirm your new email", current: "/settings", logger: context.logger)
        page["email"] = email
        if let error { page["error"] = error.inWords }
        return try renderer.page("settings_email_code", page, status: error?.status ?? .ok)
    }

    func requireStripe() throws -> StripeBilling { try stripe.requiredForPayments() }

    static func reasonInWords(_ reason: String) -> String {
        switch LedgerReason(rawValue: reason) {
        case .signupGrant: "Welcome tokens"
        case .jobReserve: "Ads created"
        case .jobRefund: "Refund for ads not made"
        case .subscriptionRefill: "Monthly refill"
        case .subscriptionActivation: "Plan started"
        case .topupPurchase: "Top-up bought"
        case .adminAdjust: "Adjusted by support"
        case nil: reason
        }
    }
}
