"""A fixture website for crawler and extractor tests: serves one directory as a site root.

Usage: site_server.py PORT WORK_DIR SITE_DIR [--tls NAME]
- With --tls NAME it speaks https only, with a self-signed certificate for NAME written to
  WORK_DIR/cert.pem; the server names clients ask for (SNI) are appended to WORK_DIR/sni.txt.
- "/" serves index.html, "/pricing" pricing.html or pricing/index.html.
- /generated/<W>x<H>/<RRGGBB>.png is a real PNG (a vertical gradient from that colour), so
  fixture pages can reference logos and photos of any size without binary files.
- /_redirect?to=URL answers 302 to URL.
- SITE_DIR/_site.json may set: "redirects" {path: location}, "slow" {path: seconds},
  "pad" {path: bytes} (inserts that much filler where the page says <!--PAD-->),
  "gzip" true / "brotli" true (compress responses when the client accepts it),
  "content_types" {path: type}, "slow_generated" seconds (every generated image waits that long).
- WORK_DIR/stats.json holds {"generated_requests", "max_generated_in_flight"}: how many
  generated images were asked for and the most served at the same time.
"""
import gzip
import json
import os
import struct
import ssl
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".json": "application/json",
         ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain"}


def png(width, height, rgb):
    r, g, b = rgb
    rows = []
    for y in range(height):
        # A vertical gradient: one colour per row keeps generation fast.
        t = y / float(max(height - 1, 1))
        pixel = bytes((int(r * (1 - t * 0.5)), int(g * (1 - t * 0.5)), int(b + (255 - b) * t * 0.3)))
        rows.append(b"\x00" + pixel * width)
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = "."
    directory = "."
    config = {}
    lock = threading.Lock()
    stats = {"generated_requests": 0, "max_generated_in_flight": 0}
    in_flight = 0

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type, extra=None):
        accepted = self.headers.get("Accept-Encoding") or ""
        if self.config.get("brotli") and "br" in accepted:
            import brotli
            body = brotli.compress(body)
            extra = dict(extra or {}, **{"Content-Encoding": "br"})
        elif self.config.get("gzip") and "gzip" in accepted:
            body = gzip.compress(body)
            extra = dict(extra or {}, **{"Content-Encoding": "gzip"})
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        path = url.path
        if path in self.config.get("slow", {}):
            time.sleep(self.config["slow"][path])
        if path == "/_redirect":
            target = parse_qs(url.query).get("to", ["/"])[0]
            return self.send(302, b"", "text/plain", {"Location": target})
        if path in self.config.get("redirects", {}):
            return self.send(301, b"", "text/plain", {"Location": self.config["redirects"][path]})
        if path.startswith("/generated/"):
            with self.lock:
                Handler.in_flight += 1
                self.stats["generated_requests"] += 1
                self.stats["max_generated_in_flight"] = max(self.stats["max_generated_in_flight"], Handler.in_flight)
                with open(os.path.join(self.directory, "stats.json.tmp"), "w") as handle:
                    json.dump(self.stats, handle)
                os.rename(os.path.join(self.directory, "stats.json.tmp"), os.path.join(self.directory, "stats.json"))
            try:
                return self.generated(path)
            finally:
                with self.lock:
                    Handler.in_flight -= 1
        candidates = [path + "index.html"] if path.endswith("/") else [path, path + ".html", path + "/index.html"]
        for candidate in candidates:
            file = os.path.normpath(os.path.join(self.root, candidate.lstrip("/")))
            if file.startswith(os.path.abspath(self.root)) and os.path.isfile(file) and not os.path.basename(file).startswith("_"):
                with open(file, "rb") as handle:
                    body = handle.read()
                pad = self.config.get("pad", {}).get(path)
                if pad:
                    filler = b"<p>" + b"Lorem ipsum dolor sit amet. " * 40 + b"</p>\n"
                    body = body.replace(b"<!--PAD-->", filler * (pad // len(filler) + 1))
                extension = os.path.splitext(file)[1]
                content_type = self.config.get("content_types", {}).get(path, TYPES.get(extension, "application/octet-stream"))
                return self.send(200, body, content_type)
        self.send(404, b"<h1>Not found</h1>", "text/html; charset=utf-8")

    def generated(self, path):
        time.sleep(self.config.get("slow_generated", 0))
        try:
            _, _, size, name = path.split("/")
            width, height = (int(v) for v in size.split("x"))
            colour = name.split(".")[0]
            rgb = tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))
            image = png(min(width, 2400), min(height, 2400), rgb)
        except Exception:
            return self.send(404, b"not found", "text/plain")
        self.send(200, image, "image/png", {"Cache-Control": "max-age=60"})


def tls_context(directory, name):
    """A self-signed certificate for NAME (made before the port opens, so it exists once the
    server answers); records the SNI of every handshake."""
    os.makedirs(directory, exist_ok=True)
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def record(_socket, server_name, _context):
        with open(os.path.join(directory, "sni.txt"), "a") as handle:
            handle.write(f"{server_name or ''}\n")
    context.sni_callback = record
    return context


def main():
    port, directory, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    Handler.root = os.path.abspath(root)
    Handler.directory = directory
    os.makedirs(directory, exist_ok=True)
    config_path = os.path.join(root, "_site.json")
    if os.path.exists(config_path):
        with open(config_path) as handle:
            Handler.config = json.load(handle)
    context = tls_context(directory, sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--tls" else None
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    if context:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
