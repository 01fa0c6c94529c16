public import Foundation
import HTMLParser

/// The site's own name and language.
public enum SiteIdentity {
    /// `og:site_name`, `application-name`, the manifest's name, else the part of the title that
    /// looks like a name (the segment sharing most with the domain), else the domain.
    public static func name(_ site: SiteAnalysis) -> String {
        if let name = site.meta("og:site_name") ?? site.meta("application-name"), name.count <= 60 { return name }
        if let name = site.manifest?.name ?? site.manifest?.shortName, !name.isEmpty, name.count <= 60 { return name }
        for object in site.jsonLD where ["Organization", "Corporation", "LocalBusiness", "Brand", "WebSite"].contains(object["@type"] as? String ?? "") {
            if let name = object["name"] as? String, !name.isEmpty, name.count <= 60 { return name }
        }
        let domainWord = domainName(site.rootURL).lowercased()
        if let title = site.home.document.root.all("title").first?.text, !title.isEmpty {
            let segments = title.components(separatedBy: CharacterSet(charactersIn: "|–—:·•")).flatMap { $0.components(separatedBy: " - ") }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let match = segments.first(where: { $0.lowercased().replacingOccurrences(of: " ", with: "").contains(domainWord) }) { return match }
            if segments.count == 1, let only = segments.first, only.count <= 40 { return only }
            if segments.count > 1, let shortest = segments.min(by: { $0.count < $1.count }), shortest.count <= 30 { return shortest }
        }
        return domainName(site.rootURL).capitalized
    }

    /// `https://www.acme-labs.io` → `acme-labs`.
    public static func domainName(_ url: URL) -> String {
        var host = (url.host ?? "brand").lowercased()
        // An address names no brand; keep it whole rather than take one octet.
        if host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) { return host }
        if host.hasPrefix("www.") { host = String(host.dropFirst(4)) }
        let parts = host.split(separator: ".")
        if parts.count >= 3, ["co", "com", "org", "net", "ac"].contains(parts[parts.count - 2]) { return String(parts[parts.count - 3]) }
        return parts.count >= 2 ? String(parts[parts.count - 2]) : host
    }

    /// `<html lang>`, else `og:locale`, else `content-language`, else English.
    public static func language(_ site: SiteAnalysis) -> LanguageEvidence {
        if let lang = site.home.document.root["lang"], let tag = normalizedTag(lang) { return LanguageEvidence(value: tag, source: "html-lang") }
        if let locale = site.meta("og:locale"), let tag = normalizedTag(locale.replacingOccurrences(of: "_", with: "-")) {
            return LanguageEvidence(value: tag, source: "og-locale")
        }
        for meta in site.home.document.root.all("meta") where (meta["http-equiv"] ?? "").lowercased() == "content-language" {
            if let content = meta["content"], let tag = normalizedTag(content) { return LanguageEvidence(value: tag, source: "content-language") }
        }
        return LanguageEvidence(value: "en", source: "default")
    }

    /// A BCP 47 tag as `ll` or `ll-RR` (`EN_us` → `en-US`); nil for anything else.
    public static func normalizedTag(_ raw: String) -> String? {
        let parts = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "-").split(separator: "-").map(String.init)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        var tag = language.lowercased()
        if parts.count > 1 {
            let region = parts[1]
            if region.count == 2, region.allSatisfy({ $0.isASCII && $0.isLetter }) { tag += "-" + region.uppercased() }
            else if region.count == 4, region.allSatisfy({ $0.isASCII && $0.isLetter }) { tag += "-" + region.prefix(1).uppercased() + region.dropFirst().lowercased() }
            else if region.count == 3, region.allSatisfy(\.isNumber) { tag += "-" + region }
            else { return nil }
        }
        return tag
    }
}
