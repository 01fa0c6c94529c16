import Foundation
import Synchronization

/// Picks the installed family closest to the brand's font: the family itself when installed,
/// else a family of the same kind (serif, monospace, display or sans).
enum FontChooser {
    /// Families fontconfig knows, read once (`fc-list : family`). The list goes through a file,
    /// not a pipe: a pipe's reader waits for every process that inherited its write end, and
    /// one spawned meanwhile (a database server) may live for as long as this one.
    static let installed: Set<String> = {
        let listing = FileManager.default.temporaryDirectory.appendingPathComponent("blumpo-fonts-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: listing) }
        guard FileManager.default.createFile(atPath: listing.path, contents: nil),
            let output = try? FileHandle(forWritingTo: listing)
        else { return [] }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["fc-list", ":", "family"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [] }
        process.waitUntilExit()
        guard let data = try? Data(contentsOf: listing) else { return [] }
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
    }()

    static let serif = ["Liberation Serif", "DejaVu Serif"]
    static let sans = ["Inter", "Open Sans", "Lato", "Roboto", "Liberation Sans", "DejaVu Sans"]
    static let display = ["Lato", "Inter", "Roboto", "DejaVu Sans"]
    static let mono = ["Liberation Mono", "DejaVu Sans Mono"]
    static let serifNames = ["serif", "georgia", "garamond", "playfair", "merriweather", "lora", "times", "baskerville", "caslon", "didot", "bodoni", "slab", "libre"]
    static let displayNames = ["display", "grotesk", "poppins", "montserrat", "bebas", "oswald", "anton", "archivo", "syne", "clash", "space"]

    /// The family to render with.
    static func family(for brandFonts: [String]) -> String {
        guard let wanted = brandFonts.first else { return firstInstalled(sans) }
        if installed.contains(wanted.lowercased()) { return wanted }
        let name = wanted.lowercased()
        if name.contains("mono") || name.contains("code") { return firstInstalled(mono) }
        if serifNames.contains(where: { name.contains($0) }) && !name.contains("sans") { return firstInstalled(serif) }
        if displayNames.contains(where: { name.contains($0) }) { return firstInstalled(display) }
        return firstInstalled(sans)
    }

    static func firstInstalled(_ families: [String]) -> String {
        families.first { installed.contains($0.lowercased()) } ?? "DejaVu Sans"
    }
}
