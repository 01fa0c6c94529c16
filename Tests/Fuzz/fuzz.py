"""`make test-fuzz`: schemathesis against a running `blumpo serve`, from the server's own
/api/v1/openapi.json, once as a signed-in user and once as an admin.

The server runs as `make run` would (embedded PostgreSQL, migrated and seeded), with the Stripe
and n8n stand-ins configured so that every documented operation is live. Every check runs but
`positive_data_acceptance`: some schema-valid values are refused on purpose, and JSON Schema
cannot say which (a cursor this server did not make, a URL that resolves to a private address,
an id of someone else's object). The run fails on any server error, any response the document
does not describe, or a server that is not alive and healthy at the end.

Sizes: FUZZ_EXAMPLES test cases per operation and phase (default 25) and FUZZ_SECONDS per role
(default 300); FUZZ_SEED makes a run repeatable.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVERS = os.path.join(ROOT, "Tests", "TestSupport", "Servers")
sys.path.insert(0, SERVERS)
from outbox import code_from_outbox  # noqa: E402
ST = os.path.join(os.path.dirname(sys.executable), "st")
CHECKS = "all"
EXCLUDED_CHECKS = "positive_data_acceptance"
# Ending the session under test would turn the rest of the run into 401s.
EXCLUDED_PATHS = ["/api/v1/auth/logout", "/api/v1/auth/logout-all"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, what, process, seconds=240):
    for _ in range(seconds * 2):
        if process.poll() is not None:
            raise SystemExit(f"fuzz: {what} exited before answering")
        try:
            if urllib.request.urlopen(url, timeout=2).status < 500:
                return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"fuzz: {what} did not answer at {url}")


def stand_in(script, work, env=None):
    port = free_port()
    process = subprocess.Popen([sys.executable, os.path.join(SERVERS, script), str(port), work],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def post(base, path, body):
    request = urllib.request.Request(base + path, method="POST", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))


def sign_in(base, data_dir, email):
    """The API's own sign-in: a code by email (the outbox folder without SMTP), then verify."""
    post(base, "/api/v1/auth/otp", {"email": email})
    return post(base, "/api/v1/auth/otp/verify", {"email": email, "code": code_from_outbox(data_dir, email)})["token"]


def fuzz(base, token, role, report_dir):
    command = [
        ST, "run", base + "/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", CHECKS, "--exclude-checks", EXCLUDED_CHECKS,
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", os.environ.get("FUZZ_EXAMPLES", "25"),
        "--max-time", os.environ.get("FUZZ_SECONDS", "300"),
        "--seed", os.environ.get("FUZZ_SEED", "20261203"),
        # One worker: with threads, hypothesis's lambda descriptions race in Python's AST parser
        # and the fuzzer reports its own runtime error.
        "--workers", "1", "--request-timeout", "10",
        "--report", "junit", "--report-junit-path", os.path.join(report_dir, f"{role}.xml"),
        "--warnings", "off",
    ]
    for path in EXCLUDED_PATHS:
        command += ["--exclude-path", path]
    print(f"fuzz: as {role} against {base}", flush=True)
    return subprocess.run(command).returncode


def main():
    binary = os.path.join(ROOT, ".build", "debug", "blumpo")
    work = tempfile.mkdtemp(prefix="blumpo-fuzz-")
    os.chmod(work, 0o755)  # the embedded PostgreSQL's own account reads below it when run as root
    data_dir = os.path.join(work, "data")
    report_dir = os.path.join(ROOT, ".blumpo", "fuzz")
    os.makedirs(report_dir, exist_ok=True)
    processes = []
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stripe_env = dict(os.environ, STRIPE_STANDIN_WEBHOOK_URL=base + "/api/v1/webhooks/stripe",
                          STRIPE_STANDIN_WEBHOOK_SECRET="whsec_fuzz")
        stripe, stripe_port = stand_in("stripe_server.py", os.path.join(work, "stripe"), stripe_env)
        n8n, n8n_port = stand_in("n8n_server.py", os.path.join(work, "n8n"))
        processes += [stripe, n8n]
        env = dict(os.environ, BLUMPO_DATA_DIR=data_dir, BLUMPO_PORT=str(port), BLUMPO_HOST="127.0.0.1",
                   BLUMPO_BASE_URL=base, BLUMPO_LOG_LEVEL="warning", BLUMPO_ADMIN_EMAILS="admin@example.com",
                   STRIPE_SECRET_KEY="sk_test_blumpo", STRIPE_WEBHOOK_SECRET="whsec_fuzz",
                   STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
                   N8N_BASE_URL=f"http://127.0.0.1:{n8n_port}", N8N_WEBHOOK_KEY="n8n-test-key",
                   BLUMPO_FETCH_ALLOW_PRIVATE="1", BLUMPO_FETCH_LOOPBACK_ONLY="1")
        env.pop("DATABASE_URL", None)
        log_path = os.path.join(work, "serve.log")
        server = subprocess.Popen([binary, "serve", "--seed"], env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
        processes.append(server)
        wait_for(base + "/readyz", "blumpo serve", server)
        failures = 0
        for role, email in [("user", "fuzz-user@example.com"), ("admin", "admin@example.com")]:
            failures += fuzz(base, sign_in(base, data_dir, email), role, report_dir) != 0
        alive = server.poll() is None
        healthy = alive and urllib.request.urlopen(base + "/healthz", timeout=5).status == 200
        crashes = [line for line in open(log_path, errors="replace") if "Fatal error" in line or "unhandled error" in line]
        print(f"fuzz: server alive: {alive}, healthy: {healthy}, unhandled errors logged: {len(crashes)}")
        for line in crashes[:20]:
            print("  " + line.rstrip())
        if failures or not healthy or crashes:
            print(f"fuzz: FAILED (reports in {os.path.relpath(report_dir, ROOT)}, server log in {log_path})")
            return 1
        print("fuzz: passed")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())
