"""A stand-in for n8n: webhooks that acknowledge at once and later call back, as a workflow
built with n8n's Webhook and HTTP Request nodes would.

Usage: n8n_server.py PORT DIR. POST /webhook/<path> needs the header
X-Blumpo-Webhook-Key: n8n-test-key. Each request is appended to DIR/requests.jsonl. Then,
0.3 s later, by path:
  good         calls back with a real PNG (base64) of the requested size, signed
  private-url  calls back with an image URL on a loopback address, signed
  failed       calls back {status: failed, error: "model overloaded"}, signed
  silent       never calls back
Every callback sent (body, signature header, answer status) is appended to DIR/callbacks.jsonl.
GET /image.png serves a PNG.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import threading
import time
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "n8n-test-key"


def png(width, height):
    row = b"\x00" + bytes((40, 120, 200)) * width
    raw = row * height

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."
    port = 0

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/image.png":
            return self.reply(200, png(1080, 1080), "image/png")
        self.reply(404, {"message": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not self.path.startswith("/webhook/"):
            return self.reply(404, {"code": 404, "message": "The requested webhook is not registered."})
        if self.headers.get("X-Blumpo-Webhook-Key") != KEY:
            return self.reply(403, {"message": "Authorization data is wrong!"})
        brief = json.loads(body)
        with open(os.path.join(self.directory, "requests.jsonl"), "a") as log:
            log.write(json.dumps({"path": self.path, "key": self.headers.get("X-Blumpo-Webhook-Key"), "body": brief}) + "\n")
        self.reply(200, {"message": "Workflow was started"})
        mode = self.path[len("/webhook/"):]
        if mode != "silent":
            threading.Thread(target=self.call_back, args=(mode, brief), daemon=True).start()

    def call_back(self, mode, brief):
        time.sleep(0.3)
        if mode == "good":
            image = {"base64": base64.b64encode(png(brief["width"], brief["height"])).decode(), "width": brief["width"],
                     "height": brief["height"], "format": "png"}
            payload = {"variant_id": brief["variant_id"], "status": "succeeded", "images": [image]}
        elif mode == "private-url":
            payload = {"variant_id": brief["variant_id"], "status": "succeeded",
                       "images": [{"url": f"http://127.0.0.1:{self.port}/image.png", "width": 1080, "height": 1080, "format": "png"}]}
        else:
            payload = {"variant_id": brief["variant_id"], "status": "failed", "images": [], "error": "model overloaded"}
        body = json.dumps(payload).encode()
        timestamp = int(time.time())
        digest = hmac.new(brief["callback_secret"].encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        signature = f"t={timestamp},v1={digest}"
        request = urllib.request.Request(brief["callback_url"], data=body, method="POST",
                                         headers={"Content-Type": "application/json", "X-Blumpo-Signature": signature})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        with open(os.path.join(self.directory, "callbacks.jsonl"), "a") as log:
            log.write(json.dumps({"body": body.decode(), "signature": signature, "status": status}) + "\n")


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    Handler.directory = directory
    Handler.port = port
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
