"""The shell (services/shell) in a scripted session on COM1 (images/shell-test.toml).

One boot types SESSION into the serial console, each line after the next `orbital> `
prompt, and every test reads its command's output. Nothing is hard-coded that the system
decides: pids come from the output itself (the kernel's and init's own lines, `ps`, the
programs' self-reports), commits are compared with the CommitLog the host captured, and
memory with the kernel's boot line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from orbital_build.axiom.chain import read_log
from orbital_build.generated import abi

ROOT = Path(__file__).resolve().parents[2]
SHELL_SRC = ROOT / "services" / "shell"

SESSION = [
    "help",                          # 0
    "ps",                            # 1
    "services",                      # 2
    "spawn pm_sleeper console",      # 3
    "ps",                            # 4
    "caps $!",                       # 5
    "perm check $! spawn w",         # 6
    "perm check $$ spawn w",         # 7
    "commits 60",                    # 8
    "kill $!",                       # 9
    "ps",                            # 10
    "spawn pm_sleeper",              # 11
    "kill $! -9",                    # 12
    "log 200",                       # 13
    "restart permissions",           # 14
    "services",                      # 15
    "caps $$",                       # 16
    "update echo",                   # 17
    "services",                      # 18
    "mem",                           # 19
    "frobnicate",                    # 20
    "kill notanumber",               # 21
    "spawn",                         # 22
    "caps 99999",                    # 23
    "kill 99999",                    # 24
    "spawn no-such-prog",            # 25
    "perm check 1 spawn rwx",        # 26
    "log 0",                         # 27
    "restart nosuch",                # 28
    "kill 5 -15",                    # 29
    "echo ab\x7fc",                   # 30: DEL erases the b
    "echo \x1b[Aok",                  # 31: an arrow key's escape sequence is dropped
    "echo " + "x" * 130,             # 32
    "update permissions",            # 33: there is no permissions-v2
    "update nosuch",                 # 34
    "echo session-end",              # 35
]

# Lines other programs print into the console while the shell works.
FOREIGN = re.compile(r"^(init|process|permissions|pm_sleeper|echo|echo-v2|shell): |"
                     r"^process \d+ \(|^orbital: ")

# PID PARENT STATE THREADS CAPS CPU_MS MEM_KIB ENDPTS NOTIFS MSGS PROCS USER NAME; the
# resource columns are used/limit
_USE = r"\s+(\d+)/(\d+)"
PS_ROW = re.compile(rf"^\s*(\d+)\s+(\d+)\s+(\w+){_USE}{_USE}\s+(\d+){_USE * 5}\s+(\S+)\s+(\S+)$")
PS_KINDS = ("threads", "caps", "memory_kib", "endpoints", "notifications", "messages",
            "processes")
SVC_ROW = re.compile(r"^(\S+)\s+(starting|running|stopped|backoff|disabled)\s+(\d+)\s+(\d+)"
                     r"\s+(\d+)\.(\d{3})s\s+(\S+)$")
CAPS_ROW = re.compile(r"^\s*(\d+) (\w+)\s+([r-][w-][g-])\s+(.+?)\s+(\d+|kernel)\s+"
                      r"(\d+)\.(\d{6})s$")
LOG_ROW = re.compile(r"^\s*(\d+) (\d+)\.(\d{6})s pid (\d+)\s+(\w+)\((.*)\) = (\S+)(.*)$")
COMMIT_ROW = re.compile(r"^\s*(\d+) (\d+)\.(\d{6})s (\w+)\s*(.*)$")
FIELD = re.compile(r"([\w.]+)=('[^']*'|\S*)")


@dataclass(frozen=True)
class Ps:
    pid: int
    parent: int
    state: str
    threads: int
    caps: int
    user: str
    name: str
    used: dict[str, int]     # PS_KINDS
    limit: dict[str, int]


def _ps(m: re.Match[str]) -> Ps:
    pairs = [(int(m[i]), int(m[i + 1])) for i in (4, 6, 9, 11, 13, 15, 17)]
    used = {k: u for k, (u, _) in zip(PS_KINDS, pairs, strict=True)}
    limit = {k: lim for k, (_, lim) in zip(PS_KINDS, pairs, strict=True)}
    return Ps(int(m[1]), int(m[2]), m[3], used["threads"], used["caps"], m[19], m[20], used,
              limit)


@dataclass(frozen=True)
class Svc:
    name: str
    state: str
    pid: int
    restarts: int
    version: str


class Session:
    """The boot's output cut at the prompts: part k is what command SESSION[k] printed."""

    def __init__(self, result: Any) -> None:
        self.result = result
        self.output: str = result.output
        parts = self.output.split("orbital> ")
        assert len(parts) >= len(SESSION) + 1, f"only {len(parts) - 1} prompts:\n" + \
            self.output[-3000:]
        self.parts = parts[1:len(SESSION) + 1]

    def lines(self, k: int) -> list[str]:
        """The shell's own lines for command k: no echo of the command, no foreign line."""
        lines = [ln.rstrip("\r") for ln in self.parts[k].split("\n")]
        lines = [ln for ln in lines if ln and not FOREIGN.match(ln)]
        if lines and lines[0] == SESSION[k]:
            lines = lines[1:]
        return lines

    def matches(self, k: int, regex: re.Pattern[str]) -> list[re.Match[str]]:
        return [m for ln in self.lines(k) if (m := regex.match(ln))]

    def one(self, k: int, pattern: str) -> re.Match[str]:
        found = [m for ln in self.lines(k) if (m := re.fullmatch(pattern, ln))]
        assert len(found) == 1, f"{SESSION[k]!r}: {pattern!r} not once in {self.lines(k)}"
        return found[0]

    def ps(self, k: int) -> dict[int, Ps]:
        return {int(m[1]): _ps(m) for m in self.matches(k, PS_ROW)}

    def services(self, k: int) -> dict[str, Svc]:
        return {m[1]: Svc(m[1], m[2], int(m[3]), int(m[4]), m[7])
                for m in self.matches(k, SVC_ROW)}

    def pid_of(self, k: int, name: str) -> int:
        pids = [p.pid for p in self.ps(k).values() if p.name == name]
        assert len(pids) == 1, (name, self.lines(k))
        return pids[0]


@pytest.fixture(scope="module")
def session(boot: Any) -> Session:
    r = boot("shell-test", timeout=120, input_lines=SESSION, expect=[r"^session-end$"])
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    print(f"shell session: {r.elapsed_s:.2f} s of QEMU")
    return Session(r)


@pytest.fixture(scope="module")
def shell_pid(session: Session) -> int:
    pids = re.findall(r"^shell: pid (\d+) on COM1", session.output, re.MULTILINE)
    assert len(pids) == 1, pids   # the shell never restarted during the session
    return int(pids[0])


@pytest.fixture(scope="module")
def started(session: Session) -> dict[str, int]:
    """Service name -> pid of its first instance, from the first `services`."""
    return {s.name: s.pid for s in session.services(2).values() if s.state == "running"}


def spawned(session: Session, k: int) -> int:
    return int(session.one(k, r"spawned pm_sleeper: pid (\d+)")[1])


# --- the commands --------------------------------------------------------------------------

def test_help_lists_every_command(session: Session) -> None:
    listed = {ln.split()[0] for ln in session.lines(0) if ln.startswith("  ")}
    assert listed == {"help", "echo", "sleep", "ps", "spawn", "kill", "mem", "services",
                      "restart", "update", "caps", "perm", "log", "commits", "kv", "df", "fetch",
                      "ping", "net", "useradd", "login", "logout", "whoami", "passwd", "sign"}


def test_ps_lists_the_services_init_runs(session: Session, shell_pid: int,
                                         started: dict[str, int]) -> None:
    ps = session.ps(1)
    assert ps[1].name == "init" and ps[1].parent == 0
    for name in ("permissions", "process", "shell", "echo"):
        pid = started[name]
        assert ps[pid].name == name and ps[pid].parent == 1 and ps[pid].state == "alive"
        assert ps[pid].caps > 0 and ps[pid].threads >= 1
    assert started["shell"] == shell_pid
    assert ps[shell_pid].threads == 2   # the keyboard loop and the thread answering init
    assert len(ps) == len(set(ps))


def test_ps_shows_usage_against_limits(session: Session, shell_pid: int,
                                       started: dict[str, int]) -> None:
    before, during, after = session.ps(1), session.ps(4), session.ps(10)
    for rows in (before, during, after):
        for p in rows.values():
            assert all(p.used[k] <= p.limit[k] for k in PS_KINDS), p
    root = during[1]   # init holds the machine (decisions D80, D82)
    assert (root.limit["processes"], root.limit["threads"], root.limit["endpoints"]) == \
        (63, 512, 1024)
    # the shell has no [service.limits] in the image: the kernel defaults
    assert during[shell_pid].limit == {
        "threads": abi.DEFAULT_THREADS, "caps": abi.DEFAULT_CAPS,
        "memory_kib": abi.DEFAULT_MEMORY // 1024, "endpoints": abi.DEFAULT_ENDPOINTS,
        "notifications": abi.DEFAULT_NOTIFICATIONS, "messages": abi.DEFAULT_MESSAGES,
        "processes": abi.DEFAULT_PROCESSES}
    assert during[shell_pid].used["threads"] == 2
    # the PM's image limits, and a child of its own charged to it while it lives
    pm = started["process"]
    assert during[pm].limit["processes"] == 24 and during[pm].limit["memory_kib"] == 128 << 10
    child = spawned(session, 3)
    assert during[child].limit["memory_kib"] == abi.DEFAULT_MEMORY // 1024   # PM_CHILD_MEMORY
    assert during[child].used["memory_kib"] > 0 and during[child].used["threads"] == 1
    assert during[pm].used["processes"] == before[pm].used["processes"] + 1
    assert after[pm].used["processes"] == before[pm].used["processes"]
    # init's services are charged to it: its process count covers them
    assert before[1].used["processes"] >= len([p for p in before.values() if p.parent == 1])


def test_services_agree_with_ps(session: Session) -> None:
    svcs, ps = session.services(2), session.ps(1)
    for name in ("permissions", "process", "shell", "echo"):
        s = svcs[name]
        assert (s.state, s.restarts, s.version) == ("running", 0, "1")
        assert ps[s.pid].name == name
    assert (svcs["echo-v2"].state, svcs["echo-v2"].pid) == ("stopped", 0)
    assert len(svcs) == 6


def test_spawned_program_appears_in_ps_and_is_gone_after_kill(session: Session,
                                                              started: dict[str, int]
                                                              ) -> None:
    pid = spawned(session, 3)
    row = session.ps(4)[pid]
    assert (row.name, row.parent, row.state) == ("pm_sleeper", started["process"], "alive")
    session.one(9, rf"pid {pid} terminated")
    assert pid not in session.ps(10)
    assert f"process {pid} (pm_sleeper) exited, code 0" in session.output   # the kernel's


def test_kill_minus_9_kills_at_once(session: Session) -> None:
    pid = spawned(session, 11)
    session.one(12, rf"pid {pid} killed")
    assert f"process {pid} (pm_sleeper) killed" in session.output


def test_caps_of_a_process_match_what_it_holds(session: Session,
                                               started: dict[str, int]) -> None:
    pid = spawned(session, 3)
    # pm_sleeper lists its own capabilities as the kernel gives them (cap_list)
    own = {(int(s), abi.ObjectType(int(t)).name.lower(), int(r)) for s, t, r in re.findall(
        rf"(?:^|orbital> )pm_sleeper: pid {pid} holds slot (\d+) type (\d+) rights (\d+)$",
        session.output, re.MULTILINE)}
    session.one(5, rf"pid {pid} holds {len(own)} capabilities")
    rows = session.matches(5, CAPS_ROW)
    letters = {"r": abi.Rights.READ, "w": abi.Rights.WRITE, "g": abi.Rights.GRANT}
    shown = {(int(m[1]), m[2], sum(letters[c] for c in m[3] if c != "-")) for m in rows}
    assert shown == own and len(own) == 3
    console = [m for m in rows if m[2] == "console"]
    assert console and console[0][5] == str(started["process"])   # the PM handed it over


def test_caps_of_the_shell_after_permissions_restarted(session: Session) -> None:
    rows = session.matches(16, CAPS_ROW)
    image = [(m[2], m[3], m[4], m[5]) for m in rows if int(m[1]) < 7]
    assert image == [
        ("endpoint", "rw-", image[0][2], "1"),
        ("endpoint", "-wg", image[1][2], "1"),
        ("console", "rw-", "-", "1"),
        ("ioport", "rw-", "ports 0x3f8-0x3ff", "1"),
        ("irq", "rw-", "line 4", "1"),
        ("endpoint", "-w-", image[5][2], "1"),
        ("endpoint", "-w-", image[6][2], "1"),
    ]
    assert [int(m[1]) for m in rows][:7] == list(range(7))
    # the Axiom logs are read through Permissions: only init and Permissions hold them
    assert all(m[2] != "axiom" for m in rows)


def test_permission_check_says_why(session: Session, shell_pid: int) -> None:
    pid = spawned(session, 3)
    session.one(6, rf"denied: pid {pid} spawn w: No policy allows this permission(; .*)?")
    session.one(7, rf"allowed: pid {shell_pid} spawn w: Allowed by rule: system-spawn")


def _host_value(value: object) -> str:
    if isinstance(value, abi.Resources):
        return ",".join(str(a) for a in value.amount)
    if isinstance(value, str):
        return "'" + "".join(c if " " <= c < "\x7f" and c != "'" else "?"
                             for c in value) + "'"
    if isinstance(value, bytes):
        return value.hex()
    return str(int(value))   # type: ignore[call-overload]


def test_commits_are_decoded_like_the_host_does(session: Session) -> None:
    host = {c.seq: c for c in read_log(session.result.axiom_log)}
    rows = session.matches(8, COMMIT_ROW)
    assert len(rows) == 60
    for m in rows:
        c = host[int(m[1])]
        assert m[4] == c.kind, m[0]
        assert int(m[2]) * 10**6 + int(m[3]) == c.env.timestamp // 1000, m[0]
        fields = dict(FIELD.findall(m[5]))
        if c.env.caused_by is not None:
            assert fields.pop("caused_by") == str(c.env.caused_by), m[0]
        expected: dict[str, str] = {}
        for name, value in vars(c.payload).items():
            if name == "cap":
                expected |= {f"cap.{k}": _host_value(v) for k, v in vars(value).items()
                             if not k.startswith("_")}
            else:
                expected[name] = _host_value(value)
        assert fields == expected, m[0]
    pid = spawned(session, 3)
    created = [m for m in rows if m[4] == "process_created" and f"pid={pid} " in m[5]]
    assert created and "name='pm_sleeper'" in created[0][5]
    consoles = [m for m in rows if m[4] == "cap_inserted" and f"pid={pid} " in m[5]
                and "cap.object_type=6 " in m[5]]
    assert consoles   # the console capability the spawn asked for


def test_log_shows_the_calls_of_the_session(session: Session, shell_pid: int,
                                            started: dict[str, int]) -> None:
    victim = spawned(session, 11)
    rows = session.matches(13, LOG_ROW)
    assert len(rows) == 200
    seqs = [int(m[1]) for m in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 200))
    times = [int(m[2]) * 10**6 + int(m[3]) for m in rows]
    assert times == sorted(times)

    def args(m: re.Match[str]) -> list[int]:
        return [int(a, 16) for a in m[6].split(", ") if a]

    pm = started["process"]
    kills = [m for m in rows if int(m[4]) == pm and m[5] == "process_kill"]
    assert [(args(m)[1], m[7]) for m in kills] == [(victim, "0")]
    calls = [m for m in rows if int(m[4]) == shell_pid and m[5] == "endpoint_call"
             and args(m)[1] & 0xFFFFFFFF == abi.Tag.PM_KILL]
    assert calls and args(calls[-1])[0] == 5   # through slot 5, the PM's endpoint
    assert seqs.index(int(calls[-1][1])) < seqs.index(int(kills[0][1]))


def test_restart_brings_a_service_back_with_a_new_pid(session: Session,
                                                      started: dict[str, int]) -> None:
    old = started["permissions"]
    m = session.one(14, r"restarted permissions: pid (\d+) -> (\d+), restarts 1")
    assert int(m[1]) == old and int(m[2]) != old
    s = session.services(15)["permissions"]
    assert (s.state, s.pid, s.restarts) == ("running", int(m[2]), 1)
    assert f"process {old} (permissions) killed" in session.output


def test_update_switches_to_the_second_build(session: Session,
                                             started: dict[str, int]) -> None:
    m = session.one(17, r"updated echo to echo-v2: pid (\d+) -> (\d+), version 2, "
                        r"state running")
    assert int(m[1]) == started["echo"] and int(m[2]) != started["echo"]
    s = session.services(18)["echo"]
    assert (s.state, s.pid, s.version) == ("running", int(m[2]), "2")


def test_mem_agrees_with_the_kernel(session: Session) -> None:
    boot = re.search(r"^frames: (\d+) free of (\d+) \(\d+ MiB\), (\d+) reserved$",
                     session.output, re.MULTILINE)
    assert boot
    m = session.one(19, r"frames: total (\d+) \((\d+) KiB\), free (\d+) \((\d+) KiB\), "
                        r"used (\d+) \((\d+) KiB\), kernel (\d+) \((\d+) KiB\)")
    total, free, used, kernel = int(m[1]), int(m[3]), int(m[5]), int(m[7])
    assert total == int(boot[2]) + int(boot[3]) and kernel == int(boot[3])
    assert used == total - free and 0 < free < total
    assert [int(m[i]) for i in (2, 4, 6, 8)] == [4 * total, 4 * free, 4 * used, 4 * kernel]
    procs = session.one(19, r"processes: (\d+), threads: (\d+)")
    rows = [r for ln in session.lines(19)
            if (r := re.fullmatch(r"\s*(\d+)\s+(\d+)  (\S+)", ln))]
    assert len(rows) == int(procs[1]) <= int(procs[2])
    mapped = sum(int(r[2]) for r in rows)
    session.one(19, rf"total {mapped} KiB mapped by {len(rows)} processes")
    assert 0 < mapped <= 4 * used


BAD_INPUT = {
    20: "unknown command 'frobnicate' (try 'help')",
    21: "kill: 'notanumber' is not a process id",
    22: "spawn: missing argument (usage: spawn NAME [console] [storage] [network])",
    23: "caps: no process 99999",
    24: "kill: pid 99999: not found (ENOENT)",
    25: "spawn: no-such-prog: no such program in the boot image (BinaryNotFound)",
    26: "perm: bad rights 'rwx' (letters from r, w, g)",
    27: "log: '0' is not a count (1-200)",
    28: "restart: nosuch: no such service (ENOENT)",
    29: "kill: unknown option '-15' (only -9)",
    33: "update: permissions: no program 'permissions-v2' in the boot archive (ENOENT)",
    34: "update: nosuch: no such service (ENOENT)",
}


@pytest.mark.parametrize("k", sorted(BAD_INPUT), ids=[SESSION[k] for k in sorted(BAD_INPUT)])
def test_bad_input_gets_one_clear_line(session: Session, k: int) -> None:
    assert session.lines(k) == [BAD_INPUT[k]]


def test_line_editing(session: Session) -> None:
    assert session.lines(30)[-1] == "ac"
    assert session.lines(31)[-1] == "ok"
    assert session.lines(32)[-1] == "error: line longer than 127 characters"
    assert session.lines(32)[0] == ("echo " + "x" * 130)[:127]   # the echo stops there


def test_the_shell_kept_going(session: Session, shell_pid: int) -> None:
    last = session.lines(len(SESSION) - 1)   # QEMU stops as soon as it is seen
    assert last[0] == "session-end" and all("orbital> ".startswith(x) for x in last[1:])
    assert "KERNEL" not in session.output and "fault:" not in session.output


# --- the shell's commit layouts against the ABI definitions (no QEMU) ---------------------

def test_commit_layouts_match_the_abi() -> None:
    text = (SHELL_SRC / "commit_fmt.c").read_text()
    blocks = re.findall(r"\{ 0x([0-9A-Fa-f]{2}), \{ (.*?) \} \},", text, re.DOTALL)
    layouts = {int(n, 16): re.findall(r'\{ (F_\w+), "(\w+)" \}', body) for n, body in blocks}

    def kind(codec: object) -> str:
        name = type(codec).__name__
        if name == "Int":
            size, signed = codec.size, codec.signed   # type: ignore[attr-defined]
            return {(1, False): "F_U8", (2, False): "F_U16", (4, False): "F_U32",
                    (4, True): "F_I32", (8, False): "F_U64"}[(size, signed)]
        if name == "Raw":
            return "F_HASH"
        if name == "Fixed":
            return {"CapRecord": "F_CAP", "Resources": "F_RES"}[
                codec.cls.__name__]   # type: ignore[attr-defined]
        return {"Str": "F_STR", "Bytes": "F_BYTES"}[name]

    expected = {int(t): [(kind(c), f) for f, c in cls.CODEC.fields]
                for t, cls in abi.COMMIT_TYPES.items()}
    assert layouts == expected
