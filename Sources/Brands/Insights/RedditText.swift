import Foundation

/// The marker phrases that make a sentence a desire, a pain point or a purchase trigger.
enum RedditMarkers {
    static let desires = ["i wish", "i'd love", "i would love", "if only", "would be nice", "i'm looking for", "looking for", "i want"]
    static let painPoints = [
        "i hate", "hate that", "hate how", "so frustrating", "frustrating", "annoying", "sick of", "tired of", "can't stand",
        "the problem with", "the worst", "stopped working", "waste of money", "too expensive", "overpriced",
    ]
    static let purchaseTriggers = [
        "finally bought", "finally ordered", "finally got", "just bought", "ended up buying", "decided to buy", "decided to get",
        "switched to", "made the switch", "pulled the trigger", "caved and", "bought it because", "sold me",
    ]
    /// Markers that follow their subject ("The app is annoying"): the whole sentence says what
    /// it is about. The others lead ("I wish the hopper …"): what follows them does.
    static let predicates: Set<String> = ["so frustrating", "frustrating", "annoying", "stopped working", "waste of money", "too expensive", "overpriced", "would be nice", "sold me", "the worst"]
    /// First-hand use: a customer, not a bystander (with "my <brand>" and "our <brand>").
    static let ownership = [
        "i bought", "i use", "i've been using", "i have been using", "i've used", "i own", "i got my", "i've had my",
        "we use", "we switched", "i switched", "i finally bought", "i just bought", "i ordered",
    ]

    /// The first marker found (earliest in the sentence) and the words from it to the sentence's end.
    static func match(_ sentence: String, markers: [String]) -> (marker: String, phrase: String)? {
        let lower = sentence.lowercased()
        var best: (String, String.Index)?
        for marker in markers {
            guard let range = lower.range(of: marker), RedditText.startsWord(lower, at: range.lowerBound) else { continue }
            if best == nil || range.lowerBound < best!.1 { best = (marker, range.lowerBound) }
        }
        guard let (marker, start) = best else { return nil }
        let offset = lower.distance(from: lower.startIndex, to: start)
        return (marker, String(sentence.dropFirst(offset)))
    }

    static func isOwnership(_ sentence: String, brandName: String) -> Bool {
        let lower = " " + sentence.lowercased() + " "
        let brand = brandName.lowercased()
        // Whole words only: "I used to have one" is a former customer, not "i use".
        return (ownership + ["my \(brand)", "our \(brand)"]).contains { marker in
            var from = lower.startIndex
            while let range = lower.range(of: " " + marker, range: from..<lower.endIndex) {
                if let next = lower[range.upperBound...].first, !next.isLetter { return true }
                from = range.upperBound
            }
            return false
        }
    }
}

/// Sentences, words and labels of Reddit text.
enum RedditText {
    static let stopwords: Set<String> = [
        "the", "and", "for", "with", "that", "this", "was", "are", "but", "not", "you", "your", "have", "has", "had", "its", "it's",
        "they", "them", "their", "there", "then", "than", "just", "really", "very", "would", "could", "should", "can", "cant", "can't",
        "don't", "dont", "doesn't", "didn't", "isn't", "wasn't", "i'm", "i've", "i'd", "what", "when", "where", "which", "who", "how",
        "all", "any", "some", "more", "most", "one", "out", "about", "from", "into", "over", "after", "before", "been", "being", "were",
        "will", "also", "even", "still", "only", "much", "many", "like", "get", "got", "make", "made", "thing", "things", "because",
        "finally", "every", "time", "lol", "tbh", "that's", "there's", "here", "our", "ours", "mine", "myself", "wish", "love", "hate",
        "each",
    ]

    /// Sentences of `minimum` to 300 characters, split at . ! ? and line breaks.
    static func sentences(_ text: String, minimum: Int = 12) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            if character == "\n" || ".!?".contains(character) {
                if ".!?".contains(character) { current.append(character) }
                append(current, minimum: minimum, to: &result)
                current = ""
            } else {
                current.append(character)
            }
        }
        append(current, minimum: minimum, to: &result)
        return result
    }

    private static func append(_ sentence: String, minimum: Int, to result: inout [String]) {
        let trimmed = sentence.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "*>-#")))
        if (minimum...max(minimum, 300)).contains(trimmed.count) { result.append(trimmed) }
    }

    /// Content words, lower-cased, a plural `s` dropped, without stopwords, the marker's own
    /// words or `names` (the searched names say nothing about what is wanted or wrong).
    static func keywords(_ text: String, excluding marker: String, names: Set<String> = []) -> Set<String> {
        let markerWords = Set(words(marker))
        return Set(words(text).filter { $0.count >= 3 && !stopwords.contains($0) && !markerWords.contains($0) }.map { word in
            word.count > 4 && word.hasSuffix("s") && !word.hasSuffix("ss") ? String(word.dropLast()) : word
        }).subtracting(names)
    }

    /// Lower-cased words, apostrophes kept inside ("don't") and a possessive `'s` dropped.
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == "’") }).map { token in
            let word = token.replacingOccurrences(of: "’", with: "'").trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            return word.hasSuffix("'s") && word.count > 2 ? String(word.dropLast(2)) : word
        }
    }

    /// The phrase as a label: first letter capital, no closing punctuation, at most 160 characters.
    static func label(_ phrase: String) -> String {
        var text = phrase.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = text.last, ".!?,;:".contains(last) { text.removeLast() }
        if text.count > 160 { text = String(text.prefix(157)) + "…" }
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    static func isFirstPerson(_ sentence: String) -> Bool {
        let tokens = Set(words(sentence))
        return !tokens.isDisjoint(with: ["i", "i'm", "i've", "i'd", "my", "we", "our", "we've"])
    }

    /// Whether `name` occurs as whole words in `text`, ignoring case.
    static func mentions(_ text: String, _ name: String) -> Bool {
        let needle = name.lowercased().trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return false }
        let lower = text.lowercased()
        var searchStart = lower.startIndex
        while let range = lower.range(of: needle, range: searchStart..<lower.endIndex) {
            let before = range.lowerBound == lower.startIndex ? nil : lower[lower.index(before: range.lowerBound)]
            let after = range.upperBound == lower.endIndex ? nil : lower[range.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchStart = range.upperBound
        }
        return false
    }

    static func startsWord(_ text: String, at index: String.Index) -> Bool {
        index == text.startIndex || !text[text.index(before: index)].isLetter
    }
}
