import Foundation
public import Logging
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// Delivers mail over SMTP on SwiftNIO: EHLO, STARTTLS when offered (or implicit TLS),
/// AUTH PLAIN or LOGIN, and a MIME message with a text and an HTML part.
/// 4xx replies and network failures are temporary (the task retries); 5xx are permanent.
public struct SMTPMailer: Mailer {
    let settings: SMTPSettings
    let logger: Logger

    public init(settings: SMTPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func send(_ message: EmailMessage) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if settings.implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try makeTLSHandler())
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await withTimeoutError(.seconds(60)) {
            try await channel.executeThenClose { inbound, outbound in
                var conversation = SMTPConversation(lines: inbound.makeAsyncIterator(), outbound: outbound)
                try await conversation.expect(220)
                var capabilities = try await conversation.hello()
                if !settings.implicitTLS && capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) {
                    try await conversation.command("STARTTLS", expect: 220)
                    try await channel.channel.pipeline.addHandler(try makeTLSHandler(), position: .first).get()
                    capabilities = try await conversation.hello()
                }
                if let username = settings.username {
                    try await conversation.authenticate(username: username, password: settings.password ?? "", capabilities: capabilities)
                }
                try await conversation.command("MAIL FROM:<\(settings.fromAddress)>", expect: 250)
                try await conversation.command("RCPT TO:<\(message.to)>", expect: 250, 251)
                try await conversation.command("DATA", expect: 354)
                try await conversation.content(MIMEMessage(message, from: settings.from).encoded)
                try? await conversation.command("QUIT", expect: 221)
            }
        }
    }

    private func makeTLSHandler() throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !settings.verifyCertificate { configuration.certificateVerification = .none }
        let context = try NIOSSLContext(configuration: configuration)
        let isAddress = settings.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : settings.host)
    }

    private func withTimeoutError(_ duration: Duration, _ work: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: duration)
                throw SMTPError.temporary("the mail server did not finish within \(duration)")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

/// An SMTP reply that ends delivery.
enum SMTPError: Error, CustomStringConvertible {
    case temporary(String)

    var description: String {
        switch self {
        case .temporary(let reason): "temporary mail failure: \(reason)"
        }
    }
}

/// The command/reply exchange on one connection.
struct SMTPConversation {
    var lines: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Reads one (possibly multi-line) reply: its code and the text of each line.
    mutating func reply() async throws -> (code: Int, lines: [String]) {
        var texts: [String] = []
        while let buffer = try await lines.next() {
            let line = String(buffer: buffer).trimmingCharacters(in: .whitespacesAndNewlines)
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError.temporary("unreadable reply \"\(line)\"") }
            texts.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, texts) }
        }
        throw SMTPError.temporary("the mail server closed the connection")
    }

    mutating func expect(_ codes: Int...) async throws {
        try await check(reply(), codes)
    }

    @discardableResult
    mutating func command(_ line: String, expect codes: Int...) async throws -> [String] {
        // A CR or LF from data would end this command and start another of the caller's choosing.
        guard !line.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw PermanentMailError("refused to send an SMTP command containing a line break")
        }
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        let answer = try await reply()
        try check(answer, codes)
        return answer.lines
    }

    /// The message after DATA: its lines (made by `MIMEMessage`, headers already single-line),
    /// then the lone dot that ends it.
    mutating func content(_ message: String) async throws {
        try await outbound.write(ByteBuffer(string: message + "\r\n.\r\n"))
        try check(try await reply(), [250])
    }

    /// EHLO, returning the capability lines.
    mutating func hello() async throws -> [String] {
        let lines = try await command("EHLO blumpo", expect: 250)
        return Array(lines.dropFirst())
    }

    mutating func authenticate(username: String, password: String, capabilities: [String]) async throws {
        let mechanisms = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").map(String.init) ?? []
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try await command("AUTH PLAIN \(token)", expect: 235)
        } else {
            try await command("AUTH LOGIN", expect: 334)
            try await command(Data(username.utf8).base64EncodedString(), expect: 334)
            try await command(Data(password.utf8).base64EncodedString(), expect: 235)
        }
    }

    private func check(_ answer: (code: Int, lines: [String]), _ codes: [Int]) throws {
        guard !codes.contains(answer.code) else { return }
        let text = "\(answer.code) \(answer.lines.joined(separator: " "))"
        if answer.code >= 500 { throw PermanentMailError(text) }
        throw SMTPError.temporary(text)
    }
}

/// RFC 5322 / 2045 message: multipart/alternative with base64 text and HTML parts.
struct MIMEMessage {
    let encoded: String

    init(_ message: EmailMessage, from: String) {
        let boundary = "blumpo-" + UUID().uuidString
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss"
        let date = formatter.string(from: Date())
        let domain = from.split(separator: "@").last.map { String($0.prefix { $0 != ">" }) } ?? "localhost"
        // Header values come from data; a line break in one would add headers of its own.
        let headers = [
            "From: \(from)",
            "To: <\(message.to)>",
            "Subject: \(Self.encodedWord(message.subject))",
            "Date: \(date) +0000",
            "Message-ID: <\(UUID().uuidString)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ].map { header in
            // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            String(String.UnicodeScalarView(header.unicodeScalars.prefix { $0 != "\r" && $0 != "\n" }))
        }
        let parts = [("text/plain", message.text), ("text/html", message.html)].map { type, body in
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\(Self.base64Lines(body))"
        }
        encoded = headers.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined(separator: "\r\n") + "\r\n--\(boundary)--"
    }

    /// RFC 2047 for non-ASCII subjects.
    static func encodedWord(_ text: String) -> String {
        text.allSatisfy(\.isASCII) ? text : "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// Base64 in 76-character lines; such lines never start with a dot, so no dot-stuffing is needed.
    static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { offset in
            let start = encoded.index(encoded.startIndex, offsetBy: offset)
            let end = encoded.index(start, offsetBy: min(76, encoded.count - offset))
            return String(encoded[start..<end])
        }.joined(separator: "\r\n")
    }
}
