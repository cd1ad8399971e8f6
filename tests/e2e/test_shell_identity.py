"""The shell's Identity commands (services/shell/commands_id.c) in a scripted session on COM1
(images/shell-test.toml: Identity in memory with TEST-ONLY costs and 3 s sessions).

One boot types SESSION: every command's line after `orbital> `, every password after the
shell's `password: ` prompt (the boot is paced by both). The host checks each answer, that
no password the test typed ever came back on the console (the line editor reads them
without echo), and verifies the Ed25519 signature `sign` printed with Python's
`cryptography`, with a negative twin. Programs the shell spawns act for whoever is logged
in: the Process Manager verifies the session with Identity, records the user (shown by
`ps`), and Permissions' default policy lets only users with the role admin or user spawn
(user-spawn, user-spawn-needs-role; D251, D252).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PROMPT = r"orbital> |password: "
FOREIGN = re.compile(r"^(init|process|permissions|identity|orbital|pm_sleeper|pm_spawner): |"
                     r"^process \d+ \(")
# PID PARENT STATE THREADS CAPS CPU_MS MEM_KIB ENDPTS NOTIFS MSGS PROCS USER NAME (the
# resource columns are used/limit: test_shell.py checks them)
PS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\w+)\s+\d+/\d+\s+\d+/\d+\s+(\d+)"
                    r"(?:\s+\d+/\d+){5}\s+(\S+)\s+(\S+)$")

# (command, passwords typed after it); the index of a command is its place in the session
SCRIPT: list[tuple[str, list[str]]] = [
    ("whoami", []),                                   # 0
    ("logout", []),                                   # 1
    ("passwd", []),                                   # 2
    ("useradd root admin", ["pw-root-1"]),            # 3  the first user: no session needed
    ("useradd bob", ["pw-bob-0"]),                    # 4  the second one needs an admin
    ("login root", ["wrong-pw-1"]),                   # 5
    ("login root", ["pw-root-1"]),                    # 6
    ("whoami", []),                                   # 7
    ("useradd bob user", ["pw-bob-1"]),               # 8
    ("useradd gus guest", ["pw-gus-1"]),              # 9
    ("useradd bob", ["pw-bob-9"]),                    # 10
    ("useradd carol superuser", []),                  # 11
    ("sign hello from the shell", []),                # 12
    ("login bob", ["pw-bob-1"]),                      # 13
    ("useradd eve", ["pw-eve-1"]),                    # 14
    ("passwd", ["pw-bob-1", "pw-bob-2"]),             # 15
    ("login bob", ["pw-bob-1"]),                      # 16 the old password is gone
    ("login bob", ["pw-bob-2"]),                      # 17
    ("sleep 3500", []),                               # 18 longer than the 3 s session
    ("whoami", []),                                   # 19 expired: refreshed
    ("passwd root", ["pw-root-2"]),                   # 20 not bob's to change
    ("logout", []),                                   # 21
    ("whoami", []),                                   # 22
    ("login nobody", ["pw-x-1"]),                     # 23
    ("login root", [""]),                             # 24 an empty password
    ("spawn pm_sleeper", []),                         # 25 for nobody
    ("spawn pm_spawner", []),                         # 26 its own spawn: refused
    ("login gus", ["pw-gus-1"]),                      # 27
    ("spawn pm_sleeper", []),                         # 28 a guest may not spawn
    ("login bob", ["pw-bob-2"]),                      # 29
    ("spawn pm_sleeper", []),                         # 30 for bob
    ("spawn pm_spawner", []),                         # 31 for bob, and so its child
    ("sleep 3500", []),                               # 32
    ("spawn pm_sleeper", []),                         # 33 an expired session
    ("login root", ["pw-root-1"]),                    # 34
    ("spawn pm_sleeper", []),                         # 35 for root
    ("ps", []),                                       # 36
    ("echo id-end", []),                              # 37
]
SESSION = [line for cmd, pws in SCRIPT for line in (cmd, *pws)]
PASSWORDS = [pw for _, pws in SCRIPT for pw in pws if pw]


class Answers:
    """The boot's output cut at `orbital> `: part k is what SCRIPT[k]'s command printed."""

    def __init__(self, output: str) -> None:
        parts = output.split("orbital> ")
        assert len(parts) >= len(SCRIPT) + 1, f"only {len(parts) - 1} prompts:\n{output[-3000:]}"
        self.parts = parts[1:len(SCRIPT) + 1]

    def __getitem__(self, k: int) -> list[str]:
        lines = [ln.rstrip("\r") for ln in self.parts[k].split("\n")]
        lines = [ln for ln in lines if ln and not FOREIGN.match(ln)]
        if lines and lines[0] == SCRIPT[k][0]:
            lines = lines[1:]
        return lines


@pytest.fixture(scope="module")
def boot_result(boot: Any) -> Any:
    r = boot("shell-test", timeout=180, input_lines=SESSION, prompt=PROMPT,
             expect=[r"^id-end$"])
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    return r


@pytest.fixture(scope="module")
def answers(boot_result: Any) -> Answers:
    return Answers(boot_result.output)


def test_no_password_is_echoed(boot_result: Any) -> None:
    for pw in PASSWORDS:
        assert pw not in boot_result.output, pw
    # each password prompt stood alone on its line until Enter (nothing typed showed)
    prompts = re.findall(r"(?:old |new )?password: (.*)", boot_result.output)
    assert len(prompts) == len(PASSWORDS) + 1 and {p.strip() for p in prompts} == {""}


def test_nobody_logged_in_at_first(answers: Answers) -> None:
    assert answers[0] == ["not logged in"]
    assert answers[1] == ["logout: not logged in"]
    assert answers[2] == ["passwd: not logged in"]


def test_useradd(answers: Answers) -> None:
    assert answers[3] == ["password: ", "created user root (admin)"]
    assert answers[4] == ["password: ", ("useradd: PermissionDenied: an administrator's "
                                         "session is needed (only the first user may be "
                                         "created without one, by a System process)")]
    assert answers[8] == ["password: ", "created user bob (user)"]
    assert answers[9] == ["password: ", "created user gus (guest)"]
    assert answers[10] == ["password: ", "useradd: AlreadyExists: the name is taken"]
    assert answers[11] == ["useradd: 'superuser' is no role (admin, user, guest)"]
    assert answers[14] == ["password: ", ("useradd: PermissionDenied: an administrator's "
                                          "session is needed")]


def test_login_and_whoami(answers: Answers) -> None:
    assert answers[5] == ["password: ", "login: InvalidCredentials: wrong name or password"]
    assert answers[6] == ["password: ", "logged in as root (admin); the session ends in 3 s"]
    assert answers[7] == ["user:root (admin); the session ends in 3 s"]
    assert answers[13] == ["password: ", "logged in as bob (user); the session ends in 3 s"]
    assert answers[23] == ["password: ", "login: InvalidCredentials: wrong name or password"]
    assert answers[24] == ["password: ", "login: no password given"]


def test_passwd(answers: Answers) -> None:
    assert answers[15] == ["old password: ", "new password: ", "password of bob changed"]
    assert answers[16] == ["password: ", "login: InvalidCredentials: wrong name or password"]
    assert answers[17] == ["password: ", "logged in as bob (user); the session ends in 3 s"]
    assert answers[20] == ["new password: ", ("passwd: PermissionDenied: only "
                                              "administrators set others' passwords")]


def test_an_expired_session_is_refreshed(answers: Answers) -> None:
    assert answers[18] == []
    assert answers[19] == ["the session had expired: renewed with its refresh token",
                           "user:bob (user); the session ends in 3 s"]


def test_logout(answers: Answers) -> None:
    assert answers[21] == ["logged out"]
    assert answers[22] == ["not logged in"]


def test_sign_verifies_on_the_host(answers: Answers) -> None:
    sig_line, key_line = answers[12]
    sig = bytes.fromhex(re.fullmatch(r"signature ([0-9a-f]{128})", sig_line)[1])
    key = Ed25519PublicKey.from_public_bytes(
        bytes.fromhex(re.fullmatch(r"key ([0-9a-f]{64})", key_line)[1]))
    key.verify(sig, b"hello from the shell")
    with pytest.raises(InvalidSignature):
        key.verify(sig, b"hello from the shell!")


def _spawned(answers: Answers, k: int, name: str = "pm_sleeper") -> int:
    [line] = answers[k]
    return int(re.fullmatch(rf"spawned {name}: pid (\d+)", line)[1])


def _spawner_answer(output: str, pid: int) -> str:
    # (asynchronous lines: one may follow a prompt on its line)
    [answer] = re.findall(rf"pm_spawner: pid {pid}: PM_SPAWN (.*)$", output, re.MULTILINE)
    return answer


def test_ps_shows_whom_each_process_acts_for(answers: Answers, boot_result: Any) -> None:
    nobody, bob, root = _spawned(answers, 25), _spawned(answers, 30), _spawned(answers, 35)
    m = re.fullmatch(r"answered ok 1 error 0 pid (\d+)",
                     _spawner_answer(boot_result.output, _spawned(answers, 31, "pm_spawner")))
    grandchild = int(m[1])
    rows = {int(m[1]): (m[5], m[6]) for ln in answers[36] if (m := PS_ROW.match(ln))}
    assert answers[36][0].split() == ["PID", "PARENT", "STATE", "THREADS", "CAPS", "CPU_MS",
                                      "MEM_KIB", "ENDPTS", "NOTIFS", "MSGS", "PROCS", "USER",
                                      "NAME"]
    assert (rows[nobody], rows[bob], rows[root]) == (("-", "pm_sleeper"), ("bob", "pm_sleeper"),
                                                     ("root", "pm_sleeper"))
    # what a process spawned for bob spawns without a session acts for bob too
    assert rows[grandchild] == ("bob", "grandchild")
    # the services init started act for nobody
    assert {user for pid, (user, _) in rows.items()
            if pid not in (bob, root, grandchild)} == {"-"}


def test_a_rule_requires_a_role_to_spawn(answers: Answers, boot_result: Any) -> None:
    assert answers[27] == ["password: ", "logged in as gus (guest); the session ends in 3 s"]
    assert answers[28] == ["spawn: pm_sleeper: permission denied (PermissionDenied)"]
    refusals = re.findall(r"process: refused spawn of (\w+) for pid \d+: (.*)$",
                          boot_result.output, re.MULTILINE)
    assert refusals == [("grandchild", "spawn: No policy allows this permission"),
                        ("pm_sleeper", "spawn: Denied by rule: user-spawn-needs-role"),
                        ("pm_sleeper", "session: TokenExpired")]
    # an Application acting for nobody may not spawn; acting for bob (role user) it may
    assert _spawner_answer(boot_result.output, _spawned(answers, 26, "pm_spawner")) == \
        "answered ok 0 error 1 pid 0"
    assert re.search(r"process: spawned pm_sleeper \(pid \d+\) for pid \d+ acting for bob ",
                     boot_result.output, re.MULTILINE)


def test_an_expired_session_spawns_nothing(answers: Answers) -> None:
    assert answers[33] == ["spawn: pm_sleeper: permission denied (PermissionDenied)"]
