"""Accepts an invitation in real headless Chromium (Debian's chromium and chromium-driver, with
selenium from PyPI): open the invitation's link, set a name and a password, join, land signed in
on the organization's projects, and find the link used up afterwards.

    invitation_browser.py BASE_URL LINK_PATH PASSWORD [SCREENSHOT_DIR]

Exits 0 when every step worked; prints the failing step otherwise.
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def main():
    base, link, password = sys.argv[1:4]
    shots = sys.argv[4] if len(sys.argv) > 4 else None
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    # The driver's path is given, so selenium downloads nothing.
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 20)

    def shot(name):
        if shots:
            for width in (1280, 390):
                driver.set_window_size(width, 900)
                driver.save_screenshot(os.path.join(shots, f"invitation-{name}-{width}.png"))
            driver.set_window_size(1280, 900)

    try:
        driver.get(base + link)
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "You are invited to join"))
        driver.find_element(By.NAME, "name").send_keys("Invited Person")
        driver.find_element(By.NAME, "new").send_keys(password)
        driver.find_element(By.NAME, "confirm").send_keys(password + "x")
        driver.find_element(By.ID, "accept").click()
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "The two passwords differ."))
        driver.find_element(By.NAME, "new").send_keys(password)
        driver.find_element(By.NAME, "confirm").send_keys(password)
        shot("1-form")
        driver.find_element(By.ID, "accept").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "a[href='/ui/acme/web/']")))
        cookie = driver.get_cookie("faultline_session")
        assert cookie is not None, "no session cookie after joining"
        assert cookie.get("httpOnly") is True, f"session cookie not HttpOnly: {cookie}"
        shot("2-joined")
        driver.get(base + link)
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "This invitation is not valid"))
        shot("3-used")
        print("invitation browser: ok")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
