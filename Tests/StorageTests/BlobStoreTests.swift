import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Storage
import TestSupport
import Testing

@Suite struct BlobKeyTests {
    @Test(arguments: ["../etc/passwd", "a/../../b", "/etc/passwd", "a//b", "a/./b", "..", "a/b/", "a\\b", "a/%2e%2e/b", "brands/x?y", "", "http://x/y"])
    func keysThatCouldEscapeOrMisleadAreRefused(_ path: String) {
        #expect(throws: BlobStoreError.self) { try BlobKey(path) }
    }

    @Test func rasterImagesAreShownInlineAndEverythingElseIsADownload() throws {
        let png = try BlobKey("brands/b1/logo/5f2a.png")
        #expect(ContentDisposition.header(for: png, contentType: "image/png") == "inline; filename=\"5f2a.png\"")
        #expect(ContentDisposition.header(for: png, contentType: " Image/PNG ; q=1") == "inline; filename=\"5f2a.png\"")
        #expect(ContentDisposition.header(for: try BlobKey("a/x.webp"), contentType: "image/webp") == "inline; filename=\"x.webp\"")
        // An SVG opened on its own is a document: never inline on a host that cannot send a CSP.
        #expect(ContentDisposition.header(for: try BlobKey("brands/b1/logo/5f2a.svg"), contentType: "image/svg+xml") == "attachment; filename=\"5f2a.svg\"")
        #expect(ContentDisposition.header(for: .websiteSnapshot(brandID: "b1"), contentType: "application/json") == "attachment; filename=\"website_data.json\"")
        #expect(ContentDisposition.header(for: try BlobKey("a/page.html"), contentType: "text/html; charset=utf-8") == "attachment; filename=\"page.html\"")
    }

    @Test func schemaDocumentKeysAreAccepted() throws {
        #expect(BlobKey.websiteSnapshot(brandID: "9EF8A4C2-9DD4-4EAA-8AE1-52E25FD0DD55").path == "brands/9ef8a4c2-9dd4-4eaa-8ae1-52e25fd0dd55/website_data.json")
        let ad = try BlobKey.adImage(userID: "U1", jobID: "J1", imageID: "I1", fileExtension: "webp")
        #expect(ad.path == "users/u1/jobs/j1/i1.webp")
        #expect(ad.contentType == "image/webp")
    }
}

@Suite struct LocalBlobStoreTests {
    @Test func storesReadsReplacesAndDeletes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path
        let store = LocalBlobStore(directory: directory, baseURL: "http://127.0.0.1:8080/blobs")
        let key = try BlobKey("brands/b1/logo/a.png")
        let url = try await store.put(Data("one".utf8), key: key, contentType: "image/png")
        #expect(url == "http://127.0.0.1:8080/blobs/brands/b1/logo/a.png")
        #expect(store.key(forPublicURL: url) == key)
        #expect(store.key(forPublicURL: "http://elsewhere.example/blobs/brands/b1/logo/a.png") == nil)
        #expect(store.key(forPublicURL: "http://127.0.0.1:8080/blobs/brands/../../etc/passwd") == nil)
        try await store.put(Data("two".utf8), key: key, contentType: "image/png")
        #expect(try await store.get(key) == Data("two".utf8))
        #expect(try await store.head(key) == BlobInfo(size: 3, contentType: "image/png"))
        try await store.delete(key)
        #expect(try await store.get(key) == nil)
        #expect(try await store.head(key) == nil)
        try await store.delete(key)
    }
}

@Suite struct SignatureV4Tests {
    /// The "GET Object" example of the S3 SigV4 documentation.
    @Test func matchesTheDocumentedExampleSignature() {
        let signer = SignatureV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
        let headers = signer.sign(
            method: "GET", path: "/test.txt", headers: ["Host": "examplebucket.s3.amazonaws.com", "Range": "bytes=0-9"], payload: Data(),
            date: Date(timeIntervalSince1970: 1_369_353_600))
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(
            headers["Authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }
}

@Suite(.serialized) struct RemoteBlobStoreTests {
    @Test func s3StoreWorksAgainstARealS3ServerThatChecksSignatures() async throws {
        let server = try S3TestServer()
        try await server.start()
        defer { server.stop() }
        let credentials = try await server.credentials()
        let settings = S3Settings(
            endpoint: server.endpoint, region: "us-east-1", bucket: credentials.bucket, accessKeyID: credentials.accessKeyID,
            secretAccessKey: credentials.secretAccessKey, pathStyle: true)
        let store = S3BlobStore(settings: settings, http: .shared)
        let key = try BlobKey("users/u1/jobs/j1/i1.webp")
        let url = try await store.put(Data("webp bytes".utf8), key: key, contentType: "image/webp")
        #expect(url == "\(server.endpoint)/\(credentials.bucket)/users/u1/jobs/j1/i1.webp")
        #expect(store.key(forPublicURL: url) == key)
        #expect(try await store.get(key) == Data("webp bytes".utf8))
        #expect(try await store.head(key) == BlobInfo(size: 10, contentType: "image/webp"))
        try await store.delete(key)
        #expect(try await store.get(key) == nil)

        var forged = settings
        forged.secretAccessKey = "not-the-secret"
        await #expect(throws: BlobStoreError.self) {
            try await S3BlobStore(settings: forged, http: .shared).put(Data("x".utf8), key: key, contentType: "text/plain")
        }
    }

    @Test func s3StoresTheContentDispositionAndServesItBack() async throws {
        let server = try S3TestServer()
        try await server.start()
        defer { server.stop() }
        let credentials = try await server.credentials()
        let store = S3BlobStore(
            settings: S3Settings(
                endpoint: server.endpoint, region: "us-east-1", bucket: credentials.bucket, accessKeyID: credentials.accessKeyID,
                secretAccessKey: credentials.secretAccessKey, pathStyle: true),
            http: .shared)
        let signer = SignatureV4(accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey, region: "us-east-1")
        for (path, type, disposition) in [
            ("brands/b1/logo/a1.png", "image/png", "inline; filename=\"a1.png\""),
            ("brands/b1/logo/a1.svg", "image/svg+xml", "attachment; filename=\"a1.svg\""),
            ("brands/b1/website_data.json", "application/json", "attachment; filename=\"website_data.json\""),
        ] {
            _ = try await store.put(Data("bytes".utf8), key: try BlobKey(path), contentType: type)
            // The object itself, fetched as a reader would: what S3 answers with.
            let objectPath = "/\(credentials.bucket)/\(path)"
            var request = HTTPClientRequest(url: server.endpoint + objectPath)
            for (name, value) in signer.sign(method: "GET", path: objectPath, headers: ["host": "127.0.0.1:\(server.port)"], payload: Data()) {
                request.headers.add(name: name, value: value)
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Disposition") == disposition)
            #expect(response.headers.first(name: "Content-Type") == type)
        }
    }

    @Test func s3PublicURLsUseTheConfiguredBaseOrVirtualHostStyle() throws {
        let virtualHost = S3BlobStore(
            settings: S3Settings(endpoint: "https://s3.eu-west-1.amazonaws.com", region: "eu-west-1", bucket: "ads", accessKeyID: "a", secretAccessKey: "s", pathStyle: false),
            http: .shared)
        let key = try BlobKey("brands/b/logo/x.png")
        #expect(virtualHost.publicURL(for: key) == "https://ads.s3.eu-west-1.amazonaws.com/brands/b/logo/x.png")
        let cdn = S3BlobStore(
            settings: S3Settings(endpoint: "https://r2.example", region: "auto", bucket: "ads", accessKeyID: "a", secretAccessKey: "s", publicBaseURL: "https://cdn.example", pathStyle: true),
            http: .shared)
        #expect(cdn.publicURL(for: key) == "https://cdn.example/brands/b/logo/x.png")
        #expect(cdn.key(forPublicURL: "https://cdn.example/brands/b/logo/x.png") == key)
    }

    @Test func vercelStoreSpeaksTheBlobAPI() async throws {
        let server = try VercelBlobTestServer()
        try await server.start()
        defer { server.stop() }
        let store = try VercelBlobStore(token: VercelBlobTestServer.token, apiBase: server.baseURL, publicBase: server.baseURL, http: .shared)
        let key = try BlobKey("brands/b1/website_data.json")
        let url = try await store.put(Data("{}".utf8), key: key, contentType: "application/json")
        #expect(url == "\(server.baseURL)/brands/b1/website_data.json")
        #expect(try await store.head(key) == BlobInfo(size: 2, contentType: "application/json"))
        #expect(try await store.get(key) == Data("{}".utf8))
        try await store.delete(key)
        #expect(try await store.head(key) == nil)
        let wrong = try VercelBlobStore(token: "vercel_blob_rw_teststore_wrong", apiBase: server.baseURL, publicBase: server.baseURL, http: .shared)
        await #expect(throws: BlobStoreError.self) { try await wrong.put(Data("x".utf8), key: key, contentType: "text/plain") }
    }

    /// Vercel's API cannot set response headers; its blob host sends these itself (the stand-in
    /// does what Vercel documents), so an SVG opened on its own runs nothing there either.
    @Test func vercelBlobsAreServedWithADispositionAndAScriptFreePolicy() async throws {
        let server = try VercelBlobTestServer()
        try await server.start()
        defer { server.stop() }
        let store = try VercelBlobStore(token: VercelBlobTestServer.token, apiBase: server.baseURL, publicBase: server.baseURL, http: .shared)
        let url = try await store.put(Data("<svg/>".utf8), key: try BlobKey("brands/b1/logo/a1.svg"), contentType: "image/svg+xml")
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        #expect(response.headers.first(name: "Content-Disposition")?.hasSuffix("; filename=\"a1.svg\"") == true)
        #expect(response.headers.first(name: "Content-Security-Policy") == "default-src 'none'")
        #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
    }

    @Test func vercelPublicURLsComeFromTheStoreIDInTheToken() throws {
        let store = try VercelBlobStore(token: "vercel_blob_rw_AbC123_secretpart", http: .shared)
        #expect(store.publicURL(for: try BlobKey("a/b.png")) == "https://abc123.public.blob.vercel-storage.com/a/b.png")
        #expect(throws: BlobStoreError.self) { try VercelBlobStore(token: "not-a-token", http: .shared) }
    }
}
