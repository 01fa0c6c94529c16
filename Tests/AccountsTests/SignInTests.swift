import Accounts
import Audit
import Core
import Foundation
import PostgresNIO
import Testing
import TestSupport

@Suite struct SignInTests {
    @Test func theFirstVerifyCreatesTheUserTheAccountAndTheSignUpGrant() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: " Ann@Example.COM ", purpose: .login, origin: somewhere, logger: db.logger)
            let code = try await db.latestCode(to: "ann@example.com")
            let signedIn = try await auth.verify(email: "ann@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger)
            #expect(signedIn.user.email == "ann@example.com")
            #expect(signedIn.user.lastLoginAt != nil)
            let (balance, ledgerSum, reason) = try await db.one(
                """
                SELECT a.balance, (SELECT sum(delta) FROM token_ledger WHERE user_id = a.user_id)::bigint,
                       (SELECT reason FROM token_ledger WHERE user_id = a.user_id)
                FROM token_account a WHERE a.user_id = \(signedIn.user.id)
                """, as: (Int64, Int64, String).self)
            #expect(balance == 50 && ledgerSum == 50 && reason == "SIGNUP_GRANT")
            let (hash, ip) = try await db.one("SELECT code_hash, host(ip_address) FROM auth_otp", as: (String, String).self)
            #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$") && !hash.contains(code))
            #expect(ip == "203.0.113.7")
        }
    }

    @Test func differentlyCasedEmailsAreOneUser() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            var ids: [UUID] = []
            for spelling in ["John@Example.COM", "john@example.com"] {
                _ = try await auth.requestCode(email: spelling, purpose: .login, origin: somewhere, logger: db.logger)
                try await db.execute("UPDATE auth_otp SET expires_at = now() - interval '1 second'")  // skip the resend cooldown
                _ = try await auth.requestCode(email: spelling, purpose: .login, origin: somewhere, logger: db.logger)
                let code = try await db.latestCode(to: "john@example.com")
                ids.append(try await auth.verify(email: spelling, code: code, purpose: .login, origin: somewhere, logger: db.logger).user.id)
            }
            #expect(ids[0] == ids[1])
            #expect(try await db.one(#"SELECT count(*)::int FROM "user""#, as: Int.self) == 1)
            #expect(try await db.one("SELECT count(*)::int FROM token_ledger", as: Int.self) == 1)
        }
    }

    @Test func afterFiveWrongCodesTheRightOneNoLongerWorks() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: "eve@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let code = try await db.latestCode(to: "eve@example.com")
            let wrong = code == "000000" ? "111111" : "000000"
            var attemptsLeft: [String] = []
            for _ in 0..<5 {
                do {
                    _ = try await auth.verify(email: "eve@example.com", code: wrong, purpose: .login, origin: somewhere, logger: db.logger)
                } catch let error as AppError {
                    #expect(error.code == "OTP_INVALID")
                    attemptsLeft.append(error.detail)
                }
            }
            #expect(attemptsLeft.last?.contains("0 attempts left") == true)
            await #expect(throws: AppError.forbidden(code: "OTP_LOCKED", detail: "Too many wrong codes; ask for a new one.")) {
                _ = try await auth.verify(email: "eve@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger)
            }
        }
    }

    @Test func parallelWrongCodesGetNoMoreThanFiveTriesBetweenThem() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService { $0.wrongCodesPerEmailPerHour = 100 }
            _ = try await auth.requestCode(email: "swarm@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let code = try await db.latestCode(to: "swarm@example.com")
            let wrong = code == "000000" ? "111111" : "000000"
            let logger = db.logger
            let codes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await auth.verify(email: "swarm@example.com", code: wrong, purpose: .login, origin: somewhere, logger: logger)
                            return "SIGNED_IN"
                        } catch let error as AppError { return error.code } catch { return "\(error)" }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == "OTP_INVALID" }.count == 5, "\(codes)")
            #expect(codes.filter { $0 == "OTP_LOCKED" }.count == 7, "\(codes)")
            #expect(try await db.one("SELECT attempts FROM auth_otp", as: Int.self) == 5)
            await #expect(throws: AppError.forbidden(code: "OTP_LOCKED", detail: "Too many wrong codes; ask for a new one.")) {
                _ = try await auth.verify(email: "swarm@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger)
            }
        }
    }

    @Test func wrongCodesAreLimitedPerEmailAcrossFreshCodes() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService { $0.wrongCodesPerEmailPerHour = 3 }
            for round in 0..<2 {
                try await db.execute("UPDATE auth_otp SET expires_at = now() - interval '1 second'")  // a fresh code each round
                _ = try await auth.requestCode(email: "guess@example.com", purpose: .login, origin: somewhere, logger: db.logger)
                let code = try await db.latestCode(to: "guess@example.com")
                let wrong = code == "000000" ? "111111" : "000000"
                if round == 0 {
                    for _ in 0..<3 {
                        await #expect { _ = try await auth.verify(email: "guess@example.com", code: wrong, purpose: .login, origin: somewhere, logger: db.logger) }
                            throws: { ($0 as? AppError)?.code == "OTP_INVALID" }
                    }
                } else {
                    // Even the right code of a fresh challenge waits out the hour once the email's wrong guesses ran out.
                    await #expect { _ = try await auth.verify(email: "guess@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger) }
                        throws: { ($0 as? AppError)?.code == "RATE_LIMITED" }
                }
            }
        }
    }

    @Test func requestsRefusedByTheCooldownDoNotUseUpTheEmailsHour() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService { $0.codeRequestsPerEmailPerHour = 2; $0.codeRequestsPerIPPerHour = 100 }
            _ = try await auth.requestCode(email: "victim@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            for _ in 0..<10 {
                await #expect { _ = try await auth.requestCode(email: "victim@example.com", purpose: .login, origin: somewhere, logger: db.logger) }
                    throws: { ($0 as? AppError)?.code == "RATE_LIMITED" }
            }
            try await db.execute("UPDATE auth_otp SET expires_at = expires_at - interval '61 seconds'")  // the cooldown has passed
            _ = try await auth.requestCode(email: "victim@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            #expect(try await db.one("SELECT sum(hits)::int FROM rate_limit_counter WHERE key = 'otp:email:victim@example.com'", as: Int.self) == 2)
        }
    }

    @Test func knownAndUnknownEmailsGetTheSameAnswers() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: "known@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let code = try await db.latestCode(to: "known@example.com")
            _ = try await auth.verify(email: "known@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger)
            var answers: [String] = []
            for email in ["known@example.com", "unknown@example.com"] {
                let issued = try await auth.requestCode(email: email, purpose: .login, origin: somewhere, logger: db.logger)
                #expect(issued.resendAvailableAt.timeIntervalSince(issued.expiresAt) < -500)
                let sent = try await db.latestCode(to: email)
                do {
                    _ = try await auth.verify(email: email, code: sent == "000000" ? "111111" : "000000", purpose: .login, origin: somewhere, logger: db.logger)
                } catch let error as AppError {
                    answers.append("\(error.code) \(error.detail)")
                }
            }
            #expect(answers.count == 2 && answers[0] == answers[1], "\(answers)")
        }
    }

    @Test func parallelVerifiesOfOneCodeMakeExactlyOneSession() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: "race@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let code = try await db.latestCode(to: "race@example.com")
            let logger = db.logger
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        (try? await auth.verify(email: "race@example.com", code: code, purpose: .login, origin: somewhere, logger: logger)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await db.one("SELECT count(*)::int FROM auth_session", as: Int.self) == 1)
            #expect(try await db.one(#"SELECT count(*)::int FROM "user""#, as: Int.self) == 1)
        }
    }

    @Test func askingAgainReissuesOnTheSameRowAfterTheCooldownOnly() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            let first = try await auth.requestCode(email: "bo@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            #expect(first.resendAvailableAt.timeIntervalSince(first.expiresAt) < -500)
            await #expect { _ = try await auth.requestCode(email: "bo@example.com", purpose: .login, origin: somewhere, logger: db.logger) }
                throws: { ($0 as? AppError)?.code == "RATE_LIMITED" }
            let oldCode = try await db.latestCode(to: "bo@example.com")
            try await db.execute("UPDATE auth_otp SET expires_at = expires_at - interval '61 seconds'")
            _ = try await auth.requestCode(email: "bo@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let (rows, resends) = try await db.one("SELECT count(*)::int, max(resend_count) FROM auth_otp", as: (Int, Int).self)
            #expect(rows == 1 && resends == 1)
            let newCode = try await db.latestCode(to: "bo@example.com")
            if newCode != oldCode {
                await #expect(throws: AppError.self) {
                    _ = try await auth.verify(email: "bo@example.com", code: oldCode, purpose: .login, origin: somewhere, logger: db.logger)
                }
            }
            _ = try await auth.verify(email: "bo@example.com", code: newCode, purpose: .login, origin: somewhere, logger: db.logger)
        }
    }

    @Test func codeRequestsOverTheHourlyLimitAreRefusedWithRetryAfter() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService { $0.codeRequestsPerIPPerHour = 3 }
            for index in 0..<3 {
                _ = try await auth.requestCode(email: "user\(index)@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            }
            await #expect {
                _ = try await auth.requestCode(email: "user9@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            } throws: { error in
                guard case .rateLimited(let seconds)? = error as? AppError else { return false }
                return seconds > 0 && seconds <= 3600
            }
        }
    }

    @Test func aBannedUserCannotVerifyAndLosesEverySession() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: "mal@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let signedIn = try await auth.verify(
                email: "mal@example.com", code: try await db.latestCode(to: "mal@example.com"), purpose: .login, origin: somewhere, logger: db.logger)
            #expect(try await auth.authenticate(token: signedIn.token, logger: db.logger)?.id == signedIn.user.id)

            _ = try await auth.setBanned(signedIn.user.id, true, actor: .commandLine(), logger: db.logger)
            #expect(try await auth.authenticate(token: signedIn.token, logger: db.logger) == nil)
            try await db.execute("UPDATE auth_otp SET expires_at = now() - interval '1 second'")
            _ = try await auth.requestCode(email: "mal@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            await #expect { _ = try await auth.verify(
                email: "mal@example.com", code: try await db.latestCode(to: "mal@example.com"), purpose: .login, origin: somewhere, logger: db.logger)
            } throws: { ($0 as? AppError)?.code == "ACCOUNT_SUSPENDED" }
        }
    }

    @Test func anExpiredCodeSaysSo() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: "old@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let code = try await db.latestCode(to: "old@example.com")
            try await db.execute("UPDATE auth_otp SET expires_at = now() - interval '1 second'")
            await #expect { _ = try await auth.verify(email: "old@example.com", code: code, purpose: .login, origin: somewhere, logger: db.logger) }
                throws: { ($0 as? AppError)?.code == "OTP_EXPIRED" }
        }
    }

    @Test func changingTheEmailNeedsTheCodeSentToTheNewAddress() async throws {
        try await TestDatabase.with { (db: TestDatabase) async throws in
            let auth = db.authService()
            _ = try await auth.requestCode(email: "first@example.com", purpose: .login, origin: somewhere, logger: db.logger)
            let user = try await auth.verify(
                email: "first@example.com", code: try await db.latestCode(to: "first@example.com"), purpose: .login, origin: somewhere,
                logger: db.logger
            ).user
            _ = try await auth.requestCode(email: "second@example.com", purpose: .changeEmail, userID: user.id, origin: somewhere, logger: db.logger)
            let moved = try await auth.verify(
                email: "second@example.com", code: try await db.latestCode(to: "second@example.com"), purpose: .changeEmail, origin: somewhere,
                logger: db.logger)
            #expect(moved.user.id == user.id)
            #expect(try await db.one(#"SELECT email FROM "user""#, as: String.self) == "second@example.com")
        }
    }
}
