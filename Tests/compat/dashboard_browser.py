"""Drives the dashboard in real headless Chromium (Debian's chromium and chromium-driver, with
selenium from PyPI): sign in with email and password, open the project and the issue,
assign it to the signed-in user, resolve it, sign out, and check the session cookie's attributes
and that signing out ends the session.

    dashboard_browser.py BASE_URL EMAIL PASSWORD ISSUE_TITLE [SCREENSHOT_DIR]

Exits 0 when every step worked; prints the failing step otherwise.
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait


def main():
    base, email, password, title = sys.argv[1:5]
    shots = sys.argv[5] if len(sys.argv) > 5 else None
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    # The driver's path is given, so selenium downloads nothing.
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 20)

    def shot(name):
        # Each page at a desktop and a phone width, then back to the desktop width.
        if shots:
            for width in (1280, 390):
                driver.set_window_size(width, 900)
                driver.save_screenshot(os.path.join(shots, f"{name}-{width}.png"))
            driver.set_window_size(1280, 900)

    try:
        driver.get(base + "/ui/")
        wait.until(ec.url_contains("/ui/login"))
        driver.find_element(By.NAME, "email").send_keys(email)
        driver.find_element(By.NAME, "password").send_keys("wrong password")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "The email or password is wrong."))
        driver.find_element(By.NAME, "email").send_keys(email)
        driver.find_element(By.NAME, "password").send_keys(password)
        shot("1-sign-in")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a[href='/ui/acme/web/']")))
        cookie = driver.get_cookie("faultline_session")
        assert cookie is not None, "no session cookie after sign-in"
        assert cookie.get("httpOnly") is True, f"session cookie not HttpOnly: {cookie}"
        assert cookie.get("sameSite") == "Lax", f"session cookie not SameSite=Lax: {cookie}"
        shot("2-projects")
        driver.find_element(By.CSS_SELECTOR, "a[href='/ui/acme/web/']").click()
        wait.until(ec.presence_of_element_located((By.PARTIAL_LINK_TEXT, title)))
        shot("2-issues")
        driver.find_element(By.PARTIAL_LINK_TEXT, title).click()
        assign = wait.until(ec.presence_of_element_located((By.NAME, "assignee")))
        Select(assign).select_by_visible_text(email)
        driver.find_element(By.XPATH, "//form[@id='assign']//button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "assignee"), "Assigned to " + email))
        shot("3-assigned")
        resolve = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[text()='Resolve']")))
        resolve.click()
        wait.until(ec.presence_of_element_located((By.XPATH, "//button[text()='Unresolve']")))
        assert "resolved" in driver.find_element(By.CLASS_NAME, "status").text, "the issue is not shown resolved"
        shot("4-resolved")
        driver.find_element(By.ID, "sign-out").click()
        wait.until(ec.url_contains("/ui/login"))
        assert driver.get_cookie("faultline_session") is None, "the session cookie survived sign-out"
        driver.get(base + "/ui/acme/web/")
        wait.until(ec.url_contains("/ui/login"))
        shot("5-signed-out")
        print("dashboard browser: ok")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
