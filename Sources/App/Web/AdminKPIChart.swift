import Foundation

/// The overview's small charts, drawn on the server as SVG from numbers and fixed text only
/// (they are inserted into the page unescaped, like `DailyChart`).
enum KPIChart {
    /// One bar per day; `label` is fixed text naming the figure.
    static func daily(_ values: [Double], id: String, label: String, first: String, last: String) -> String {
        let width = 240.0, bottom = 52.0
        let highest = max(values.max() ?? 0, 1e-9)
        let step = width / Double(max(values.count, 1))
        var bars = ""
        for (index, value) in values.enumerated() where value > 0 {
            let height = max(value / highest * (bottom - 4), 1)
            bars += "<rect x=\"\(fmt(Double(index) * step))\" y=\"\(fmt(bottom - height))\" width=\"\(fmt(max(step - 1, 0.5)))\" height=\"\(fmt(height))\" fill=\"currentColor\"/>"
        }
        let day = { (text: String) in text.filter { $0.isNumber || $0 == "-" } }
        return """
            <svg viewBox="0 0 \(fmt(width)) 56" role="img" aria-labelledby="\(id)-t" class="chart kpi-chart">\
            <title id="\(id)-t">\(label) per day, \(day(first)) to \(day(last)); highest \(number(highest))</title>\
            \(bars)<line x1="0" y1="\(fmt(bottom))" x2="\(fmt(width))" y2="\(fmt(bottom))" stroke="currentColor" opacity="0.4"/></svg>
            """
    }

    /// Two bars, this period and the one before, for figures without a daily series.
    static func versus(_ current: Double, _ previous: Double, id: String, label: String) -> String {
        let highest = max(current, previous, 1e-9)
        func bar(_ value: Double, _ y: Double, _ opacity: String) -> String {
            "<rect x=\"0\" y=\"\(fmt(y))\" width=\"\(fmt(max(value / highest * 240, value > 0 ? 1 : 0)))\" height=\"20\" fill=\"currentColor\" opacity=\"\(opacity)\"/>"
        }
        return """
            <svg viewBox="0 0 240 56" role="img" aria-labelledby="\(id)-t" class="chart kpi-chart">\
            <title id="\(id)-t">\(label): \(number(current)) this period (dark bar), \(number(previous)) the period before (light bar)</title>\
            \(bar(current, 4, "1"))\(bar(previous, 30, "0.35"))</svg>
            """
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.2f", value)
    }
}
