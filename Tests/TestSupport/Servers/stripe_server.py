"""A stand-in for api.stripe.com speaking its wire format: form-encoded requests with a bearer
key and a Stripe-Version header, JSON objects in Stripe's full shape (from stripe-fixtures/,
copied from stripe/stripe-mock), errors as {"error": {...}}.

Every API request is appended to <dir>/requests.jsonl. Tests set a subscription's state with
POST /_test/subscriptions/<id> (a JSON object merged into the subscription fixture).

With STRIPE_STANDIN_WEBHOOK_URL and STRIPE_STANDIN_WEBHOOK_SECRET set, it also plays the hosted
Checkout page: a session's url is /checkout/<id> on this server, whose "Pay" button sends the
signed checkout.session.completed event to the webhook URL and returns the buyer to the
session's success_url, as Stripe does.
Usage: stripe_server.py PORT DIR
"""
import copy
import hashlib
import hmac
import html
import json
import os
import sys
import threading
import time
import urllib.request
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
    sessions = {}


WEBHOOK_URL = os.environ.get("STRIPE_STANDIN_WEBHOOK_URL")
WEBHOOK_SECRET = os.environ.get("STRIPE_STANDIN_WEBHOOK_SECRET", "")


def send_event(event_type, obj):
    """Delivers an event as Stripe does: JSON body, Stripe-Signature t=…,v1=HMAC-SHA256."""
    event = fixture("event")
    event.update({"id": "evt_" + uuid.uuid4().hex[:24], "type": event_type, "created": int(time.time())})
    event["data"] = {"object": obj}
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(WEBHOOK_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(WEBHOOK_URL, data=body, method="POST", headers={
        "Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={signature}"})
    urllib.request.urlopen(request, timeout=10).read()


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

    def checkout_page(self, method, session_id):
        """The hosted Checkout page: GET shows it, POST pays and returns to success_url."""
        session = State.sessions.get(session_id)
        if session is None:
            return self.error(404, "No such checkout session")
        if method == "GET":
            page = (f"<!doctype html><html lang=en><title>Pay</title><link rel=icon href=\"data:,\"><h1>Checkout</h1><p>{html.escape(session['id'])}</p>"
                    f"<form method=post><button type=submit>Pay</button></form></html>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            return self.wfile.write(page)
        session.update({"status": "complete", "payment_status": "paid"})
        send_event("checkout.session.completed", session)
        self.send_response(303)
        self.send_header("Location", session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_request(self, method):
        url = urlparse(self.path)
        if WEBHOOK_URL and url.path.startswith("/checkout/"):
            return self.checkout_page(method, url.path.rsplit("/", 1)[1])
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
            for key in ("customer", "client_reference_id", "success_url", "cancel_url"):
                session[key] = form.get(key)
            session["metadata"] = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
            if WEBHOOK_URL:
                host, port = self.server.server_address[:2]
                session["url"] = f"http://{host}:{port}/checkout/{session['id']}"
                State.sessions[session["id"]] = session
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
