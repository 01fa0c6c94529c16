"""`make test-chaos`: a mixed workload against two API processes and two worker processes (both
running the scheduler) on one PostgreSQL, while things break; then every promise is checked.

Workload: sign-ins by emailed code, brands extracted from a fixture website, generation jobs
(built-in renderer), and Stripe top-up webhooks, each session delivered several times and under
several event ids, concurrently.
Faults, in turn: a worker is SIGKILLed while a variant renders (and replaced); PostgreSQL is
stopped for a few seconds while the API is asked for the signed-in user; the blob store's disk
is full for a while (a 1 MiB tmpfs mounted over it; skipped, and said so, where mounting is not
allowed).
Afterwards: every job has ended and its event stream, opened on the other API process, saw it
finish; no task is left running; each scheduler tick fired once; every webhook session credited
exactly once; `blumpo billing check` is clean; and while the database was down the API answered
503 within seconds instead of hanging.

CHAOS_USERS (default 4) and CHAOS_JOBS_PER_USER (default 2) size the workload.
"""
import hashlib
import hmac
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVERS = os.path.join(ROOT, "Tests", "TestSupport", "Servers")
sys.path.insert(0, SERVERS)
from outbox import code_from_outbox  # noqa: E402
BINARY = os.path.join(ROOT, ".build", "debug", "blumpo")
WEBHOOK_SECRET = "whsec_chaos"
USERS = int(os.environ.get("CHAOS_USERS", "4"))
JOBS_PER_USER = int(os.environ.get("CHAOS_JOBS_PER_USER", "2"))
problems = []


def say(text):
    print("chaos: " + text, flush=True)


def check(condition, text):
    say(("ok: " if condition else "FAILED: ") + text)
    if not condition:
        problems.append(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None, timeout=30, headers=None):
    """(status, parsed body or text, seconds)."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    request = urllib.request.Request(base + path, method=method, data=data, headers=dict(headers or {}))
    if data is not None and "Content-Type" not in request.headers:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (TimeoutError, socket.timeout):
        return None, "no answer in time", time.monotonic() - started
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = raw.decode(errors="replace")
    return status, payload, time.monotonic() - started


class Cluster:
    """The embedded PostgreSQL of a data directory, driven with pg_ctl as its owner."""

    def __init__(self, data_dir):
        self.root = os.path.join(data_dir, "postgres")
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.password = open(os.path.join(self.root, "password")).read().strip()
        versions = sorted(d for d in os.listdir("/usr/lib/postgresql") if d.isdigit()) if os.path.isdir("/usr/lib/postgresql") else []
        self.pg_ctl = f"/usr/lib/postgresql/{versions[-1]}/bin/pg_ctl" if versions else shutil.which("pg_ctl")
        owner = pwd.getpwuid(os.stat(self.data).st_uid).pw_name
        self.prefix = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 and owner != "root" else []

    @property
    def url(self):
        return f"postgres://blumpo:{self.password}@127.0.0.1:{self.port}/blumpo"

    def start(self):
        subprocess.run(self.prefix + [self.pg_ctl, "-D", self.data, "-l", os.path.join(self.root, "postgres.log"),
                                      "-o", f"-p {self.port}", "-w", "-t", "60", "start"], check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run(self.prefix + [self.pg_ctl, "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"], check=True, stdout=subprocess.DEVNULL)

    def sql(self, query):
        env = dict(os.environ, PGPASSWORD=self.password)
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "blumpo", "-d", "blumpo", "-Atc", query],
                             env=env, capture_output=True, text=True, check=True)
        return out.stdout.strip()


def sign_in(base, data_dir, email):
    call(base, "POST", "/api/v1/auth/otp", {"email": email})
    code = code_from_outbox(data_dir, email, seconds=60)
    status, body, _ = call(base, "POST", "/api/v1/auth/otp/verify", {"email": email, "code": code})
    if status != 200:
        raise SystemExit(f"chaos: signing in {email} answered {status}: {body}")
    return body["token"], body["user"]["id"]


def deliver_webhook(base, event):
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    signature = hmac.new(WEBHOOK_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    status, _, _ = call(base, "POST", "/api/v1/webhooks/stripe", body,
                        headers={"Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={signature}"})
    return status


def top_up_events(user_id, index):
    """One paid top-up session, as three events: one id delivered twice, two other ids."""
    template = json.load(open(os.path.join(SERVERS, "stripe-fixtures", "event.json")))
    session = json.load(open(os.path.join(SERVERS, "stripe-fixtures", "checkout.session.json")))
    session.update({"id": f"cs_chaos_{user_id[:8]}_{index}", "mode": "payment", "payment_status": "paid", "status": "complete",
                    "client_reference_id": user_id, "metadata": {"user_id": user_id, "kind": "topup", "topup_sku": "TOPUP_500"}})
    events = []
    for n in range(3):
        event = dict(template, id=f"evt_chaos_{user_id[:8]}_{index}_{n}", type="checkout.session.completed", created=int(time.time()))
        event["data"] = {"object": session}
        events.append(event)
    return [events[0], events[0], events[1], events[2]]


def start(arguments, env, log_name, work):
    log = open(os.path.join(work, log_name), "w")
    return subprocess.Popen([BINARY] + arguments, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(base, seconds=120):
    for _ in range(seconds * 2):
        try:
            if call(base, "GET", "/readyz", timeout=3)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("chaos: the API did not become ready")


def main():
    work = tempfile.mkdtemp(prefix="blumpo-chaos-")
    os.chmod(work, 0o755)  # the embedded PostgreSQL's own account reads below it when run as root
    data_dir = os.path.join(work, "data")
    processes = {}
    blobs_mounted = None
    try:
        # The cluster is made and seeded by `blumpo seed`, then run by this script so it can stop it.
        seeded = subprocess.run([BINARY, "seed"], env=dict(os.environ, BLUMPO_DATA_DIR=data_dir), capture_output=True, text=True)
        if seeded.returncode != 0:
            raise SystemExit("chaos: blumpo seed failed: " + seeded.stdout + seeded.stderr)
        cluster = Cluster(data_dir)
        cluster.start()
        site_port, api_port, second_port = free_port(), free_port(), free_port()
        base = f"http://127.0.0.1:{api_port}"
        second = f"http://127.0.0.1:{second_port}"
        processes["site"] = subprocess.Popen(
            [sys.executable, os.path.join(SERVERS, "site_server.py"), str(site_port), os.path.join(work, "site"),
             os.path.join(ROOT, "Tests", "BrandsTests", "Sites", "saas")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, DATABASE_URL=cluster.url, BLUMPO_DATA_DIR=data_dir, BLUMPO_PORT=str(api_port), BLUMPO_HOST="127.0.0.1",
                   BLUMPO_BASE_URL=base, BLUMPO_LOG_LEVEL="info", BLUMPO_ADMIN_EMAILS="operator@example.com",
                   STRIPE_SECRET_KEY="sk_test_blumpo", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE="http://127.0.0.1:9",
                   BLUMPO_FETCH_ALLOW_PRIVATE="1", BLUMPO_FETCH_LOOPBACK_ONLY="1", BLUMPO_QUEUE_POLL_MS="100",
                   BLUMPO_QUEUE_LEASE_SECONDS="3", BLUMPO_QUEUE_MAINTENANCE_MS="500")
        processes["api"] = start(["serve", "--no-workers", "--no-scheduler", "--no-migrate"], env, "api.log", work)
        processes["api-2"] = start(["serve", "--no-workers", "--no-scheduler", "--no-migrate"], dict(env, BLUMPO_PORT=str(second_port)), "api-2.log", work)
        # Both workers run the scheduler: each tick must still fire once.
        processes["worker-1"] = start(["worker"], env, "worker-1.log", work)
        processes["worker-2"] = start(["worker"], env, "worker-2.log", work)
        wait_ready(base)
        wait_ready(second)
        say(f"APIs on {base} and {second}, two workers, PostgreSQL on port {cluster.port}")

        operator, _ = sign_in(base, data_dir, "operator@example.com")
        with ThreadPoolExecutor(max_workers=USERS) as pool:
            users = list(pool.map(lambda n: sign_in(base, data_dir, f"chaos{n}@example.com"), range(USERS)))
        check(len(users) == USERS, f"{USERS} users signed in by emailed code while workers delivered mail")
        for _, user_id in users:
            call(base, "POST", f"/api/v1/admin/users/{user_id}/tokens", {"delta": 2000, "note": "chaos"}, token=operator)

        # Brands, then jobs once each kit is read.
        site = f"http://127.0.0.1:{site_port}/"
        brands = []
        for token, _ in users:
            status, body, _ = call(base, "POST", "/api/v1/brands", {"website_url": site}, token=token)
            if status in (201, 409):
                brands.append((token, body.get("id") or body.get("existing_id")))
            else:
                say(f"brand refused: {status} {body}")
        check(len(brands) == USERS, "every user created a brand from the fixture site")

        def extracted(token, brand):
            for _ in range(240):
                status, body, _ = call(base, "GET", f"/api/v1/brands/{brand}", token=token)
                overall = ((body.get("extraction_status") or {}).get("overall")) if status == 200 else None
                if overall not in (None, "pending"):
                    return True
                time.sleep(0.5)
            return False
        check(all(extracted(t, b) for t, b in brands), "every brand's extraction ended")

        jobs = []
        archetypes = ["problem_solution", "meme", "testimonial", "value_proposition", "promotion", "competitor_comparison"]

        def create_jobs(token, brand):
            made = []
            for archetype in archetypes:
                if len(made) == JOBS_PER_USER:
                    break
                status, body, _ = call(base, "POST", "/api/v1/generation-jobs",
                                       {"brand_id": brand, "archetype_code": archetype, "formats": ["square", "story"]}, token=token)
                if status == 201:
                    made.append((token, body["id"]))
            return made
        with ThreadPoolExecutor(max_workers=USERS) as pool:
            for made in pool.map(lambda pair: create_jobs(*pair), brands):
                jobs += made
        check(len(jobs) == USERS * JOBS_PER_USER, f"{len(jobs)} generation jobs created concurrently")

        # Every job watched live through the other API process, reconnecting as a browser's
        # EventSource does when a stream breaks.
        finished = {}

        def watch(token, job):
            deadline = time.monotonic() + 400
            while time.monotonic() < deadline and not finished.get(job):
                request = urllib.request.Request(f"{second}/api/v1/generation-jobs/{job}/events", headers={"Authorization": "Bearer " + token})
                try:
                    with urllib.request.urlopen(request, timeout=60) as stream:
                        for line in stream:
                            if line.startswith(b"event: finished"):
                                finished[job] = True
                                break
                except (OSError, urllib.error.URLError):
                    time.sleep(1)
        watchers = [threading.Thread(target=watch, args=pair, daemon=True) for pair in jobs]
        for watcher in watchers:
            watcher.start()

        # Webhooks: every session delivered four times (one event id twice), all at once.
        events = [e for n, (_, user_id) in enumerate(users) for e in top_up_events(user_id, n)]
        webhooks = threading.Thread(target=lambda: list(ThreadPoolExecutor(max_workers=8).map(lambda e: deliver_webhook(base, e), events)))
        webhooks.start()

        # Fault 1: a worker killed while a variant renders.
        for _ in range(600):
            if int(cluster.sql("SELECT count(*) FROM generation_variant WHERE status = 'RUNNING'")) > 0:
                break
            time.sleep(0.1)
        running = int(cluster.sql("SELECT count(*) FROM generation_variant WHERE status = 'RUNNING'"))
        processes["worker-2"].send_signal(signal.SIGKILL)
        processes["worker-2"].wait()
        say(f"SIGKILLed a worker with {running} variant(s) rendering")
        processes["worker-2"] = start(["worker"], env, "worker-2b.log", work)
        # A worker that cannot reach the database at start exits for its supervisor to restart
        # it; this one is let in before the database goes away.
        replacement_log = os.path.join(work, "worker-2b.log")
        for _ in range(200):
            if "worker started" in open(replacement_log, errors="replace").read():
                break
            time.sleep(0.1)
        webhooks.join()

        # Fault 2: the database goes away for a few seconds.
        cluster.stop()
        token = users[0][0]
        probes = [call(base, "GET", "/api/v1/me", token=token, timeout=20) for _ in range(3)]
        time.sleep(3)
        cluster.start()
        statuses = [p[0] for p in probes]
        slowest = max(p[2] for p in probes)
        check(all(s == 503 for s in statuses) and slowest < 10,
              f"with PostgreSQL down the API answered {statuses} in at most {slowest:.1f} s")
        wait_ready(base)

        # Fault 3: the blob store's disk is full for a while.
        blobs = os.path.join(data_dir, "blobs")
        os.makedirs(blobs, exist_ok=True)
        if os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", blobs], capture_output=True).returncode == 0:
            blobs_mounted = blobs
            subprocess.run(["dd", "if=/dev/zero", f"of={blobs}/filler", "bs=64k", "count=64"], capture_output=True)
            for token, _ in users[:2]:
                brand = dict(brands)[token]
                status, body, _ = call(base, "POST", "/api/v1/generation-jobs",
                                       {"brand_id": brand, "archetype_code": "meme", "formats": ["square"]}, token=token)
                if status == 201:
                    jobs.append((token, body["id"]))
            time.sleep(8)
            subprocess.run(["umount", "-l", blobs], capture_output=True)
            blobs_mounted = None
            refused = sum(open(os.path.join(work, name), errors="replace").read().count("No space left")
                          for name in os.listdir(work) if name.startswith("worker"))
            say(f"the blob store's disk was full for 8 s (1 MiB tmpfs): {refused} write(s) refused, retried later")
        else:
            say("skipped the full disk: mounting a tmpfs is not allowed here")

        # Afterwards: everything has ended and the books balance.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and int(cluster.sql("SELECT count(*) FROM generation_job WHERE status IN ('QUEUED','RUNNING')")) > 0:
            time.sleep(1)
        open_jobs = int(cluster.sql("SELECT count(*) FROM generation_job WHERE status IN ('QUEUED','RUNNING')"))
        ended = cluster.sql("SELECT status || ':' || count(*) FROM generation_job GROUP BY status ORDER BY status").replace("\n", " ")
        check(open_jobs == 0, f"every job ended ({ended})")
        stuck = int(cluster.sql("SELECT count(*) FROM queue_task WHERE state = 'running' AND kind LIKE 'generation.%'"))
        check(stuck == 0, "no generation task is left running")
        for watcher in watchers:
            watcher.join(60)
        seen = sum(1 for _, job in jobs[:USERS * JOBS_PER_USER] if finished.get(job))
        check(seen == USERS * JOBS_PER_USER, f"{seen} of {USERS * JOBS_PER_USER} event streams on the second API process saw their job finish")
        ticks = cluster.sql("SELECT count(*), count(DISTINCT unique_key) FROM queue_task WHERE unique_key LIKE 'schedule:%'").split("|")
        check(ticks[0] == ticks[1] and int(ticks[0]) > 0, f"two schedulers fired {ticks[0]} ticks, each once")
        credited = int(cluster.sql("SELECT count(*) FROM token_ledger WHERE reason = 'TOPUP_PURCHASE'"))
        unprocessed = int(cluster.sql("SELECT count(*) FROM stripe_event WHERE processed_at IS NULL"))
        check(credited == USERS and unprocessed == 0,
              f"{len(events)} webhook deliveries for {USERS} sessions credited {credited} top-ups, {unprocessed} events unprocessed")
        charged = int(cluster.sql("SELECT count(*) FROM token_ledger WHERE reference_id LIKE 'job:%' AND delta < 0"))
        check(charged == len(jobs), f"each of {len(jobs)} jobs charged once ({charged} charges)")
        billing = subprocess.run([BINARY, "billing", "check"], env=env, capture_output=True, text=True)
        check(billing.returncode == 0, "blumpo billing check is clean")
        if billing.returncode != 0:
            print(billing.stdout + billing.stderr)
        for name in ("api", "api-2", "worker-1", "worker-2"):
            check(processes[name].poll() is None, f"{name} is still running")
    finally:
        if blobs_mounted:
            subprocess.run(["umount", "-l", blobs_mounted], capture_output=True)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        try:
            Cluster(data_dir).stop()
        except Exception:
            pass
    if problems:
        say(f"FAILED: {len(problems)} problem(s); logs in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    say("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
