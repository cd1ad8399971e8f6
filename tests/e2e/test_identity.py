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

The boot gets a machine secret (fw_cfg), so Identity seals its records in Storage: the
host opens one with the key it derives from the same file (and fails with another), and
system-idcheck restarts Identity and finds everything but the sessions again. A second
boot, on a machine with no entropy source and no secret (qemu/no-entropy.toml: no RDRAND,
no virtio-rng), shows Identity refusing to issue secrets and saying why.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from orbital_build import secret
from orbital_build.abi.envelope import make_commit_envelope, stream_frame
from orbital_build.axiom.chain import read_stream
from orbital_build.axiom.command import verify_log
from orbital_build.cli.build import main as build_main
from orbital_build.errors import OrbitalError
from orbital_build.generated import abi

# The cases the host insists on (a case that silently stopped running fails here).
REQUIRED = [
    "a process without the SECRET capability cannot read the machine key",
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
    "alice's record is in Storage, sealed to its size",
    "its clear header says what it is and nothing more",
    "no name in the clear",
    "the service's record holds no key in the clear",
    "init restarts Identity",
    "after a restart alice logs in with her password",
    "sessions end with the instance",
    "the service token and key survive",
]
SECRET_REQUIRED = [
    "the image gave this program a SECRET capability",
    "secret_read on another kind of capability: EBADF",
    "secret_read gives 32 bytes",
    "a buffer of 31 bytes: EOVERFLOW",
    "a NULL buffer: EINVAL",
    "a kernel address: EINVAL",
    "the same key every time",
]
RNG_REQUIRED = [
    "RNG_READ of 32 bytes gives 32",
    "a second read gives other bytes",
    "RNG_READ of ENTROPY_MAX bytes",
    "RNG_READ of 0 bytes: malformed",
    "RNG_READ over ENTROPY_MAX: malformed",
    "RNG_READ of 3 bytes: malformed",
    "an unknown tag: MSG_ERROR",
    "the driver serves on",
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


def _boot(boot: Any, **kw: Any) -> Any:
    r = boot("identity-test", timeout=240,
             expect=["system-idcheck done", "idapp done", "secretcheck done"], **kw)
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    return r


@pytest.fixture(scope="module")
def disk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A disk (made by the first boot) and beside it its machine secret, DISK.secret."""
    return tmp_path_factory.mktemp("identity") / "identity.disk"


@pytest.fixture(scope="module")
def machine_secret(session: Any, disk: Path) -> Path:
    return Path(f"{disk}.secret")


@pytest.fixture(scope="module")
def session(boot: Any, disk: Path) -> Any:
    """The first boot on a new disk: every scenario."""
    return _boot(boot, disk=disk)


def _disk_get(disk: Path, key: str, out: Path) -> bytes:
    assert build_main(["disk", "get", str(disk), f"system:{key}", "-o", str(out)]) == 0
    return out.read_bytes()


@pytest.fixture(scope="module")
def stored(session: Any, disk: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Identity's records as `orbital-build disk get` shows them after the first boot."""
    out = tmp_path_factory.mktemp("records") / "value"
    return {k: _disk_get(disk, f"identity/{k}", out)
            for k in ("user/alice", "user/admin", "service/signer", "keycheck")}


@pytest.fixture(scope="module")
def rebooted(boot: Any, session: Any, stored: dict, disk: Path) -> Any:
    """A second boot on the same disk with its own machine secret."""
    return _boot(boot, disk=disk)


@pytest.fixture(scope="module")
def other_secret(boot: Any, rebooted: Any, disk: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A third boot on the same disk with another machine's secret."""
    other = tmp_path_factory.mktemp("other") / "other.secret"
    assert secret.ensure_secret(other)
    return _boot(boot, disk=disk, machine_secret=other)


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
    missing = [c for c in REQUIRED + APP_REQUIRED + SECRET_REQUIRED + RNG_REQUIRED
               if c not in ran]
    assert missing == []
    [summary] = _lines(session, "idcheck: system-idcheck: ")
    assert re.fullmatch(r"\d+ passed, 0 failed", summary), summary
    assert _lines(session, "idcheck: idapp: ") == [f"{len(APP_REQUIRED)} passed, 0 failed"]


def test_the_service_restarted_only_when_asked(session: Any) -> None:
    started = re.findall(r"^init: started identity \(pid \d+\)", session.output, re.MULTILINE)
    assert len(started) == 2      # at boot, and the restart persist_cases asks init for
    exits = re.findall(r"^init: identity \(pid \d+\) exited: (.*)$", session.output,
                       re.MULTILINE)
    assert exits == ["code -1, reason killed; restarted on request"]


def test_test_costs_are_marked(session: Any) -> None:
    lines = _lines(session, "identity: TEST-ONLY parameters: ")
    assert len(lines) == 2          # each start says it (the boot's and the restart's)
    assert all(ln.startswith("Argon2id t=1 m=64 KiB p=1, sessions 2 s") for ln in lines)
    assert _lines(session, "identity: no disk") == []


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


def test_the_kernel_derives_the_hosts_checkpoint_key(session: Any, machine_secret: Path) -> None:
    [line] = _lines(session, "secret: ")
    pub = secret.checkpoint_public_key(machine_secret.read_bytes()).hex()
    assert line == f"32 bytes from the host; checkpoints signed by Ed25519 key {pub}"


def test_the_kernel_hands_identity_the_hosts_identity_key(session: Any,
                                                         machine_secret: Path) -> None:
    assert _data(session)["machine-key"] == secret.identity_key(machine_secret.read_bytes()).hex()


def _hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """HChaCha20 (draft-irtf-cfrg-xchacha §2.2): the subkey XChaCha20 runs ChaCha20 with."""
    def rotl(v: int, n: int) -> int:
        return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))

    def qr(x: list[int], a: int, b: int, c: int, d: int) -> None:
        for p, q, r, n in ((a, b, d, 16), (c, d, b, 12), (a, b, d, 8), (c, d, b, 7)):
            x[p] = (x[p] + x[q]) & 0xFFFFFFFF
            x[r] = rotl(x[r] ^ x[p], n)

    x = [*struct.unpack("<4I", b"expand 32-byte k"), *struct.unpack("<8I", key),
         *struct.unpack("<4I", nonce16)]
    for _ in range(10):
        for a, b, c, d in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                           (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            qr(x, a, b, c, d)
    return struct.pack("<8I", *x[0:4], *x[12:16])


def _unseal(key: bytes, storage_key: bytes, value: bytes) -> bytes:
    """Open a sealed record as docs/decisions.md D243 says: XChaCha20-Poly1305, the header
    and the Storage key as associated data."""
    header = value[:abi.IdentitySealed.SIZE]
    h = abi.IdentitySealed.unpack(header)
    sub = _hchacha20(key, bytes(h.nonce[:16]))
    return ChaCha20Poly1305(sub).decrypt(bytes(4) + bytes(h.nonce[16:]),
                                         value[len(header):], header + storage_key)


def test_disk_get_shows_only_ciphertext(stored: dict, session: Any) -> None:
    guest_view = bytes.fromhex(_data(session)["stored-alice"])
    assert stored["user/alice"] == guest_view        # what Storage gave the guest is on disk
    service_key = bytes.fromhex(_data(session)["service-key"])
    for key, value in stored.items():
        h = abi.IdentitySealed.unpack(value[:abi.IdentitySealed.SIZE])
        assert (h.magic, h.version) == (abi.IDENTITY_SEALED_MAGIC, abi.IDENTITY_SEALED_VERSION)
        for plain in (b"alice", b"admin", b"signer", b"argon", service_key):
            assert plain not in value, (key, plain)


def test_records_open_only_with_the_disks_machine_secret(stored: dict, session: Any,
                                                         machine_secret: Path) -> None:
    key = secret.identity_key(machine_secret.read_bytes())
    user = abi.IdentityUser.unpack(_unseal(key, b"identity/user/alice", stored["user/alice"]))
    assert bytes(user.name).rstrip(b"\0") == b"alice"
    assert user.roles == abi.IDENTITY_ROLE_USER and user.nkeys == 1
    assert bytes(user.keys[:32]).hex() == _data(session)["user-key"]
    assert (user.opslimit, user.memlimit_kib) == (1, 64)          # the TEST-ONLY costs
    svc = abi.IdentityService.unpack(
        _unseal(key, b"identity/service/signer", stored["service/signer"]))
    assert svc.has_secret == 1 and bytes(svc.public_key).hex() == _data(session)["service-key"]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    derived = Ed25519PrivateKey.from_private_bytes(bytes(svc.seed)).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert derived == bytes(svc.public_key)                       # the sealed seed is the key
    with pytest.raises(InvalidTag):                               # another machine's key
        _unseal(secret.identity_key(os.urandom(32)), b"identity/user/alice",
                stored["user/alice"])
    with pytest.raises(InvalidTag):                               # moved to another key
        _unseal(key, b"identity/user/bob", stored["user/alice"])


def test_users_and_keys_survive_a_reboot_with_the_same_disk(rebooted: Any,
                                                            session: Any) -> None:
    assert _lines(rebooted, "identity: records sealed in Storage under the machine secret: ") \
        == ["3 users, 3 services read"]
    assert "idcheck: a later boot on the same disk" in rebooted.output
    d = _data(rebooted)
    assert (d["reboot-alice"], d["reboot-admin"], d["reboot-register"]) == ("ok", "admin", "ok")
    assert d["reboot-signer-key"] == _data(session)["service-key"]    # the same key pair
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(d["reboot-signer-key"]))
    key.verify(bytes.fromhex(d["reboot-signature"]), b"signed after a reboot")


def test_another_machine_secret_cannot_read_them(other_secret: Any, session: Any, stored: dict,
                                                 disk: Path, tmp_path: Path) -> None:
    assert _lines(other_secret, "identity: the stored records are sealed under another ") == [
        "machine secret (or damaged): not reading or writing them; running in memory"]
    d = _data(other_secret)
    assert (d["reboot-alice"], d["reboot-admin"]) == ("InvalidCredentials", "unknown")
    assert d["reboot-signer-key"] != _data(session)["service-key"]
    # nothing it could not read was written over
    for k, value in stored.items():
        if k != "service/signer":            # the second boot registered signer again
            assert _disk_get(disk, f"identity/{k}", tmp_path / "v") == value


def test_records_are_read_back_after_a_restart(session: Any) -> None:
    assert _lines(session, "identity: records sealed in Storage under the machine secret: ") \
        == ["0 users, 0 services read", "3 users, 3 services read"]


def _rechain(data: bytes, alter: int) -> bytes:
    """The log a forger makes: commit `alter` gets another timestamp (nothing the replay or
    the state hash sees), then every id, prev and seal after it is recomputed, so the hash
    chain is whole again. Only the kernel's signatures cannot be redone."""
    log = read_stream(data, stopped=True)
    seals = {s.after: s for s in log.seals}
    out, prev = bytearray(), bytes(32)
    for i, c in enumerate(log.commits):
        if i in seals:
            out += stream_frame(abi.Seal(i, prev, seals[i].seal.reason).encode(),
                                abi.AXIOM_SEAL_MAGIC)
        e = c.env
        env = make_commit_envelope(e.seq, e.timestamp + (1000 if i == alter else 0), prev,
                                   e.type, e.payload, e.caused_by)
        out += stream_frame(env.encode(), abi.AXIOM_STREAM_MAGIC)
        prev = env.id
    return bytes(out)


def test_checkpoints_are_signed_with_the_machines_key(session: Any, machine_secret: Path,
                                                       tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    pub = secret.checkpoint_public_key(machine_secret.read_bytes())
    s = verify_log(session.axiom_log, partial_tail=True, key=pub)
    assert s["signatures_verified"] == s["signed"] == s["checkpoints"] >= 2
    assert build_main(["axiom", "key", str(machine_secret)]) == 0
    assert capsys.readouterr().out.strip() == pub.hex()
    assert build_main(["axiom", "verify", "--stopped", "--key", pub.hex(),
                       str(session.axiom_log)]) == 0
    assert f"{s['checkpoints']} checkpoint signatures verified" in capsys.readouterr().out
    with pytest.raises(OrbitalError, match="does not verify with this key"):
        verify_log(session.axiom_log, partial_tail=True,
                   key=secret.checkpoint_public_key(os.urandom(32)))


def test_a_rechained_log_fails_with_the_key(session: Any, machine_secret: Path,
                                            tmp_path: Path) -> None:
    data = session.axiom_log.read_bytes()
    commits = read_stream(data, stopped=True).commits
    first = next(c.seq for c in commits if c.env.type == abi.CommitType.CHECKPOINT)
    forged = tmp_path / "forged.axiom"
    forged.write_bytes(_rechain(data, alter=first // 2))
    s = verify_log(forged, partial_tail=True)          # a whole chain that replays...
    assert s["commits"] == len(commits) and s["checkpoints"] >= 2
    pub = secret.checkpoint_public_key(machine_secret.read_bytes())
    with pytest.raises(OrbitalError, match=rf"checkpoint seq {first} .*does not verify"):
        verify_log(forged, partial_tail=True, key=pub)  # ...that the kernel never signed
    untouched = tmp_path / "same.axiom"                 # the re-chainer changes only that
    untouched.write_bytes(_rechain(data, alter=-1))
    assert verify_log(untouched, partial_tail=True, key=pub)["signatures_verified"] >= 2


def test_no_entropy_source_means_no_secrets(boot: Any) -> None:
    r = _boot(boot, profile="no-entropy")
    assert _lines(r, "secret: ") == [
        "none given (opt/orbital/machine-secret): checkpoints are unsigned"]
    assert _lines(r, "identity: no machine secret") != []
    assert "idcheck: this machine has no secret" in r.output
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
    assert "idcheck: this machine has no entropy device" in r.output
    assert not re.search(r"^init: started virtio-rng", r.output, re.MULTILINE)


def test_virtio_rng_alone_seeds_every_csprng(boot: Any, tmp_path: Path) -> None:
    """No RDRAND, a virtio-rng: the driver's bytes are the only seed, and suffice."""
    r = _boot(boot, profile="rng-only", disk=tmp_path / "rng.disk")
    assert "cpu: smep smap\n" in r.output.replace("\r", "")      # no rdrand on this machine
    assert re.search(r"^virtio-rng: 1af4:1044 at 00:0\d\.0, queue 8: serving entropy$",
                     r.output, re.MULTILINE)
    assert _lines(r, "identity: no entropy source") == []
    assert _lines(r, "idcheck: FAIL") == []
    ran = _lines(r, "idcheck: ok ")
    missing = [c for c in REQUIRED + APP_REQUIRED + SECRET_REQUIRED + RNG_REQUIRED
               if c not in ran]
    assert missing == []
    d = _data(r)                       # keys and signatures made from the driver's seed
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(d["service-key"]))
    key.verify(bytes.fromhex(d["signature"]), b"signed by Identity for the service 'signer'")
