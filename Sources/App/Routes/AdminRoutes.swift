import Brands
import Foundation
import Generation
import Hummingbird
import PostgresNIO

/// Every admin route collection beyond the user list and the catalogue's billing side
/// (`BillingRoutes`) and images (`LibraryRoutes`); each group is under `AdminContext`.
func registerAdminRoutes(on router: Router<AppRequestContext>, client: PostgresClient, jobs: JobService) {
    AdminAuditRoutes(client: client).register(on: router)
    AdminBrandRoutes(brands: BrandAdmin(client: client)).register(on: router)
    AdminJobRoutes(jobs: jobs).register(on: router)
    AdminCatalogRoutes(catalog: WorkflowCatalog(client: client)).register(on: router)
}
