import EventModel

/// Bar charts as inline SVG, drawn on the server (pure). Only numbers the chart computes go into
/// the markup, and labels are escaped, so the SVG is safe to place unescaped in a template.
enum SVGChart {
    /// A small bar chart of bucket counts, for the issue stream's rows.
    static func sparkline(_ counts: [Int64], label: String) -> String {
        bars(counts, width: 2 * counts.count + 2, height: 20, barWidth: 1.5, step: 2, displayWidth: 4 * counts.count + 4,
             label: label)
    }

    /// A wider chart for the issue page, with its maximum written beside it.
    static func chart(_ counts: [Int64], label: String) -> String {
        let maximum = counts.max() ?? 0
        return bars(counts, width: 6 * counts.count, height: 60, barWidth: 5, step: 6, displayWidth: nil, label: label)
            + "<div class=\"muted\">peak \(maximum) · total \(counts.reduce(Int64(0)) { Saturating.add($0, $1) })</div>"
    }

    private static func bars(_ counts: [Int64], width: Int, height: Int, barWidth: Double, step: Int,
                             displayWidth: Int?, label: String) -> String {
        let maximum = max(1, counts.max() ?? 1)
        let top = height - 2
        let rects = counts.enumerated().map { index, count in
            // In Double: `top * count` overflows Int64 for a stored count near its maximum.
            let bar = count <= 0 ? 0 : max(1, min(top, Int(Double(top) * Double(count) / Double(maximum))))
            return "<rect x=\"\(index * step + 1)\" y=\"\(height - 1 - bar)\" width=\"\(barWidth)\" height=\"\(bar)\"/>"
        }.joined()
        let size = displayWidth.map { "width=\"\($0)\" height=\"\(height)\" " } ?? "class=\"chart\" preserveAspectRatio=\"none\" "
        return "<svg \(size)viewBox=\"0 0 \(width) \(height)\" fill=\"#7553b7\" role=\"img\" aria-label=\"\(HTML.escape(label))\"><title>\(HTML.escape(label))</title>\(rects)</svg>"
    }
}
