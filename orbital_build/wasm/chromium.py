"""Headless Chromium from Debian (`chromium`, driven by Selenium through `chromium-driver`)
on a site `orbital-build wasm` built: for `orbital-build wasm-bench` and the browser
tests (tests/browser). Selenium comes with the `[test]` extra."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from typing import Any

from ..errors import OrbitalError

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,800"]


def launch() -> Any:
    """A new headless Chromium with a profile of its own (a fresh IndexedDB)."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise OrbitalError("selenium is not installed: pip install -e '.[test]' (or run "
                           "./orbital setup)") from None
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tempfile.mkdtemp(prefix='orbital-chromium-')}"]:
        opts.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    except (WebDriverException, OSError) as e:
        raise OrbitalError(f"cannot start headless Chromium ({CHROMIUM}, {DRIVER}): "
                           f"{str(e).splitlines()[0]}") from None
    driver.set_page_load_timeout(90)
    driver.set_script_timeout(30)
    return driver


def wait_for(driver: Any, what: Callable[[], Any], timeout: float, why: str) -> Any:
    """Poll what() every 0.1 s until it is truthy; stop early if the machine halted."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = what()
        if got:
            return got
        if driver.execute_script("return !!(window.orbital && window.orbital.halted)"):
            got = what()   # it may have come with the halt
            if got:
                return got
            break
        time.sleep(0.1)
    text = driver.execute_script("return window.orbital ? window.orbital.text() : ''")
    raise AssertionError(f"timed out waiting for {why}; console:\n{text}")
