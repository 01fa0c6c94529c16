"""A stand-in for an OpenAI-compatible chat-completions API (POST /v1/chat/completions).

Usage: llm_server.py PORT DIR. Every request body is appended to DIR/requests.jsonl. The
answer is DIR/answer.json (the JSON the model "returns" as message content) wrapped in the
chat-completion envelope with usage. DIR/fail_first (a number N) makes the first N requests
answer 429 with Retry-After: 0, as a rate-limited API does. Requests without
"Authorization: Bearer test-key" get 401.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."
    lock = threading.Lock()
    seen = 0

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with Handler.lock:
            Handler.seen += 1
            count = Handler.seen
            with open(os.path.join(self.directory, "requests.jsonl"), "ab") as log:
                log.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization"),
                                      "body": json.loads(body or b"{}")}).encode() + b"\n")
        if self.path != "/v1/chat/completions":
            return self.reply(404, {"error": {"message": "unknown path", "type": "invalid_request_error"}})
        if self.headers.get("Authorization") != "Bearer test-key":
            return self.reply(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "code": "invalid_api_key"}})
        fail_path = os.path.join(self.directory, "fail_first")
        failures = int(open(fail_path).read().strip()) if os.path.exists(fail_path) else 0
        if count <= failures:
            return self.reply(429, {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}, {"Retry-After": "0"})
        with open(os.path.join(self.directory, "answer.json")) as handle:
            answer = handle.read()
        request = json.loads(body)
        self.reply(200, {
            "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": request.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer, "refusal": None}, "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 812, "completion_tokens": 164, "total_tokens": 976},
        })


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    Handler.directory = directory
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
