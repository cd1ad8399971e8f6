"""The Identity service (services/identity) end to end: images/identity-test.toml.

One boot runs tests/programs/identity_check twice: as system-idcheck, a System process
that drives every request (the first user, users, sessions, VERIFY, forged and truncated
tokens, expiry and refresh, lockout and unlock, passwords, AccountStatus, public-key
logins with a replayed challenge, service identities and SIGN, hostile requests), and as
idapp, an Application that is refused what is for System processes and meets its own
rate limit. The guest prints one line per case; the host checks that every case it knows
of ran and passed, and verifies the Ed25519 signatures the guest printed with Python's
`cryptography`, each with a negative twin. The image lowers Argon2id's costs and the
session and lockout durations (TEST-ONLY cflags) so this runs in seconds; no Argon2id at
the spec's costs runs here.

A second boot of the same image on a machine with no entropy source (qemu/no-entropy.toml:
no RDRAND, no virtio-rng) shows Identity refusing to issue secrets and saying why.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The cases the host insists on (a case that silently stopped running fails here).
REQUIRED = [
    "create first user without a session (System caller)",
    "second user without a session is refused",
    "wrong password",
    "unknown user answers like a wrong password",
    "admin logs in with two well-formed tokens",
    "admin creates alice",
    "a non-admin session cannot create users",
    "VERIFY a fresh session",
    "a forged token is invalid",
    "a truncated token is invalid",
    "an upper-case copy is invalid",
    "the session expires",
    "refresh gives a new pair",
    "a used refresh token is refused",
    "locked after five failures, even with the right password",
    "unlocked after the window",
    "passwd ends the other sessions",
    "a disabled user cannot log in",
    "a locked user cannot log in",
    "a logged-out session is invalid",
    "login by public key",
    "a replayed challenge is refused",
    "a key alice never added",
    "bob's challenge does not log alice in",
    "a service registers; Identity makes its key",
    "SIGN",
    "VERIFY a service token",
    "the old service token stops working",
    "a user's session does not sign",
    "the service logs in by its key",
    "AUTH with no payload",
    "AUTH whose name length runs past the end",
    "AUTH whose secret length lies",
    "a VERIFY payload under the AUTH tag",
    "an unknown identity tag",
    "a 1 MiB name does not fit a message (refused before sending)",
    "a 1 MiB payload is refused by the kernel",
    "the longest name that fits",
    "method 7",
    "a public-key login with a password for a signature",
    "a refresh login with a password",
    "after the hostile requests the service still knows that token",
]
APP_REQUIRED = [
    "an Application may not register a service",
    "an Application may not create a user without a session",
    "a burst meets the per-caller rate limit",
    "after the wait one more is allowed",
]
CHALLENGE_DOMAIN = b"orbital-identity-challenge-v1\x00"
RATE_BURST = 100          # images/identity-test.toml: -DIDENTITY_RATE_BURST
LOCKOUT_MS = 3000         # -DIDENTITY_LOCKOUT_S=3


def _boot(boot: Any, profile: str | None = None) -> Any:
    kw = {"profile": profile} if profile else {}
    r = boot("identity-test", timeout=240, expect=["system-idcheck done", "idapp done"], **kw)
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    return r


@pytest.fixture(scope="module")
def session(boot: Any) -> Any:
    return _boot(boot)


def _lines(r: Any, prefix: str) -> list[str]:
    return [ln.rstrip("\r")[len(prefix):] for ln in r.output.split("\n")
            if ln.rstrip("\r").startswith(prefix)]


def _data(r: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines(r, "idcheck: data "):
        for item in line.split():
            key, _, value = item.partition("=")
            assert key not in out, f"{key} printed twice"
            out[key] = value
    return out


def test_every_case_passes(session: Any) -> None:
    assert _lines(session, "idcheck: FAIL") == []
    ran = _lines(session, "idcheck: ok ")
    missing = [c for c in REQUIRED + APP_REQUIRED if c not in ran]
    assert missing == []
    [summary] = _lines(session, "idcheck: system-idcheck: ")
    assert re.fullmatch(r"\d+ passed, 0 failed", summary), summary
    assert _lines(session, "idcheck: idapp: ") == [f"{len(APP_REQUIRED)} passed, 0 failed"]


def test_the_service_never_restarted(session: Any) -> None:
    started = re.findall(r"^init: started identity \(pid \d+\)", session.output, re.MULTILINE)
    assert len(started) == 1
    assert not re.search(r"^init: identity \(pid \d+\) exited", session.output, re.MULTILINE)


def test_test_costs_are_marked(session: Any) -> None:
    [line] = _lines(session, "identity: TEST-ONLY parameters: ")
    assert line.startswith("Argon2id t=1 m=64 KiB p=1, sessions 2 s")
    assert _lines(session, "identity: no disk: running in memory") != []


def test_service_signature_verifies_on_the_host(session: Any) -> None:
    d = _data(session)
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(d["service-key"]))
    signed, sig = bytes.fromhex(d["signed"]), bytes.fromhex(d["signature"])
    assert signed == b"signed by Identity for the service 'signer'"
    key.verify(sig, signed)                       # raises if Identity signed wrongly
    with pytest.raises(InvalidSignature):
        key.verify(sig, signed + b"!")
    with pytest.raises(InvalidSignature):
        key.verify(bytes([sig[0] ^ 1]) + sig[1:], signed)


def test_public_key_login_signs_the_documented_message(session: Any) -> None:
    d = _data(session)
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(d["user-key"]))
    challenge, sig = bytes.fromhex(d["challenge"]), bytes.fromhex(d["login-signature"])
    assert len(challenge) == 32 and challenge != bytes(32)
    key.verify(sig, CHALLENGE_DOMAIN + b"alice\x00" + challenge)
    with pytest.raises(InvalidSignature):
        key.verify(sig, CHALLENGE_DOMAIN + b"bob\x00" + challenge)
    with pytest.raises(InvalidSignature):
        key.verify(sig, challenge)


def test_lockout_and_rate_limit_figures(session: Any) -> None:
    d = _data(session)
    assert 0 < int(d["lockout-retry-ms"]) <= LOCKOUT_MS
    # idapp's CREATE_USER took one of its burst; refills (1 per s) may add a few
    assert RATE_BURST - 1 <= int(d["rate-allowed"]) <= RATE_BURST + 5
    assert 0 < int(d["rate-retry-ms"]) <= 1000
    assert "identity: user alice locked for 3 s after 5 failed logins" in session.output


def test_no_entropy_source_means_no_secrets(boot: Any) -> None:
    r = _boot(boot, profile="no-entropy")
    assert "cpu: smep smap\n" in r.output.replace("\r", "")      # no rdrand on this machine
    assert _lines(r, "identity: no entropy source: ") == [
        "refusing to issue tokens, salts, challenges or keys (VERIFY and SIGN still work)"]
    assert _lines(r, "idcheck: FAIL") == []
    refusal = [ln for ln in _lines(r, "idcheck: data ") if ln.startswith("refusal=")]
    assert refusal == ["refusal=no entropy source: Identity issues no secrets"]
    ran = _lines(r, "idcheck: ok ")
    for case in ("no user without entropy (no salt)", "no service key without entropy",
                 "no challenge without entropy", "VERIFY still answers"):
        assert case in ran
