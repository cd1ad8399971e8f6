"""The default image in headless Chromium: init, Permissions, the Process Manager, Identity
and the shell — the same sources as the x86_64 image — boot to the shell prompt on the page's
terminal; shell commands reach the services over IPC; a terminated service worker is a
fault init sees and answers with a restart; the exported CommitLog verifies; the machine
secret is the page's, kept per origin, and the kernel derives the host's keys from it."""

from __future__ import annotations

import re

import pytest

from orbital_build.axiom.command import verify_log
from orbital_build.secret import checkpoint_public_key

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(booted):
    return booted("default")



def test_boots_to_the_shell_prompt(page) -> None:
    text = page.text()
    assert "Orbital 0.1.0 (wasm64) capability microkernel" in text
    assert "orbital: all services ready: permissions process identity shell" in text
    assert "shell: pid 5 on COM1" in text
    assert "fault" not in text
    assert page.marks()["prompt"] > 0


def test_shell_commands_reach_the_services(page) -> None:
    assert "hello from the browser" in page.command("echo hello from the browser")
    ps = page.command("ps")
    for pid, name in ((1, "init"), (2, "permissions"), (3, "process"), (4, "identity"),
                      (5, "shell")):
        assert re.search(rf"^\s+{pid}\s+\d+\s+alive\s+.*\b{name}$", ps, re.MULTILINE), ps
    services = page.command("services")
    assert all(s in services for s in ("permissions", "process", "identity", "shell")), services


def test_the_page_shows_the_syslog_and_commitlog_decoded(page) -> None:
    page.command("ps")
    counts = page.wait_for(lambda: (c := page.js("return window.orbital.counts()"))["syscalls"]
                           and c["commits"] and c, 10, "both logs on the page")
    rows = page.js("return window.orbital.shown('syscalls')")
    assert 0 < len(rows) <= 300   # the newest 300 of every record seen
    # the shell's ps is a call to the Process Manager: its calls and the PM's receives
    assert any(re.fullmatch(r"\d+ pid 5 endpoint_call = .*", r) for r in rows), rows[-20:]
    assert any(re.fullmatch(r"\d+ pid 3 endpoint_(reply_recv|receive_wait) = .*", r)
               for r in rows), rows[-20:]
    commits = page.js("return window.orbital.shown('commits')")
    assert any("process_created" in r for r in commits) or counts["commits"] > 300


def test_a_killed_service_worker_is_restarted_by_init(page) -> None:
    threads = page.js("return window.orbital.threads()")
    pm = next(t for t in threads if t["name"] == "process")
    start = len(page.text())
    assert page.js("return window.orbital.kill(arguments[0])", pm["id"]) is True
    page.wait_text("init: process (pid 3) exited: code 3, reason fault; restarting", start=start)
    page.wait_text("init: started process (pid 6)", start=start)
    page.wait_text("ready", start=start)
    ps = page.command("ps")
    assert re.search(r"^\s+6\s+1\s+alive\s+.*\bprocess$", ps, re.MULTILINE), ps
    assert not re.search(r"^\s+3\s+", ps, re.MULTILINE), ps


def test_the_exported_commit_log_verifies(page, tmp_path) -> None:
    page.command("ps")
    log = tmp_path / "wasm-default.axiom"
    log.write_bytes(page.commit_log())
    # the machine is still running: its last frame may be cut off mid-write; every
    # checkpoint is signed with the key the host derives from the page's machine secret
    key = checkpoint_public_key(page.machine_secret())
    summary = verify_log(log, partial_tail=True, key=key)
    assert summary["processes"] == 5 and summary["commits"] > 50
    assert summary["signatures_verified"] == summary["checkpoints"], summary
    page.screenshot("wasm-default.png")


def _signing_key(page) -> str:
    m = page.wait_for(lambda: re.search(r"secret: 32 bytes from the host; checkpoints signed "
                                        r"by Ed25519 key ([0-9a-f]{64})", page.text()),
                      10, "the kernel's secret line")
    return m.group(1)


def test_the_kernel_derives_its_keys_from_the_pages_machine_secret(page) -> None:
    # the page made a secret for this origin; the kernel's libsodium (BLAKE2b, Ed25519)
    # built for wasm64 derives from it the key the host derives from the same bytes
    secret = page.machine_secret()
    assert len(secret) == 32 and len(set(secret)) > 8
    assert _signing_key(page) == checkpoint_public_key(secret).hex()


def test_a_reload_keeps_the_origins_machine_secret(page) -> None:
    before = _signing_key(page)
    page.load().wait_text("orbital> ", timeout=60)
    assert _signing_key(page) == before
