"""The browser's machine (images/browser.toml) in headless Chromium: the Storage service —
the same sources as on x86_64 — keeps its data in the page's IndexedDB (database
`orbital-storage`, stores system / apps / users, entries {key, value, expires, created},
spec §4.4). A key the shell sets is an entry there, a reload of the page reads it back
through the service, a key given a time to live is gone once its time is up, and the
shell's ls, rm and df go to the same store. A killed Storage worker is restarted by init
and finds its entries; the page's exported CommitLog passes `orbital-build axiom
verify`. The Storage checkers of the x86_64 E2E test (tests/programs/kv_check)
pass on IndexedDB too (images/browser-storage-test.toml)."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from orbital_build.secret import checkpoint_public_key

pytestmark = pytest.mark.browser

# Every entry of one store of 'orbital-storage', value as text: [{key, value, expires,
# created}], or the store names when there is no such store.
READ_STORE = """
const [name, done] = arguments;
const r = indexedDB.open('orbital-storage');
r.onsuccess = () => {
  const db = r.result;
  if (!db.objectStoreNames.contains(name)) { done([...db.objectStoreNames]); db.close(); return; }
  const all = db.transaction(name).objectStore(name).getAll();
  all.onsuccess = () => {
    done(all.result.map((e) => ({ key: e.key, value: new TextDecoder().decode(e.value),
                                  expires: e.expires, created: e.created })));
    db.close();
  };
  all.onerror = () => done(null);
};
r.onerror = () => done(null);
"""


@pytest.fixture(scope="module")
def page(booted):
    return booted("browser")



def _store(page, name: str) -> list:
    return page.d.execute_async_script(READ_STORE, name)


def test_storage_runs_on_the_pages_indexeddb(page) -> None:
    text = page.text()
    assert ("storage: the host's store: IndexedDB 'orbital-storage' (stores system, apps, "
            "users)") in text
    assert "orbital: all services ready: permissions process storage network shell" in text
    assert "fault" not in text


def test_a_key_set_in_the_shell_is_an_entry_and_survives_a_reload(page) -> None:
    before = time.time() * 1000
    out = page.command("kv set greeting hello from IndexedDB")
    assert "kv: greeting: stored, 20 bytes" in out, out
    out = page.command("kv set -t 2 brief gone soon")
    assert "kv: brief: stored, 9 bytes, expires" in out, out
    system = {e["key"]: e for e in _store(page, "system")}
    # the shell is a System process (as on x86_64): its namespace is `system`
    assert system["system:greeting"]["value"] == "hello from IndexedDB"
    assert system["system:greeting"]["expires"] is None
    assert before - 1000 <= system["system:greeting"]["created"] <= time.time() * 1000
    brief = system["system:brief"]
    assert brief["expires"] == brief["created"] + 2000
    assert _store(page, "apps") == [] and _store(page, "users") == []
    page.load().wait_text("orbital> ", timeout=60)
    assert "hello from IndexedDB" in page.command("kv get greeting")
    ls = page.command("kv ls")
    assert re.search(r"^greeting$", ls, re.MULTILINE) and "keys" in ls, ls
    time.sleep(max(0.0, brief["expires"] / 1000 - time.time()) + 0.2)
    assert "kv: brief: NotFound" in page.command("kv get brief")
    assert "kv: greeting: removed" in page.command("kv rm greeting")
    assert "kv: greeting: NotFound" in page.command("kv get greeting")
    assert "system:greeting" not in {e["key"] for e in _store(page, "system")}
    page.screenshot("wasm-storage.png")


def test_usage_comes_from_the_host_store(page) -> None:
    # the write also drops the expired `brief` from the store
    assert "kv: counted: stored, 5 bytes" in page.command("kv set counted 12345")
    df = [ln.split() for ln in page.command("df").splitlines()[1:-1]]
    assert df == [["NAMESPACE", "USED", "QUOTA", "USE%", "KEYS"],
                  ["system", str(len("counted") + 5), str(1 << 20), "0%", "1"]], df
    assert [e["key"] for e in _store(page, "system")] == ["system:counted"]


def test_a_killed_storage_worker_restarts_and_finds_its_entries(page) -> None:
    # the last test left system:counted in IndexedDB; a new Storage instance reads it
    pid = int(re.search(r"^\s+(\d+)\s+\d+\s+alive\s+.*\bstorage$", page.command("ps"),
                        re.MULTILINE).group(1))
    storage = next(t for t in page.js("return window.orbital.threads()")
                   if t["name"] == "storage")
    start = len(page.text())
    assert page.js("return window.orbital.kill(arguments[0])", storage["id"]) is True
    page.wait_text(f"init: storage (pid {pid}) exited: code 3, reason fault; restarting",
                   start=start)
    page.wait_text("storage: the host's store: IndexedDB", start=start)
    assert "12345" in page.command("kv get counted")


def test_the_exported_commit_log_verifies_with_the_cli(page, tmp_path) -> None:
    page.command("ps")
    log = tmp_path / "wasm-browser.axiom"
    log.write_bytes(page.commit_log())
    key = checkpoint_public_key(page.machine_secret()).hex()
    # the machine still runs: --stopped accepts an unsealed end and a cut-off last frame
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "axiom", "verify",
                           str(log), "--stopped", "--key", key], capture_output=True,
                          text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r": ok: (\d+) commits, hash chain intact, (\d+) checkpoints match the replay, "
                  r"(\d+) checkpoint signatures verified", proc.stdout)
    assert m and int(m.group(1)) > 50 and m.group(2) == m.group(3), proc.stdout
    page.screenshot("wasm-browser.png")


def test_the_storage_checkers_pass_on_indexeddb(chromium, site) -> None:
    # tests/programs/kv_check, as tests/e2e/test_storage.py runs it on a disk: protocol,
    # namespaces, quotas, every StorageError, binary keys, values up to 1 MiB through the
    # clients' shared memory (D192), TTL, listing by cursor, two writers at once
    page = site("browser-storage-test", chromium).load()
    page.wait_for(lambda: page.text().count(": done: ") == 3, 240, "the three checkers")
    text = page.text()
    for name in ("system-kv-check", "kvapp-a", "kvapp-b"):
        assert f"{name}: done: 0 failed" in text, text[-4000:]
    assert ("kvapp-a: large: 9 values of 4060 bytes to 1 MiB stored and read back whole: "
            "PASS") in text
    assert "system-kv-check: basics: set, get, overwrite, delete, binary keys: PASS" in text
    page.screenshot("wasm-storage-checkers.png")
