"""Third-party C libraries: pinned in `services/third_party/lock.toml`, fetched from a
package registry, checked against their sha256, unpacked under `build/third_party/`."""
