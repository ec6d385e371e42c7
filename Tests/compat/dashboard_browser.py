"""Drives the dashboard in real headless Chromium (Debian's chromium and chromium-driver, with
selenium and axe-selenium-python from PyPI), after dashboard_events.py sent errors with the real
sentry-sdk: sign in with email and password, type a multi-term search into the stream's own box
(and a bad one: the error keeps the box), open the issue, read its stack trace, breadcrumbs,
user and contexts, page to another event, assign it to a team and then to the signed-in user, resolve it, check that
the hostile event renders inert and inside the layout, sign out. At each page: no horizontal
overflow at 1280 and 390 px, and axe-core reports no serious or critical violation.

    dashboard_browser.py BASE_URL EMAIL PASSWORD [SCREENSHOT_DIR]

Exits 0 when every step worked; prints the failing step otherwise.
"""
import os
import sys

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

WIDTHS = (1280, 390)


def main():
    base, email, password = sys.argv[1:4]
    shots = sys.argv[4] if len(sys.argv) > 4 else None
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    # The driver's path is given, so selenium downloads nothing.
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 20)
    checked = []

    def check(name):
        """No horizontal overflow at either width, no serious/critical axe violation, a screenshot of each."""
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            wide = driver.execute_script("return document.documentElement.scrollWidth")
            viewport = driver.execute_script("return document.documentElement.clientWidth")
            assert wide <= viewport, f"{name}: {wide} px wide in a {viewport} px viewport at {width}"
            if shots:
                driver.save_screenshot(os.path.join(shots, f"{name}-{width}.png"))
        driver.set_window_size(1280, 900)
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
               for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, f"{name}: accessibility violations: {bad}"
        checked.append(name)

    try:
        driver.get(base + "/ui/")
        wait.until(ec.url_contains("/ui/login"))
        driver.find_element(By.NAME, "email").send_keys(email)
        driver.find_element(By.NAME, "password").send_keys("wrong password")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "The email or password is wrong."))
        driver.find_element(By.NAME, "email").send_keys(email)
        driver.find_element(By.NAME, "password").send_keys(password)
        check("1-sign-in")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "main a[href='/ui/acme/web/']")))
        cookie = driver.get_cookie("faultline_session")
        assert cookie is not None, "no session cookie after sign-in"
        assert cookie.get("httpOnly") is True, f"session cookie not HttpOnly: {cookie}"
        assert cookie.get("sameSite") == "Lax", f"session cookie not SameSite=Lax: {cookie}"
        check("2-projects")

        # The stream, and a multi-term search typed into its own box (the form sends `+` for spaces).
        driver.find_element(By.CSS_SELECTOR, "main a[href='/ui/acme/web/']").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#issues li.issue")))
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#issues a.title")]
        assert any(t.startswith("ZeroDivisionError") for t in titles) and any(t.startswith("ValueError") for t in titles), titles
        check("3-stream")
        box = driver.find_element(By.ID, "query")
        box.clear()
        box.send_keys("is:unresolved ZeroDivision" + Keys.ENTER)
        wait.until(ec.url_contains("ZeroDivision"))
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#issues a.title")]
        assert titles == ["ZeroDivisionError: division by zero"], f"search found {titles}"
        assert driver.find_element(By.ID, "query").get_attribute("value") == "is:unresolved ZeroDivision"
        check("4-searched")
        box = driver.find_element(By.ID, "query")
        box.clear()
        box.send_keys("is:nonsense" + Keys.ENTER)
        wait.until(ec.presence_of_element_located((By.ID, "search-error")))
        assert driver.find_element(By.ID, "query").get_attribute("value") == "is:nonsense", "the error page lost the search box"
        check("5-search-error")
        box = driver.find_element(By.ID, "query")
        box.clear()
        box.send_keys("is:unresolved ZeroDivision" + Keys.ENTER)
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#issues a.title")))

        # The issue: stack trace, breadcrumbs, user, contexts.
        driver.find_element(By.CSS_SELECTOR, "#issues a.title").click()
        wait.until(ec.presence_of_element_located((By.ID, "event")))
        assert driver.find_element(By.ID, "issue-title").text == "ZeroDivisionError: division by zero"
        app_frames = [f.text for f in driver.find_elements(By.CSS_SELECTOR, ".frame.app .where")]
        assert app_frames and "dashboard_events.py" in app_frames[0], f"in-app frames: {app_frames}"
        assert "divide" in driver.find_element(By.CSS_SELECTOR, ".frame.app").text
        assert "return total / parts" in driver.find_element(By.CSS_SELECTOR, ".frame.app pre.context").text
        crumbs = driver.find_element(By.ID, "breadcrumbs").text
        assert "POST /api/checkout" in crumbs and "/cart -> /checkout" in crumbs, crumbs
        user = driver.find_element(By.ID, "user").text
        assert "buyer" in user and "@example.com" in user, user
        assert "EUR" in driver.find_element(By.ID, "context-cart").text
        assert "trace_id" in driver.find_element(By.ID, "context-trace").text
        assert "payment" in driver.find_element(By.ID, "tags").text
        check("6-issue")

        # Another event of the issue.
        first = driver.find_element(By.ID, "event-id").text
        driver.find_element(By.ID, "previous-event").click()
        wait.until(lambda d: d.find_element(By.ID, "event-id").text != first)
        assert "event=" in driver.current_url

        # Assign to a team, then to oneself, then resolve.
        assign = wait.until(ec.presence_of_element_located((By.NAME, "assignee")))
        Select(assign).select_by_visible_text("#backend")
        driver.find_element(By.XPATH, "//form[@id='assign']//button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "assignee"), "backend"))
        assign = wait.until(ec.presence_of_element_located((By.NAME, "assignee")))
        Select(assign).select_by_visible_text(email)
        driver.find_element(By.XPATH, "//form[@id='assign']//button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "assignee"), "Assigned to " + email))
        resolve = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[text()='Resolve']")))
        resolve.click()
        wait.until(ec.presence_of_element_located((By.XPATH, "//button[text()='Unresolve']")))
        assert driver.find_element(By.ID, "status").text.startswith("resolved"), "the issue is not shown resolved"
        activity = driver.find_element(By.ID, "activity").text
        assert "assigned" in activity and "set resolved" in activity, activity
        check("7-resolved")

        # The hostile event: markup shown as text, nothing run, nothing wider than the viewport.
        driver.get(base + "/ui/acme/web/?query=HostileError")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#issues a.title")))
        check("8-hostile-stream")
        driver.find_element(By.CSS_SELECTOR, "#issues a.title").click()
        wait.until(ec.presence_of_element_located((By.ID, "event")))
        assert "<script>alert('xss')</script>" in driver.find_element(By.ID, "issue-title").text
        assert not driver.find_elements(By.CSS_SELECTOR, "main script, main img, a[href^='javascript:']"), "hostile markup became elements"
        check("9-hostile-issue")

        driver.find_element(By.ID, "sign-out").click()
        wait.until(ec.url_contains("/ui/login"))
        assert driver.get_cookie("faultline_session") is None, "the session cookie survived sign-out"
        driver.get(base + "/ui/acme/web/")
        wait.until(ec.url_contains("/ui/login"))
        print("checked at 1280 and 390 px with axe-core: " + ", ".join(checked))
        print("dashboard browser: ok")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
