import Core
import Foundation
import Hummingbird
import Library
import Logging

/// `/admin/images`: every user's images, filtered by owner, brand and ban; ban and unban.
extension WebPages {
    func registerAdminImages(on router: Router<AppRequestContext>) {
        router.get("admin/images") { request, context -> Response in
            let identity = try admin(request, context)
            let filter = AdminImageFilter(userID: try request.queryID("user_id"), brandID: try request.queryID("brand_id"), banned: try request.queryBool("banned"))
            let found = try await library.adminList(filter, cursor: request.queryValue("cursor").map(String.init), limit: 48, logger: context.logger)
            var page = try await adminChrome(identity, request, title: "Images", section: "/admin/images", logger: context.logger)
            page["bans"] = [("", "All images", filter.banned == nil), ("false", "Not banned", filter.banned == false), ("true", "Banned", filter.banned == true)]
                .map { ["value": $0.0, "label": $0.1, "selected": $0.2] as [String: Any] }
            if let user = filter.userID { page["userID"] = user.uuidString.lowercased() }
            if let brand = filter.brandID { page["brandID"] = brand.uuidString.lowercased() }
            page["images"] = found.items.map(AdminImagePage.tile)
            page["hasImages"] = !found.items.isEmpty
            // The same filters, without the message of the last action.
            var query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            query["done"] = nil
            page["back"] = "/admin/images?" + Self.query(query)
            if let next = found.nextCursor {
                query["cursor"] = next
                page["next"] = "/admin/images?" + Self.query(query)
            }
            return try renderer.page("admin_images", page)
        }
        router.post("admin/images/{id}/{action}") { request, context -> Response in
            let (actor, form) = try await adminPost(request, context)
            let ban: Bool
            switch context.parameters.get("action") {
            case "ban": ban = true
            case "unban": ban = false
            default: throw AppError.notFound("Page")
            }
            _ = try await library.setBanned(try Self.pathID(context), ban, actor: actor, logger: context.logger)
            let back = Self.localPath(form["back"]).flatMap { $0.hasPrefix("/admin/images") ? $0 : nil } ?? "/admin/images"
            return redirect(back + (back.contains("?") ? "&" : "?") + "done=image-" + (ban ? "banned" : "unbanned"))
        }
    }
}

/// One image of the moderation grid.
enum AdminImagePage {
    static func tile(_ image: AdImage) -> [String: Any] {
        var tile: [String: Any] = [
            "id": image.id.uuidString.lowercased(), "userID": image.userID.uuidString.lowercased(), "alt": LibraryPage.alt(image),
            "caption": LibraryPage.caption(image), "created": WebPages.shortDate(image.createdAt), "banned": image.banned,
        ]
        // A banned, hidden or purged file is not public any more: no picture that would fail to load.
        if !image.banned, !image.blobHidden, !image.isPurged, let url = image.publicURL { tile["url"] = url }
        if image.isPurged { tile["purged"] = true } else if image.deleteAt != nil { tile["binned"] = true }
        return tile
    }
}
