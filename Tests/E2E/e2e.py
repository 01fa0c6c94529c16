"""The web app in headless Chromium, as a marketer uses it.

Starts a fixture website and `blumpo serve` (its own embedded PostgreSQL, codes written to the
outbox) on loopback, then walks the product: paste a URL, sign in with the emailed code, watch the
brand kit and the first ads arrive, review, the library, a second job, a top-up through the
Stripe stand-in's hosted checkout, settings and sign-out everywhere. Every page is checked (no console errors or failed requests, no horizontal scroll at
390 px, alt text on images, a label on every input) and photographed at 1280x800 and 390x844.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHOTS = os.path.join(ROOT, ".blumpo", "screenshots")
TIMINGS = []
WEBHOOK_SECRET = "whsec_e2e"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_site(name, work_dir):
    """The fixture site server the extractor tests use (it draws the site's images)."""
    port = free_port()
    script = os.path.join(ROOT, "Tests", "TestSupport", "Servers", "site_server.py")
    directory = os.path.join(ROOT, "Tests", "BrandsTests", "Sites", name)
    server = subprocess.Popen([sys.executable, script, str(port), work_dir, directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)
            return server, url
        except Exception:
            time.sleep(0.1)
    raise SystemExit("the fixture site did not start")


def serve_stripe(work_dir, app_base):
    """The Stripe stand-in, playing the hosted Checkout page and sending signed webhooks."""
    port = free_port()
    script = os.path.join(ROOT, "Tests", "TestSupport", "Servers", "stripe_server.py")
    env = dict(os.environ, STRIPE_STANDIN_WEBHOOK_URL=app_base + "/api/v1/webhooks/stripe", STRIPE_STANDIN_WEBHOOK_SECRET=WEBHOOK_SECRET)
    server = subprocess.Popen([sys.executable, script, str(port), work_dir], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the Stripe stand-in did not start")


def api(driver, base, method, path, body):
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
                                     headers={"Cookie": cookie, "Origin": base, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))


def grant_tokens(driver, base, amount):
    """An admin grant, as support would give one (the e2e user is an admin of this server)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    me = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/v1/me", headers={"Cookie": cookie})))
    api(driver, base, "POST", f"/api/v1/admin/users/{me['user']['id']}/tokens", {"delta": amount, "note": "e2e"})


def start_app(data_dir, port=None, stripe_base=None):
    """`blumpo serve` on loopback; with `stripe_base`, paying through the Stripe stand-in."""
    port = port or free_port()
    stripe = dict(STRIPE_SECRET_KEY="sk_test_blumpo", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=stripe_base) if stripe_base else {}
    env = dict(os.environ, **stripe, BLUMPO_DATA_DIR=data_dir, BLUMPO_PORT=str(port), BLUMPO_HOST="127.0.0.1",
               BLUMPO_BASE_URL=f"http://127.0.0.1:{port}", BLUMPO_FETCH_ALLOW_PRIVATE="1", BLUMPO_FETCH_LOOPBACK_ONLY="1", BLUMPO_LOG_LEVEL="warning",
               BLUMPO_QUEUE_POLL_MS="100", BLUMPO_ADMIN_EMAILS="marketer@example.com")
    env.pop("DATABASE_URL", None)
    log = open(os.path.join(data_dir, "serve.log"), "w")
    process = subprocess.Popen([os.path.join(ROOT, ".build", "debug", "blumpo"), "serve", "--seed"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(base + "/readyz", timeout=2).status == 200:
                return process, base
        except Exception:
            time.sleep(0.5)
    raise SystemExit("the app did not become ready; see " + log.name)


def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # Debian's chromedriver, named outright: nothing is looked up or downloaded.
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def check_page(driver, name):
    """Console errors, failed requests, labels, alt text, no sideways scroll; two screenshots."""
    problems = []
    for entry in driver.get_log("browser"):
        if entry["level"] == "SEVERE":
            problems.append("console: " + entry["message"])
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.responseReceived":
            response = message["params"]["response"]
            if response["status"] >= 400 and "/api/v1/" not in response["url"]:
                problems.append(f"failed request: {response['status']} {response['url']}")
        elif message["method"] == "Network.loadingFailed" and not message["params"].get("canceled"):
            problems.append("failed request: " + message["params"].get("errorText", ""))
    problems += driver.execute_script("""
        const out = [];
        for (const img of document.images) if (!img.hasAttribute('alt')) out.push('image without alt: ' + img.src);
        for (const input of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            const labelled = input.labels && input.labels.length > 0 && [...input.labels].some(l => l.textContent.trim());
            if (!labelled && !input.getAttribute('aria-label')) out.push('input without a label: ' + (input.name || input.id));
        }
        for (const b of document.querySelectorAll('button, a')) if (!b.textContent.trim() && !b.getAttribute('aria-label')) out.push('control without text: ' + b.outerHTML.slice(0, 80));
        if (document.documentElement.lang === '') out.push('no lang');
        return out;""")
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}-1280.png"))
    driver.set_window_size(390, 844)
    time.sleep(0.3)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"horizontal scroll at 390 px: {overflow} px")
    driver.save_screenshot(os.path.join(SHOTS, f"{name}-390.png"))
    driver.set_window_size(1280, 800)
    if problems:
        raise AssertionError(f"{name}: " + "; ".join(problems))
    print(f"ok  {name}")


def timed_get(driver, url):
    """Opens the page, first reading the server's own time for it from its Server-Timing header
    (the best of three requests: a busy machine's scheduler is not the page's cost)."""
    request = urllib.request.Request(url, headers={"Accept": "text/html", "Cookie": "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())})
    times = []
    for _ in range(3):
        with urllib.request.urlopen(request, timeout=10) as response:
            found = re.search(r"dur=([0-9.]+)", response.headers.get("Server-Timing", ""))
            response.read()
        times.append(float(found.group(1)) if found else float("nan"))
    TIMINGS.append(("/" + url.split("127.0.0.1")[1].split("/", 1)[1], min(times)))
    driver.get(url)


def review(driver, wait, keys):
    """Decides on each ad of the job as it appears (one key each: → save, ← delete) until the
    review is done; returns how many ads were reviewed."""
    from selenium.common.exceptions import StaleElementReferenceException
    reviewed = 0
    while True:
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-image]:not([hidden]) img") or d.find_elements(By.CSS_SELECTOR, "[data-review-done]:not([hidden])"))
        if driver.find_elements(By.CSS_SELECTOR, "[data-review-done]:not([hidden])"):
            return reviewed
        figure = driver.find_element(By.CSS_SELECTOR, "[data-image]:not([hidden])")
        driver.find_element(By.TAG_NAME, "body").send_keys(keys[min(reviewed, len(keys) - 1)])
        try:
            wait.until(lambda d: figure.get_attribute("hidden") is not None)
        except StaleElementReferenceException:
            pass
        reviewed += 1


def report_failure(driver, data_dir, name):
    """A screenshot of where it stopped and the end of the server's log."""
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
    print(open(os.path.join(data_dir, "serve.log")).read()[-4000:], file=sys.stderr)


def stop(driver, app, *servers):
    driver.quit()
    app.terminate()
    app.wait(30)
    for server in servers:
        server.terminate()


def code_from_outbox(data_dir, email):
    outbox = os.path.join(data_dir, "outbox")
    for _ in range(60):
        for name in sorted(os.listdir(outbox)) if os.path.isdir(outbox) else []:
            text = open(os.path.join(outbox, name), errors="replace").read()
            if email in text:
                found = re.search(r"\b(\d{6})\b", text)
                if found:
                    return found.group(1)
        time.sleep(0.5)
    raise AssertionError("no code in the outbox for " + email)


def main():
    data_dir = tempfile.mkdtemp(prefix="blumpo-e2e-")
    os.chmod(data_dir, 0o755)
    site_dir = os.path.join(data_dir, "site")
    os.makedirs(site_dir)
    site, site_url = serve_site("saas", site_dir)
    app_port = free_port()
    stripe, stripe_base = serve_stripe(os.path.join(data_dir, "stripe"), f"http://127.0.0.1:{app_port}")
    app, base = start_app(data_dir, app_port, stripe_base)
    driver = browser()
    wait = WebDriverWait(driver, 120)
    try:
        timed_get(driver, base + "/")
        check_page(driver, "landing")
        driver.find_element(By.ID, "url").send_keys(site_url)
        driver.find_element(By.XPATH, "//button[normalize-space()='Make my ads']").click()

        wait.until(EC.presence_of_element_located((By.ID, "email")))
        check_page(driver, "sign-in")
        email = "marketer@example.com"
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.XPATH, "//button[normalize-space()='Email me a code']").click()
        wait.until(EC.presence_of_element_located((By.ID, "code")))
        check_page(driver, "sign-in-code")
        driver.find_element(By.ID, "code").send_keys(code_from_outbox(data_dir, email))
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()

        # The brand kit is read, then the first ads start by themselves.
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-brand-status]")))
        check_page(driver, "brand-setup")
        wait.until(EC.url_contains("/jobs/"))
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-image] img")))
        check_page(driver, "review")
        # The first ad saved with its button, the second deleted, the rest saved from the keyboard.
        driver.find_element(By.XPATH, "//figure[not(@hidden)]//button[normalize-space()='Save']").click()
        first_job = 1 + review(driver, wait, ["\ue012", "\ue014"])  # ←, then →
        assert first_job == 5, f"the first job made 5 ads of its format ({first_job})"

        timed_get(driver, base + "/library?state=saved")
        assert len(driver.find_elements(By.CSS_SELECTOR, "img.thumb")) == 4, "the saved ads are in the library"
        check_page(driver, "library")

        timed_get(driver, base + "/app")
        check_page(driver, "dashboard")
        brand_link = driver.find_element(By.XPATH, "//a[normalize-space()='Brand kit']").get_attribute("href")
        timed_get(driver, brand_link)
        check_page(driver, "brand")

        # A second job with another archetype; its ad is deleted in the review, then restored.
        grant_tokens(driver, base, 200)
        timed_get(driver, brand_link + "/create")
        check_page(driver, "create")
        driver.find_elements(By.CSS_SELECTOR, "input[name=archetype_code]")[-1].click()
        driver.find_element(By.XPATH, "//button[normalize-space()='Create ads']").click()
        wait.until(EC.url_contains("/jobs/"))
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-image] img")))
        assert review(driver, wait, ["\ue012", "\ue014"]) == 5  # the first deleted, the rest saved
        timed_get(driver, base + "/library?state=deleted")
        check_page(driver, "library-deleted")
        for box in driver.find_elements(By.CSS_SELECTOR, "input[name=ids]"):
            box.click()
        driver.find_element(By.XPATH, "//button[normalize-space()='Restore selected']").click()
        timed_get(driver, base + "/library")
        assert len(driver.find_elements(By.CSS_SELECTOR, "img.thumb")) == 10, "all ten ads are in the library after the restore"

        timed_get(driver, base + "/analytics")
        assert "ads generated" in driver.find_element(By.ID, "daily-heading").text
        check_page(driver, "analytics")
        # A top-up through Stripe's hosted checkout; the success page waits for the webhook.
        api(driver, base, "PUT", "/api/v1/admin/topups/TOPUP_100", {"display_name": "100 tokens", "tokens_amount": 100, "stripe_product_id": "prod_topup100"})
        timed_get(driver, base + "/credits?back=" + brand_link.split(base, 1)[1] + "/create")
        check_page(driver, "credits")
        before = int(driver.find_element(By.CSS_SELECTOR, "[data-balance]").text.split()[0])
        driver.find_element(By.XPATH, "//button[normalize-space()='Buy 100 tokens']").click()
        wait.until(EC.url_contains("/checkout/"))
        driver.find_element(By.XPATH, "//button[normalize-space()='Pay']").click()
        wait.until(EC.url_contains("/billing/success"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-billing-return][data-confirmed]")))
        after = int(driver.find_element(By.CSS_SELECTOR, "[data-billing-return] [data-balance]").text)
        assert after == before + 100, f"the top-up added 100 tokens ({before} -> {after})"
        carry_on = driver.find_element(By.XPATH, "//a[normalize-space()='Carry on where you were']").get_attribute("href")
        assert carry_on.endswith("/create"), f"the success page leads back to creating ads ({carry_on})"
        check_page(driver, "billing-success")
        timed_get(driver, base + "/settings")
        check_page(driver, "settings")
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign out everywhere']").click()
        timed_get(driver, base + "/app")
        assert "/sign-in" in driver.current_url, "signed out everywhere"
    except Exception:
        report_failure(driver, data_dir, "failure")
        raise
    finally:
        stop(driver, app, site, stripe)
    print("page server times (Server-Timing, ms, best of three requests, debug build):")
    for path, ms in TIMINGS:
        print(f"  {ms:7.1f}  {path}")
    # The target is 50 ms a page; a debug build on a busy machine may pass it now and then, so
    # the run reports those and fails only at five times the target (something is wrong then).
    over = [(path, ms) for path, ms in TIMINGS if not ms < 50]
    if over:
        print("over the 50 ms target:", ", ".join(f"{path} {ms:.1f} ms" for path, ms in over))
    broken = [(path, ms) for path, ms in TIMINGS if not ms < 250]
    assert not broken, f"pages over 250 ms of server time: {broken}"
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
