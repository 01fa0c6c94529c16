import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs cluster commands as the right operating-system user.
///
/// `initdb` and `postgres` refuse to run as root. When Blumpo runs as root, the cluster belongs
/// to an unprivileged system account (`postgres` when Debian's package created it, else
/// `nobody`) and every command runs through `runuser`.
struct ClusterCommandRunner: Sendable {
    let tools: PostgresTools
    let root: String
    /// The account commands run as, or nil to run as the current user.
    let account: (name: String, uid: uid_t, gid: gid_t)?

    init(tools: PostgresTools, root: String) throws {
        self.tools = tools
        self.root = root
        guard geteuid() == 0 else {
            self.account = nil
            return
        }
        guard let entry = getpwnam("postgres") ?? getpwnam("nobody") else {
            throw DatabaseSetupError.embeddedClusterFailed("running as root needs a 'postgres' or 'nobody' account to own the cluster")
        }
        let account = (name: String(cString: entry.pointee.pw_name), uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        self.account = account
        chown(root, account.uid, account.gid)
        chmod(root, 0o700)
        let probe = try ProcessRunner.run("/usr/sbin/runuser", ["-u", account.name, "--", "test", "-w", root])
        guard probe.status == 0 else {
            throw DatabaseSetupError.embeddedClusterFailed(
                "\(root) is not reachable by the '\(account.name)' account that runs PostgreSQL when blumpo runs as root; choose a BLUMPO_DATA_DIR whose parent directories it can enter")
        }
    }

    func run(_ tool: String, _ arguments: [String]) throws -> ProcessRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        if let account {
            return try ProcessRunner.run(
                "/usr/sbin/runuser", ["-u", account.name, "--", tools.path(tool)] + arguments, environment: environment)
        }
        return try ProcessRunner.run(tools.path(tool), arguments, environment: environment)
    }

    /// Gives a file we wrote to the cluster's account, readable by it alone.
    func handOver(_ path: String) throws {
        chmod(path, 0o600)
        if let account { chown(path, account.uid, account.gid) }
    }

    /// Writes a file inside the cluster directory, keeping the cluster account as its owner.
    func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try handOver(path)
    }
}

/// A loopback TCP port nobody listens on right now.
enum FreePort {
    static func pick() throws -> Int {
        try bindLoopback(port: 0)
    }

    static func isFree(_ port: Int) -> Bool {
        (try? bindLoopback(port: port)) != nil
    }

    /// Binds a socket to 127.0.0.1:`port` (0 = any) and returns the bound port.
    private static func bindLoopback(port: Int) throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketDescriptor >= 0 else { throw DatabaseSetupError.embeddedClusterFailed("cannot open a socket") }
        defer { close(socketDescriptor) }
        // Like PostgreSQL itself: a port in TIME_WAIT after our own server stopped is reusable.
        var reuse: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketDescriptor, generic, length) == 0 && getsockname(socketDescriptor, generic, &length) == 0
            }
        }
        guard bound else { throw DatabaseSetupError.embeddedClusterFailed("cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
