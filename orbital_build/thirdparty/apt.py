"""A private apt configuration under build/: `apt-get source` for one Debian source
package without touching the machine's apt state.

The deb-src URIs are the machine's own (its `/etc/apt/sources.list` and
`sources.list.d/*.list|*.sources`), kept only where they carry the wanted suite; apt's
lists, cache and a sources.list.d of our own live in `build/third_party/apt/`. Nothing
runs with privileges it would not already have, and nothing outside that folder changes.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import OrbitalError

SYSTEM_SOURCES = Path("/etc/apt")


@dataclass(frozen=True)
class AptSource:
    uri: str
    signed_by: str


def _one_line_entries(text: str) -> list[tuple[list[str], str, list[str], str]]:
    """`deb [opts] URI SUITE COMPONENTS...` lines → (types, uri, suites, signed-by)."""
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        kind, rest = words[0], words[1:]
        signed = ""
        if rest and rest[0].startswith("["):
            opts = []
            while rest:
                w = rest.pop(0)
                opts.append(w)
                if w.endswith("]"):
                    break
            for o in " ".join(opts).strip("[]").split():
                if o.startswith("signed-by="):
                    signed = o.split("=", 1)[1]
        if kind in ("deb", "deb-src") and len(rest) >= 2:
            out.append(([kind], rest[0], [rest[1]], signed))
    return out


def _deb822_entries(text: str) -> list[tuple[list[str], str, list[str], str]]:
    out = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in stanza.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0] in " \t" and key:
                fields[key] += " " + line.strip()
                continue
            if ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
        if fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            out.append((fields.get("types", "").split(), uri, fields.get("suites", "").split(),
                        fields.get("signed-by", "")))
    return out


def system_sources(suite: str, etc: Path = SYSTEM_SOURCES) -> list[AptSource]:
    """The machine's Debian archive URIs that serve `suite` (deb or deb-src lines)."""
    entries = []
    main = etc / "sources.list"
    if main.is_file():
        entries += _one_line_entries(main.read_text(errors="replace"))
    parts = etc / "sources.list.d"
    if parts.is_dir():
        for f in sorted(parts.iterdir()):
            if f.suffix == ".list":
                entries += _one_line_entries(f.read_text(errors="replace"))
            elif f.suffix == ".sources":
                entries += _deb822_entries(f.read_text(errors="replace"))
    seen: dict[str, AptSource] = {}
    for types, uri, suites, signed in entries:
        if suite in suites and ({"deb", "deb-src"} & set(types)) and uri not in seen:
            # a signed-by naming key material inline is not a path we can reuse
            seen[uri] = AptSource(uri, signed if signed.startswith("/") else "")
    return list(seen.values())


class PrivateApt:
    """apt-get with every state directory redirected into `home`."""

    def __init__(self, home: Path, suite: str, sources: list[AptSource]) -> None:
        if not sources:
            raise OrbitalError(f"no Debian archive serving suite '{suite}' in "
                               f"{SYSTEM_SOURCES}/sources.list(.d): cannot fetch source packages")
        self.home = home
        self.suite = suite
        self.sources = sources
        self._updated = False

    def options(self) -> list[str]:
        h = self.home
        return [
            "-o", f"Dir::Etc::SourceList={h / 'sources.list'}",
            "-o", f"Dir::Etc::SourceParts={h / 'sources.list.d'}",
            "-o", f"Dir::State::Lists={h / 'lists'}",
            "-o", f"Dir::State::status={h / 'status'}",
            "-o", f"Dir::Cache={h / 'cache'}",
            "-o", "Debug::NoLocking=1",
            "-o", "APT::Sandbox::User=root",
            "-q",
        ]

    def _write_config(self) -> None:
        for d in ("sources.list.d", "lists/partial", "cache/archives/partial"):
            (self.home / d).mkdir(parents=True, exist_ok=True)
        (self.home / "sources.list").write_text("")
        (self.home / "status").touch()
        stanzas = []
        for s in self.sources:
            stanza = (f"Types: deb-src\nURIs: {s.uri}\nSuites: {self.suite}\n"
                      "Components: main\n")
            if s.signed_by:
                stanza += f"Signed-By: {s.signed_by}\n"
            stanzas.append(stanza)
        (self.home / "sources.list.d" / "orbital.sources").write_text("\n".join(stanzas))

    def _run(self, args: list[str], cwd: Path | None = None) -> None:
        cmd = ["apt-get", *self.options(), *args]
        try:
            proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False,
                                  timeout=600)
        except FileNotFoundError:
            raise OrbitalError("apt-get not found: Debian source packages need apt") from None
        except subprocess.TimeoutExpired:
            raise OrbitalError(f"apt-get {args[0]} took longer than 600 s") from None
        if proc.returncode != 0:
            errs = [ln for ln in proc.stderr.splitlines() if ln.startswith("E:")]
            why = errs[-1] if errs else (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise OrbitalError(f"apt-get {args[0]} failed: {why}")

    def update(self) -> None:
        if not self._updated:
            self._write_config()
            self._run(["update"])
            self._updated = True

    def download_source(self, package: str, version: str, dest: Path) -> None:
        """`apt-get source --download-only package=version` into `dest`."""
        self.update()
        self._run(["source", "--download-only", f"{package}={version}"], cwd=dest)
