"""A stand-in for the Vercel Blob API (blob.vercel-storage.com) and its public blob host.

Usage: vercel_blob_server.py PORT DIR. Accepts the token vercel_blob_rw_teststore_secret.
PUT /?pathname=P (x-content-type, x-allow-overwrite) stores; GET /?url=U answers metadata
{url, pathname, size, contentType, uploadedAt}; POST /delete {urls} removes; GET /P serves
a stored blob as its public URL would, with the headers Vercel's blob host documents for every
blob (content-disposition with the file name, attachment for ?download=1; a CSP of
default-src 'none'; nosniff; X-Frame-Options DENY). The API itself cannot set any of them.
"""
import json
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "vercel_blob_rw_teststore_secret"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    blobs = {}
    lock = threading.Lock()
    public_base = ""

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json", extra=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        if self.headers.get("Authorization") != f"Bearer {TOKEN}" or not self.headers.get("x-api-version"):
            self.reply(403, {"error": {"code": "forbidden", "message": "Access denied, please provide a valid token for this resource."}})
            return False
        return True

    def do_PUT(self):
        if not self.authorized():
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        pathname = parse_qs(urlparse(self.path).query).get("pathname", [""])[0]
        with self.lock:
            if pathname in self.blobs and self.headers.get("x-allow-overwrite") != "1":
                return self.reply(400, {"error": {"code": "bad_request", "message": "This blob already exists"}})
            self.blobs[pathname] = (body, self.headers.get("x-content-type", "application/octet-stream"))
        url = f"{self.public_base}/{pathname}"
        self.reply(200, {"url": url, "downloadUrl": url + "?download=1", "pathname": pathname,
                         "contentType": self.blobs[pathname][1], "contentDisposition": "inline"})

    def do_POST(self):
        if not self.authorized():
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        with self.lock:
            for url in body.get("urls", []):
                self.blobs.pop(url[len(self.public_base) + 1:], None)
        self.reply(200, {})

    def do_GET(self):
        parsed = urlparse(self.path)
        if parsed.path == "/" and "url" in parse_qs(parsed.query):
            if not self.authorized():
                return
            url = parse_qs(parsed.query)["url"][0]
            pathname = url[len(self.public_base) + 1:]
            with self.lock:
                blob = self.blobs.get(pathname)
            if blob is None:
                return self.reply(404, {"error": {"code": "not_found", "message": "The requested blob does not exist"}})
            return self.reply(200, {"url": url, "downloadUrl": url + "?download=1", "pathname": pathname, "size": len(blob[0]),
                                    "contentType": blob[1], "contentDisposition": "inline",
                                    "uploadedAt": datetime.now(timezone.utc).isoformat(), "cacheControl": "public, max-age=31536000"})
        with self.lock:
            blob = self.blobs.get(parsed.path.lstrip("/"))
        if blob is None:
            return self.reply(404, b"Not found", "text/plain")
        disposition = "attachment" if "download" in parse_qs(parsed.query) else "inline"
        self.reply(200, blob[0], blob[1], {
            "Content-Disposition": f'{disposition}; filename="{parsed.path.rsplit("/", 1)[-1]}"',
            "Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"})


def main():
    port = int(sys.argv[1])
    Handler.public_base = f"http://127.0.0.1:{port}"
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
