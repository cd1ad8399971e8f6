"""What init reads from the boot archive about the services it supervises: entry
`services` (one `service_desc` per service, image order) and `servicecaps` (their
`service_cap` records). Layouts are the ABI's (orbital_build/abi/defs/types.py)."""

from __future__ import annotations

from ..errors import OrbitalError
from ..generated import abi
from .bootcaps import object_of, rights_mask
from .description import Image, Service

RESTART = {"never": abi.RESTART_NEVER, "on-failure": abi.RESTART_ON_FAILURE,
           "always": abi.RESTART_ALWAYS, "backoff": abi.RESTART_BACKOFF}


def supervised(img: Image) -> list[Service]:
    """The services init starts and watches: all but init and test programs."""
    return [s for s in img.services if s.role in ("service", "app")]


def _fixed(text: str, size: int) -> bytes:
    raw = text.encode()
    if len(raw) >= size:
        raise OrbitalError(f"'{text}' is longer than {size - 1} bytes")
    return raw.ljust(size, b"\0")


def _cap(img: Image, svc: Service, cap, index: dict[str, int]) -> bytes:
    if cap.kind == "endpoint":
        if cap.object not in index:
            raise OrbitalError(f"{img.path}: service '{svc.name}': capability '{cap}' names "
                               f"'{cap.object}', which init does not supervise")
        return abi.ServiceCap(object_type=int(abi.ObjectType.ENDPOINT),
                              rights=rights_mask(cap.rights), service=index[cap.object]).pack()
    try:
        otype, oid = object_of(cap)
    except OrbitalError as e:
        raise OrbitalError(f"{img.path}: service '{svc.name}': {e}") from None
    return abi.ServiceCap(object_type=int(otype), rights=rights_mask(cap.rights),
                          object_id=oid).pack()


def service_tables(img: Image) -> tuple[bytes, bytes]:
    """(services, servicecaps) archive entries."""
    svcs = supervised(img)
    if len(svcs) > 64:
        raise OrbitalError(f"{img.path}: init supervises at most 64 services")
    index = {s.name: i for i, s in enumerate(svcs)}
    descs, caps = bytearray(), bytearray()
    for s in svcs:
        deps = 0
        for d in s.depends_on:
            if d not in index:
                raise OrbitalError(f"{img.path}: service '{s.name}' depends on '{d}', which "
                                   "init does not supervise")
            deps |= 1 << index[d]
        first = len(caps) // abi.ServiceCap.SIZE
        for c in s.caps:
            caps += _cap(img, s, c, index)
        try:
            descs += abi.ServiceDesc(
                name=_fixed(s.name, 32), image=_fixed(s.name, 32),
                service_type=_fixed(s.register, 32), version=_fixed(s.version, 16),
                deps=deps,
                flags=abi.SVC_FLAG_START if s.start else 0,
                backoff_initial_ms=s.backoff.initial_ms, backoff_max_ms=s.backoff.max_ms,
                backoff_max_attempts=s.backoff.max_attempts, max_restarts=s.max_restarts,
                cpu_ms=s.limits.cpu_ms, caps_first=first,
                ncaps=len(s.caps), priority=s.priority, phase=s.phase,
                restart=RESTART[s.restart], limits=s.limits.kernel()).pack()
        except OrbitalError as e:
            raise OrbitalError(f"{img.path}: service '{s.name}': {e}") from None
    return bytes(descs), bytes(caps)
