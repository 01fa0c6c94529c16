"""A stand-in for api.stripe.com speaking its wire format: form-encoded requests with a bearer
key and a Stripe-Version header, JSON objects in Stripe's full shape (from stripe-fixtures/,
copied from stripe/stripe-mock), errors as {"error": {...}}.

Every API request is appended to <dir>/requests.jsonl. Tests set a subscription's state with
POST /_test/subscriptions/<id> (a JSON object merged into the subscription fixture).
Usage: stripe_server.py PORT DIR
"""
import copy
import json
import os
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stripe-fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".json")) as file:
        return json.load(file)


class State:
    lock = threading.Lock()
    subscriptions = {}
    customers = {}
    idempotency = {}


class Handler(BaseHTTPRequestHandler):
    directory = "."

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message):
        self.reply(status, {"error": {"type": "invalid_request_error", "message": message}})

    def handle_request(self, method):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if url.path.startswith("/_test/subscriptions/"):
            sub_id = url.path.rsplit("/", 1)[1]
            with State.lock:
                subscription = State.subscriptions.get(sub_id) or copy.deepcopy(fixture("subscription"))
                subscription.update(json.loads(raw))
                subscription["id"] = sub_id
                State.subscriptions[sub_id] = subscription
            return self.reply(200, subscription)
        form = dict(parse_qsl(raw if method == "POST" else url.query, keep_blank_values=True))
        with open(os.path.join(self.directory, "requests.jsonl"), "a") as log:
            log.write(json.dumps({"method": method, "path": url.path, "form": form,
                                  "version": self.headers.get("Stripe-Version"),
                                  "idempotency_key": self.headers.get("Idempotency-Key")}) + "\n")
        if self.headers.get("Authorization") != "Bearer sk_test_blumpo":
            return self.error(401, "Invalid API Key provided")
        if not self.headers.get("Stripe-Version"):
            return self.error(400, "missing Stripe-Version")
        key = self.headers.get("Idempotency-Key")
        if key and key in State.idempotency:
            return self.reply(200, State.idempotency[key])
        body = self.route(method, url.path, form)
        if body is None:
            return self.error(404, f"Unrecognized request URL ({method}: {url.path})")
        if key:
            State.idempotency[key] = body
        self.reply(200, body)

    def route(self, method, path, form):
        if method == "POST" and path == "/v1/customers":
            customer = fixture("customer")
            customer["id"] = "cus_" + uuid.uuid4().hex[:14]
            customer["email"] = form.get("email")
            customer["metadata"] = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
            State.customers[customer["id"]] = customer
            return customer
        if method == "GET" and path == "/v1/prices":
            price = fixture("price")
            price["id"] = "price_" + form.get("product", "x")
            price["product"] = form.get("product")
            return {"object": "list", "data": [price], "has_more": False, "url": "/v1/prices"}
        if method == "POST" and path == "/v1/checkout/sessions":
            session = fixture("checkout.session")
            session["id"] = "cs_test_" + uuid.uuid4().hex[:20]
            session["mode"] = form.get("mode")
            session["url"] = "https://checkout.stripe.com/c/pay/" + session["id"]
            return session
        if method == "POST" and path == "/v1/billing_portal/sessions":
            portal = fixture("billing_portal.session")
            portal["customer"] = form.get("customer")
            return portal
        if path.startswith("/v1/subscriptions/"):
            sub_id = path.rsplit("/", 1)[1]
            with State.lock:
                subscription = State.subscriptions.get(sub_id)
                if subscription is None:
                    return None
                if method == "POST" and "cancel_at_period_end" in form:
                    subscription["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
                return subscription
        return None

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    Handler.directory = directory
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
