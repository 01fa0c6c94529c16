import Core
import Foundation
import Generation
import Imaging

#if canImport(Glibc)
import Glibc
#endif

/// Ads per second on one core for square and story, against the same composite replayed by
/// pyvips on the same libvips (each side twice, alternating, after a warm-up; both with the
/// operation cache off), and the peak memory of rendering continuously.
enum RenderBenchmark {
    static let rounds = BenchSize.integer("BENCH_RENDER_ROUNDS", default: 20, in: 1...1000)
    static let continuousSeconds = BenchSize.integer("BENCH_RENDER_SECONDS", default: 10, in: 1...600)

    /// What libvips in this process was set to, read back from libvips itself after the
    /// renderer started it (the symbols are looked up at run time: the benchmark does not
    /// import the C module).
    static func libvipsSettings() -> String {
        guard let handle = dlopen(nil, RTLD_NOW) else { return "libvips settings unreadable" }
        func int(_ name: String) -> Int? {
            guard let symbol = dlsym(handle, name) else { return nil }
            return Int(unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)())
        }
        func size(_ name: String) -> UInt? {
            guard let symbol = dlsym(handle, name) else { return nil }
            return UInt(unsafeBitCast(symbol, to: (@convention(c) () -> Int).self)())
        }
        let version = dlsym(handle, "vips_version").map { symbol in
            let call = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
            return "\(call(0)).\(call(1)).\(call(2))"
        } ?? "?"
        let text = { (value: Any?) in value.map { "\($0)" } ?? "?" }
        return "libvips \(version), operation cache max \(text(int("vips_cache_get_max"))) operations / \(text(size("vips_cache_get_max_mem"))) bytes, "
            + "threads \(text(int("vips_concurrency_get")))"
    }

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

        let repeats = QueueBenchmark.repeats
        print("")
        print("render benchmark (problem_solution, split template, one core: VIPS_CONCURRENCY=\(ProcessInfo.processInfo.environment["VIPS_CONCURRENCY"] ?? "default"); "
            + "\(rounds) ads per run, each side \(repeats)× alternating after a warm-up ad, median shown)")
        var pyvipsSettings = ""
        for format in [AdFormat.square, .story] {
            let request = RenderRequest(archetype: "problem_solution", format: format, kit: kit, copy: copy, seed: 0, template: .split)
            let first = try await BuiltinRenderer().render(request)
            let plan = directory.appendingPathComponent("plan-\(format.code).json")
            try JSONEncoder().encode(first.operations).write(to: plan)
            var ours: [Double] = []
            var theirs: [Double] = []
            for _ in 0..<repeats {
                let started = ContinuousClock.now
                for _ in 0..<rounds { _ = try await BuiltinRenderer().render(request) }
                ours.append(ExtractionBenchmark.milliseconds(ContinuousClock.now - started) / 1000 / Double(rounds))
                let replayed = try replay(plan: plan.path, directory: directory)
                theirs.append(replayed.seconds)
                pyvipsSettings = replayed.settings
            }
            let blumpo = QueueBenchmark.median(ours)
            let pyvips = QueueBenchmark.median(theirs)
            print(String(format: "  %@ %d×%d: blumpo %.1f ads/s (%.0f ms), pyvips replay %.1f ads/s (%.0f ms), ratio time blumpo/pyvips %.2f (target ≤ 1.2)",
                format.code, format.width, format.height, 1 / blumpo, blumpo * 1000, 1 / pyvips, pyvips * 1000, blumpo / pyvips))
            print("    runs ms per ad: blumpo \(ours.map { String(format: "%.0f", $0 * 1000) }.joined(separator: " / ")), "
                + "pyvips \(theirs.map { String(format: "%.0f", $0 * 1000) }.joined(separator: " / "))")
        }
        print("  given: blumpo: \(libvipsSettings()) (layout search included)")
        print("         pyvips: \(pyvipsSettings) (the drawing steps only, replayed from blumpo's plan)")

        // Continuous rendering for a while, then the process's peak resident memory.
        let until = ContinuousClock.now + .seconds(continuousSeconds)
        var count = 0
        while ContinuousClock.now < until {
            let format = count % 2 == 0 ? AdFormat.square : .story
            _ = try await BuiltinRenderer().render(RenderRequest(archetype: "testimonial", format: format, kit: kit, copy: copy, seed: UInt64(count)))
            count += 1
        }
        print(String(format: "  %d ads in %d s of continuous rendering; peak resident memory %.0f MB (target < 300 MB)", count, continuousSeconds, peakMemoryMB()))
    }

    /// The pyvips replay's seconds per ad, and the settings it reports.
    static func replay(plan: String, directory: URL) throws -> (seconds: Double, settings: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "Benchmarks/render_pyvips.py", plan, directory.appendingPathComponent("photo.png").path, directory.appendingPathComponent("logo.png").path, String(rounds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any],
            let seconds = object["seconds"] as? Double
        else {
            throw BenchmarkError("pyvips replay failed (is pyvips installed? make bench installs it)")
        }
        let settings = "libvips \(object["libvips"] ?? "?"), operation cache max \(object["cache_max"] ?? "?") operations / "
            + "\(object["cache_max_mem"] ?? "?") bytes, threads \(object["concurrency"] ?? "?")"
        return (seconds, settings)
    }

    /// `VmHWM` of /proc/self/status.
    static func peakMemoryMB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
