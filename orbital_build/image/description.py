"""The image description (`images/*.toml`): which kernel, which services with which
initial capabilities and limits, and how much memory. Unknown keys are errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..thirdparty.lock import LOCK_PATH, load_lock
from .schema import SchemaError, Table, load_toml, parse_size

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
ROLES = ("init", "service", "app", "test")
RESTART = ("never", "on-failure", "always", "backoff")
CAP_KINDS = ("console", "process", "endpoint", "memory", "irq", "ioport", "axiom", "pci",
             "secret")
PCI_ID_RE = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{4}$")
PCI_CLASS_RE = re.compile(r"^class:[0-9a-f]{4}$")


@dataclass(frozen=True)
class CapSpec:
    """One initial capability: `kind[:object]:rights`, e.g. `process:root:rwg`,
    `endpoint:storage:w`, `irq:4:rw`, `ioport:0x3f8-0x3ff:rw`, `console:w`, and for a PCI
    device a match, `pci:1af4:1042:rw` (vendor:device) or `pci:class:0100:rw` (class and
    subclass): the first device boot finds that matches."""

    kind: str
    object: str
    rights: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.object}:{self.rights}" if self.object else \
            f"{self.kind}:{self.rights}"


@dataclass(frozen=True)
class Limits:
    """`[service.limits]`: the kernel's resource limits (0 = the kernel's default,
    ORB_DEFAULT_<KIND>, docs/decisions.md D80-D82) and init's CPU-time limit."""

    memory: int = 0          # bytes: pages, page tables, CSpace, queued message frames
    msg_bytes: int = 0       # payload bytes of its messages waiting in queues
    processes: int = 0       # processes it may create (with theirs)
    threads: int = 0
    endpoints: int = 0
    notifications: int = 0
    caps: int = 0            # occupied CSpace slots (its own: at most 256)
    messages: int = 0        # its messages waiting in queues
    shm: int = 0             # shared memory objects it created
    msix: int = 0            # MSI-X vectors it binds (drivers)
    cpu_ms: int = 0          # CPU time, 0 = unlimited (init polls it)
    ipc_queue: int = 0       # queued messages on its endpoints, 0 = default

    def kernel(self) -> list[int]:
        """The spawn spec's limits array, indexed by ORB_RES_*."""
        return [self.memory, self.msg_bytes, self.processes, self.threads, self.endpoints,
                self.notifications, self.caps, self.messages, self.shm, self.msix]


@dataclass(frozen=True)
class Backoff:
    initial_ms: int = 100
    max_ms: int = 10000
    max_attempts: int = 10


@dataclass(frozen=True)
class Service:
    name: str
    source: str            # directory of C sources, relative to the project root
    role: str
    start: bool
    priority: int
    phase: int
    restart: str
    depends_on: tuple[str, ...]
    register: str          # service type it may register with init ("" = none)
    version: str
    caps: tuple[CapSpec, ...]
    limits: Limits
    backoff: Backoff = Backoff()
    max_restarts: int = 5            # per 60 s before init disables it (spec §5.10 #44)
    libraries: tuple[str, ...] = ()  # third-party libraries it links (lock.toml names)
    cflags: tuple[str, ...] = ()     # -DNAME[=VALUE] defines its sources compile with
    trust: tuple[Path, ...] = ()     # PEM files: TLS trust anchors compiled in (trust.py)


@dataclass(frozen=True)
class Image:
    path: Path
    name: str
    description: str
    profile: str
    memory: int
    cmdline: str
    kernel_source: str
    kernel_cflags: tuple[str, ...]
    services: tuple[Service, ...] = field(default_factory=tuple)
    kernel_kpti: bool = False          # [kernel] kpti: separate user page tables

    @property
    def init(self) -> Service | None:
        return next((s for s in self.services if s.role == "init"), None)


def _name_check(v: str) -> str | None:
    return None if NAME_RE.match(v) else "must match [a-z][a-z0-9_-]{0,30}"


DEFINE_RE = re.compile(r"-D[A-Za-z_][A-Za-z0-9_]*(=[\w.]*)?")


def _defines(t: Table, key: str) -> tuple[str, ...]:
    """A list of -DNAME[=VALUE] compiler defines (nothing else reaches the command line)."""
    flags = t.get(key, list, [])
    for i, f in enumerate(flags):
        if not isinstance(f, str) or not DEFINE_RE.fullmatch(f):
            raise t.error(f"'{t.key(key)}[{i}]' must be a -DNAME[=VALUE] define")
    return tuple(flags)


def parse_cap(text: str) -> CapSpec:
    """Parse `kind[:object]:rights`; raises ValueError with the reason."""
    parts = text.split(":")
    if parts[0] == "pci" and len(parts) == 4:   # the object has a colon of its own
        parts = [parts[0], f"{parts[1]}:{parts[2]}", parts[3]]
    if len(parts) not in (2, 3):
        raise ValueError(f"capability {text!r}: expected kind[:object]:rights")
    kind, rights = parts[0], parts[-1]
    obj = parts[1] if len(parts) == 3 else ""
    if kind not in CAP_KINDS:
        raise ValueError(f"capability {text!r}: unknown kind {kind!r} "
                         f"(one of {', '.join(CAP_KINDS)})")
    if not rights or any(c not in "rwg" for c in rights) or len(set(rights)) != len(rights):
        raise ValueError(f"capability {text!r}: rights must be a subset of 'rwg'")
    needs_object = kind in ("endpoint", "irq", "ioport", "process", "pci")
    if needs_object and not obj:
        raise ValueError(f"capability {text!r}: '{kind}' needs an object")
    if kind == "irq" and not (obj.isdigit() and int(obj) < 24):
        raise ValueError(f"capability {text!r}: irq must be a line 0-23")
    if kind == "ioport":
        m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)(?:-(0x[0-9a-fA-F]+|\d+))?", obj)
        if not m:
            raise ValueError(f"capability {text!r}: ioport must be PORT or FIRST-LAST")
        lo = int(m.group(1), 0)
        hi = int(m.group(2), 0) if m.group(2) else lo
        if not lo <= hi <= 0xFFFF:
            raise ValueError(f"capability {text!r}: port range out of order or > 0xffff")
    if kind == "pci" and not (PCI_ID_RE.match(obj) or PCI_CLASS_RE.match(obj)):
        raise ValueError(f"capability {text!r}: pci needs VENDOR:DEVICE or class:CCSS, four "
                         "lower-case hex digits each (e.g. pci:1af4:1042:rw)")
    if kind == "process" and obj != "root" and not NAME_RE.match(obj):
        raise ValueError(f"capability {text!r}: process object is 'root' or a service name")
    return CapSpec(kind, obj, "".join(c for c in "rwg" if c in rights))


def _limits(t: Table | None) -> Limits:
    if t is None:
        return Limits()

    def size(v: str) -> str | None:
        try:
            parse_size(v)
        except ValueError as e:
            return str(e)
        return None

    def nonneg(v: int) -> str | None:
        return None if v >= 0 else "must be >= 0"

    def count(most: int):
        return lambda v: None if 0 <= v <= most else f"must be 0-{most}"

    big = 1 << 48   # ORB_LIMIT_MAX
    mem = t.get("memory", str, "0", check=size)
    msg_bytes = t.get("msg_bytes", str, "0", check=size)
    lim = Limits(memory=parse_size(mem), msg_bytes=parse_size(msg_bytes),
                 processes=t.get("processes", int, 0, check=count(63)),
                 threads=t.get("threads", int, 0, check=count(512)),
                 endpoints=t.get("endpoints", int, 0, check=count(1024)),
                 notifications=t.get("notifications", int, 0, check=count(1024)),
                 caps=t.get("caps", int, 0, check=count(16384)),
                 messages=t.get("messages", int, 0, check=count(4096)),
                 shm=t.get("shm", int, 0, check=count(1024)),
                 msix=t.get("msix", int, 0, check=count(32)),
                 cpu_ms=t.get("cpu_ms", int, 0, check=nonneg),
                 ipc_queue=t.get("ipc_queue", int, 0, check=count(256)))
    t.done()
    if lim.memory > big or lim.msg_bytes > big:
        raise t.error("'memory' and 'msg_bytes' must be at most 262144G")
    return lim


def _service(root: Path, t: Table) -> Service:
    name = t.get("name", str, required=True, check=_name_check)
    source = t.get("source", str, f"services/{name}")
    if not (root / source).is_dir():
        raise t.error(f"'{t.key('source')}': no directory {source}")
    role = t.get("role", str, "service",
                 check=lambda v: None if v in ROLES else f"must be one of {', '.join(ROLES)}")
    caps = []
    for i, c in enumerate(t.get("caps", list, [])):
        if not isinstance(c, str):
            raise t.error(f"'{t.key('caps')}[{i}]' must be a string like 'console:w'")
        try:
            caps.append(parse_cap(c))
        except ValueError as e:
            raise t.error(f"'{t.key('caps')}[{i}]': {e}") from None
    libraries = t.get("libraries", list, [])
    for i, lib in enumerate(libraries):
        if not isinstance(lib, str) or not NAME_RE.match(lib):
            raise t.error(f"'{t.key('libraries')}[{i}]' must be a library name from {LOCK_PATH}")
        if libraries.count(lib) > 1:
            raise t.error(f"'{t.key('libraries')}': '{lib}' is listed twice")
    trust = _trust(t, libraries)
    deps = t.get("depends_on", list, [])
    for i, d in enumerate(deps):
        if not isinstance(d, str) or not NAME_RE.match(d):
            raise t.error(f"'{t.key('depends_on')}[{i}]' must be a service name")
    svc = Service(
        name=name, source=source, role=role,
        start=t.get("start", bool, True),
        priority=t.get("priority", int, 64,
                       check=lambda v: None if 0 <= v <= 255 else "must be 0-255"),
        phase=t.get("phase", int, 1, check=lambda v: None if 0 <= v <= 3 else "must be 0-3"),
        restart=t.get("restart", str, "on-failure",
                      check=lambda v: None if v in RESTART else
                      f"must be one of {', '.join(RESTART)}"),
        depends_on=tuple(deps),
        register=t.get("register", str, "", check=lambda v: None if not v or NAME_RE.match(v)
                       else "must be a service type like 'storage'"),
        version=t.get("version", str, "1",
                      check=lambda v: None if 0 < len(v) <= 32 else "must be 1-32 characters"),
        caps=tuple(caps),
        limits=_limits(t.table("limits")),
        backoff=_backoff(t.table("backoff")),
        max_restarts=t.get("max_restarts", int, 5,
                           check=lambda v: None if 1 <= v <= 10000 else "must be 1-10000"),
        libraries=tuple(libraries),
        cflags=_defines(t, "cflags"),
        trust=trust,
    )
    t.done()
    return svc


def _trust(t: Table, libraries: list[str]) -> tuple[Path, ...]:
    """`trust`: PEM certificate files (relative to the description's directory) whose
    certificates become the service's TLS trust anchors; the service must link BearSSL."""
    from .trust import TrustError, load_certificates

    files = t.get("trust", list, [])
    if files and "bearssl" not in libraries:
        raise t.error(f"'{t.key('trust')}': trust anchors are for TLS: the service must "
                      "list 'bearssl' in its libraries")
    out = []
    for i, f in enumerate(files):
        if not isinstance(f, str) or not f:
            raise t.error(f"'{t.key('trust')}[{i}]' must be the path of a PEM file")
        path = (t.path.parent / f).resolve()
        if not path.is_file():
            raise t.error(f"'{t.key('trust')}[{i}]': no file {f} (paths are relative to "
                          "the description)")
        if path in out:
            raise t.error(f"'{t.key('trust')}': {f} is listed twice")
        try:
            load_certificates(path)
        except TrustError as e:
            raise t.error(f"'{t.key('trust')}[{i}]': {e}") from None
        out.append(path)
    return tuple(out)


def _backoff(t: Table | None) -> Backoff:
    if t is None:
        return Backoff()

    def positive(v: int) -> str | None:
        return None if 0 < v <= 3_600_000 else "must be 1-3600000"

    b = Backoff(initial_ms=t.get("initial_ms", int, 100, check=positive),
                max_ms=t.get("max_ms", int, 10000, check=positive),
                max_attempts=t.get("max_attempts", int, 10, check=positive))
    t.done()
    if b.initial_ms > b.max_ms:
        raise t.error(f"'{t.key('initial_ms')}' is larger than max_ms")
    return b


def load_image(path: Path, root: Path) -> Image:
    """Read and check an image description; every problem is a one-line SchemaError."""
    top = Table(path, "", load_toml(path))
    img = top.table("image") or Table(path, "image", {})
    name = img.get("name", str, path.stem, check=_name_check)
    description = img.get("description", str, "")
    profile = img.get("profile", str, "default", check=_name_check)
    try:
        memory = parse_size(img.get("memory", str, "256M"))
    except ValueError as e:
        raise SchemaError(f"{path}: 'image.memory': {e}") from None
    if not 32 << 20 <= memory <= 4 << 30:
        raise SchemaError(f"{path}: 'image.memory' must be between 32M and 4G")
    cmdline = img.get("cmdline", str, "",
                      check=lambda v: None if len(v) < 255 and v.isprintable()
                      else "must be printable and shorter than 255 characters")
    img.done()

    kern = top.table("kernel") or Table(path, "kernel", {})
    ksrc = kern.get("source", str, "kernel_image")
    if not (root / ksrc).is_dir():
        raise SchemaError(f"{path}: 'kernel.source': no directory {ksrc}")
    kpti = kern.get("kpti", bool, False)
    kflags = _defines(kern, "cflags")
    kern.done()

    services = tuple(_service(root, t) for t in top.tables("service"))
    top.done()

    names = [s.name for s in services]
    for n in names:
        if names.count(n) > 1:
            raise SchemaError(f"{path}: duplicate service name '{n}'")
    inits = [s.name for s in services if s.role == "init"]
    if len(inits) > 1:
        raise SchemaError(f"{path}: more than one service with role 'init': {', '.join(inits)}")
    for s in services:
        for d in s.depends_on:
            if d not in names:
                raise SchemaError(f"{path}: service '{s.name}' depends on unknown '{d}'")
        for c in s.caps:
            if c.kind in ("endpoint", "process") and c.object not in ("root", "init") \
                    and c.object not in names:
                raise SchemaError(f"{path}: service '{s.name}': capability '{c}' names "
                                  f"unknown service '{c.object}'")
    wanted = sorted({lib for s in services for lib in s.libraries})
    if wanted:
        locked = load_lock(root / LOCK_PATH)
        for s in services:
            for lib in s.libraries:
                if lib not in locked:
                    raise SchemaError(f"{path}: service '{s.name}': library '{lib}' is not in "
                                      f"{LOCK_PATH} (locked: {', '.join(sorted(locked))})")
                if locked[lib].build is None:
                    raise SchemaError(f"{path}: service '{s.name}': library '{lib}' is locked "
                                      "for fetching only (no build recipe yet)")
    if len(services) > 60:
        raise SchemaError(f"{path}: at most 60 services fit in a boot archive")
    return Image(path=path, name=name, description=description, profile=profile,
                 memory=memory, cmdline=cmdline, kernel_source=ksrc,
                 kernel_cflags=tuple(kflags), services=services, kernel_kpti=kpti)
