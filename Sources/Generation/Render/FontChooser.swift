import Foundation
import Synchronization

/// Picks the installed family closest to the brand's font: the family itself when installed,
/// else a family of the same kind (serif, monospace, display or sans).
enum FontChooser {
    /// Families fontconfig knows, read once (`fc-list : family`).
    static let installed: Set<String> = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["fc-list", ":", "family"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
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
