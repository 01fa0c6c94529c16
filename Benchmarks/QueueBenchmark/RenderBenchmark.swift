import Core
import Foundation
import Generation
import Imaging

/// Ads per second on one core for square and story, against the same composite replayed by
/// pyvips on the same libvips, and the peak memory of rendering continuously.
enum RenderBenchmark {
    static let rounds = 20

    static func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("render-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let photo = try RasterImage.fit(ExtractionBenchmark.svgPhoto(), width: 1400, height: 900, upscale: true).encoded(as: .png)
        let logo = try RasterImage.fit(
            Data(##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120"><rect width="120" height="120" rx="20" fill="#1F4D3A"/><rect x="140" y="40" width="240" height="40" fill="#1F4D3A"/></svg>"##.utf8),
            width: 400, height: 120, upscale: true
        ).encoded(as: .png)
        try photo.write(to: directory.appendingPathComponent("photo.png"))
        try logo.write(to: directory.appendingPathComponent("logo.png"))
        let kit = BrandKit(name: "Kettle & Co.", colors: ["#2A9D8F", "#E76F51", "#264653"], fonts: ["Inter"], logo: logo, photos: [photo])
        let copy = AdCopy(headline: "Tea worth slowing down for", subline: "Whole-leaf blends, packed the week they ship.", cta: "Shop now")

        print("")
        print("render benchmark (problem_solution, split template, one core: VIPS_CONCURRENCY=\(ProcessInfo.processInfo.environment["VIPS_CONCURRENCY"] ?? "default"))")
        for format in [AdFormat.square, .story] {
            let request = RenderRequest(archetype: "problem_solution", format: format, kit: kit, copy: copy, seed: 0, template: .split)
            let first = try await BuiltinRenderer().render(request)
            let started = ContinuousClock.now
            for _ in 0..<rounds { _ = try await BuiltinRenderer().render(request) }
            let ours = ExtractionBenchmark.milliseconds(ContinuousClock.now - started) / 1000 / Double(rounds)
            let plan = directory.appendingPathComponent("plan-\(format.code).json")
            try JSONEncoder().encode(first.operations).write(to: plan)
            let pyvips = try replay(plan: plan.path, directory: directory)
            print(String(format: "  %@ %d×%d: blumpo %.1f ads/s (%.0f ms), pyvips replay %.1f ads/s (%.0f ms), ratio time blumpo/pyvips %.2f (target ≤ 1.2)",
                format.code, format.width, format.height, 1 / ours, ours * 1000, 1 / pyvips, pyvips * 1000, ours / pyvips))
        }

        // Continuous rendering for a while, then the process's peak resident memory.
        let until = ContinuousClock.now + .seconds(10)
        var count = 0
        while ContinuousClock.now < until {
            let format = count % 2 == 0 ? AdFormat.square : .story
            _ = try await BuiltinRenderer().render(RenderRequest(archetype: "testimonial", format: format, kit: kit, copy: copy, seed: UInt64(count)))
            count += 1
        }
        print(String(format: "  %d ads in 10 s of continuous rendering; peak resident memory %.0f MB (target < 300 MB)", count, peakMemoryMB()))
    }

    static func replay(plan: String, directory: URL) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "Benchmarks/render_pyvips.py", plan, directory.appendingPathComponent("photo.png").path, directory.appendingPathComponent("logo.png").path, String(rounds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let seconds = Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchmarkError("pyvips replay failed (is pyvips installed? make bench installs it)")
        }
        return seconds
    }

    /// `VmHWM` of /proc/self/status.
    static func peakMemoryMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
