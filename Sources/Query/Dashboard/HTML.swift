/// Server-rendered pages. Every value from events, issues or the request goes through
/// `escape`: event data is shown as text, never interpreted as markup.
enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A 24-bucket sparkline as inline SVG.
    static func sparkline(_ counts: [Int64]) -> String {
        let maximum = max(1, counts.max() ?? 1)
        let width = 2 * counts.count + 2
        let bars = counts.enumerated().map { index, count in
            // In Double: `18 * count` overflows Int64 for a stored count near its maximum.
            let height = count <= 0 ? 0 : max(1, min(18, Int(18 * Double(count) / Double(maximum))))
            return "<rect x=\"\(index * 2 + 1)\" y=\"\(19 - height)\" width=\"1.5\" height=\"\(height)\"/>"
        }.joined()
        return "<svg width=\"\(width * 2)\" height=\"20\" viewBox=\"0 0 \(width) 20\" fill=\"#7553b7\">\(bars)</svg>"
    }
}
