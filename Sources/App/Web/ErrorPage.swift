import Billing
import Foundation
import Core
import PostgresNIO
import Library
import Generation
import Brands
import Accounts
import Hummingbird

extension WebRenderer {
    /// An error as a page with the request id, in words a marketer understands.
    func errorPage(_ problem: Problem, requestID: String) throws -> Response {
        let heading: String =
            switch problem.status.code {
            case 404: "This page does not exist"
            case 401: "Please sign in"
            case 403: "That was not allowed"
            case 422: "Something in the form needs fixing"
            case 429: "Too many tries"
            case 500...: "Something went wrong on our side"
            default: problem.status.reasonPhrase
            }
        return try page(
            "error", ["title": heading, "heading": heading, "detail": problem.detail, "requestID": requestID], status: problem.status)
    }
}
