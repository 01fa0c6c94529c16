import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback port held for a server that a test starts later (or has just started).
///
/// The socket is bound with `SO_REUSEADDR` but never listens. While it is held the kernel gives
/// the port to no other socket — neither a bind to port 0 (another test's reservation or server)
/// nor the local end of an outgoing connection — yet a server that binds with `SO_REUSEADDR`
/// takes it: Hummingbird (its default), Python's `socketserver`, aiosmtpd and werkzeug all do.
/// Until that server listens, connecting to the port is refused, as with nothing there at all.
/// Keep it until the server listens, or for the whole test.
public final class PortReservation: Sendable {
    public let port: Int
    private let descriptor: Mutex<Int32?>

    /// Holds a free loopback port, or `port` itself when nothing listens on it.
    public init(port: Int = 0) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestSupportError("cannot open a socket") }
        var reuse: Int32 = 1
        var address = sockaddr_in.loopback(port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0
            && withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
                }
            }
        guard bound else {
            close(descriptor)
            throw TestSupportError("cannot hold loopback port \(port)")
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = Mutex(descriptor)
    }

    /// Lets the port go (the server that took it keeps it). Safe to call more than once.
    public func release() {
        if let descriptor = descriptor.withLock({ value in defer { value = nil }; return value }) {
            close(descriptor)
        }
    }

    deinit { release() }
}

/// A socket listening on a free loopback port, to hold a port busy; the caller closes it.
public func listeningSocket() throws -> (Int32, Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var address = sockaddr_in.loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard ok else {
        close(descriptor)
        throw TestSupportError("cannot listen on loopback")
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}

/// Whether something accepts connections on a loopback port. The connect is given a quarter
/// of a second: a listener whose backlog is full would otherwise hold this thread (one of the
/// few that run every test) through the kernel's SYN retries, for minutes.
public func isListening(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in.loopback(port: port)
    let started = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if started == 0 { return true }
    guard errno == EINPROGRESS else { return false }
    var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
    guard poll(&waiting, 1, 250) == 1 else { return false }
    var failure: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    return getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 && failure == 0
}

extension sockaddr_in {
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
