"""End-to-end: boot real images in qemu-system-x86_64 (TCG) and read the serial console."""

from __future__ import annotations

import shutil

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.qemu)


@pytest.fixture(scope="session", autouse=True)
def _qemu_present() -> None:
    if not shutil.which("qemu-system-x86_64"):
        pytest.fail("qemu-system-x86_64 is missing: run ./orbital test (it installs "
                    "qemu-system-x86) or apt-get install -y qemu-system-x86")
