public import Foundation

/// The OpenAPI 3.1 document of the whole API (`Resources/openapi.json`), served at
/// `/api/v1/openapi.json`. `OpenAPITests` keeps it and the router in agreement.
public enum OpenAPIDocument {
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            preconditionFailure("Resources/openapi.json is missing from the App bundle")
        }
        return data
    }()
}
