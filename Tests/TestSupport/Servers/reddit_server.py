"""A stand-in for Reddit's OAuth2 token endpoint and its JSON API, as an app using the
client-credentials grant sees them.

Usage: reddit_server.py PORT DIR.
  POST /api/v1/access_token  needs HTTP basic auth test-id:test-secret and the form body
                             grant_type=client_credentials; answers {"access_token": "token-N", ...}.
  GET /search?q=...&after=...  a Listing ({"kind": "Listing", "data": {"after", "children"}}) from
                             DIR/content.json: {"search": {"<term, lower case, no quotes>": [[things of page 1], [page 2], ...]}}.
                             `after` names the next page ("page-2"), null on the last one.
  GET /comments/<id>         [post listing, comment listing] from content.json's {"comments": {"<id>": [things]}}.
API calls need "Authorization: Bearer <the latest token>". DIR/behaviour.json may say:
  revoke_first_token: true   the first token is refused (401) on its first API call, as an expired one is
  rate_limited_first: N      the first N API calls answer 429 with X-Ratelimit-Remaining 0 and X-Ratelimit-Reset 1
  remaining_zero_first: N    the first N API calls succeed but say the window is spent (remaining 0, reset 1)
  server_error_first: N      the first N API calls answer 503
  slow_seconds: S            every API call waits S seconds before answering
Every request (method, path, query, authorization, user agent, body, time) is appended to DIR/requests.jsonl.
"""
import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CREDENTIALS = "Basic " + base64.b64encode(b"test-id:test-secret").decode()


class State:
    lock = threading.Lock()
    tokens = 0
    api_calls = 0
    revoked = set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."

    def log_message(self, *args):
        pass

    def load(self, name, default):
        path = os.path.join(self.directory, name)
        if not os.path.exists(path):
            return default
        with open(path) as handle:
            return json.load(handle)

    def record(self, body=""):
        url = urlparse(self.path)
        entry = {"method": self.command, "path": url.path, "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                 "authorization": self.headers.get("Authorization"), "user_agent": self.headers.get("User-Agent"),
                 "body": body, "time": time.time()}
        with State.lock, open(os.path.join(self.directory, "requests.jsonl"), "a") as log:
            log.write(json.dumps(entry) + "\n")
        return url

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        url = self.record(body)
        if url.path != "/api/v1/access_token":
            return self.reply(404, {"message": "Not Found", "error": 404})
        if self.headers.get("Authorization") != CREDENTIALS:
            return self.reply(401, {"message": "Unauthorized", "error": 401})
        if parse_qs(body).get("grant_type") != ["client_credentials"]:
            return self.reply(200, {"error": "unsupported_grant_type"})
        with State.lock:
            State.tokens += 1
            token = "token-%d" % State.tokens
        self.reply(200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"})

    def do_GET(self):
        url = self.record()
        behaviour = self.load("behaviour.json", {})
        with State.lock:
            State.api_calls += 1
            call = State.api_calls
            latest = "token-%d" % State.tokens
        time.sleep(behaviour.get("slow_seconds", 0))
        auth = self.headers.get("Authorization", "")
        if auth != "Bearer " + latest or auth in State.revoked:
            return self.reply(401, {"message": "Unauthorized", "error": 401})
        if behaviour.get("revoke_first_token") and latest == "token-1":
            State.revoked.add(auth)
            return self.reply(401, {"message": "Unauthorized", "error": 401})
        if call <= behaviour.get("rate_limited_first", 0):
            return self.reply(429, {"message": "Too Many Requests", "error": 429},
                              {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Used": "600", "X-Ratelimit-Reset": "1"})
        if call <= behaviour.get("server_error_first", 0):
            return self.reply(503, {"message": "Service Unavailable", "error": 503})
        spent = call <= behaviour.get("remaining_zero_first", 0)
        limits = {"X-Ratelimit-Remaining": "0.0" if spent else "598.0", "X-Ratelimit-Used": "2", "X-Ratelimit-Reset": "1" if spent else "412"}
        content = self.load("content.json", {})
        query = parse_qs(url.query)
        if url.path == "/search":
            term = query.get("q", [""])[0].strip('"').lower()
            pages = content.get("search", {}).get(term, [[]])
            after = query.get("after", [None])[0]
            index = int(after.split("-")[1]) - 1 if after and after.startswith("page-") else 0
            children = pages[index] if index < len(pages) else []
            next_after = "page-%d" % (index + 2) if index + 1 < len(pages) else None
            return self.reply(200, listing(children, next_after), limits)
        if url.path.startswith("/comments/"):
            post = url.path.split("/")[2]
            comments = content.get("comments", {}).get(post, [])
            return self.reply(200, [listing([], None), listing(comments, None)], limits)
        self.reply(404, {"message": "Not Found", "error": 404})


def listing(children, after):
    return {"kind": "Listing", "data": {"after": after, "dist": len(children), "modhash": "", "geo_filter": "",
                                        "children": children, "before": None}}


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    Handler.directory = directory
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
