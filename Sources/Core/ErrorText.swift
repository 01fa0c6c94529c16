/// Error texts grouped by what went wrong rather than by which object it happened to: ids,
/// hex digests and numbers are replaced by placeholders, so "variant 7f3e… failed after 3 s"
/// and "variant 91ac… failed after 12 s" are one reason.
public enum ErrorText {
    /// Longest normalised reason kept; error texts come from outside systems.
    public static let maxLength = 300

    public static func normalized(_ text: String) -> String {
        var output = ""
        var word = ""
        func flush() {
            output += normalizedWord(word)
            word = ""
        }
        for character in text.prefix(4 * maxLength) {
            if character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_") {
                word.append(character)
            } else {
                flush()
                // Runs of whitespace (line breaks included) are one space.
                if character.isWhitespace {
                    if !output.hasSuffix(" ") { output.append(" ") }
                } else {
                    output.append(character)
                }
            }
        }
        flush()
        let trimmed = output.trimmingWhitespace()
        return trimmed.count > maxLength ? String(trimmed.prefix(maxLength)) + "…" : trimmed
    }

    /// A UUID or a long hex token is an id; a word starting with a digit is a number (with its
    /// unit kept: `30s` → `<n>s`). Names that merely contain digits (`n8n`, `v2`, `s3`) stay.
    static func normalizedWord(_ word: String) -> String {
        guard let first = word.first else { return "" }
        let hexLike = word.allSatisfy { $0.isHexDigit || $0 == "-" }
        if hexLike && word.count >= 8 && word.contains(where: \.isNumber) { return "<id>" }
        guard first.isNumber else { return word }
        return "<n>" + word.drop(while: { $0.isNumber || $0 == "." })
    }
}
