public import Foundation

/// Ads side by side on one PNG, to look at a job at once: one row per idea, one column per
/// format, each ad fitted (never enlarged) into a square cell on a neutral grey.
public enum ContactSheet {
    public static func make(rows: [[Data]], cell: Int = 360, gap: Int = 16) throws -> Data {
        let columns = max(1, rows.map(\.count).max() ?? 1)
        let width = gap + columns * (cell + gap), height = gap + max(1, rows.count) * (cell + gap)
        var sheet = try RasterImage.solid(width: width, height: height, red: 232, green: 232, blue: 236)
        for (row, ads) in rows.enumerated() {
            for (column, data) in ads.enumerated() {
                let ad = try RasterImage.fit(data, width: cell, height: cell, upscale: false)
                let x = gap + column * (cell + gap) + (cell - ad.width) / 2
                let y = gap + row * (cell + gap) + (cell - ad.height) / 2
                sheet = try sheet.drawing(ad, x: x, y: y)
            }
        }
        return try sheet.encoded(as: .png)
    }
}
