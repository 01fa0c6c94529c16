import Brands
import Core
import Foundation
import Imaging

/// Lays out and draws one ad in one template, measuring what the preflight needs as it goes.
struct AdComposer {
    let request: RenderRequest
    let template: AdTemplate
    let attempt: Int
    /// What was drawn, in order.
    let recorder = OperationRecorder()

    var width: Int { request.format.width }
    var height: Int { request.format.height }
    var shortSide: Double { Double(min(width, height)) }

    /// Minimum WCAG contrast for text, and for a logo against what is behind it.
    static let textContrast = 4.5
    static let logoContrast = 2.0

    func compose() throws -> (RasterImage, PreflightReport) {
        let palette = Palette(colors: request.kit.colors)
        let family = FontChooser.family(for: request.kit.fonts)
        let safe = SafeArea.box(width: width, height: height)
        let margin = Int(shortSide * 0.06)
        let (r, g, b) = palette.panel.channels
        var canvas = try RasterImage.solid(width: width, height: height, red: r, green: g, blue: b)
        recorder.add(.canvas(width: width, height: height, rgb: [r, g, b]))
        let photo = request.kit.photos.first
        let isMeme = request.archetype == "meme"
        var area = safe
        var alignment = RasterImage.Alignment.centre

        if isMeme {
            if let photo, template != .plain {
                canvas = try canvas.drawing(try .cover(photo, width: width, height: height), x: 0, y: 0)
                recorder.add(.photo(x: 0, y: 0, width: width, height: height))
            }
        } else if template == .split, let photo {
            alignment = .left
            if width * 10 > height * 13 {
                let photoWidth = width / 2
                canvas = try canvas.drawing(try .cover(photo, width: photoWidth, height: height), x: width - photoWidth, y: 0)
                recorder.add(.photo(x: width - photoWidth, y: 0, width: photoWidth, height: height))
                area = Box(x: 0, y: 0, width: width - photoWidth - margin, height: height).intersection(safe)
            } else {
                let photoHeight = Int(Double(height) * (height > width * 3 / 2 ? 0.40 : 0.46))
                canvas = try canvas.drawing(try .cover(photo, width: width, height: photoHeight), x: 0, y: 0)
                recorder.add(.photo(x: 0, y: 0, width: width, height: photoHeight))
                area = Box(x: 0, y: photoHeight + margin / 2, width: width, height: height - photoHeight - margin / 2).intersection(safe)
            }
        } else if template == .poster {
            let (ar, ag, ab) = palette.accent.channels
            canvas = try canvas.drawing(try .solid(width: width, height: max(8, height / 60), red: ar, green: ag, blue: ab), x: 0, y: 0)
            recorder.add(.rect(x: 0, y: 0, width: width, height: max(8, height / 60), rgb: [ar, ag, ab]))
        }

        var report = PreflightReport(
            passed: false, safeZones: true, minimumContrast: 21, logoPresent: false, logoLegible: false, textFits: true, attempts: attempt, problems: [])
        var drawn: [Box] = []

        // The logo row (memes carry the logo at the bottom, above the caption).
        let logoHeight = Int(shortSide * 0.075)
        let gap = Int(shortSide * 0.03)
        var stack = AdBlock.blocks(archetype: request.archetype, copy: request.copy)
        let available = area.height - (isMeme ? 0 : logoHeight + gap)
        let fitted = try fit(&stack, width: area.width, height: available, family: family, gap: gap, alignment: alignment, report: &report)
        let stackHeight = fitted.reduce(0) { $0 + $1.box.height } + gap * max(0, fitted.count - 1)

        var cursor: Int
        var logoBox: Box
        if isMeme {
            cursor = area.y
            logoBox = Box(x: area.maxX - Int(Double(area.width) * 0.4), y: area.maxY - logoHeight - (fitted.last?.box.height ?? 0) - gap, width: Int(Double(area.width) * 0.4), height: logoHeight)
        } else {
            let total = logoHeight + gap + stackHeight
            let top = alignment == .left ? area.y : area.y + max(0, (area.height - total) / 2)
            logoBox = Box(x: area.x, y: top, width: Int(Double(area.width) * 0.45), height: logoHeight)
            if alignment == .centre { logoBox.x = area.x + (area.width - logoBox.width) / 2 }
            cursor = top + logoHeight + gap
        }

        for (index, item) in fitted.enumerated() {
            var box = item.box
            box.x = alignment == .left && item.block.role != .caption ? area.x : area.x + (area.width - box.width) / 2
            box.y = isMeme && index == fitted.count - 1 && fitted.count > 1 ? area.maxY - box.height : cursor
            cursor = box.y + box.height + gap
            canvas = try draw(item, in: box, on: canvas, palette: palette, report: &report)
            drawn.append(box)
        }

        let (logoCanvas, logoDrawn) = try drawLogo(in: logoBox, alignment: isMeme ? .right : alignment, on: canvas, family: family, report: &report)
        canvas = logoCanvas
        if let logoDrawn { drawn.append(logoDrawn) }

        for box in drawn where !safe.contains(box) {
            report.safeZones = false
            report.problems.append("a text or logo box leaves the safe zone")
        }
        if report.minimumContrast < Self.textContrast { report.problems.append(String(format: "text contrast %.2f is below 4.5", report.minimumContrast)) }
        if !report.logoLegible { report.problems.append("the logo is not legible") }
        report.passed = report.safeZones && report.minimumContrast >= Self.textContrast && report.logoPresent && report.logoLegible && report.textFits
        return (canvas, report)
    }

    struct FittedBlock {
        let block: AdBlock
        let mask: RasterImage
        /// The block's full box (the button or badge around the text included).
        var box: Box
        let padding: (Int, Int)
        /// How the mask was made (recorded for replays).
        let markup: String
        let font: String
        let wrapWidth: Int
        let alignment: RasterImage.Alignment
        let spacing: Int
    }

    /// Renders the stack at the largest scale that fits; drops the body text, then shortens
    /// the headline, before giving up (which fails the preflight).
    func fit(
        _ stack: inout [AdBlock], width: Int, height: Int, family: String, gap: Int, alignment: RasterImage.Alignment, report: inout PreflightReport
    ) throws -> [FittedBlock] {
        var scale = 1.0
        var shortened = 0
        while true {
            let rendered = try stack.map { try render($0, width: width, family: family, scale: scale, alignment: alignment) }
            let total = rendered.reduce(0) { $0 + $1.box.height } + gap * max(0, rendered.count - 1)
            let tooWide = rendered.contains { $0.box.width > width }
            if total <= height && !tooWide { return rendered }
            // A customer's quote is never shortened: it may only get smaller.
            let quoted = stack.contains { $0.role == .quote }
            if scale > (quoted ? 0.4 : 0.56) {
                scale *= 0.9
            } else if shortened == 0, let body = stack.firstIndex(where: { $0.role == .body }) {
                stack.remove(at: body)
                scale = 1
                shortened = 1
            } else if shortened < 3, !quoted, let main = stack.firstIndex(where: { $0.role == .headline }) {
                let words = stack[main].text.split(separator: " ")
                guard words.count > 4 else { report.textFits = false; report.problems.append("text does not fit"); return rendered }
                // Shortened where a reader would stop (a clause, a whole word), never mid-sentence with "…".
                stack[main].text = CopyWriter.clip(stack[main].text, max(12, stack[main].text.count * 2 / 3))
                scale = 1
                shortened += 1
            } else {
                report.textFits = false
                report.problems.append("text does not fit its box")
                return rendered
            }
        }
    }

    func render(_ block: AdBlock, width: Int, family: String, scale: Double, alignment: RasterImage.Alignment) throws -> FittedBlock {
        let size = max(12, Int(shortSide * block.relativeSize * scale))
        let padding: (Int, Int) =
            switch block.role {
            case .button: (size, size * 2 / 3)
            case .badge: (size * 2 / 3, size / 3)
            case .caption: (size / 2, size / 3)
            default: (0, 0)
            }
        let font = [family, block.weight, String(size)].filter { !$0.isEmpty }.joined(separator: " ")
        let markup = Self.escape(block.text)
        let wrapWidth = max(1, width - 2 * padding.0)
        let textAlignment: RasterImage.Alignment = block.role == .caption ? .centre : alignment
        let mask = try RasterImage.text(markup: markup, font: font, width: wrapWidth, alignment: textAlignment, lineSpacing: size / 8)
        var box = Box(x: 0, y: 0, width: mask.width + 2 * padding.0, height: mask.height + 2 * padding.1)
        if block.role == .caption { box.width = width }
        return FittedBlock(
            block: block, mask: mask, box: box, padding: padding, markup: markup, font: font, wrapWidth: wrapWidth, alignment: textAlignment,
            spacing: size / 8)
    }

    /// Draws a block's background (button, badge, caption strip), then its text in the colour
    /// that contrasts most with the pixels actually under it.
    func draw(_ item: FittedBlock, in box: Box, on canvas: RasterImage, palette: Palette, report: inout PreflightReport) throws -> RasterImage {
        var canvas = canvas
        switch item.block.role {
        case .button, .badge:
            let (r, g, b) = palette.accent.channels
            canvas = try canvas.drawing(try .solid(width: box.width, height: box.height, red: r, green: g, blue: b), x: box.x, y: box.y)
            recorder.add(.rect(x: box.x, y: box.y, width: box.width, height: box.height, rgb: [r, g, b]))
        case .caption:
            canvas = try canvas.drawing(try .solid(width: box.width, height: box.height, red: 0, green: 0, blue: 0), x: box.x, y: box.y)
            recorder.add(.rect(x: box.x, y: box.y, width: box.width, height: box.height, rgb: [0, 0, 0]))
        default:
            break
        }
        let textX = item.block.role == .caption ? box.x + (box.width - item.mask.width) / 2 : box.x + item.padding.0
        let textY = box.y + item.padding.1
        let behind = try canvas.luminance(x: textX, y: textY, width: item.mask.width, height: item.mask.height)
        recorder.add(.measure(x: textX, y: textY, width: item.mask.width, height: item.mask.height))
        let (color, contrast) = Palette.text(minimum: behind.minimum, maximum: behind.maximum)
        report.minimumContrast = min(report.minimumContrast, (contrast * 100).rounded() / 100)
        let (r, g, b) = color.channels
        recorder.add(.text(markup: item.markup, font: item.font, wrapWidth: item.wrapWidth, align: Int(item.alignment.rawValue), spacing: item.spacing, x: textX, y: textY, rgb: [r, g, b]))
        return try canvas.drawing(try item.mask.colorized(red: r, green: g, blue: b), x: textX, y: textY)
    }

    /// The logo fitted to its box, on a chip when it would not read against the background; a
    /// wordmark of the brand name when there is no logo or it is too small to read.
    func drawLogo(in box: Box, alignment: RasterImage.Alignment, on canvas: RasterImage, family: String, report: inout PreflightReport) throws -> (RasterImage, Box?) {
        var canvas = canvas
        var logo: RasterImage?
        if let data = request.kit.logo, let natural = try? RasterImage.fit(data, width: box.width, height: box.height, upscale: false),
            natural.height >= 24 || natural.width >= 96
        {
            logo = try? RasterImage.fit(data, width: box.width, height: box.height, upscale: true)
        }
        guard let logo else {
            let size = max(16, box.height * 3 / 5)
            let markup = "<b>\(Self.escape(request.kit.name))</b>"
            let mask = try RasterImage.text(markup: markup, font: "\(family) \(size)", width: box.width * 2)
            let x = Self.aligned(box, mask.width, alignment)
            let behind = try canvas.luminance(x: x, y: box.y, width: mask.width, height: mask.height)
            recorder.add(.measure(x: x, y: box.y, width: mask.width, height: mask.height))
            let (color, contrast) = Palette.text(minimum: behind.minimum, maximum: behind.maximum)
            let (r, g, b) = color.channels
            canvas = try canvas.drawing(try mask.colorized(red: r, green: g, blue: b), x: x, y: box.y)
            recorder.add(.text(markup: markup, font: "\(family) \(size)", wrapWidth: box.width * 2, align: 0, spacing: 0, x: x, y: box.y, rgb: [r, g, b]))
            report.logoPresent = true
            report.logoLegible = contrast >= Self.logoContrast
            return (canvas, Box(x: x, y: box.y, width: mask.width, height: mask.height))
        }
        var x = Self.aligned(box, logo.width, alignment)
        let y = box.y + (box.height - logo.height) / 2
        let ink = try logo.meanColor()
        let logoColor = Color(red: ink.red / 255, green: ink.green / 255, blue: ink.blue / 255)
        let behind = try canvas.luminance(x: x, y: y, width: logo.width, height: logo.height)
        recorder.add(.measure(x: x, y: y, width: logo.width, height: logo.height))
        var contrast = Palette.worstContrast(of: logoColor, minimum: behind.mean, maximum: behind.mean)
        var drawnBox = Box(x: x, y: y, width: logo.width, height: logo.height)
        if contrast < Self.logoContrast {
            // A chip behind the logo, in whichever of white or ink reads against it.
            let chip = Palette.readable(on: logoColor)
            let pad = max(6, logo.height / 5)
            x = min(max(x, box.x + pad), box.x + box.width - logo.width - pad)
            let (r, g, b) = chip.channels
            canvas = try canvas.drawing(try .solid(width: logo.width + 2 * pad, height: logo.height + 2 * pad, red: r, green: g, blue: b), x: x - pad, y: y - pad)
            recorder.add(.rect(x: x - pad, y: y - pad, width: logo.width + 2 * pad, height: logo.height + 2 * pad, rgb: [r, g, b]))
            contrast = logoColor.contrast(with: chip)
            drawnBox = Box(x: x - pad, y: y - pad, width: logo.width + 2 * pad, height: logo.height + 2 * pad)
        }
        canvas = try canvas.drawing(logo, x: x, y: y)
        recorder.add(.logo(x: x, y: y, width: box.width, height: box.height))
        report.logoPresent = true
        report.logoLegible = contrast >= Self.logoContrast && logo.height >= 24
        return (canvas, drawnBox)
    }

    static func aligned(_ box: Box, _ width: Int, _ alignment: RasterImage.Alignment) -> Int {
        switch alignment {
        case .left: box.x
        case .centre: box.x + (box.width - width) / 2
        case .right: box.maxX - width
        }
    }

    /// Pango markup escaping.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Collects the drawing steps of one composition (one thread, one composition).
final class OperationRecorder: @unchecked Sendable {
    private(set) var operations: [DrawOperation] = []
    func add(_ operation: DrawOperation) { operations.append(operation) }
}
