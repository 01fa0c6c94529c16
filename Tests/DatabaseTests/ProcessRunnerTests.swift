import Foundation
import Testing

@testable import Database

/// The programs that start PostgreSQL get none of this process's descriptors: the server they
/// leave running would hold each one as long as it lives.
@Suite struct ProcessRunnerTests {
    @Test func aSpawnedProgramInheritsNoDescriptorBeyondItsStandardOnes() throws {
        // Foundation's pipes are not close-on-exec, so a plain spawn would hand this one down.
        let pipe = Pipe()
        let written = pipe.fileHandleForWriting.fileDescriptor
        #expect(fcntl(written, F_GETFD) & FD_CLOEXEC == 0)
        let result = try ProcessRunner.run("/bin/sh", ["-c", "if [ -e /proc/self/fd/\(written) ]; then echo inherited; else echo closed; fi"])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "closed")
    }
}
