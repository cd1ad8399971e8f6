"""Headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) on sites
built by `orbital-build wasm` and served by its own server on 127.0.0.1. One browser per
test module; every wait is bounded."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver

from orbital_build.wasm import chromium as browser
from orbital_build.wasm.build import build_wasm
from orbital_build.wasm.serve import SiteServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts"


# The machine secret the page keeps for its origin (site/machine.js), base64.
READ_SECRET = """
const done = arguments[arguments.length - 1];
const r = indexedDB.open('orbital-machine');
r.onsuccess = () => {
  const get = r.result.transaction('files').objectStore('files')
    .get('opt/orbital/machine-secret');
  get.onsuccess = () => { done(btoa(String.fromCharCode(...get.result))); r.result.close(); };
  get.onerror = () => done(null);
};
r.onerror = () => done(null);
"""


class Page:
    """A loaded Orbital site: wait for console text, type, read the logs."""

    def __init__(self, driver: webdriver.Chrome, url: str) -> None:
        self.d = driver
        self.url = url

    def js(self, script: str, *args: Any) -> Any:
        return self.d.execute_script(script, *args)

    def load(self) -> Page:
        self.d.get(self.url)
        return self

    def text(self) -> str:
        return self.js("return window.orbital ? window.orbital.text() : ''")

    def wait_for(self, what: Callable[[], Any], timeout: float, why: str) -> Any:
        return browser.wait_for(self.d, what, timeout, why)

    def command(self, line: str, until: str = "orbital> ", timeout: float = 30) -> str:
        """Type a shell line; what the console shows from it until `until` follows it."""
        start = len(self.text())
        self.js("window.orbital.type(arguments[0])", line + "\r")
        self.wait_for(lambda: until in self.text()[start + len(line):], timeout,
                      f"the output of {line!r}")
        return self.text()[start:]

    def wait_text(self, needle: str, timeout: float = 30, start: int = 0) -> str:
        return self.wait_for(lambda: needle in self.text()[start:] and self.text(), timeout,
                             repr(needle))

    def halted(self, timeout: float = 60) -> dict:
        return self.wait_for(lambda: self.js("return window.orbital.halted"), timeout,
                             "the machine to halt")

    def commit_log(self) -> bytes:
        return base64.b64decode(self.js("return window.orbital.commitLog()"))

    def machine_secret(self) -> bytes:
        return base64.b64decode(self.d.execute_async_script(READ_SECRET))

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.d.save_screenshot(str(path))
        return path

    def marks(self) -> dict:
        return json.loads(self.js("return JSON.stringify(window.orbital.marks)"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[webdriver.Chrome]:
    driver = browser.launch()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def site() -> Callable[[str], Iterator[Page]]:
    servers: list[SiteServer] = []

    def serve(image: str, driver: webdriver.Chrome) -> Page:
        info = build_wasm(ROOT / "images" / f"{image}.toml", quiet=True)
        server = SiteServer(ROOT / info["site"]).start()
        servers.append(server)
        return Page(driver, server.url)

    yield serve
    for s in servers:
        s.stop()



@pytest.fixture(scope="module")
def booted(chromium: webdriver.Chrome, site: Callable[[str, webdriver.Chrome], Page]
           ) -> Callable[[str], Page]:
    """image -> images/<image>.toml's site loaded in the module's Chromium, at the shell's
    prompt."""
    def boot(image: str) -> Page:
        page = site(image, chromium).load()
        page.wait_text("orbital> ", timeout=60)
        return page
    return boot
