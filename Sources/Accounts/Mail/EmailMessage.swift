/// One email: plain text and HTML bodies of the same content.
public struct EmailMessage: Sendable, Codable, Equatable {
    public let to: String
    public let subject: String
    public let text: String
    public let html: String

    public init(to: String, subject: String, text: String, html: String) {
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// The sign-in code email.
    public static func code(_ code: String, to email: String, purpose: OTPPurpose, validMinutes: Int) -> EmailMessage {
        let action =
            switch purpose {
            case .login: "sign in to Blumpo"
            case .verifyEmail: "verify your email address"
            case .changeEmail: "confirm your new email address"
            }
        let text = """
            Your code to \(action) is \(code).

            It works once and expires in \(validMinutes) minutes. If you did not ask for it, ignore this email.
            """
        let html = """
            <!doctype html><html><body style="font-family:sans-serif">
            <p>Your code to \(action) is</p>
            <p style="font-size:28px;font-weight:bold;letter-spacing:4px">\(code)</p>
            <p>It works once and expires in \(validMinutes) minutes. If you did not ask for it, ignore this email.</p>
            </body></html>
            """
        return EmailMessage(to: email, subject: "Your Blumpo code: \(code)", text: text, html: html)
    }
}

/// Sends email. Implementations: `SMTPMailer` (real delivery) and `LogMailer` (local development).
public protocol Mailer: Sendable {
    func send(_ message: EmailMessage) async throws
}

/// A delivery failure the mail server says will not go away (5xx): not retried.
public struct PermanentMailError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
