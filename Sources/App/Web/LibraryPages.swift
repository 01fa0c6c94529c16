import Billing
import PostgresNIO
import Generation
import Brands
import Accounts
import Core
import Foundation
import Hummingbird
import Library

/// The library grid: filters, bulk actions (zip, save, delete, restore), the bin, share links.
extension WebPages {
    func registerLibrary(on router: Router<AppRequestContext>) {
        router.get("library") { request, context -> Response in
            let identity = try signedIn(request, context)
            let filter = try LibraryRoutes.filter(request)
            let found = try await library.list(
                userID: identity.user.id, filter: filter, cursor: request.uri.queryParameters["cursor"].map(String.init), limit: 48, logger: context.logger)
            var page = try await chrome(identity, title: "Library", current: "/library", logger: context.logger)
            let owned = try await brands.list(userID: identity.user.id, cursor: nil, limit: 100, logger: context.logger).items
            let archetypes = try await jobs.archetypes(logger: context.logger)
            let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            page.merge(LibraryPage.context(found, filter: filter, brands: owned.map { ($0.id, $0.name) }, archetypes: archetypes.map { ($0.code, $0.displayName) })) { $1 }
            page["back"] = back
            if let next = found.nextCursor {
                // The same filters, encoded again: a value may hold `&`, `#` or `+`.
                var query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
                query["cursor"] = next
                page["next"] = "/library?" + Self.query(query)
            }
            return try renderer.page("library", page)
        }
        router.post("library/bulk") { request, context -> Response in
            let (identity, form) = try await post(request, context)
            let ids = form.all("ids").compactMap(UUID.init(uuidString:))
            let back = Self.localPath(form["back"]) ?? "/library"
            guard !ids.isEmpty else { return redirect(back) }
            let source = AdEventSource.ui
            if form["action"] == "download" {
                let zip = try await library.downloadZip(ids, userID: identity.user.id, source: source, logger: context.logger)
                return LibraryRoutes.attachment(zip, name: "blumpo-ads.zip", type: "application/zip")
            }
            guard let action = form["action"].flatMap(ImageAction.init(rawValue:)) else { throw AppError.validation(["action": "is not an action"]) }
            _ = try await library.perform(action, on: ids, userID: identity.user.id, source: source, logger: context.logger)
            return redirect(back)
        }
        router.post("library/{id}/share") { request, context -> Response in
            let (identity, _) = try await post(request, context)
            let link = try await library.share(try Self.pathID(context), userID: identity.user.id, source: .ui, logger: context.logger)
            var page = try await chrome(identity, title: "Share link", current: "/library", logger: context.logger)
            page["heading"] = "Your share link"
            page["detail"] = link.url
            page["requestID"] = context.id
            return try renderer.page("share", page)
        }
    }
}

/// What the library page shows for a page of images.
enum LibraryPage {
    static func context(_ found: Page<AdImage>, filter: LibraryFilter, brands: [(UUID, String)], archetypes: [(String, String)]) -> [String: Any] {
        let state = filter.state
        let tabs: [(LibraryState, String)] = [(.active, "All"), (.saved, "Saved"), (.deleted, "Deleted")]
        return [
            "state": state.rawValue, "isDeleted": state == .deleted, "hasImages": !found.items.isEmpty,
            "tabs": tabs.map { ["href": "/library?state=\($0.0.rawValue)", "label": $0.1, "current": $0.0 == state] as [String: Any] },
            "brands": brands.map { ["id": $0.0.uuidString.lowercased(), "name": $0.1, "selected": $0.0 == filter.brandID] as [String: Any] },
            "archetypes": archetypes.map { ["code": $0.0, "name": $0.1, "selected": $0.0 == filter.archetype] as [String: Any] },
            "formats": AdFormat.all.map { ["code": $0.code, "name": $0.code.capitalized, "selected": $0.code == filter.adFormat] as [String: Any] },
            "images": found.items.map { image -> [String: Any] in
                var item: [String: Any] = [
                    "id": image.id.uuidString.lowercased(), "url": image.publicURL ?? "", "alt": alt(image), "caption": caption(image),
                    "saved": image.isSaved, "isDeleted": image.deleteAt != nil,
                ]
                if let days = image.daysUntilPurge() { item["daysLeft"] = days }
                return item
            },
        ]
    }

    static func caption(_ image: AdImage) -> String {
        [image.brandName, image.archetype.map(WebPages.words), image.adFormat].compactMap { $0 }.joined(separator: " · ")
    }

    /// The ad's own words describe it best to someone who cannot see it.
    static func alt(_ image: AdImage) -> String {
        if case .object(let copy) = image.copy, case .string(let headline) = copy["headline"] { return "Ad: \(headline)" }
        return "Ad for \(image.brandName ?? "your brand")"
    }
}
