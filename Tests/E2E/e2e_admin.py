"""The admin console in headless Chromium, as the people who run Blumpo use it.

Reuses e2e.py's helpers (the app, the fixture site, the browser and the page checks). A member
makes a brand and a first ad; the console is a plain 404 to them. An operator signs in, is made an
admin with `blumpo admin grant`, and walks every admin page: the overview, users (search, profile,
a token adjustment, a ban), jobs (list and detail), images (ban and unban), brands (a step run
again), extraction problems, the catalogue (a pricing version quoted, then saved), the audit log
and engagement. Every page is checked like
the marketer's pages (console errors, failed requests, labels, alt text, no sideways scroll at
390 px) and photographed into .blumpo/screenshots/admin-*.png.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from e2e import ROOT, browser, check_page, code_from_outbox, report_failure, serve_site, start_app, stop  # noqa: E402


def console_port():
    """A free port among 8093-8099, the ones set aside for this script (others use the rest)."""
    for port in range(8093, 8100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("ports 8093-8099 are all in use")


e2e.free_port = console_port


def sign_in(driver, wait, base, data_dir, email):
    driver.get(base + "/sign-in")
    wait.until(EC.presence_of_element_located((By.ID, "email"))).send_keys(email)
    driver.find_element(By.XPATH, "//button[normalize-space()='Email me a code']").click()
    wait.until(EC.presence_of_element_located((By.ID, "code"))).send_keys(code_from_outbox(data_dir, email))
    driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
    wait.until(lambda d: "/sign-in" not in d.current_url)


def forget_logs(driver):
    """An expected 404 is not a problem of the next page checked."""
    driver.get_log("browser")
    driver.get_log("performance")


def click(driver, text):
    """Submits a form by its button and waits for the page that answers it."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, f"//button[normalize-space()='{text}']").click()
    WebDriverWait(driver, 60).until(EC.staleness_of(page))


def flash(driver):
    return driver.find_element(By.CSS_SELECTOR, "p.alert.ok").text


def main():
    data_dir = tempfile.mkdtemp(prefix="blumpo-e2e-admin-")
    os.chmod(data_dir, 0o755)
    site_dir = os.path.join(data_dir, "site")
    os.makedirs(site_dir)
    site, site_url = serve_site("saas", site_dir)
    app, base = start_app(data_dir)
    driver = browser()
    wait = WebDriverWait(driver, 120)
    try:
        # A member with a brand and a first ad, so every list has something in it.
        driver.get(base + "/")
        driver.find_element(By.ID, "url").send_keys(site_url)
        driver.find_element(By.XPATH, "//button[normalize-space()='Make my ads']").click()
        wait.until(EC.presence_of_element_located((By.ID, "email"))).send_keys("member@example.com")
        driver.find_element(By.XPATH, "//button[normalize-space()='Email me a code']").click()
        wait.until(EC.presence_of_element_located((By.ID, "code"))).send_keys(code_from_outbox(data_dir, "member@example.com"))
        driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
        wait.until(EC.url_contains("/jobs/"))
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-image] img")))
        for path in ["/admin", "/admin/users", "/admin/jobs", "/admin/images"]:
            driver.get(base + path)
            assert "This page does not exist" in driver.title, f"{path} is a 404 to a member"
        forget_logs(driver)
        driver.delete_all_cookies()

        # The operator signs in once, then is made an admin from the command line.
        sign_in(driver, wait, base, data_dir, "ops@example.com")
        driver.get(base + "/admin")
        assert "This page does not exist" in driver.title, "not an admin yet"
        forget_logs(driver)
        env = dict(os.environ, BLUMPO_DATA_DIR=data_dir, BLUMPO_LOG_LEVEL="warning")
        env.pop("DATABASE_URL", None)
        granted = subprocess.run([os.path.join(ROOT, ".build", "debug", "blumpo"), "admin", "grant", "ops@example.com"],
                                 env=env, capture_output=True, text=True, timeout=120)
        assert granted.returncode == 0, granted.stderr

        driver.get(base + "/admin")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Admin overview"
        assert len(driver.find_elements(By.CSS_SELECTOR, "li.kpi svg.chart")) >= 12, "every figure has its chart"
        check_page(driver, "admin-overview")

        driver.get(base + "/admin/users")
        driver.find_element(By.ID, "u-query").send_keys("member")
        click(driver, "Search")
        check_page(driver, "admin-users")
        driver.find_element(By.LINK_TEXT, "member@example.com").click()
        wait.until(EC.presence_of_element_located((By.ID, "t-delta"))).send_keys("50")
        driver.find_element(By.ID, "t-note").send_keys("Goodwill after a slow first job")
        click(driver, "Adjust")
        assert flash(driver) == "The tokens were adjusted."
        assert "Adjusted by support" in driver.page_source
        check_page(driver, "admin-user")
        click(driver, "Ban and sign out")
        assert flash(driver).startswith("The user is banned")
        click(driver, "Unban")
        assert flash(driver) == "The user is no longer banned."

        driver.get(base + "/admin/jobs")
        check_page(driver, "admin-jobs")
        driver.find_element(By.CSS_SELECTOR, "td a[href^='/admin/jobs/']").click()
        wait.until(EC.presence_of_element_located((By.ID, "variants-heading")))
        check_page(driver, "admin-job")

        driver.get(base + "/admin/images")
        assert len(driver.find_elements(By.CSS_SELECTOR, "img.thumb")) >= 1, "the member's ad is in the grid"
        check_page(driver, "admin-images")
        click(driver, "Ban image")
        assert flash(driver) == "The image is banned."
        check_page(driver, "admin-images-banned")
        click(driver, "Unban image")
        assert flash(driver) == "The image is no longer banned."

        driver.get(base + "/admin/brands")
        check_page(driver, "admin-brands")
        driver.find_element(By.CSS_SELECTOR, "td a[href^='/admin/brands/']").click()
        wait.until(EC.presence_of_element_located((By.XPATH, "//button[normalize-space()='Run colors again']")))
        check_page(driver, "admin-brand")
        click(driver, "Run colors again")
        assert flash(driver).startswith("The step runs again")
        driver.get(base + "/admin/extraction-problems")
        check_page(driver, "admin-problems")

        driver.get(base + "/admin/catalogue")
        check_page(driver, "admin-catalogue")
        base_cost = driver.find_element(By.ID, "r-base")
        base_cost.clear()
        base_cost.send_keys("15")
        click(driver, "Preview quotes")
        wait.until(EC.presence_of_element_located((By.ID, "quotes-heading")))
        check_page(driver, "admin-pricing")
        driver.find_element(By.NAME, "confirm").click()
        page = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Save version')]").click()
        WebDriverWait(driver, 60).until(EC.staleness_of(page))
        assert flash(driver) == "The new pricing version is in use for new jobs."

        driver.get(base + "/admin/audit")
        actions = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "td code")]
        for action in ["tokens.adjust", "user.ban", "image.ban", "brand.rerun_step", "pricing.activate"]:
            assert action in actions, f"{action} is in the audit log"
        check_page(driver, "admin-audit")
        driver.get(base + "/admin/engagement")
        check_page(driver, "admin-engagement")
    except Exception:
        report_failure(driver, data_dir, "admin-failure")
        raise
    finally:
        stop(driver, app, site)
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
